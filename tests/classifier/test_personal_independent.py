"""Misses found by an independent check with invented letters (written by someone other than the detector's
author), and the general rules that fix them. All names, addresses and numbers here are invented."""

import pytest

from classifier.personal import find_personal_data


def found(text: str) -> list[tuple[str, str]]:
    return [(s.kind, s.text) for s in find_personal_data(text)]


# --- 1. A name before 「まで」 and contact data; a span never takes the brackets around it ------------------

def test_a_contact_person_before_made_and_a_phone_in_full_width_parentheses():
    assert found("お問い合わせは事務局の石井まで（090-2345-6789）。") == [
        ("name", "石井"), ("phone", "090-2345-6789")]


@pytest.mark.parametrize(("text", "expected"), [
    ("問い合わせは丸岡まで（0422-11-2222）", [("name", "丸岡"), ("phone", "0422-11-2222")]),
    ("申込みは竹中まで 090-1111-2222", [("name", "竹中"), ("phone", "090-1111-2222")]),
    ("詳しくは担当の竹中まで。", [("name", "竹中")]),
])
def test_a_name_before_made(text, expected):
    assert found(text) == expected


@pytest.mark.parametrize(("text", "phone"), [
    ("連絡先（090-2345-6789）", "090-2345-6789"),
    ("連絡先(090-2345-6789)", "090-2345-6789"),
    ("連絡先【０９０－２３４５－６７８９】", "０９０－２３４５－６７８９"),
    ("連絡先「03-1234-5678」", "03-1234-5678"),
    ("連絡先（(0422)51-5111）", "(0422)51-5111"),
    ("電話（０４２２）５１－５１１１まで", "（０４２２）５１－５１１１"),
])
def test_phone_spans_leave_the_brackets_around_them_out(text, phone):
    assert found(text) == [("phone", phone)]


@pytest.mark.parametrize("text", [
    "メール（hanako@example.jp）でも受け付けます。",
    "返信先「hanako@example.jp」",
    "住所（武蔵野市中町2-3-4）",
])
def test_no_span_starts_or_ends_with_a_bracket_or_punctuation(text):
    for span in find_personal_data(text):
        assert span.text[0] not in "（(「【、。" and span.text[-1] not in "）)」】、。", span


# --- 2. Romaji self-introductions ----------------------------------------------------------------------

@pytest.mark.parametrize(("text", "expected"), [
    ("Hiroshi Tanaka です。English speaking residents need information in English too.", ["Hiroshi Tanaka"]),
    ("Hiroshi Tanakaと申します。", ["Hiroshi Tanaka"]),
    ("はじめまして。TANAKA Hiroshi と申します。", ["TANAKA Hiroshi"]),
    ("私はMaria Santosです。境南町に住んでいます。", ["Maria Santos"]),
    ("My name is Hiroshi Tanaka. I live in Musashino.", ["Hiroshi Tanaka"]),
    ("Hello. My name is Aiko and I have two children.", ["Aiko"]),
])
def test_romaji_self_introductions(text, expected):
    assert [t for k, t in found(text) if k == "name"] == expected


@pytest.mark.parametrize("text", [
    "English speaking residents need information in English too.",
    "Thank you",
    "Best regards",
    "Thank you.\nBest regards",
    "English Speaking です。",
    "ツールはMicrosoft Teamsです。",
    "会場はCentral Parkです。",
    "Thank You です。",
])
def test_capitalised_english_words_are_not_names(text):
    assert found(text) == []


# --- 3. 「アット」「あっと」 spelled out in an e-mail address ----------------------------------------------

@pytest.mark.parametrize(("text", "email"), [
    ("メールアドレス taro.yamada アット example.jp にご返信ください。", "taro.yamada アット example.jp"),
    ("taro.yamadaあっとexample.jpまで", "taro.yamadaあっとexample.jp"),
    ("hanako アット example ドット co ドット jp へ", "hanako アット example ドット co ドット jp"),
    ("hanako（あっと）example.jp", "hanako（あっと）example.jp"),
])
def test_at_spelled_out_in_katakana_or_hiragana(text, email):
    assert found(text) == [("email", email)]


def test_the_word_at_alone_is_no_address():
    assert found("アットホームな雰囲気の会です。example.jpも見てください。") == []


# --- 4. A school's class: the span starts at the school's own name ------------------------------------------

@pytest.mark.parametrize(("text", "item"), [
    ("子どもは武蔵野市立第一中学校1年3組に在籍しています。", "第一中学校1年3組"),
    ("娘は東京都立桜台高校2年です。", "桜台高校2年"),
    ("長男（市立第三中学校2年）", "市立第三中学校2年"),
])
def test_school_span_starts_at_the_school_name(text, item):
    assert found(text) == [("other", item)]


# --- Texts that must stay clean --------------------------------------------------------------------------------

@pytest.mark.parametrize("text", [
    "山田工務店や佐藤医院など、地域の事業者とも連携してください。",
    "井の頭公園や玉川上水沿いの清掃活動は、さくら会やひまわりクラブが担っています。",
    "三鷹駅北口から中央線沿いの道は夜暗いです。上野や新宿に通う人も多いです。",
    "委員長が言うように、委員の公募枠を増やすべきです。第3回策定委員会の資料P12を参照。",
    "私は吉祥寺南町在住の会社員です。平日昼は参加できません。",
    "お問い合わせは市役所まで（0422-51-5111）。",
])
def test_clean_texts(text):
    assert [k for k, _ in found(text) if k != "phone"] == []
