"""Staff, approver, admin and committee sign-in."""

from urllib.parse import urlsplit

from flask import Blueprint, current_app, flash, redirect, render_template, request, session, url_for
from flask_login import current_user, login_user, logout_user

from ..extensions import db, limiter, login_manager
from ..models import Role, User
from ..security import client_ip_hash, has_control_characters
from ..templating import home_endpoint
from . import sessions
from .decorators import role_required
from .forms import LoginForm
from .signin import authenticate

bp = Blueprint("auth", __name__)

login_manager.login_view = "auth.login"
login_manager.login_message = "このページを見るにはログインしてください。"
login_manager.login_message_category = "info"
login_manager.session_protection = "strong"


@login_manager.user_loader
def load_user(user_id: str) -> User | None:
    return sessions.user_of_session(user_id)


FAILED_MESSAGE = (
    "ログインIDまたはパスワードが正しくありません。続けて間違えると、しばらくログインできなくなります。"
    "パスワードが分からないときは、システム管理者に再設定を依頼してください。"
)


def _login_limit() -> str:
    return current_app.config["LOGIN_RATE_LIMIT"]


def safe_next(target: str | None) -> str | None:
    """Only same-site paths: no open redirect through ?next=."""
    if not target or target.startswith(("//", "\\")) or "\\" in target or has_control_characters(target):
        return None
    parts = urlsplit(target)
    return target if not parts.scheme and not parts.netloc and target.startswith("/") else None


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(_login_limit, methods=["POST"])
def login():
    form = LoginForm()
    if form.validate_on_submit():
        user = authenticate(form.login.data, form.password.data, client_ip_hash())
        if user is not None and user.totp_secret:
            session.clear()
            sessions.await_second_step(user, safe_next(request.args.get("next")))
            return redirect(url_for("two_factor.verify"))
        if user is not None:
            return sign_in(user, safe_next(request.args.get("next")))
        # The one failure answer, whatever went wrong (lock included): it must not confirm a guess.
        flash(FAILED_MESSAGE, "error")
        return render_template("auth/login.html", form=form), 401
    status = 422 if form.errors else 200
    return render_template("auth/login.html", form=form), status


def sign_in(user: User, next_url: str | None):
    """Start the user's session (fresh: no fixation) and go on to where they were going."""
    session.clear()
    login_user(user)
    sessions.start(user)
    session.permanent = True
    return redirect(next_url or url_for(home_endpoint(user.role)))


@bp.post("/logout")
def logout():
    if current_user.is_authenticated:
        sessions.end_everywhere(current_user._get_current_object())
        db.session.commit()
    logout_user()
    session.clear()
    flash("ログアウトしました。", "info")
    return redirect(url_for("auth.login"))


@bp.get("/account")
@role_required(*Role)
def account():
    required = current_app.config["ENV"] == "production" and current_user.role is Role.ADMIN
    return render_template("auth/account.html", user=current_user, two_factor_required=required)
