"""Checking a sign-in: password, inactive accounts, and lock-out after repeated failures, without an oracle.

Every attempt costs one password-hash check, one lock look-up and, when it fails, one counted write,
and gets one of two answers (signed in, or the same failure message), whether the login exists, the
account is inactive or locked, or the password is right during a lock: neither the answer nor its
timing tells a guesser anything. Failures are counted per login and client address
(models.LoginLock) with one atomic upsert, so parallel guesses in several workers all count. A
guesser locks out their own address for LOGIN_LOCKOUT_MINUTES; attempts during the lock neither
count nor extend it; the account's owner signing in from elsewhere is never locked out. With
two-factor sign-in the count is cleared only by a right code, not by the password alone.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import delete, select, update
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from werkzeug.security import check_password_hash, generate_password_hash

from ..audit import record
from ..extensions import db
from ..models import LoginLock, User, utcnow

# Checked when there is no usable hash, so that every attempt costs the same (same method as real ones).
_DUMMY_HASH = generate_password_hash(secrets.token_hex(16))
_locks = LoginLock.__table__


def account_key(login: str) -> str:
    """A keyed hash of a login as typed (lower-cased): what failures are counted under."""
    key = current_app.config["IP_HASH_KEY"].encode()
    return hmac.new(key, b"login:" + login.strip().lower().encode(), hashlib.sha256).hexdigest()


def authenticate(login: str, password: str, source: str | None) -> User | None:
    """The user when the password is right and the account usable from this address; counts failures. Commits."""
    key, source = account_key(login), source or ""
    user = db.session.scalar(select(User).filter_by(login=login))
    usable = user is not None and user.is_active
    locked = _locked_until(key, source, utcnow()) is not None
    right = check_password_hash(user.password_hash if usable and not locked else _DUMMY_HASH, password)
    if locked:
        return None
    if not (usable and right):
        count_failure(key, source, user)
        db.session.commit()
        return None
    if not user.totp_secret:
        clear(key, source)
        db.session.commit()
    return user


def _locked_until(key: str, source: str, now: datetime) -> datetime | None:
    until = db.session.scalar(select(_locks.c.locked_until).where(_locks.c.account == key, _locks.c.source == source))
    if until is not None and until.tzinfo is None:
        until = until.replace(tzinfo=now.tzinfo)  # SQLite hands back naive UTC
    return until if until is not None and until > now else None


def count_failure(key: str, source: str, user: User | None) -> None:
    """One more failure for this login and address, atomically; at the threshold, a lock. Not committed."""
    upsert = (postgresql_insert if db.engine.dialect.name == "postgresql" else sqlite_insert)(_locks)
    statement = upsert.values(account=key, source=source, failures=1).on_conflict_do_update(
        index_elements=["account", "source"], set_={"failures": _locks.c.failures + 1}).returning(_locks.c.failures)
    failures = db.session.execute(statement).scalar_one()
    if failures >= current_app.config["LOGIN_LOCKOUT_THRESHOLD"]:
        until = utcnow() + timedelta(minutes=current_app.config["LOGIN_LOCKOUT_MINUTES"])
        db.session.execute(update(_locks).where(_locks.c.account == key, _locks.c.source == source)
                           .values(failures=0, locked_until=until))
        record(None, "user.locked", user, None, {"locked_until": until.isoformat(), "source": source[:12]})


def clear(key: str, source: str) -> None:
    """A right sign-in from this address: its failures are forgiven. Not committed."""
    db.session.execute(delete(_locks).where(_locks.c.account == key, _locks.c.source == source))


def unlock(user: User) -> int:
    """Clear every lock and failure count of an account (flask unlock, a password reset); returns how many."""
    return db.session.execute(delete(_locks).where(_locks.c.account == account_key(user.login))).rowcount or 0


def is_locked(user: User, source: str | None) -> bool:
    """Whether this address is locked out of the account now (the second step checks it too)."""
    return _locked_until(account_key(user.login), source or "", utcnow()) is not None


def second_step_failed(user: User, source: str | None) -> None:
    """A wrong one-time code counts like a wrong password: six digits must not be guessable. Commits."""
    count_failure(account_key(user.login), source or "", user)
    db.session.commit()


def second_step_passed(user: User, source: str | None) -> None:
    """The right code: the sign-in is complete and this address's failures are forgiven. Not committed."""
    clear(account_key(user.login), source or "")
