"""JapaneseTokenizer: normalisation, lemmas, POS filter, compounds, spans, pickling."""

import pickle

from classifier.tokenizer import JapaneseTokenizer, normalize_with_offsets


def test_lemmas_and_pos_filter():
    features = JapaneseTokenizer()("ボランティアを増やしてください。")
    assert "増やす" in features
    assert "ボランティア" in features
    assert not {"を", "て", "ください", "下さる", "。"} & set(features)


def test_keeps_written_form_when_lemma_changes_script():
    features = JapaneseTokenizer()("大切なことを学ぶ")
    assert "こと" in features and "事" not in features


def test_compound_nouns_kept_as_extra_features():
    features = JapaneseTokenizer()("市民活動団体の交流")
    assert {"市民", "活動", "団体", "市民活動団体", "市民活動"} <= set(features)


def test_nfkc_and_case_folding():
    tokenizer = JapaneseTokenizer()
    assert tokenizer("ＳＮＳで発信") == tokenizer("SNSで発信")
    assert "ガイド" in tokenizer("ｶﾞｲﾄﾞ")


def test_spans_point_into_original_text():
    text = "ｶﾞｲﾄﾞブックと１２３件の市民活動団体"
    for token in JapaneseTokenizer().tokenize(text):
        assert text[token.start : token.end], token


def test_offsets_cover_normalised_text():
    normalized, offsets = normalize_with_offsets("Ａｶﾞ")
    assert normalized == "aガ"
    assert list(offsets) == [0, 1, 3]


def test_pickle_round_trip_rebuilds_tagger():
    tokenizer = JapaneseTokenizer()
    before = tokenizer("武蔵野プレイスの会議室")
    clone = pickle.loads(pickle.dumps(tokenizer))
    assert clone._tagger is None
    assert clone("武蔵野プレイスの会議室") == before


def test_odd_inputs():
    tokenizer = JapaneseTokenizer()
    assert tokenizer("") == []
    assert tokenizer("！？…★☆😀🙏") == []
    assert isinstance(tokenizer("ｱｲｳ abc ＡＢＣ 漢字 😀 \u3099\u0301"), list)
