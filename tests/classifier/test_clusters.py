"""Sub-themes: clusters of similar opinions, campaigns collapsed but counted, edge cases."""

import random

import numpy as np

from bench.synthetic import TEMPLATES, campaign_copy
from classifier.clusters import cluster_opinions, default_n_clusters

PLACES = ["コミセンの会議室予約をネットでできるようにしてほしい。", "会議室予約の抽選の仕組みが分かりにくいです。",
          "会議室予約が3か月前からでは遅すぎます。", "会議室予約の窓口の受付時間を延ばしてほしい。",
          "会議室予約のキャンセル待ちができるようにしてください。", "会議室予約で新しい団体が不利にならないように。"]
MONEY = ["補助金の申請書類を減らしてください。", "補助金の対象を小さな団体にも広げてほしい。",
         "補助金の交付が遅く、立て替えが大変です。", "補助金の説明会を夜にも開いてください。",
         "補助金の報告書の様式を簡単にしてほしい。", "補助金の情報をメールで知らせてほしい。"]


def test_two_themes_are_separated_with_phrases_and_examples():
    texts = PLACES + MONEY
    result = cluster_opinions(texts, n_clusters=2)
    assert len(set(result.labels[:6])) == 1 and len(set(result.labels[6:])) == 1
    assert result.labels[0] != result.labels[6]
    by_label = {c.label: c for c in result.clusters}
    places = by_label[result.labels[0]]
    assert places.phrases[0].phrase == "会議室予約"
    assert places.size == 6 and places.n_distinct == 6
    assert len(places.examples) == 3 and all(e < 6 for e in places.examples)


def test_campaign_is_collapsed_but_counted():
    rng = random.Random(1)
    copies = [campaign_copy(TEMPLATES[1], rng) for _ in range(40)]
    texts = PLACES + MONEY + copies
    result = cluster_opinions(texts)
    campaign_clusters = {result.labels[i] for i in range(12, 52)}
    assert len(campaign_clusters) == 1
    cluster = result.clusters[campaign_clusters.pop()]
    assert cluster.size >= 40
    assert cluster.n_distinct < 10  # the 40 copies count as one distinct opinion
    assert sum(c.size for c in result.clusters) == len(texts)
    # Examples are distinct opinions: at most one copy of the campaign among them.
    assert sum(e >= 12 for e in cluster.examples) <= 1


def test_number_of_clusters_grows_with_size_and_is_capped():
    assert default_n_clusters(1) == 1
    assert default_n_clusters(50) == 5
    assert default_n_clusters(100_000) == 12


def test_edge_cases_do_not_raise():
    for texts in ([], [""], ["😀"], ["a" * 50_000], ["同じ意見です。"] * 5, ["", "", "短い"], PLACES[:2]):
        result = cluster_opinions(texts)
        assert len(result.labels) == len(texts)
        assert sum(c.size for c in result.clusters) == len(texts)


def test_deterministic():
    texts = PLACES + MONEY
    a, b = cluster_opinions(texts), cluster_opinions(list(texts))
    assert np.array_equal(a.labels, b.labels)
    assert [c.phrases for c in a.clusters] == [c.phrases for c in b.clusters]
    assert [c.examples for c in a.clusters] == [c.examples for c in b.clusters]
