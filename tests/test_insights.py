"""The dashboard: progress per policy and agreement with the model's first suggestion, on known data."""

import pytest

from comment_portal.consultations import current_consultation
from comment_portal.extensions import db
from comment_portal.insights import stats
from comment_portal.models import CommentStatus, Role, Suggestion
from tests.review_factories import add_comment, sign_in


def confirmed(suggested: str, staff: str, confident: bool = True, version: str = "test-default"):
    comment = add_comment(f"{suggested}→{staff}", policy=suggested, confident=confident,
                          status=CommentStatus.CONFIRMED, confirmed=staff)
    comment.suggestions[0].model_version = version
    db.session.commit()
    return comment


@pytest.fixture
def known(app):
    """Four confirmed opinions (model 1,1,2,2 vs staff 1,1,2,1), two unreviewed, one excluded."""
    confirmed("1", "1")
    confirmed("1", "1", confident=False)
    confirmed("2", "2", version="retrain-1")
    late = confirmed("2", "1", confident=False, version="retrain-1")
    # A later re-suggestion that happens to match must not count: agreement is with the first one.
    late.suggestions.append(Suggestion(model_version="retrain-2", policy_code="1", probability=0.9,
                                       scores={"1": 0.9}, confident=True, terms=[]))
    db.session.commit()
    add_comment("未確認1", policy="3")
    add_comment("未確認2", policy=None)
    add_comment("対象外", policy="3", status=CommentStatus.EXCLUDED)


def test_agreement_and_kappa_on_known_labels():
    result = stats.agreement(["1", "1", "2", "2"], ["1", "1", "2", "1"])
    assert (result.n, result.agreed, result.rate) == (4, 3, 0.75)
    assert result.kappa == pytest.approx(0.5)  # po 0.75, pe 0.5
    assert stats.agreement([], []).kappa is None and stats.agreement([], []).rate is None
    assert stats.agreement(["1", "1"], ["1", "1"]).kappa is None  # one label only: undefined


def test_dashboard_numbers(known):
    result = stats.dashboard(current_consultation())
    assert result.totals == stats.Totals(comments=7, confirmed=4, excluded=1, unreviewed=2)
    progress = {p.code: (p.reviewed, p.total) for p in result.progress}
    assert progress == {"1": (3, 3), "2": (1, 1), "3": (0, 1), "4": (0, 0), "other": (0, 0), "": (0, 1)}
    assert (result.overall.n, result.overall.agreed) == (4, 3)
    assert result.overall.kappa == pytest.approx(0.5)
    assert {k: (a.n, a.agreed) for k, a in result.by_confirmed.items()} == {"1": (3, 2), "2": (1, 1)}
    assert {k: (a.n, a.agreed) for k, a in result.by_suggested.items()} == {"1": (2, 2), "2": (2, 1)}
    assert {k: (a.n, a.agreed) for k, a in result.by_version.items()} == {"retrain-1": (2, 1),
                                                                         "test-default": (2, 2)}
    assert result.by_version["retrain-1"].kappa == pytest.approx(0.0)
    assert {k: (a.n, a.agreed) for k, a in result.by_confidence.items()} == {True: (2, 2), False: (2, 1)}


def test_dashboard_page_shows_the_numbers(client, known):
    sign_in(client)
    html = client.get("/review/dashboard").get_data(as_text=True)
    assert "進捗とモデルの精度" in html
    assert "3 / 3" in html and "0 / 1" in html and "未分類" in html
    assert "75%" in html and "0.50" in html
    assert "「要確認」の提案の一致率" in html and "50%" in html
    assert "<code>retrain-1</code>" in html and "retrain-2" not in html


def test_dashboard_without_confirmed_opinions(client):
    add_comment("未確認", policy="1")
    sign_in(client)
    html = client.get("/review/dashboard").get_data(as_text=True)
    assert "まだ確認済みの意見がないため、計算できません。" in html and "0 / 1" in html


def test_dashboard_is_staff_only(client):
    sign_in(client, Role.COMMITTEE, "iin")
    assert client.get("/review/dashboard").status_code == 403
