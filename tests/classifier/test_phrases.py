"""Key phrases by class-based TF-IDF; texts behind a phrase."""

from classifier.phrases import DOMAIN_STOPWORDS, Phrase, key_phrases, texts_containing, tokenize_texts

PLACES = ["コミセンの会議室予約を簡単にしてほしい。", "会議室予約の抽選がわかりにくいので改善してください。",
          "会議室予約をネットでできるようにしてほしいと思います。",
          "市民として、会議室予約の仕組みを見直すようお願いします。"]
MONEY = ["補助金制度の申請書類が多すぎます。", "補助金制度を使いたいが条件が厳しい。",
         "補助金制度の情報がもっとほしい。", "小さな団体でも補助金制度を使えるようにしてください。"]


def test_group_theme_is_its_compound_noun():
    phrases = key_phrases(PLACES + MONEY, ["places"] * 4 + ["money"] * 4, top=5)
    assert phrases["places"][0].phrase == "会議室予約"
    assert phrases["places"][0].count == 4
    assert phrases["money"][0].phrase == "補助金制度"
    assert all(isinstance(p, Phrase) and p.score > 0 for p in phrases["money"])


def test_domain_stopwords_rank_low():
    phrases = key_phrases(PLACES + MONEY, ["places"] * 4 + ["money"] * 4, top=20)
    ranked = [p.phrase for p in phrases["places"]]
    assert ranked[0] not in DOMAIN_STOPWORDS
    stop = [i for i, p in enumerate(ranked) if p in DOMAIN_STOPWORDS]
    content = [i for i, p in enumerate(ranked) if p not in DOMAIN_STOPWORDS and len(p) >= 2]
    assert not stop or min(stop) > max(content)


def test_texts_containing_matches_counts():
    texts = PLACES + MONEY
    tokens = tokenize_texts(texts)
    phrases = key_phrases(texts, ["places"] * 4 + ["money"] * 4, tokens=tokens)
    for group, items in phrases.items():
        for p in items:
            hits = texts_containing(p.phrase, tokens=tokens)
            in_group = [i for i in hits if (i < 4) == (group == "places")]
            assert len(in_group) == p.count
    assert texts_containing("補助金制度", texts) == [4, 5, 6, 7]


def test_weights_make_a_campaign_one_voice():
    campaign = ["公園の使用料を下げてください。"] * 20
    others = ["掲示板の情報を増やしてほしい。", "掲示板をもっと見やすく。", "公園で活動したい。"]
    texts = campaign + others
    plain = key_phrases(texts, top=3)[0]
    weighted = key_phrases(texts, weights=[1 / 20] * 20 + [1] * 3, top=3)[0]
    assert plain[0].phrase in {"使用料", "公園"}
    assert weighted[0].phrase == "掲示板"
    assert {p.phrase: p.count for p in weighted}["掲示板"] == 2


def test_edge_cases():
    assert key_phrases([]) == {}
    assert key_phrases(["", "😀"]) == {0: []}
    assert key_phrases(["a" * 50_000], top=1)[0][0].count == 1
    one = key_phrases(["会議室の予約"], ["x"])
    assert [p.phrase for p in one["x"]][:1] == ["会議室"]


def test_deterministic():
    texts = PLACES + MONEY
    groups = ["a", "b"] * 4
    assert key_phrases(texts, groups) == key_phrases(list(texts), list(groups))
