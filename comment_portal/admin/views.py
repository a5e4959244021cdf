"""Admin: model versions and retraining from the UI (/admin).

Training runs inside the request (seconds for thousands of confirmed opinions); a job queue can take
it over if consultations grow past that.
"""

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_login import current_user

from classifier import ModelLoadError

from .. import suggestions
from ..audit import record
from ..auth.decorators import ADMIN_ROLES, role_required
from ..extensions import db
from ..models import ModelVersion
from . import models as display

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
