"""Personal data inside comment texts: what is found, what is left alone, and where it is."""

import json

import pytest

import classifier
from classifier.personal import find_personal_data


def found(text: str) -> list[tuple[str, str]]:
    return [(s.kind, s.text) for s in find_personal_data(text)]


@pytest.mark.parametrize(("text", "expected"), [
    ("メールはhanako.yamada@example.co.jpへお願いします。", ("email", "hanako.yamada@example.co.jp")),
    ("連絡先：ｈａｎａｋｏ＠ｅｘａｍｐｌｅ．ｊｐ", ("email", "ｈａｎａｋｏ＠ｅｘａｍｐｌｅ．ｊｐ")),
    ("taro+pubcome@mail.example.com まで", ("email", "taro+pubcome@mail.example.com")),
])
def test_email_addresses(text, expected):
    assert found(text) == [expected]


@pytest.mark.parametrize("phone", [
    "0422-51-5111", "03-1234-5678", "090-1234-5678", "09012345678", "0422515111",
    "０４２２－５１－５１１１", "０９０ー１２３４ー５６７８", "0422‐51‐5111", "0422−51−5111",
    "(0422)51-5111", "（０４２２）５１－５１１１", "0422(51)5111", "+81-90-1234-5678", "0120-123-456",
    "090 1234 5678",
])
def test_japanese_phone_numbers(phone):
    assert found(f"電話は{phone}です。") == [("phone", phone)]


@pytest.mark.parametrize("text", [
    "計画期間は2021-2025年度です。",
    "参加者は100-2000人程度を見込んでいます。",
    "第3章の1-2について意見します。",
    "P16の基本施策3について",
    "令和3年4月1日から施行",
    "予算は12345678円でした。",
    "番号123-45-6789は無効",
])
def test_numbers_that_are_not_phone_numbers(text):
    assert found(text) == []


def test_postal_codes_with_mark_or_before_an_address():
    assert found("〒180-8777 東京都武蔵野市緑町2-2-28")[0] == ("postal", "〒180-8777")
    assert found("〒１８０－８７７７")[0] == ("postal", "〒１８０－８７７７")
    assert found("郵便番号：180-0004")[0] == ("postal", "郵便番号：180-0004")
    assert found("180-0004 武蔵野市吉祥寺本町")[0] == ("postal", "180-0004")
    assert found("180-0004 人が集まりました") == []


@pytest.mark.parametrize(("text", "address"), [
    ("武蔵野市中町1-2-3に住んでいます。", "武蔵野市中町1-2-3"),
    ("東京都武蔵野市吉祥寺本町二丁目3番4号の者です。", "東京都武蔵野市吉祥寺本町二丁目3番4号"),
    ("住所は吉祥寺東町３－１５－２です", "吉祥寺東町３－１５－２"),
    ("武蔵野市境2丁目14番1号", "武蔵野市境2丁目14番1号"),
    ("緑町2-2-28 ○○ハイツ101号室に住む者です", "緑町2-2-28 ○○ハイツ101号室"),
    ("中町三丁目5番地です", "中町三丁目5番地"),
])
def test_street_addresses(text, address):
    assert ("address", address) in found(text)


@pytest.mark.parametrize("text", [
    "武蔵野プレイスの会議室がなかなか予約できません。",
    "武蔵野市の市民活動を応援しています。",
    "吉祥寺や三鷹駅周辺でも活動しています。",
    "中町2丁目の公園でイベントを開きたい。",
    "境南コミュニティセンターをもっと使いやすくしてほしい。",
    "基本施策4 課題解決のための「連携と協働」の推進に賛成です。",
    "地域社協や福祉の会との連携をお願いします。",
    "市のホームページ https://www.city.musashino.lg.jp/ を見ました。",
])
def test_places_and_policy_words_are_not_masked(text):
    assert found(text) == []


def test_person_names_with_honorifics_say_so_in_the_reason():
    spans = find_personal_data("山田太郎さんと佐藤先生、鈴木様にお世話になりました。")
    assert [(s.kind, s.text) for s in spans] == [("person", "山田太郎"), ("person", "佐藤"), ("person", "鈴木")]
    assert "さん" in spans[0].reason and "先生" in spans[1].reason and "様" in spans[2].reason


def test_full_name_with_full_width_space_is_one_span():
    assert found("提出者　山田　花子") == [("person", "山田　花子")]


def test_a_bare_surname_is_proposed_for_checking():
    (span,) = find_personal_data("担当の田中が説明しました。")
    assert span.text == "田中" and "確認" in span.reason


def test_sns_accounts_but_not_other_urls():
    assert found("https://twitter.com/yamada_taro を見て") == [("handle", "https://twitter.com/yamada_taro")]
    assert found("インスタ @musashino_hanako で発信中") == [("handle", "@musashino_hanako")]
    assert found("詳しくは https://example.org/plan.pdf") == []


def test_spans_point_into_the_original_text_after_full_width_characters():
    text = "ＡＢＣ団体の代表、０４２２－１２－３４５６、武蔵野市中町１－２－３、山田太郎様"
    for span in find_personal_data(text):
        assert text[span.start:span.end] == span.text
    assert [s.kind for s in find_personal_data(text)] == ["phone", "address", "person"]


def test_several_kinds_in_one_letter_are_in_order_and_do_not_overlap():
    text = ("私は武蔵野市中町1-2-3に住む山田太郎です。〒180-0006、電話0422-11-2233、"
            "メール taro@example.jp。武蔵野プレイスの利用について意見します。")
    spans = find_personal_data(text)
    assert [s.kind for s in spans] == ["address", "person", "postal", "phone", "email"]
    assert all(a.end <= b.start for a, b in zip(spans, spans[1:], strict=False))


@pytest.mark.parametrize("text", ["", "   ", "\n", "。"])
def test_empty_texts(text):
    assert find_personal_data(text) == []


def test_the_seed_comments_raise_almost_nothing():
    path = classifier.DEFAULT_CONSULTATION_DIR / "seed_examples.jsonl"
    texts = [json.loads(line)["text"] for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    flagged = [t for t in texts if find_personal_data(t)]
    assert len(texts) > 500 and len(flagged) <= len(texts) // 100
