"""PolicyClassifier: suggestions, probabilities, abstain band, robustness."""

import math

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sklearn.base import clone

from classifier import PolicyClassifier, Suggestion

LABELS = {"1", "2", "3", "4", "other"}


def _assert_valid(s: Suggestion):
    assert set(s.scores) == LABELS
    values = list(s.scores.values())
    assert all(0.0 <= v <= 1.0 and math.isfinite(v) for v in values)
    assert math.isclose(sum(values), 1.0, abs_tol=1e-6)
    assert values == sorted(values, reverse=True)
    assert s.policy == next(iter(s.scores))
    assert isinstance(s.confident, bool)
    assert len(s.terms) <= 5


def test_fitted_attributes(model):
    assert model.labels_ == ["1", "2", "3", "4", "other"]
    assert set(model.threshold_) == {"top", "margin"}
    assert model.metadata["version"] == "test-model"


def test_clear_comments_are_classified(model):
    texts = ["コミセンの会議室の予約手続きを簡単にして、オンラインで予約できるようにしてほしい。",
             "補助金の申請書類が複雑で、小さな団体には負担が大きいです。"]
    suggestions = model.suggest(texts)
    assert [s.policy for s in suggestions] == ["3", "2"]
    for s in suggestions:
        _assert_valid(s)


def test_terms_appear_in_the_text(model):
    text = "ＮＰＯと企業が協働できるよう、ネットワークづくりを市が後押ししてほしい。"
    (s,) = model.suggest([text])
    assert s.terms
    assert all(term in text for term in s.terms)


def test_section_is_used_when_text_says_little(model):
    (s,) = model.suggest(["よろしくお願いします。"], ["第4章 施策の内容 基本施策3 市民活動の基盤の整備"])
    assert s.policy == "3"


def test_empty_text_is_never_confident(model):
    for s in model.suggest(["", "   ", "😀😀"], [None, "第4章 基本施策1 1-2", None]):
        _assert_valid(s)
        assert not s.confident
        assert s.terms == []


@pytest.mark.parametrize("text", [
    "", "。。。！！！？？？", "😀🙏🎉" * 20, "ａｂｃ１２３ＡＢＣｱｲｳｴｵ", "x" * 50_000,
    "市民活動" * 12_500, "Ünïcödé Ελληνικά русский 한국어 中文", "\x00\t\n\r\u200b\ufeff",
])
def test_robust_inputs_never_raise(model, text):
    (s,) = model.suggest([text])
    _assert_valid(s)


def test_empty_batch(model):
    assert model.suggest([]) == []


def test_sections_length_must_match(model):
    with pytest.raises(ValueError):
        model.suggest(["a", "b"], ["第4章"])


def test_predict_proba_matches_suggest(model):
    texts = ["会議室のWi-Fiを整備してほしい", "計画の目標の表現が分かりにくい"]
    proba = model.predict_proba(texts)
    assert proba.shape == (2, 5)
    assert list(model.predict(texts)) == [s.policy for s in model.suggest(texts)]


def test_sklearn_conventions():
    estimator = PolicyClassifier(C=3.0, cv=0)
    assert clone(estimator).get_params()["C"] == 3.0


def test_small_fit_without_documents_uses_default_threshold():
    texts = ["会議室が足りない", "補助金を増やして", "会議室を予約したい", "助成金の情報がほしい"]
    model = PolicyClassifier().fit(texts, ["3", "2", "3", "2"])
    assert model.threshold_ == {"top": 0.5, "margin": 0.2}
    (s,) = model.suggest(["会議室"])
    assert set(s.scores) == {"2", "3"}


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(text=st.text(max_size=300), section=st.one_of(st.none(), st.text(max_size=40)))
def test_probabilities_are_valid_for_any_input(model, text, section):
    (s,) = model.suggest([text], [section])
    _assert_valid(s)
