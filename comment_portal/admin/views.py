"""Admin: model versions and retraining, and accounts (/admin).

Training runs inside the request (seconds for thousands of confirmed opinions); a job queue can take
it over if consultations grow past that.
"""

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_login import current_user

from classifier import ModelLoadError

from .. import suggestions
from ..audit import record
from ..auth import accounts, two_factor
from ..auth.decorators import ADMIN_ROLES, role_required
from ..extensions import db
from ..models import ModelVersion, Role, User
from . import models as display
from .forms import AccountForm, ActionForm, PasswordResetForm, RoleForm

bp = Blueprint("admin", __name__)


@bp.context_processor
def _helpers() -> dict:
    return {"model_display": display}


@bp.get("/models")
@role_required(*ADMIN_ROLES)
def models():
    return render_template("admin/models.html", versions=list(reversed(suggestions.all_versions())),
                           active=suggestions.active_model_version(),
                           confirmed=display.confirmed_count())


@bp.post("/models/train")
@role_required(*ADMIN_ROLES)
def train():
    if not display.confirmed_count():
        flash("確認済みの意見がまだないため、新しいモデルを学習できません。意見を確認してから実行してください。",
              "error")
        return redirect(url_for(".models"), code=303)
    result = suggestions.train_candidate()
    record(current_user, "model.train", result.version, None,
           {"version": result.version.version, "confirmed": result.confirmed, "active": result.active_version})
    db.session.commit()
    flash(f"新しいモデル {result.version.version} を学習しました（確認済みの意見{result.confirmed:,}件を使用）。"
          "まだ使われていません。数値を比べてから決めてください。")
    return redirect(url_for(".candidate", version_id=result.version.id), code=303)


@bp.get("/models/<int:version_id>")
@role_required(*ADMIN_ROLES)
def candidate(version_id: int):
    version = db.get_or_404(ModelVersion, version_id)
    return render_template("admin/candidate.html", version=version, active=suggestions.active_model_version(),
                           rows=display.comparison(version))


@bp.post("/models/<int:version_id>/activate")
@role_required(*ADMIN_ROLES)
def activate(version_id: int):
    version = db.get_or_404(ModelVersion, version_id)
    before = suggestions.active_model_version()
    before_name = before.version if before else None
    try:
        row, resuggested = suggestions.use_version(version.version)
    except (LookupError, ModelLoadError, OSError):  # files gone or unloadable: nothing changes
        db.session.rollback()
        flash(f"モデル {version.version} を読み込めなかったため、切り替えませんでした。", "error")
        return redirect(url_for(".models"), code=303)
    record(current_user, "model.activate", row, {"active": before_name},
           {"active": row.version, "resuggested": resuggested})
    db.session.commit()
    flash(f"モデル {row.version} を使うようにしました。未確認の意見{resuggested:,}件の提案を出し直しました"
          "（受付時の提案は残っています）。")
    return redirect(url_for(".models"), code=303)


@bp.post("/models/<int:version_id>/dismiss")
@role_required(*ADMIN_ROLES)
def dismiss(version_id: int):
    version = db.get_or_404(ModelVersion, version_id)
    record(current_user, "model.dismiss", version, None, {"version": version.version})
    db.session.commit()
    flash(f"モデル {version.version} は使わないことにしました。一覧には残るので、あとから使うこともできます。")
    return redirect(url_for(".models"), code=303)


# --- Accounts ----------------------------------------------------------------------------------


@bp.get("/users")
@role_required(*ADMIN_ROLES)
def users():
    return render_template("admin/users.html", accounts=accounts.all_accounts(), form=AccountForm(formdata=None),
                           role_labels=accounts.ROLE_LABELS)


@bp.post("/users")
@role_required(*ADMIN_ROLES)
def create_user():
    form = AccountForm()
    if form.validate_on_submit():
        try:
            user = accounts.create_account(current_user, form.login.data, Role(form.role.data), form.password.data)
        except accounts.AccountError as error:
            db.session.rollback()
            form.login.errors = [*form.login.errors, str(error)]
        else:
            db.session.commit()
            flash(f"アカウント「{user.login}」（{accounts.ROLE_LABELS[user.role]}）を作りました。"
                  "パスワードは本人に安全な方法で伝えてください。", "success")
            return redirect(url_for(".users"), code=303)
    return render_template("admin/users.html", accounts=accounts.all_accounts(), form=form,
                           role_labels=accounts.ROLE_LABELS), 422


def _account_page(user: User, status: int = 200, **forms):
    forms.setdefault("role_form", RoleForm(formdata=None, role=user.role.value))
    forms.setdefault("password_form", PasswordResetForm(formdata=None))
    locked = accounts.is_locked_out(user)
    return render_template("admin/user.html", account=user, locked=locked, action_form=ActionForm(formdata=None),
                           role_labels=accounts.ROLE_LABELS, **forms), status


@bp.get("/users/<int:user_id>")
@role_required(*ADMIN_ROLES)
def user(user_id: int):
    return _account_page(db.get_or_404(User, user_id))


@bp.post("/users/<int:user_id>/<action>")
@role_required(*ADMIN_ROLES)
def change_user(user_id: int, action: str):
    user = db.get_or_404(User, user_id)
    forms = {"role": RoleForm, "password": PasswordResetForm}
    form = forms.get(action, ActionForm)()
    if action not in ("role", "password", "deactivate", "activate", "unlock", "two_factor_off"):
        abort(404)
    if not form.validate_on_submit():
        return _account_page(user, 422, **({f"{action}_form": form} if action in forms else {}))
    try:
        message = _apply(user, action, form)
    except accounts.AccountError as error:
        db.session.rollback()
        flash(str(error), "error")
        return redirect(url_for(".user", user_id=user.id), code=303)
    db.session.commit()
    flash(message, "success")
    return redirect(url_for(".user", user_id=user.id), code=303)


def _apply(user: User, action: str, form) -> str:
    if action == "role":
        accounts.change_role(current_user, user, Role(form.role.data))
        return f"役割を「{accounts.ROLE_LABELS[user.role]}」にしました。開いていた画面は、ログインし直しが必要です。"
    if action == "password":
        accounts.reset_password(current_user, user, form.password.data)
        return "パスワードを変えました。このアカウントのログイン中の画面はすべて終了しました。"
    if action in ("deactivate", "activate"):
        accounts.set_active(current_user, user, action == "activate")
        if action == "activate":
            return "アカウントを有効にしました。"
        return "アカウントを無効にしました。このアカウントではログインできなくなります。"
    if action == "two_factor_off":
        two_factor.disable(current_user, user)
        return "2段階認証を解除しました。本人に、ログイン後にもう一度設定するよう伝えてください。"
    removed = accounts.unlock(current_user, user)
    return "ログインの一時停止を解除しました。" if removed else "一時停止はかかっていませんでした。"
