"""Key phrases of groups of texts: tokenizer features (compound nouns, content words) ranked by class-based TF-IDF."""

from __future__ import annotations

from collections.abc import Hashable, Sequence
from typing import NamedTuple

import numpy as np
from scipy.sparse import csr_matrix

from classifier.tokenizer import JapaneseTokenizer

# Words every opinion of this domain uses: kept, but scored at a tenth, so that they only surface
# when a group has nothing more specific to say.
DOMAIN_STOPWORDS = frozenset(
    "市民 市 武蔵野 武蔵野市 計画 基本計画 本計画 思う 思い 考える 考え 感じる お願い 願う 意見 必要 "
    "する できる 出来る ある いる なる 行う 言う 見る 持つ 下さる 頂く いただく 致す 欲しい ほしい "
    "良い いい よい 多い 少ない 今後 部分 内容 記載 検討 是非 ぜひ 具体 具体的 方 点 等 こと もの ため "
    "よう 中 前 後 今 現在 場合 以上 以下 ページ 章 施策 基本 基本施策 活動 市民活動 取り組み 取組 "
    "ござる おる 存じる 申し上げる 下さい 頂ける 分かる わかる 読む 書く 入る 出る 使う 作る 進める".split()
)
STOPWORD_WEIGHT = 0.1
# One-character features (市, 会, 案...) are rarely a phrase a reader can act on.
SHORT_WEIGHT = 0.3
# Compound nouns (会議室予約, 補助金制度) name the specific thing a group is about; their parts are
# always at least as frequent, so without a boost the generic part would rank first.
COMPOUND_WEIGHT = 2.0


class Phrase(NamedTuple):
    """A key phrase of a group: its c-TF-IDF score and how many of the group's texts contain it."""

    phrase: str
    score: float
    count: int


_TOKENIZER: JapaneseTokenizer | None = None


def _default_tokenizer() -> JapaneseTokenizer:
    """One shared tokenizer (its Tagger and cache are built once per process)."""
    global _TOKENIZER
    if _TOKENIZER is None:
        _TOKENIZER = JapaneseTokenizer()
    return _TOKENIZER


def tokenize_texts(texts: Sequence[str], tokenizer=None) -> list[list[str]]:
    """Tokenizer features of each text; identical texts are tokenized once."""
    tokenizer = tokenizer or _default_tokenizer()
    seen: dict[str, list[str]] = {}
    out = []
    for text in texts:
        tokens = seen.get(text)
        if tokens is None:
            tokens = seen[text] = tokenizer(text or "")
        out.append(tokens)
    return out


def presence_matrix(tokens: Sequence[Sequence[str]]) -> tuple[csr_matrix, list[str]]:
    """Binary text x feature matrix (a text counts once per feature) and the feature names."""
    vocab: dict[str, int] = {}
    indices, indptr = [], [0]
    for doc in tokens:
        cols = {vocab.setdefault(t, len(vocab)) for t in doc}
        indices.extend(sorted(cols))
        indptr.append(len(indices))
    data = np.ones(len(indices), dtype=np.float64)
    matrix = csr_matrix((data, np.asarray(indices, dtype=np.int64), np.asarray(indptr, dtype=np.int64)),
                        shape=(len(tokens), len(vocab)))
    return matrix, list(vocab)


def is_compound(name: str, vocabulary) -> bool:
    """True when the feature splits into two other features (the tokenizer's compound nouns), 3+ characters."""
    return len(name) >= 3 and any(name[:i] in vocabulary and name[i:] in vocabulary for i in range(1, len(name)))


def _feature_weights(names: list[str]) -> np.ndarray:
    """Down-weighting of domain stopwords and one-character features; compound nouns up."""
    vocabulary = set(names)

    def weight(name: str) -> float:
        if name in DOMAIN_STOPWORDS:
            return STOPWORD_WEIGHT
        if len(name) < 2:
            return SHORT_WEIGHT
        return COMPOUND_WEIGHT if is_compound(name, vocabulary) else 1.0

    return np.array([weight(n) for n in names])


def _drop_contained(ranked: list[Phrase]) -> list[Phrase]:
    """Skip a phrase inside a better-ranked one found in about as many texts (会議 under 会議室予約)."""
    kept: list[Phrase] = []
    for p in ranked:
        if any(p.phrase in k.phrase and p.count <= 1.25 * k.count for k in kept):
            continue
        kept.append(p)
    return kept


def key_phrases(texts: Sequence[str], groups: Sequence[Hashable] | None = None, top: int = 10,
                tokens: Sequence[Sequence[str]] | None = None, weights: Sequence[float] | None = None,
                tokenizer=None, min_count: int | None = None) -> dict[Hashable, list[Phrase]]:
    """Top phrases per group by c-TF-IDF (each group's texts against the other groups).

    groups: one label per text (None: all texts form one group, ranked by plain TF-IDF);
    weights: per-text weight in the scores (e.g. 1 / size of its near-duplicate group, so a campaign
    weighs as one voice); counts are always numbers of texts; min_count: texts a phrase must be in
    (default 2 in groups of 4+ texts, else 1).
    """
    n = len(texts)
    if n == 0:
        return {}
    tokens = tokenize_texts(texts, tokenizer) if tokens is None else tokens
    group_list = [0] * n if groups is None else list(groups)
    labels, inverse = np.unique(np.array(group_list, dtype=object), return_inverse=True)
    inverse = inverse.ravel()
    presence, names = presence_matrix(tokens)
    result: dict[Hashable, list[Phrase]] = {label: [] for label in labels}
    if not names:
        return result
    w = np.ones(n) if weights is None else np.asarray(weights, dtype=float)
    rows = np.arange(n)
    counts = (csr_matrix((np.ones(n), (inverse, rows)), shape=(len(labels), n)) @ presence).tocsr()
    mass = (csr_matrix((w, (inverse, rows)), shape=(len(labels), n)) @ presence).tocsr()
    group_mass = np.bincount(inverse, weights=w, minlength=len(labels))
    sizes = np.bincount(inverse, minlength=len(labels))
    # c-TF-IDF: share of the group's texts holding the feature, times an idf of how much of all the
    # text mass holds it relative to an average group. Sparse throughout: groups may be many.
    idf = np.log1p(group_mass.mean() / np.maximum(np.asarray(mass.sum(0)).ravel(), 1e-12))
    column_weight = idf * _feature_weights(names)
    for g, label in enumerate(labels):
        lo, hi = mass.indptr[g], mass.indptr[g + 1]
        cols = mass.indices[lo:hi]
        scores = mass.data[lo:hi] / max(group_mass[g], 1e-12) * column_weight[cols]
        group_counts = dict(zip(counts.indices[counts.indptr[g]:counts.indptr[g + 1]],
                                counts.data[counts.indptr[g]:counts.indptr[g + 1]], strict=True))
        lengths = np.fromiter((len(names[c]) for c in cols), dtype=int, count=len(cols))
        order = np.lexsort((cols, -lengths, -scores))
        # A key phrase is shared: in a group of 4+ texts, one writer's word is not the group's theme.
        floor = min_count if min_count is not None else (2 if sizes[g] >= 4 else 1)
        order = [j for j in order if group_counts[cols[j]] >= floor][: top * 4]
        ranked = [Phrase(names[cols[j]], float(scores[j]), int(group_counts[cols[j]])) for j in order]
        result[label] = _drop_contained(ranked)[:top]
    return result


def texts_containing(phrase: str, texts: Sequence[str] | None = None,
                     tokens: Sequence[Sequence[str]] | None = None, tokenizer=None) -> list[int]:
    """Indices of the texts whose features include the phrase (the texts behind a phrase's count)."""
    if tokens is None:
        tokens = tokenize_texts(texts or [], tokenizer)
    return [i for i, doc in enumerate(tokens) if phrase in doc]
