"""Personal data inside comment texts: what is found, what is left alone, and where it is."""

import json

import pytest

import classifier
from classifier.personal import KIND_LABELS, KINDS, Span, find_personal_data, load_places


def found(text: str) -> list[tuple[str, str]]:
    return [(s.kind, s.text) for s in find_personal_data(text)]


@pytest.mark.parametrize(("text", "expected"), [
    ("メールはhanako.yamada@example.co.jpへお願いします。", ("email", "hanako.yamada@example.co.jp")),
    ("連絡先：ｈａｎａｋｏ＠ｅｘａｍｐｌｅ．ｊｐ", ("email", "ｈａｎａｋｏ＠ｅｘａｍｐｌｅ．ｊｐ")),
    ("taro+pubcome@mail.example.com まで", ("email", "taro+pubcome@mail.example.com")),
    ("返信は mirai.k at example dot jp へ", ("email", "mirai.k at example dot jp")),
    ("返信は mirai.k(at)example.jp へ", ("email", "mirai.k(at)example.jp")),
    ("返信は mirai.k（ａｔ）example.ne.jp へ", ("email", "mirai.k（ａｔ）example.ne.jp")),
    ("返信は mirai.k[at]example.jp へ", ("email", "mirai.k[at]example.jp")),
    ("返信は mirai.k★example.jp へ（★を@に）", ("email", "mirai.k★example.jp")),
])
def test_email_addresses(text, expected):
    assert found(text) == [expected]


@pytest.mark.parametrize("phone", [
    "0422-51-5111", "03-1234-5678", "090-1234-5678", "09012345678", "0422515111",
    "０４２２－５１－５１１１", "０９０ー１２３４ー５６７８", "0422‐51‐5111", "0422−51−5111",
    "(0422)51-5111", "（０４２２）５１－５１１１", "0422(51)5111", "+81-90-1234-5678", "0120-123-456",
    "090 1234 5678", "080.9876.5432",
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
    "条例第12号に基づく手続き",
    "会議室3と会議室12を予約しました。",
    "補助金は1団体あたり30万円、総額1,200万円です。",
    "資料の16ページと2-3ページを見ました。",
])
def test_numbers_that_are_not_personal(text):
    assert found(text) == []


def test_postcodes_are_addresses_with_the_address_or_when_labelled():
    assert found("〒180-8777 東京都武蔵野市緑町2-2-28") == [("address", "〒180-8777 東京都武蔵野市緑町2-2-28")]
    assert found("〒１８０－８７７７") == [("address", "〒１８０－８７７７")]
    assert found("郵便番号：180-0004") == [("address", "郵便番号：180-0004")]
    assert found("180-0004 武蔵野市吉祥寺本町2-3-4") == [("address", "180-0004 武蔵野市吉祥寺本町2-3-4")]
    assert found("180-0004 人が集まりました") == []


@pytest.mark.parametrize(("text", "address"), [
    ("武蔵野市中町1-2-3に住んでいます。", "武蔵野市中町1-2-3"),
    ("東京都武蔵野市吉祥寺本町二丁目3番4号の者です。", "東京都武蔵野市吉祥寺本町二丁目3番4号"),
    ("住所は吉祥寺東町３－１５－２です", "吉祥寺東町３－１５－２"),
    ("武蔵野市境2丁目14番1号", "武蔵野市境2丁目14番1号"),
    ("緑町2-2-28 ○○ハイツ101号室に住む者です", "緑町2-2-28 ○○ハイツ101号室"),
    ("中町三丁目5番地です", "中町三丁目5番地"),
    ("桜堤二丁目在住の者です。", "桜堤二丁目"),
    ("武蔵野市中町4-8-21 グリーンコート中町502", "武蔵野市中町4-8-21 グリーンコート中町502"),
    ("関前五丁目7番　メゾン関前203", "関前五丁目7番　メゾン関前203"),
    ("武蔵野市西久保三丁目12番地の4", "武蔵野市西久保三丁目12番地の4"),
    ("武蔵野市境南町1-3-5-702", "武蔵野市境南町1-3-5-702"),
    ("三鷹市下連雀3-4-5に住んでいます", "三鷹市下連雀3-4-5"),
    ("大阪府豊中市桜の町2丁目3-4", "大阪府豊中市桜の町2丁目3-4"),
    ("住所　武蔵野市　中町　１－２－３", "武蔵野市　中町　１－２－３"),
    ("〒180-0003\n武蔵野市吉祥寺南町1-2-3", "武蔵野市吉祥寺南町1-2-3"),
    ("私は西東京市ひばりが丘1-13-10在住です", "西東京市ひばりが丘1-13-10"),
    ("自宅（上石神井三丁目17番地）まで", "上石神井三丁目17番地"),
    ("西荻北4-8-6-336に住んでいます。", "西荻北4-8-6-336"),
    ("以上\n下連雀3丁目6番14号\n山田 一郎", "下連雀3丁目6番14号"),
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
    "境・桜堤地域の団体が連携しています。",
    "中町のコミセンで会議をしました。",
    "関前と西久保、八幡町、御殿山の各地域で活動しています。",
    "吉祥寺本町と吉祥寺北町の境目あたり",
    "市民会館とコミュニティセンターの使い方",
    "市長、担当課長、委員長に伝えてください。",
    "さくら会とひまわり会の合同発表会",
    "中町一丁目にある保育園の前",
    "吉祥寺の 2-3 人が集まりました。",
    "吉祥寺2-3人で集まりました。",
    "三鷹5-10分のところです。",
    "令和3-4年度の計画",
])
def test_places_facilities_titles_and_groups_are_not_masked(text):
    assert found(text) == []


@pytest.mark.parametrize(("text", "item"), [
    ("（昭和36年11月2日生）", "昭和36年11月2日生"),
    ("昭和十四年三月八日生まれです", "昭和十四年三月八日生まれ"),
    ("生年月日：1958年7月3日", "生年月日：1958年7月3日"),
    ("娘は第五小学校4年2組です", "第五小学校4年2組"),
    ("息子が境南小学校四年二組にいます", "境南小学校四年二組"),
    ("長男（市立第三中学校2年）", "市立第三中学校2年"),
    ("車は多摩 500 せ 32-81 です", "多摩 500 せ 32-81"),
    ("品川300あ12-34の車", "品川300あ12-34"),
    ("https://twitter.com/yamada_taro を見て", "https://twitter.com/yamada_taro"),
    ("インスタ @musashino_hanako で発信中", "@musashino_hanako"),
])
def test_other_identifying_details(text, item):
    assert found(text) == [("other", item)]


@pytest.mark.parametrize("text", [
    "令和3年4月1日から施行されます。",
    "平成元年に始まった事業です。",
    "小学校6年間の見守り活動",
    "市内の小学校4年生を対象に",
    "詳しくは https://example.org/plan.pdf",
])
def test_dates_schools_and_links_that_are_not_personal(text):
    assert found(text) == []


def test_spans_point_into_the_original_text_after_full_width_characters():
    text = "ＡＢＣ団体の代表、０４２２－１２－３４５６、武蔵野市中町１－２－３、山田太郎様"
    spans = find_personal_data(text)
    for span in spans:
        assert text[span.start:span.end] == span.text
    assert [s.kind for s in spans] == ["phone", "address", "name"]


def test_several_kinds_in_one_letter_are_in_order_and_do_not_overlap():
    text = ("私は武蔵野市中町1-2-3に住む山田太郎です。〒180-0006、電話0422-11-2233、"
            "メール taro@example.jp。武蔵野プレイスの利用について意見します。")
    spans = find_personal_data(text)
    assert [s.kind for s in spans] == ["address", "name", "address", "phone", "email"]
    assert all(a.end <= b.start for a, b in zip(spans, spans[1:], strict=False))


def test_every_span_has_one_of_the_five_kinds_and_a_polite_reason():
    text = ("桜堤二丁目　上杉 正志\n電話 0422-99-1234\nuesugi@example.jp\n"
            "（昭和40年5月6日生）")
    spans = find_personal_data(text)
    assert {s.kind for s in spans} == set(KINDS)
    for s in spans:
        assert isinstance(s, Span) and "ため" in s.reason


def test_kind_labels_cover_the_kinds_staff_and_old_rows():
    for kind in (*KINDS, "manual", "person", "postal", "handle"):
        assert KIND_LABELS[kind]
    assert KIND_LABELS["manual"] == "職員が指定"


@pytest.mark.parametrize("text", ["", "   ", "\n", "。", "\u200b\u200b"])
def test_empty_texts(text):
    assert find_personal_data(text) == []


def test_the_seed_comments_raise_almost_nothing():
    path = classifier.DEFAULT_CONSULTATION_DIR / "seed_examples.jsonl"
    texts = [json.loads(line)["text"] for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    flagged = [t for t in texts if find_personal_data(t)]
    assert len(texts) > 500 and len(flagged) <= len(texts) // 100


def test_the_default_town_list_is_the_consultations():
    places = load_places(classifier.DEFAULT_CONSULTATION_DIR)
    assert {"境", "境南町", "桜堤", "関前", "中町", "吉祥寺本町", "武蔵野市"} <= places


def test_town_names_come_from_the_caller(tmp_path):
    (tmp_path / "towns.txt").write_text("# 町名\n若葉台\n\n緑ヶ丘\n", encoding="utf-8")
    places = load_places(tmp_path)
    assert places == {"若葉台", "緑ヶ丘"}
    assert load_places(tmp_path / "missing") == frozenset()
    # Towns that UniDic reads as family names are not names when the consultation lists them.
    text = "桜堤さんと西久保さん"
    assert found(text) == []
    assert found_with(text, ["桜堤"]) == [("name", "西久保")]
    assert found_with(text, []) == [("name", "桜堤"), ("name", "西久保")]


def found_with(text: str, places) -> list[tuple[str, str]]:
    return [(s.kind, s.text) for s in find_personal_data(text, places=places)]


def test_the_consultation_loader_ignores_the_town_list():
    from comment_portal.consultations import read_consultation

    data = read_consultation(classifier.DEFAULT_CONSULTATION_DIR)
    assert data.fields["slug"] == "musashino-2021"
