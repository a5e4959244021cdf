"""Template helpers: filters and the accessible attributes of form fields."""

import functools

from flask import Flask, current_app, session
from flask_login import current_user
from markupsafe import Markup

from .models import Role
from .timeutil import format_date, format_tokyo


def aria(field, hint: bool = False, show_errors: bool = True, extra: dict | None = None, also: str = "") -> dict:
    """Attributes that tie a field to its hint and error for screen readers."""
    ids = [f"{field.id}-hint"] if hint else []
    attrs = dict(extra or {})
    if show_errors and field.errors:
        ids.append(f"{field.id}-error")
        attrs["aria-invalid"] = "true"
    if also:
        ids.append(also)
    if ids:
        attrs["aria-describedby"] = " ".join(ids)
    return {k: v for k, v in attrs.items() if v is not None}


STAFF = {Role.ADMIN, Role.STAFF, Role.APPROVER}
# Signed-in navigation: (endpoint, label, roles that see it). Links appear once their view exists.
NAVIGATION = [
    ("review.queue", "意見の確認", STAFF),
    ("answers.paper_new", "紙・メール等の意見の登録", STAFF),
    ("answers.receipt_search", "受付番号で探す", STAFF),
    ("answers.index", "回答の作成", STAFF),
    ("answers.approvals", "回答の承認", {Role.ADMIN, Role.APPROVER}),
    ("publication.redactions", "公表前の個人情報確認", STAFF),
    ("publication.exports", "出力", STAFF),
    ("insights.dashboard", "進捗とモデルの精度", STAFF),
    ("admin.models", "分類モデル", {Role.ADMIN}),
    ("admin.users", "アカウント", {Role.ADMIN}),
    ("committee.digest", "委員会向けまとめ", STAFF | {Role.COMMITTEE}),
]


def signed_in_user():
    """The signed-in staff user, or None.

    A session without a user id (a resident's) never asks Flask-Login: its strong session
    protection would treat the resident's CSRF-only session as tampered with and re-sign the
    session cookie (and expire a remember cookie) on every page.
    """
    if "_user_id" not in session or not current_user.is_authenticated:
        return None
    return current_user


def navigation() -> list[tuple[str, str]]:
    """The links the signed-in user may follow."""
    user = signed_in_user()
    if user is None:
        return []
    views = current_app.view_functions
    return [(endpoint, label) for endpoint, label, roles in NAVIGATION if endpoint in views and user.role in roles]


def select_options(choices, selected) -> Markup:
    """The <option> tags of a select, the selected one marked; the same tags for the same
    (hashable) choices and selection are reused: escaping ~30 section labels was a sixth of the
    resident form page."""
    try:
        # A selection that is not a choice marks nothing: cache it as None, so that values a
        # client posts cannot fill the cache.
        return _cached_options(choices, selected if selected in _choice_values(choices) else None)
    except TypeError:  # a list of choices: not hashable
        return _options(choices, selected)


def _options(choices, selected) -> Markup:
    option = Markup('\n    <option {}value="{}">{}</option>')
    return Markup("").join(option.format(Markup("selected ") if value == selected else "", value, label)
                           for value, label in choices)


_cached_options = functools.lru_cache(maxsize=256)(_options)


@functools.lru_cache(maxsize=64)
def _choice_values(choices) -> frozenset:
    return frozenset(value for value, _label in choices)


def home_endpoint(role: Role) -> str:
    """Where a user lands after signing in."""
    for endpoint, _label, roles in NAVIGATION:
        if role in roles and endpoint in current_app.view_functions:
            return endpoint
    return "auth.account"


def register(app: Flask) -> None:
    app.jinja_env.filters["tokyo"] = format_tokyo
    app.jinja_env.filters["jdate"] = format_date
    app.jinja_env.filters["number"] = lambda n: f"{n:,}"
    app.jinja_env.globals["aria"] = aria
    app.jinja_env.globals["navigation"] = navigation
    app.jinja_env.globals["signed_in_user"] = signed_in_user
    app.jinja_env.globals["select_options"] = select_options
