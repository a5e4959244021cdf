"""Accounts managed by an admin: create, change role, deactivate or reactivate, reset password, unlock.

Every change is audited and ends the account's sessions where it changes what they may do. An admin
cannot demote or deactivate their own account (there must stay someone who can undo it). Nothing here commits.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from ..audit import record
from ..extensions import db
from ..models import LoginLock, Role, User, utcnow
from . import signin
from .passwords import password_problem

# In the order offered when creating an account: the least powerful first.
ROLE_LABELS = {Role.COMMITTEE: "策定委員", Role.STAFF: "職員", Role.APPROVER: "承認者（職員）", Role.ADMIN: "管理者"}
LOGIN_CHARS = set("abcdefghijklmnopqrstuvwxyz0123456789._-")


class AccountError(ValueError):
    """A change that cannot be made; the message is Japanese, for the admin who tried."""


@dataclass(frozen=True)
class AccountRow:
    user: User
    locked: bool


def snapshot(user: User) -> dict:
    return {"login": user.login, "role": user.role.value, "active": user.active}


def all_accounts() -> list[AccountRow]:
    """Every account by login, with whether some address is locked out of it now."""
    now = utcnow()
    locked = set(db.session.scalars(select(LoginLock.account).where(LoginLock.locked_until > now)))
    return [AccountRow(u, signin.account_key(u.login) in locked)
            for u in db.session.scalars(select(User).order_by(User.login))]


def is_locked_out(user: User) -> bool:
    """Whether some address is locked out of the account now."""
    return db.session.scalar(select(LoginLock.id).where(
        LoginLock.account == signin.account_key(user.login), LoginLock.locked_until > utcnow()).limit(1)) is not None


def create_account(admin: User, login: str, role: Role, password: str) -> User:
    login = login.strip().lower()
    if not login or not set(login) <= LOGIN_CHARS or len(login) > 80:
        raise AccountError("ログインIDは半角の英小文字・数字・「.」「_」「-」で、80文字以内にしてください。")
    if db.session.scalar(select(User.id).filter_by(login=login)) is not None:
        raise AccountError(f"ログインID「{login}」は既に使われています。")
    _check_password(password, login)
    user = User(login=login, role=role, active=True)
    user.set_password(password)
    db.session.add(user)
    db.session.flush()
    record(admin, "user.create", user, None, snapshot(user))
    return user


def change_role(admin: User, user: User, role: Role) -> None:
    if user.id == admin.id and role is not Role.ADMIN:
        raise AccountError("自分のアカウントの管理者権限は外せません。ほかの管理者に依頼してください。")
    if user.role is role:
        return
    before = snapshot(user)
    user.role = role
    user.end_sessions()  # the old role's pages must not stay open
    record(admin, "user.role", user, before, snapshot(user))


def set_active(admin: User, user: User, active: bool) -> None:
    if user.id == admin.id and not active:
        raise AccountError("自分のアカウントは無効にできません。ほかの管理者に依頼してください。")
    if user.active is active:
        return
    before = snapshot(user)
    user.active = active
    user.end_sessions()
    record(admin, "user.activate" if active else "user.deactivate", user, before, snapshot(user))


def reset_password(admin: User, user: User, password: str) -> None:
    _check_password(password, user.login)
    user.set_password(password)  # also ends the account's sessions
    locks = signin.unlock(user)
    record(admin, "user.password_reset", user, None, {"locks_cleared": locks})


def unlock(admin: User, user: User) -> int:
    removed = signin.unlock(user)
    record(admin, "user.unlock", user, None, {"locks_cleared": removed})
    return removed


def _check_password(password: str, login: str) -> None:
    problem = password_problem(password, login)
    if problem:
        raise AccountError(problem)
