"""Person names: in signatures, labelled fields, honorific and reported speech; look-alikes left alone.

All names, addresses and numbers here are invented.
"""

import pytest

from classifier.personal import find_personal_data


def names(text: str) -> list[str]:
    return [s.text for s in find_personal_data(text) if s.kind == "name"]


def test_honorifics_in_reported_speech_and_complaints():
    spans = find_personal_data("山田太郎さんと佐藤先生、鈴木様にお世話になりました。")
    assert [(s.kind, s.text) for s in spans] == [("name", "山田太郎"), ("name", "佐藤"), ("name", "鈴木")]
    assert "さん" in spans[0].reason and "先生" in spans[1].reason and "様" in spans[2].reason
    assert names("窓口の桐山さんの対応がひどかった。") == ["桐山"]
    assert names("「柏木さん、ありがとう」と言われました。") == ["柏木"]
    assert names("センターの丸岡という職員の態度が悪い。") == ["丸岡"]
    assert names("鶴田課長から説明がありました。") == ["鶴田"]


def test_a_family_name_after_a_role_and_no_is_proposed_for_checking():
    (span,) = find_personal_data("担当の田中が説明しました。")
    assert span.text == "田中" and "確認" in span.reason
    assert names("うちの班長の小森が言うには") == ["小森"]


@pytest.mark.parametrize(("text", "expected"), [
    ("よろしくお願いします。\n\n桜堤二丁目　上杉 正志", ["上杉 正志"]),
    ("以上\n（中町　小島）", ["小島"]),
    ("意見は以上です。\n（境南町　竹中）", ["竹中"]),
    ("以上です。\n\n野々村 美咲", ["野々村 美咲"]),
    ("以上\n\n吉祥寺北町　子育てサロンたんぽぽ　代表　青柳 かおる", ["青柳 かおる"]),
    ("以上\n境民謡の会　会計　二宮", ["二宮"]),
    ("以上\n関前在住　坂上　トキ（八十二歳）", ["坂上\u3000トキ"]),
    ("ご検討ください。\nNPO法人 まちの灯\n理事長　桐山 浩二", ["桐山 浩二"]),
    ("意見です。\n\n柏木恭平\nkashiwagi@example.jp", ["柏木恭平"]),
    ("意見です。\n小田切 和夫　0422-99-3456", ["小田切 和夫"]),
])
def test_signature_lines(text, expected):
    assert names(text) == expected


@pytest.mark.parametrize(("text", "expected"), [
    ("氏名　青柳 かおる\n住所　武蔵野市中町9-8-7", ["青柳 かおる"]),
    ("氏名：鶴田 進\nメール：tsuruta@example.jp", ["鶴田 進"]),
    ("提出者：丸岡 賢太（吉祥寺南町）", ["丸岡 賢太"]),
    ("・集会室の予約を簡単に\n（記録：Bグループ 小森）", ["小森"]),
    ("・駐輪場が足りない\n（書いた人：ヨシダ）", ["ヨシダ"]),
    ("（発言：ダンスサークル代表 柏木様）", ["柏木"]),
    ("団体名：ふたば子ども食堂\n代表：野々村 美咲\n連絡先：futaba@example.jp", ["野々村 美咲"]),
    ("担当：事務局長 二宮 大輔", ["二宮 大輔"]),
])
def test_labelled_fields(text, expected):
    assert names(text) == expected


@pytest.mark.parametrize(("text", "expected"), [
    ("はじめまして、吉祥寺北町の竹中です。会社員です。", ["竹中"]),
    ("上杉正志です。よろしくお願いします。", ["上杉正志"]),
    ("私、鈴木花子と申します。", ["鈴木花子"]),
    ("いつもお世話になってます！境南町のタカハシです😊", ["タカハシ"]),
])
def test_self_introductions(text, expected):
    assert names(text) == expected


@pytest.mark.parametrize(("text", "expected"), [
    ("以上\n\nヨシダ ハナコ", ["ヨシダ ハナコ"]),
    ("以上\n\nﾖｼﾀﾞ ﾊﾅｺ", ["ﾖｼﾀﾞ ﾊﾅｺ"]),
    ("以上\n\nやまだ はなこ", ["やまだ はなこ"]),
    ("ゆうこさんとナカムラさんに手伝ってもらいました。", ["ゆうこ", "ナカムラ"]),
    ("留学生のグエンさんが通訳をしてくれました。", ["グエン"]),
    ("以上\n代表者：グエン・ヴァン・ミン", ["グエン・ヴァン・ミン"]),
])
def test_katakana_hiragana_and_half_width_names(text, expected):
    assert names(text) == expected


@pytest.mark.parametrize(("text", "expected"), [
    ("Thank you.\nEmily Clarke", ["Emily Clarke"]),
    ("以上\n国際交流の会　Hiroshi Aoyagi", ["Hiroshi Aoyagi"]),
    ("以上\n\n青柳 浩（Hiroshi Aoyagi）", ["青柳 浩", "Hiroshi Aoyagi"]),
    ("From: Hanako Suzuki <hanako.suzuki@example.com>", ["Hanako Suzuki"]),
    ("氏名：ＹＡＭＡＤＡ　Ｋｅｎ", ["ＹＡＭＡＤＡ\u3000Ｋｅｎ"]),
])
def test_romaji_names_in_signatures_and_name_fields(text, expected):
    assert names(text) == expected


@pytest.mark.parametrize(("text", "expected"), [
    ("・駐輪場が足りない\n・田島：夜間の照明も暗い\n・課題：担い手不足", ["田島"]),
    ("祖母　菅野（昭和22年5月5日生）", ["菅野"]),
    ("夫の健一が参加しました。", ["健一"]),
    ("以上\n（文責・小西）", ["小西"]),
    ("よろしくお願いします。\n田島より", ["田島"]),
    ("以上\n記入者　井上", ["井上"]),
])
def test_speakers_relatives_and_sign_offs(text, expected):
    assert names(text) == expected


@pytest.mark.parametrize(("text", "expected"), [
    ("以上\n（境　内海）", ["内海"]),
    ("以上\n代表　内海", ["内海"]),
    ("以上\n（中町　福祉）", []),
    ("以上\n（八幡町　事務所）", []),
    ("以上\n桜堤　住民一同", []),
    ("問い合わせは山内 090-2222-3333まで", ["山内"]),
    ("担当の竹中に相談しました。", ["竹中"]),
    ("以上\n中町在住　高畑健一（八十歳）", ["高畑健一"]),
])
def test_family_names_that_unidic_reads_as_words_or_places(text, expected):
    assert names(text) == expected


def test_a_name_at_the_very_end_of_a_one_line_message():
    assert names("集会所は使えるのかな？返事ください。鶴田") == ["鶴田"]


def test_a_name_right_before_contact_data():
    assert names("問い合わせは丸岡 090-9876-5432 まで。") == ["丸岡"]


@pytest.mark.parametrize(("text", "expected"), [
    ("連絡先：090-1111-2222（宮下）", ["宮下"]),
    ("連絡先：090-1111-2222（自宅）", []),
    ("TEL 0422-11-2222（平日のみ）", []),
    ("mail: info@example.jp（事務局）", []),
    ("私（竹中）は反対です。", ["竹中"]),
    ("本件（第3章）について", []),
])
def test_names_in_parentheses_after_contact_data_or_after_i(text, expected):
    assert names(text) == expected


@pytest.mark.parametrize("text", [
    "スタッフさんがとても親切でした。",
    "ボランティアの皆さん、ありがとうございます。",
    "お客様各位",
    "地域包括支援センターの職員さんに相談しました。",
    "八百屋さんとパン屋さんが協賛してくれました。",
    "市長と副市長、担当課長に要望します。",
    "委員長のまとめに賛成です。",
    "「ひまわり会」と「さくら会」が合同で活動しています。",
    "はなこの会の皆さんと集まりました。",
    "武蔵野市長　殿\n（市民活動推進課　気付）",
    "策定委員会委員長 様",
    "以上\n匿名希望",
    "以上\n一市民より",
    "以上\n（40代・女性）",
    "敬具",
    "・居場所づくり\n・若い人の参加\n・情報発信",
    "第2章　協働の推進\n1. 基本施策について",
    "吉祥寺本町\n中町\n境南町",
    "ユニクロさんやコープさんにも協力してもらいたい。",
    "Aさん、Bさんの意見をまとめました。",
    "目的：交流\n日時：毎週土曜",
    "（市内在住・60代・男性）",
    "三鷹市在住 40代 女性",
])
def test_look_alikes_are_not_names(text):
    assert names(text) == []


def test_group_names_with_a_person_like_word_are_not_names():
    assert names("「花子の会」の皆さんと一緒に活動しています。") == []
    assert names("山田記念館で展示をしました。") == []
