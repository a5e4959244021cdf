"""The parse()-based fast path of JapaneseTokenizer gives the same features as node iteration.

`reference_features` is a frozen copy of the tokenizer's earlier node-by-node implementation
(fugashi nodes, `feature_raw.split(",")`); the fast path must match it token for token.
"""

import json
import random
import unicodedata
from pathlib import Path

import fugashi
import pytest

from classifier.tokenizer import JapaneseTokenizer, Token, normalize_with_offsets

ROOT = Path(__file__).resolve().parents[2]
SEED = ROOT / "comment_portal/consultations/musashino-2021/seed_examples.jsonl"


def _scripts(text):
    out = set()
    for ch in text:
        code = ord(ch)
        if 0x3040 <= code <= 0x309F:
            out.add("hiragana")
        elif 0x30A0 <= code <= 0x30FF:
            out.add("katakana")
        elif 0x4E00 <= code <= 0x9FFF or 0x3400 <= code <= 0x4DBF or ch in "々〆ヶ":
            out.add("kanji")
        else:
            out.add("other")
    return out


def _classify(fields, surface):
    pos1, pos2 = fields[0], fields[1] if len(fields) > 1 else ""
    has_word_char = any(ch.isalnum() for ch in surface)
    joins = has_word_char and (pos1 in {"名詞", "接頭辞"} or (pos1 == "接尾辞" and pos2 == "名詞的"))
    if pos1 not in {"名詞", "動詞", "形容詞", "形状詞"} or pos2 in {"非自立可能", "数詞", "代名詞"}:
        return None, joins
    if not has_word_char:
        return None, joins
    if len(fields) <= 10:
        form = surface
    else:
        lemma = fields[7].split("-", 1)[0] or surface
        orth_base = fields[10] or surface
        form = orth_base if _scripts(lemma) != _scripts(orth_base) else lemma
    if len(form) < 2 and _scripts(form) == {"hiragana"}:
        return None, joins
    return form, joins


def _flush(run, features):
    if len(run) < 2:
        return
    run = run[:6]
    features.append("".join(run))
    if len(run) > 2:
        features.extend(a + b for a, b in zip(run, run[1:], strict=False))


def reference_features(tagger, text):
    """Features by iterating fugashi nodes (the implementation before the parse() fast path)."""
    if not text:
        return []
    features, run = [], []
    for node in tagger(unicodedata.normalize("NFKC", text).lower()):
        form, joins = _classify(node.feature_raw.split(","), node.surface)
        if joins:
            run.append(node.surface)
        elif run:
            _flush(run, features)
            run = []
        if form is not None:
            features.append(form)
    _flush(run, features)
    return features


def reference_tokens(tagger, text):
    """Features with spans by iterating fugashi nodes (tokenize() before the parse() fast path)."""
    if not text:
        return []
    normalized, offsets = normalize_with_offsets(text)
    tokens, run, pos = [], [], 0
    for node in tagger(normalized):
        pos += len(node.white_space)
        start, end = pos, pos + len(node.surface)
        pos = end
        form, joins = _classify(node.feature_raw.split(","), node.surface)
        span = (offsets[start], offsets[end])
        if joins:
            run.append((node.surface, *span))
        else:
            _flush_tokens(run, tokens)
            run = []
        if form is not None:
            tokens.append(Token(form, *span))
    _flush_tokens(run, tokens)
    return tokens


def _flush_tokens(run, tokens):
    if len(run) < 2:
        return
    run = run[:6]
    tokens.append(Token("".join(part[0] for part in run), run[0][1], run[-1][2]))
    if len(run) > 2:
        tokens.extend(Token(a[0] + b[0], a[1], b[2]) for a, b in zip(run, run[1:], strict=False))


def _random_texts(n, seed=0):
    """Character soup over many scripts, widths, symbols, controls and emoji."""
    rng = random.Random(seed)
    ranges = [(0x20, 0x7E), (0x00, 0x1F), (0x80, 0xFF), (0x3000, 0x303F), (0x3040, 0x309F),
              (0x30A0, 0x30FF), (0x4E00, 0x4FFF), (0xFF00, 0xFFEF), (0x2000, 0x206F),
              (0x2460, 0x24FF), (0x1F300, 0x1F6FF), (0x0300, 0x036F), (0xAC00, 0xAC80),
              (0x0400, 0x04FF), (0x3200, 0x33FF), (0xF900, 0xFA6D)]
    texts = []
    for _ in range(n):
        chars = []
        for _ in range(rng.randint(1, 60)):
            lo, hi = rng.choice(ranges)
            chars.append(chr(rng.randint(lo, hi)))
        texts.append("".join(chars))
    return texts


def _corpus():
    seed = [json.loads(line)["text"] for line in SEED.read_text(encoding="utf-8").splitlines() if line.strip()]
    odd = [
        "", " ", "\n\n", "\t", "　", "！？…★☆😀🙏", "ｱｲｳ abc ＡＢＣ 漢字 😀 \u3099\u0301",
        "ＳＮＳで発信、ｶﾞｲﾄﾞﾌﾞｯｸ①②③とＰＤＦ（１２３ページ）", "ｷﾞｬﾗﾘｰ\uff9e\uff9f",
        "市民活動団体の交流と、武蔵野市民活動推進基本計画第三次改定案について", "a\x00b 市民",
        "行末\r\n改行\u2028段落\u2029区切り\x85", "全角スペース　と\u200bゼロ幅\ufeffBOM",
        "xyzzyq qwertz 未知語ﾃｽﾄ", "1,000円と3.5%、2021年4月1日〜2022年3月31日", "EOS", "EOS\nEOS",
        "〒180-0001 tel:0422-00-0000 https://example.jp/a?b=c#d @handle #タグ",
        "かかかかかかかかかかかかかかかかか", "ー" * 50, "々〆ヶ", "㈱㍻㌔Ⅻⅰⅱ", "ﬁﬂ ǅ Å Ω",
        "する為る事こと", "\"引用\" 'quote' ,comma, \\backslash\\ %m %H",
        # Surfaces of dictionary entries that share context ids and cost with another entry.
        "垂と妾と慧、籬の裳、鋒と龕。中の側と傍、剛の公、刺す伴の仇。コとゴ",
        "垂 妾 慧 籬 裳 鋒 龕 中 側 傍 剛 公 刺 伴 仇 コ ゴ",
    ]
    long = ("市民活動の情報発信をもっと充実させてほしい。ボランティア😀ＡＢＣｶﾀｶﾅ！" * 1400)[:50_000]
    return seed + odd + [long] + _random_texts(400)


@pytest.fixture(scope="module")
def bare_tagger():
    return fugashi.Tagger()


def test_fast_path_matches_node_iteration(bare_tagger):
    tokenizer = JapaneseTokenizer()
    corpus = _corpus()
    for text in corpus:
        assert tokenizer(text) == reference_features(bare_tagger, text), repr(text[:80])
    # Second pass: answers from the warm cache are the same.
    for text in corpus[:50]:
        assert tokenizer(text) == reference_features(bare_tagger, text), repr(text[:80])


def test_spans_fast_path_matches_node_iteration(bare_tagger):
    tokenizer = JapaneseTokenizer()
    corpus = _corpus()
    for text in corpus:
        assert tokenizer.tokenize(text) == reference_tokens(bare_tagger, text), repr(text[:80])
    for text in corpus[:50]:  # answers from the warm cache
        assert tokenizer.tokenize(text) == reference_tokens(bare_tagger, text), repr(text[:80])


def test_fast_path_without_compounds_matches_spans_path():
    tokenizer = JapaneseTokenizer(compounds=False)
    text = "武蔵野市の市民活動団体が、ｶﾞｲﾄﾞﾌﾞｯｸを作って配りました。"
    assert tokenizer(text) == [token.feature for token in tokenizer.tokenize(text)]
