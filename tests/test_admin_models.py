"""Retraining from the UI: train a candidate, compare it with the active model, use it or not, roll back."""

from sqlalchemy import select

from comment_portal import suggestions
from comment_portal.extensions import db
from comment_portal.models import AuditEvent, ModelVersion, Role, Suggestion
from tests.factories import all_rows, create_comment
from tests.review_factories import add_comment, csrf_from, sign_in
from tests.test_retrain import NEW_TOPIC

METRICS = {"n": 12, "accuracy": 0.75, "top2_accuracy": 0.9, "macro_f1": 0.7, "confident_accuracy": 0.95,
           "coverage": 0.5}


def post(client, url: str, page: str = "/admin/models"):
    return client.post(url, data={"csrf_token": csrf_from(client, page)}, follow_redirects=True)


def stored_candidate(model_dir, name: str = "retrain-candidate") -> int:
    """An inactive version with known metrics, loadable (it reuses the test model's files)."""
    metrics = {"candidate_cv": {**METRICS, "accuracy": 0.8, "coverage": 0.4}, "active": METRICS,
               "active_version": "test-default"}
    row = suggestions.register_version(name, model_dir, {"metrics": metrics, "training_counts": {"1": 3}},
                                       activate=False)
    return row.id


def active_name() -> str:
    db.session.expire_all()
    return suggestions.active_model_version().version


def test_training_from_the_ui_keeps_the_candidate_inactive_until_chosen(client):
    for text in NEW_TOPIC:
        create_comment(text, confirmed_policy="2")
    waiting = add_comment("ぽけっとふぁんどについて、もっと知りたいです。", policy="1").id
    sign_in(client, Role.ADMIN, "kanri")
    page = post(client, "/admin/models/train")
    html = page.get_data(as_text=True)
    assert "を学習しました（確認済みの意見6件を使用）" in html and "まだ使われていません" in html
    assert "新しいモデル" in html and "今のモデル（test-default）" in html and "正解率" in html
    assert active_name() == "test-default"
    candidate = db.session.scalar(select(ModelVersion).where(ModelVersion.version.like("retrain-%")))
    assert candidate.active is False and candidate.metrics["candidate_cv"]["n"] == 6
    used = post(client, f"/admin/models/{candidate.id}/activate", f"/admin/models/{candidate.id}")
    expected = f"モデル {candidate.version} を使うようにしました。未確認の意見1件の提案を出し直しました"
    assert expected in used.get_data(as_text=True)
    assert active_name() == candidate.version
    history = list(db.session.scalars(select(Suggestion).filter_by(comment_id=waiting).order_by(Suggestion.id)))
    assert [s.model_version for s in history] == ["test-default", candidate.version]
    events = [(e.action, e.before, e.after) for e in all_rows(AuditEvent) if e.action.startswith("model.")]
    assert events[0][0] == "model.train"
    assert events[1] == ("model.activate", {"active": "test-default"},
                         {"active": candidate.version, "resuggested": 1})


def test_comparison_page_shows_both_models_metrics(client, model_dir):
    version_id = stored_candidate(model_dir)
    sign_in(client, Role.ADMIN, "kanri")
    html = client.get(f"/admin/models/{version_id}").get_data(as_text=True)
    assert "80.0%（上）" in html and "75.0%" in html and "40.0%（下）" in html and "12件" in html
    assert "このモデルを使う" in html and "使わない" in html
    listing = client.get("/admin/models").get_data(as_text=True)
    assert "retrain-candidate" in listing and "正解率 80.0%（確認済み12件で交差検証）" in listing
    assert "使用中" in listing


def test_dismissing_a_candidate_is_audited_and_changes_nothing_else(client, model_dir):
    version_id = stored_candidate(model_dir)
    sign_in(client, Role.ADMIN, "kanri")
    page = post(client, f"/admin/models/{version_id}/dismiss", f"/admin/models/{version_id}")
    assert "は使わないことにしました" in page.get_data(as_text=True)
    assert active_name() == "test-default"
    assert [e.action for e in all_rows(AuditEvent)] == ["model.dismiss"]


def test_a_previous_version_can_be_reactivated_from_the_list(client, model_dir):
    version_id = stored_candidate(model_dir)
    sign_in(client, Role.ADMIN, "kanri")
    post(client, f"/admin/models/{version_id}/activate")
    assert active_name() == "retrain-candidate"
    default_id = db.session.scalar(select(ModelVersion.id).filter_by(version="test-default"))
    page = post(client, f"/admin/models/{default_id}/activate")
    assert "モデル test-default を使うようにしました" in page.get_data(as_text=True)
    assert active_name() == "test-default"
    assert [v.version for v in all_rows(ModelVersion) if v.active] == ["test-default"]


def test_an_unloadable_version_is_refused_and_the_active_one_stays(client, tmp_path):
    broken = suggestions.register_version("broken", tmp_path / "nothing-here", {}, activate=False).id
    sign_in(client, Role.ADMIN, "kanri")
    page = post(client, f"/admin/models/{broken}/activate")
    assert "読み込めなかったため、切り替えませんでした" in page.get_data(as_text=True)
    assert active_name() == "test-default"


def test_training_needs_confirmed_opinions(client):
    sign_in(client, Role.ADMIN, "kanri")
    page = post(client, "/admin/models/train")
    assert "確認済みの意見がまだないため" in page.get_data(as_text=True)
    assert len(all_rows(ModelVersion)) == 1


def test_model_pages_are_for_admins_only(client, model_dir):
    version_id = stored_candidate(model_dir)
    sign_in(client, Role.APPROVER, "kakaricho")
    assert client.get("/admin/models").status_code == 403
    assert client.get(f"/admin/models/{version_id}").status_code == 403
