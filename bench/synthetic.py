"""Synthetic opinions for grouping tests and benchmarks: campaigns with edits, and varied distinct comments.

Everything here is written for this module (not taken from ../shared/); the wording is deliberately
plain so that distinct comments share many topic words, the hard case for near-duplicate grouping.
"""

from __future__ import annotations

import random
import re

GREETINGS = ["", "", "いつもお世話になっております。", "市民活動推進課 御中\n", "こんにちは。",
             "中間のまとめについて意見を提出します。", "はじめまして。市内在住の者です。", "拝啓\n",
             "お疲れ様です。パブリックコメントに意見を送ります。"]
GROUPS = ["みどりの会", "吉祥寺子育てネット", "境南町ボランティア連絡会", "中町読書サークル",
          "関前シニアクラブ", "西久保まちづくりの会", "桜堤こども食堂", "緑町環境グループ"]
GROUP_LINES = ["私たちは{g}として活動しています。", "{g}のメンバーです。", "{g}に所属しています。",
               "{g}の代表として書きます。", ""]
SIGNOFFS = ["", "以上、よろしくお願いいたします。", "ご検討をお願いします。", "敬具", "以上です。",
            "よろしくお願いします。\n{g}", "{g} 一同", "どうぞよろしくお願い申し上げます。"]
BULLETS = ["・", "- ", "●", "1. ", "（{i}）", ""]

# Campaign templates: {a|b} marks the places where copies change the phrasing.
TEMPLATES = [
    [  # places
        "活動の場が{足りない|不足している}ので、団体が{定期的に|継続して}使える部屋を確保して{ください|ほしいです}。",
        "施設の予約は窓口に{行かなければならず|行く必要があり}負担が大きいので、{インターネット|ネット}で予約できるようにしてください。",
        "道具や資料を{置いておける|保管できる}{保管庫|倉庫}を各施設に{設けて|用意して}ください。",
    ],
    [  # subsidies
        "補助金{制度|}の見直しが、{実質的な|結果として}予算の削減にならないように{してください|強く求めます}。",
        "{小さな|小規模な}団体にとって補助金は活動を続けるための命綱{です|になっています}。",
        "見直し{にあたっては|の際は}、{実際に|現場で}活動している団体の声を必ず聞いてください。",
    ],
    [  # goal wording
        "計画の目標にある「すべての主体が協力して地域の課題を解決する」という{表現|書き方}に反対{します|です}。",
        "市民活動は{自発的な|自主的な}ものであり、行政の課題解決の担い手として{位置づける|扱う}べきではありません。",
        "目標の{文言|表現}を、市民の自由な活動を{尊重する|大切にする}表現に{改めて|書き直して}ください。",
    ],
    [  # youth
        "{若い世代|若者}が市民活動に参加しやすいよう、{夜間や週末|夜や土日}の講座を増やしてください。",
        "大学と{連携して|協力して}、学生が地域の団体を知る機会をつくって{ください|ほしいです}。",
        "活動情報は{紙|紙のチラシ}だけでなくSNSでも{発信して|届けて}ください。",
    ],
]
_SLOT = re.compile(r"\{([^{}]*)\}")


def _phrase(sentence: str, rng: random.Random) -> str:
    """Pick one alternative in each {a|b} slot."""
    return _SLOT.sub(lambda m: rng.choice(m[1].split("|")), sentence)


EXTRAS = ["私も毎週コミセンを利用しています。", "子どもが二人いて、平日の夜は動けません。",
          "長年この町で暮らしてきました。", "先日の説明会にも参加しました。", "ぜひ実現をお願いします。"]


def campaign_copy(template: list[str], rng: random.Random) -> str:
    """One copy of a campaign template with random greeting, group, phrasings, bullets and sign-off."""
    group = rng.choice(GROUPS)
    bullet = rng.choice(BULLETS)
    points = [_phrase(sentence, rng) for sentence in template]
    if rng.random() < 0.3:
        points.insert(rng.randrange(len(points) + 1), rng.choice(EXTRAS))
    sep = "\n" if bullet or rng.random() < 0.5 else ""
    body = sep.join(bullet.format(i=i + 1) + p for i, p in enumerate(points))
    parts = [rng.choice(GREETINGS), rng.choice(GROUP_LINES).format(g=group), body,
             rng.choice(SIGNOFFS).format(g=group)]
    text = "\n".join(p for p in parts if p)
    if rng.random() < 0.3:  # mixed full-width digits
        text = text.translate(str.maketrans("0123456789", "０１２３４５６７８９"))
    return text


SUBJECTS = ["コミセンの会議室", "武蔵野プレイスの部屋", "施設の予約", "会議室の予約", "市民活動の情報",
            "ボランティアの募集", "補助金の申請", "団体の会計", "講座の案内", "市のホームページ",
            "公園の利用", "倉庫の確保", "若い人の参加", "団体同士の交流", "市の職員の対応", "計画の目標",
            "相談窓口", "活動の発表会", "SNSでの発信", "大学との連携", "企業との協働", "高齢者の参加",
            "子育て中の参加", "Wi-Fiの整備", "印刷機の利用", "活動報告の書き方", "後継者の育成"]
PROBLEMS = ["が分かりにくい", "が使いにくい", "がいつも埋まっている", "の手続きが面倒だ", "に時間がかかる",
            "が平日の昼間しかない", "の情報が少ない", "が遠くて行きにくい", "の費用が高い", "が十分ではない",
            "の説明が足りない", "が古くなっている", "に参加しづらい", "が知られていない"]
REQUESTS = ["改善してほしい", "見直してください", "もっと増やしてほしい", "分かりやすくしてください",
            "オンラインでできるようにしてほしい", "検討をお願いします", "周知してほしい", "簡単にしてほしい",
            "相談できる場がほしい", "予算を確保してほしい", "夜間も対応してほしい"]
OPENERS = ["", "", "", "個人的な意見ですが、", "以前から感じていたことですが、", "去年から団体に入りましたが、",
           "子どもの頃から市内に住んでいますが、", "町会の役員をしていて思うのは、", "正直に言うと、"]
REASONS = ["", "", "利用者が困っています。", "特に高齢者には難しいです。", "仕事があるので参加できません。",
           "他の市ではもう実施しています。", "団体の負担が大きいからです。", "せっかくの計画がもったいない。",
           "若い人が離れてしまいます。", "説明会でも同じ声がありました。"]


def distinct_comment(rng: random.Random, subject: str | None = None) -> str:
    """An ordinary comment of 1-5 sentences built from shared topic words (distinct, not a copy)."""
    sentences = []
    for i in range(rng.randint(1, 5)):
        s = subject if (subject and i == 0) else rng.choice(SUBJECTS)
        sentences.append(f"{rng.choice(OPENERS)}{s}{rng.choice(PROBLEMS)}。{rng.choice(REQUESTS)}。"
                         f"{rng.choice(REASONS)}")
    return "".join(sentences)


def opinions(n: int, seed: int = 0, campaign_share: float = 0.1) -> tuple[list[str], list[int]]:
    """n synthetic opinions (campaign copies mixed in) and their true template (-1 for ordinary ones)."""
    rng = random.Random(seed)
    texts, truth = [], []
    for _ in range(n):
        if rng.random() < campaign_share:
            t = rng.randrange(len(TEMPLATES))
            texts.append(campaign_copy(TEMPLATES[t], rng))
            truth.append(t)
        else:
            texts.append(distinct_comment(rng))
            truth.append(-1)
    return texts, truth


def seed_sentences(path) -> list[str]:
    """Sentences of the team-written seed comments (a realistic vocabulary for distinct opinions)."""
    import json

    pool = []
    with open(path, encoding="utf-8") as handle:
        for line in handle:
            text = json.loads(line)["text"]
            pool += [s for s in re.findall(r"[^。！？!?\n]+[。！？!?]?", text) if len(s) >= 8]
    return pool


def _splice(pool: list[str], rng: random.Random) -> str:
    """The start of one seed sentence joined to the end of another: varied sentences from a small pool."""
    a, b = rng.choice(pool), rng.choice(pool)
    return a[: rng.randint(4, max(4, len(a) - 2))] + b[rng.randint(0, max(0, len(b) - 6)) :]


def mixed_opinions(n: int, pool: list[str], seed: int = 0, campaign_share: float = 0.1) -> tuple[list[str], list[int]]:
    """n opinions: 1-4 spliced seed sentences each, with campaign copies mixed in (truth -1 = ordinary)."""
    rng = random.Random(seed)
    texts, truth = [], []
    for _ in range(n):
        if rng.random() < campaign_share:
            t = rng.randrange(len(TEMPLATES))
            texts.append(campaign_copy(TEMPLATES[t], rng))
            truth.append(t)
        else:
            texts.append("".join(_splice(pool, rng) for _ in range(rng.randint(1, 4))))
            truth.append(-1)
    return texts, truth
