"""Two-factor sign-in pages (/auth/two-factor): the code after the password, setting it up, turning it off."""

from flask import Blueprint, current_app, flash, redirect, render_template, session, url_for
from flask_login import current_user

from ..extensions import db, limiter
from ..models import Role
from ..security import client_ip_hash
from . import sessions, signin, two_factor
from .decorators import role_required
from .forms import CodeForm
from .views import FAILED_MESSAGE, sign_in

bp = Blueprint("two_factor", __name__)
PENDING_SECRET_KEY = "_2fa_new_secret"
WRONG_CODE = "確認コードが正しくありません。認証アプリに表示されている、いまの6桁の数字を入力してください。"


def _limit() -> str:
    return current_app.config["LOGIN_RATE_LIMIT"]


@bp.route("", methods=["GET", "POST"])
@limiter.limit(_limit, methods=["POST"])
def verify():
    pending = sessions.awaiting_second_step()
    if pending is None:
        flash("ログインの手続きをやり直してください。", "info")
        return redirect(url_for("auth.login"))
    user, next_url = pending
    form = CodeForm()
    if form.validate_on_submit():
        source = client_ip_hash()
        if signin.is_locked(user, source):  # neither counted nor checked: the lock does not grow
            flash(FAILED_MESSAGE, "error")
            return render_template("auth/two_factor_verify.html", form=form), 401
        if two_factor.verify(user, form.code.data):
            signin.second_step_passed(user, source)
            db.session.commit()
            return sign_in(user, next_url)
        signin.second_step_failed(user, source)
        flash(FAILED_MESSAGE if signin.is_locked(user, source) else WRONG_CODE, "error")
        return render_template("auth/two_factor_verify.html", form=form), 401
    return render_template("auth/two_factor_verify.html", form=form), 422 if form.errors else 200


@bp.route("/setup", methods=["GET", "POST"])
@role_required(*Role)
def setup():
    user = current_user._get_current_object()
    if user.totp_secret:  # replacing it would let a stolen session take the account over: turn it off first
        flash("2段階認証は設定済みです。設定し直す場合は、先に確認コードを入力して解除してください。", "info")
        return redirect(url_for("auth.account"), code=303)
    form = CodeForm()
    secret = session.get(PENDING_SECRET_KEY)
    if form.validate_on_submit() and secret:
        if two_factor.enable(user, secret, form.code.data):
            session.pop(PENDING_SECRET_KEY, None)
            db.session.commit()
            sessions.keep_after_version_change(user)  # this session goes on; every other one ended
            flash("2段階認証を設定しました。次回から、パスワードの後に確認コードを入力します。", "success")
            return redirect(url_for("auth.account"), code=303)
        form.code.errors = [*form.code.errors, WRONG_CODE]
    if not secret:
        secret = session[PENDING_SECRET_KEY] = two_factor.new_secret()
    uri = two_factor.provisioning_uri(user, secret)
    return render_template("auth/two_factor_setup.html", form=form, secret=secret, qr=two_factor.qr_svg(uri),
                           required=_required(user)), 422 if form.errors else 200


@bp.post("/disable")
@role_required(*Role)
@limiter.limit(_limit)
def disable():
    user = current_user._get_current_object()
    form = CodeForm()
    source = client_ip_hash()
    if _required(user):
        flash("管理者は本番環境で2段階認証を外せません。", "error")
    elif not form.validate_on_submit() or signin.is_locked(user, source):
        flash(WRONG_CODE, "error")
    elif two_factor.verify(user, form.code.data):
        two_factor.disable(user, user)
        db.session.commit()
        sessions.keep_after_version_change(user)
        flash("2段階認証を解除しました。", "success")
    else:
        signin.second_step_failed(user, source)
        flash(WRONG_CODE, "error")
    return redirect(url_for("auth.account"), code=303)


def _required(user) -> bool:
    return current_app.config["ENV"] == "production" and user.role is Role.ADMIN
