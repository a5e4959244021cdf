"""Near-duplicate grouping: campaign copies with edits are grouped, same-topic opinions are not."""

import random

import numpy as np
import pytest

from bench.synthetic import TEMPLATES, campaign_copy
from classifier.duplicates import body_key, duplicate_groups, group_duplicates

# Distinct opinions on one topic (会議室の予約), written for this test: they share topic words, not content.
SAME_TOPIC = [
    "コミセンの会議室の予約が、毎月1日の朝に窓口に並ばないと取れません。せめて電話でも受け付けてほしい。",
    "会議室の予約をインターネットでできるようにしてください。仕事をしていると窓口の受付時間に行けません。",
    "会議室の予約は3か月前からですが、年間の活動計画を立てる団体には短すぎます。半年前から予約させてほしい。",
    "予約した会議室を当日キャンセルする人が多く、空いているのに使えないことがあります。キャンセル待ちの仕組みを。",
    "会議室の予約の抽選に何度も外れています。同じ団体ばかりが当たっているように見えるので、抽選方法を公開してほしい。",
    "プレイスの会議室は予約が取りやすいが、コミセンは地域の団体が優先で、新しい団体は予約しづらいと感じる。",
    "会議室を予約するときの利用目的の欄が細かすぎます。市民活動であることが分かれば十分ではないでしょうか。",
    "子育てサークルで会議室を予約したいのですが、子ども連れだと断られることがあります。利用のルールを明確にしてください。",
]


def _campaign(template: int, copies: int, seed: int) -> list[str]:
    rng = random.Random(seed)
    return [campaign_copy(TEMPLATES[template], rng) for _ in range(copies)]


def test_campaign_copies_with_edits_share_a_group():
    texts = _campaign(0, 12, seed=1) + SAME_TOPIC + _campaign(1, 5, seed=2)
    labels = duplicate_groups(texts)
    assert len(set(labels[:12])) == 1
    assert len(set(labels[-5:])) == 1
    assert labels[0] != labels[-1]
    others = labels[12:-5]
    assert len(set(others)) == len(SAME_TOPIC)
    assert not set(others) & {labels[0], labels[-1]}


def test_small_edits_greeting_bullets_signoff():
    body = ["活動の場が足りないので、団体が定期的に使える部屋を確保してください。",
            "施設の予約は窓口に行く必要があり負担が大きいので、ネットで予約できるようにしてください。",
            "道具や資料を保管できる倉庫を各施設に設けてください。"]
    a = "いつもお世話になっております。\n" + "".join(body) + "\n以上、よろしくお願いいたします。"
    b = "みどりの会の代表として書きます。\n" + "\n".join("・" + s for s in body) + "\nみどりの会 一同"
    c = "拝啓\n" + "".join(body).replace("確保してください", "確保してほしいです") + "\n敬具"
    labels = duplicate_groups([a, b, c, SAME_TOPIC[1]])
    assert labels[0] == labels[1] == labels[2] != labels[3]


def test_body_key_strips_boilerplate():
    key = body_key("いつもお世話になっております。\n・予約をネットでできるようにしてください。\n\n以上\n山田花子")
    assert key == "予約をネットでできるようにしてください"


def test_groups_are_numbered_in_order_and_representatives_are_members():
    texts = ["一つ目の全く別の意見です。"] + _campaign(2, 4, seed=3) + ["最後のまったく違う内容の意見でございます。"]
    g = group_duplicates(texts)
    assert list(g.labels) == [0, 1, 1, 1, 1, 2]
    assert g.n_groups == 3 and list(g.sizes) == [1, 4, 1]
    for group in range(g.n_groups):
        assert g.labels[g.representatives[group]] == group
    assert list(g.members(1)) == [1, 2, 3, 4]


def test_no_chaining_through_gradual_changes():
    # Each text differs a little from the previous one (a sliding window over distinct words);
    # the first and last share nothing.
    rng = random.Random(7)
    words = ["".join(chr(rng.randrange(0x4E00, 0x9FA0)) for _ in range(8)) for _ in range(30)]
    texts = ["".join(words[i : i + 6]) for i in range(0, 25)]
    g = group_duplicates(texts)
    assert g.labels[0] != g.labels[-1]
    for group in range(g.n_groups):
        rep = g.representatives[group]
        for member in g.members(group):
            assert abs(member - rep) <= 4  # every member is near its representative, not chained


@pytest.mark.parametrize("texts", [[], [""], ["", ""], ["😀😀😀"], ["😀😀😀", "😀😀😀"], ["あ"], ["a" * 50_000],
                                   ["。。。", "...", "\n\n"]])
def test_edge_cases_do_not_raise(texts):
    g = group_duplicates(texts)
    assert len(g.labels) == len(texts)
    assert g.sizes.sum() == len(texts)


def test_texts_without_words_stay_alone():
    assert len(set(duplicate_groups(["", "。", "😀", "!!"]))) == 4


def test_exact_copies_of_short_texts_are_grouped():
    labels = duplicate_groups(["賛成です。", "賛成です", "反対です。"])
    assert labels[0] == labels[1] != labels[2]


def test_long_texts_and_determinism():
    rng = random.Random(4)
    long_a = "".join(rng.choice(SAME_TOPIC) for _ in range(300))
    texts = [long_a, long_a + "追記します。", *SAME_TOPIC, *_campaign(3, 6, seed=5)]
    first = group_duplicates(texts)
    second = group_duplicates(list(texts))
    assert np.array_equal(first.labels, second.labels)
    assert np.array_equal(first.representatives, second.representatives)
    assert first.labels[0] == first.labels[1]


def test_scales_to_thousands_quickly():
    rng = random.Random(6)
    texts = [campaign_copy(TEMPLATES[i // 10 % 4], rng) if i % 10 == 0 else
             f"{i}番目の意見です。" + "".join(rng.sample(SAME_TOPIC, 2)) for i in range(3000)]
    g = group_duplicates(texts)
    campaign = np.arange(0, 3000, 10)
    for t in range(4):
        assert len(set(g.labels[campaign[t::4]])) == 1


def test_subset_keeps_groups_and_representatives():
    texts = _campaign(0, 5, seed=8) + SAME_TOPIC[:3]
    g = group_duplicates(texts)
    sub = g.subset([7, 1, 3, 5])
    assert list(sub.labels) == [0, 1, 1, 2]
    assert list(sub.sizes) == [1, 2, 1]
    for group in range(sub.n_groups):
        assert sub.labels[sub.representatives[group]] == group
    assert g.subset([]).n_groups == 0


def test_large_campaign_with_personal_additions_stays_together():
    rng = random.Random(9)
    copies = [campaign_copy(TEMPLATES[0], rng) + ("\n" + rng.choice(SAME_TOPIC) if i % 2 else "")
              for i in range(200)]
    labels = duplicate_groups(copies + SAME_TOPIC)
    assert np.bincount(labels[:200]).max() >= 190
    assert len(set(labels[200:])) == len(SAME_TOPIC)
    assert not set(labels[200:]) & set(labels[:200])


def test_distinct_opinions_quoting_one_passage_are_not_grouped():
    quote = "「市民一人ひとりが自らの関心に応じて地域の課題に気づき、多様な主体と連携しながら解決に向けて行動する」"
    texts = [f"P3の{quote}という記述について。{opinion}" for opinion in SAME_TOPIC]
    assert len(set(duplicate_groups(texts))) == len(SAME_TOPIC)
