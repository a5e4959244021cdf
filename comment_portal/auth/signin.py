"""Checking a sign-in: password, inactive accounts, and lock-out after repeated failures, without an oracle.

Every attempt costs exactly one password-hash check and gets one of two answers (signed in, or the
same failure message), whether the login exists, the account is inactive or locked, or the password
is right during a lock: neither the answer nor its timing tells a guesser anything. Failures are
counted per account and client address (models.LoginLock): a guesser locks out their own address
for LOGIN_LOCKOUT_MINUTES, attempts during the lock neither count nor extend it, and the account's
owner signing in from elsewhere is never locked out.
"""

from __future__ import annotations

import secrets
from datetime import timedelta

from flask import current_app
from sqlalchemy import delete, select
from werkzeug.security import check_password_hash, generate_password_hash

from ..audit import record
from ..extensions import db
from ..models import LoginLock, User, utcnow

# Checked when there is no usable hash, so that every attempt costs the same (same method as real ones).
_DUMMY_HASH = generate_password_hash(secrets.token_hex(16))


def authenticate(login: str, password: str, source: str | None) -> User | None:
    """The user when the password is right and the account usable from this address; counts failures. Commits."""
    user = db.session.scalar(select(User).filter_by(login=login))
    usable = user is not None and user.is_active
    lock = _lock(user, source or "") if usable else None
    now = utcnow()
    locked = lock is not None and lock.locked_until is not None and lock.locked_until > now
    right = check_password_hash(user.password_hash if usable and not locked else _DUMMY_HASH, password)
    if not usable or locked:
        return None
    if not right:
        _count_failure(user, lock, source or "", now)
        db.session.commit()
        return None
    if lock is not None:
        db.session.delete(lock)
        db.session.commit()
    return user


def _lock(user: User, source: str) -> LoginLock | None:
    return db.session.scalar(select(LoginLock).filter_by(user_id=user.id, source=source))


def _count_failure(user: User, lock: LoginLock | None, source: str, now) -> None:
    if lock is None:
        lock = LoginLock(user_id=user.id, source=source, failures=0)
        db.session.add(lock)
    lock.failures += 1
    if lock.failures >= current_app.config["LOGIN_LOCKOUT_THRESHOLD"]:
        minutes = current_app.config["LOGIN_LOCKOUT_MINUTES"]
        lock.locked_until, lock.failures = now + timedelta(minutes=minutes), 0
        record(None, "user.locked", user, None,
               {"locked_until": lock.locked_until.isoformat(), "source": source[:12]})


def unlock(user: User) -> int:
    """Clear every lock and failure count of an account (flask unlock, a password reset); returns how many."""
    removed = db.session.execute(delete(LoginLock).where(LoginLock.user_id == user.id)).rowcount or 0
    return removed


def is_locked(user: User, source: str | None) -> bool:
    """Whether this address is locked out of the account now (the second step checks it too)."""
    lock = _lock(user, source or "")
    return lock is not None and lock.locked_until is not None and lock.locked_until > utcnow()


def second_step_failed(user: User, source: str | None) -> None:
    """A wrong one-time code counts like a wrong password: six digits must not be guessable. Commits."""
    _count_failure(user, _lock(user, source or ""), source or "", utcnow())
    db.session.commit()
