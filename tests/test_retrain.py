"""Learning from staff: retrain on confirmed comments, compare, activate, re-suggest, roll back."""

from sqlalchemy import func, select

from comment_portal import suggestions
from comment_portal.extensions import db
from comment_portal.models import ModelVersion, Suggestion
from tests.factories import all_rows, create_comment

# A made-up topic the seed knows nothing about; staff keep filing it under policy 2.
NEW_TOPIC = [
    "ぽけっとふぁんどの仕組みを市民団体にも広げてください。",
    "ぽけっとふぁんどを使った寄付集めの説明会をお願いします。",
    "団体の会計でぽけっとふぁんどの扱い方が分かりません。",
    "ぽけっとふぁんどの申請書類をもっと簡単にしてほしい。",
    "ぽけっとふぁんどの相談窓口を平日夜にも開いてほしい。",
    "ぽけっとふぁんど導入の手引きを作ってください。",
]


def run(app, *args):
    result = app.test_cli_runner().invoke(args=list(args))
    assert result.exit_code == 0, result.output
    return result.output


def suggestions_for(comment) -> list[Suggestion]:
    return list(db.session.scalars(select(Suggestion).filter_by(comment_id=comment.id).order_by(Suggestion.id)))


def test_retrain_learns_confirmed_labels_and_resuggests_unreviewed(app):
    for text in NEW_TOPIC:
        create_comment(text, confirmed_policy="2")
    waiting = create_comment("ぽけっとふぁんどについて、もっと知りたいです。")
    assert suggestions.suggest(waiting) is not None
    output = run(app, "retrain")
    assert "Confirmed comments used: 6" in output
    assert "candidate retrain-" in output and "active    test-default" in output and "accuracy" in output
    active = suggestions.active_model_version()
    assert active.version.startswith("retrain-") and "Activated" in output
    history = suggestions_for(waiting)
    assert [s.model_version for s in history] == ["test-default", active.version]
    assert history[-1].policy_code == "2"
    assert active.training_counts["2"] > 6


def test_retrain_with_a_single_confirmed_comment_works(app):
    create_comment("武蔵野プレイスの会議室の予約をもっと簡単にしてください。", confirmed_policy="3")
    output = run(app, "retrain")
    assert "Confirmed comments used: 1" in output and "accuracy 1.000" in output


def test_a_worse_candidate_is_kept_inactive_unless_forced(app, monkeypatch):
    for text in NEW_TOPIC[:3]:
        create_comment(text, confirmed_policy="2")
    real = suggestions._candidate_metrics
    monkeypatch.setattr(suggestions, "_candidate_metrics", lambda *a, **k: {**real(*a, **k), "accuracy": -1.0})
    output = run(app, "retrain")
    assert "Kept test-default" in output
    assert suggestions.active_model_version().version == "test-default"
    forced = run(app, "retrain", "--force")
    assert "Activated" in forced and suggestions.active_model_version().version.startswith("retrain-")


def test_a_previous_version_can_be_reactivated(app):
    create_comment(NEW_TOPIC[0], confirmed_policy="2")
    run(app, "retrain", "--force")
    assert run(app, "models").count("retrain-") == 1
    output = run(app, "activate-model", "test-default")
    assert "test-default is active" in output
    assert [v.version for v in all_rows(ModelVersion) if v.active] == ["test-default"]


def test_activating_an_unknown_version_fails_cleanly(app):
    result = app.test_cli_runner().invoke(args=["activate-model", "nope"])
    assert result.exit_code != 0 and "no model version nope" in result.output
    assert db.session.scalar(select(func.count()).select_from(ModelVersion).where(ModelVersion.active)) == 1
