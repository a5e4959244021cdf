"""Signed-in sessions that can be ended: a per-user version and an absolute lifetime, checked on every request.

The session cookie is signed, not stored: without these checks a copied cookie would keep working after
logout or a password reset, and a cookie in use would never expire (the idle timeout is refreshed on
each request). Now a session holds the account's session version and the time it signed in; it stops
working when the version moves on (logout, a new password or role, deactivation) or after
SESSION_ABSOLUTE_LIFETIME, whichever comes first.
"""

from __future__ import annotations

import time

from flask import current_app, session

from ..extensions import db
from ..models import User

VERSION_KEY = "_sv"
SIGNED_IN_AT_KEY = "_at"


def start(user: User) -> None:
    """Mark the (fresh) session as belonging to this version of the account."""
    session[VERSION_KEY] = user.session_version
    session[SIGNED_IN_AT_KEY] = int(time.time())


def keep_after_version_change(user: User) -> None:
    """This session survives a change it made itself (two-factor on or off); its sign-in time stays."""
    session[VERSION_KEY] = user.session_version


def user_of_session(user_id: str) -> User | None:
    """The signed-in user, if the session is still valid for that account."""
    user = db.session.get(User, int(user_id)) if user_id.isdigit() else None
    if user is None or not user.is_active or session.get(VERSION_KEY) != user.session_version:
        return None
    signed_in_at = session.get(SIGNED_IN_AT_KEY)
    lifetime = current_app.config["SESSION_ABSOLUTE_LIFETIME"].total_seconds()
    if not isinstance(signed_in_at, int) or time.time() - signed_in_at > lifetime:
        return None
    return user


def end_everywhere(user: User) -> None:
    """End every session of the account (this one and copies of its cookie). Not committed."""
    user.end_sessions()


SECOND_STEP_KEY = "_2fa"
SECOND_STEP_SECONDS = 300


def await_second_step(user: User, next_url: str | None) -> None:
    """The password was right; the one-time code is still to come (within SECOND_STEP_SECONDS)."""
    session[SECOND_STEP_KEY] = {"user": user.id, "at": int(time.time()), "sv": user.session_version,
                                "next": next_url}


def awaiting_second_step() -> tuple[User, str | None] | None:
    """The user who gave the right password in this session and still owes a code, and where they go next."""
    pending = session.get(SECOND_STEP_KEY)
    if not isinstance(pending, dict) or time.time() - pending.get("at", 0) > SECOND_STEP_SECONDS:
        return None
    user = db.session.get(User, pending.get("user")) if isinstance(pending.get("user"), int) else None
    if user is None or not user.is_active or user.session_version != pending.get("sv"):
        return None
    return user, pending.get("next")
