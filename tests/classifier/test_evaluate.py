"""Metrics, near-duplicate grouping, fold construction, training data assembly."""

import numpy as np

from classifier import DEFAULT_CONSULTATION_DIR
from classifier.data import Example, merge_examples, training_examples
from classifier.evaluate import metrics
from classifier.groups import group_folds, near_duplicate_groups
from classifier.model import Suggestion


def _s(*ranked):
    scores = {label: 1.0 / (i + 2) for i, label in enumerate(ranked)}
    return Suggestion(ranked[0], scores, True, [])


def test_metrics_top2_counts_also():
    suggestions = [_s("1", "2", "3"), _s("2", "3", "1"), _s("3", "1", "2"), _s("3", "1", "2")]
    m = metrics(["1", "3", "2", "2"], suggestions, [[], [], ["1"], []])
    assert m["accuracy"] == 1 / 4
    # 2nd: the label is second; 3rd: the second ("1") is in also; 4th: miss
    assert m["top2_accuracy"] == 3 / 4
    assert m["confusion"][0] == [1, 0, 0]
    assert m["coverage"] == 1.0


def test_near_duplicates_share_a_group():
    base = "市民活動の場を確保し、予約をオンライン化し、倉庫を設けてください。"
    texts = [base, "こんにちは。" + base + "よろしく。", "補助金の見直しが削減にならないように。", "全く別の話題です。"]
    groups = near_duplicate_groups(texts)
    assert groups[0] == groups[1]
    assert len(set(groups)) == 3


def test_group_folds_keep_groups_together():
    labels = ["1", "2"] * 10
    groups = np.repeat(np.arange(10), 2)
    for train, test in group_folds(labels, groups, 5):
        assert not set(groups[train]) & set(groups[test])


def test_extra_examples_replace_seed_with_same_text():
    base = [Example("同じ文", "1"), Example("別の文", "2"), Example("同じ文", "other", document=True)]
    merged = merge_examples(base, [{"text": "同じ文", "label": "3"}])
    assert [(e.text, e.label) for e in merged if not e.document] == [("別の文", "2"), ("同じ文", "3")]
    assert any(e.document for e in merged)


def test_training_examples_cover_all_labels():
    examples = training_examples(DEFAULT_CONSULTATION_DIR)
    assert {e.label for e in examples if e.document} == {"1", "2", "3", "4", "other"}
    assert any(e.section for e in examples)
