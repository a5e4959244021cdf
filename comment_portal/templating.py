"""Template helpers: filters and the accessible attributes of form fields."""

from flask import Flask, current_app
from flask_login import current_user

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
    ("committee.digest", "委員会向けまとめ", STAFF | {Role.COMMITTEE}),
]


def navigation() -> list[tuple[str, str]]:
    """The links the signed-in user may follow."""
    if not current_user.is_authenticated:
        return []
    views = current_app.view_functions
    return [(endpoint, label) for endpoint, label, roles in NAVIGATION
            if endpoint in views and current_user.role in roles]


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
