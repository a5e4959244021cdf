"""Checking a sign-in: password, inactive accounts, and lock-out after repeated failures."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from flask import current_app
from sqlalchemy import select

from ..audit import record
from ..extensions import db
from ..models import User, utcnow


@dataclass(frozen=True)
class SignIn:
    user: User | None
    locked: bool = False


def authenticate(login: str, password: str) -> SignIn:
    """The user when the password is right and the account usable; counts failures. Commits."""
    user = db.session.scalar(select(User).filter_by(login=login))
    if user is None or not user.is_active:
        return SignIn(None)
    now = utcnow()
    if user.locked_until and user.locked_until > now:
        # Only someone who knows the password learns that the account is locked.
        return SignIn(None, locked=user.check_password(password))
    if not user.check_password(password):
        _count_failure(user, now)
        db.session.commit()
        return SignIn(None)
    user.failed_logins, user.locked_until = 0, None
    db.session.commit()
    return SignIn(user)


def _count_failure(user: User, now) -> None:
    user.failed_logins += 1
    if user.failed_logins >= current_app.config["LOGIN_LOCKOUT_THRESHOLD"]:
        minutes = current_app.config["LOGIN_LOCKOUT_MINUTES"]
        user.locked_until, user.failed_logins = now + timedelta(minutes=minutes), 0
        record(None, "user.locked", user, None, {"locked_until": user.locked_until.isoformat()})
