"""Near-duplicate grouping of organised campaigns (same template, small edits), scalable to 100,000+ texts.

Pipeline: strip greetings, sign-offs, bullets, punctuation and spaces (NFKC) → exact copies collapsed →
character 3-gram shingles → MinHash LSH candidates (no quadratic pair list, even for a campaign of
10,000 copies) → TF-IDF cosine of each candidate pair with a length-ratio guard → groups built around
medoids (plus one step towards the group's centroid), so every member is directly similar to its
group's centre, never only through a chain of slightly different texts.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

import numpy as np
from scipy.sparse import coo_matrix, csr_matrix
from scipy.sparse.csgraph import connected_components
from sklearn.preprocessing import normalize

# Cosine of TF-IDF character 3-grams of stripped bodies, between a text and its group's centre.
# Principle: a campaign copy keeps most of its body, so editing a greeting, a group name and a few
# phrasings leaves well over half of its 3-grams shared; distinct comments on one topic share words,
# not runs of sentences. Measured on our own material (bench/grouping_bench.py): synthetic copies
# with 3-6 edits are >= 0.68 from their medoid and >= 0.81 from their centroid; for 99 % of the
# team's 860 seed comments the nearest other seed comment is < 0.43 (max 0.57). 0.5 sits in the gap.
THRESHOLD = 0.5
# Shorter bodies (after stripping) are grouped only when identical: a few shared words decide too
# much in a one-line comment ("予約をネットでできるようにしてほしい" is written by many people).
MIN_CHARS = 30
# Copies of a template keep their length within a factor of ~1.5; a much longer text that quotes a
# template is a different opinion.
MIN_LENGTH_RATIO = 0.5

_NGRAM = 3
# MinHash LSH: 16 bands of 2 rows. A pair with shingle Jaccard J becomes a candidate with probability
# 1 - (1 - J^2)^16: 0.94 at J=0.4, 0.99 at J=0.5 (campaign copies are ~0.4-0.8), so misses are rare; the many
# low-similarity candidates this also yields are removed by the exact cosine check.
_BANDS, _ROWS = 16, 2
# Candidates whose signatures agree on fewer hashes than this are dropped before the exact cosine
# (a cosine of 0.5 means a 3-gram Jaccard of about 0.33; the 32-hash estimate's noise is about 0.08).
_MIN_JACCARD = 0.15
_PRIME = (1 << 31) - 1
_HASH_BITS = 22
_IDF_POPULATION = 1000
_IDF_FLOOR_SHARE = 0.05
_GOLDEN = np.uint64(0x9E3779B97F4A7C15)
_SEED = 20211001

_GREETING = re.compile(
    r"お世話にな|こんにちは|こんばんは|はじめまして|初めまして|拝啓|前略|御中|ご担当|担当者|失礼(いた|致)?します"
    r"|お疲れ(さま|様)|意見を(提出|申し上げ|述べ|送|お送り|お伝え)|以下の(とおり|通り)|パブリックコメント|在住|在勤|在学"
    # self-introductions: who is writing, for which group
    r"|所属|メンバー|会員|として活動|の代表|住んでいる者|の者です|と申します"
)
_SIGNOFF = re.compile(
    r"^以上|よろしくお願い|宜しくお願い|敬具|草々|かしこ|ご検討|ご配慮|ご一考|ありがとうございま|一同|有志|代表"
)
_SENTENCE = re.compile(r"[^\n。！？!?]*(?:[。！？!?]+|\n|$)")
_BULLET = re.compile(r"(?m)^\s*(?:[・\-*●○■□◆◇▪▶➢→※]+|\(?\d{1,2}[.)]|[①-⑳])\s*")
_NON_WORD = re.compile(r"[\W_]+")
_QUOTE = re.compile(r"「[^「」]{15,}」|『[^『』]{15,}』|\"[^\"]{15,}\"")
_MAX_EDGE_SENTENCES = 3
# Lines this short without a sentence end at the very end are signatures (names, group names).
_SIGNATURE_CHARS = 25


@dataclass(frozen=True)
class Grouping:
    """Group id per text (0..n_groups-1, in order of first appearance) and each group's representative."""

    labels: np.ndarray
    representatives: np.ndarray  # index of the representative text of each group
    sizes: np.ndarray

    @property
    def n_groups(self) -> int:
        """Number of groups, singletons included."""
        return len(self.representatives)

    def members(self, group: int) -> np.ndarray:
        """Indices of the texts in a group, in input order."""
        return np.flatnonzero(self.labels == group)

    def subset(self, indices) -> Grouping:
        """The grouping restricted to some texts (e.g. one policy's), renumbered in their order.

        A group's representative is kept when it is in the subset, else its first member there.
        """
        indices = np.asarray(indices, dtype=np.int64)
        if len(indices) == 0:
            empty = np.zeros(0, dtype=int)
            return Grouping(empty, empty, empty)
        labels = _first_appearance_order(self.labels[indices])
        reps = np.full(labels.max() + 1, -1, dtype=np.int64)
        position = {int(i): k for k, i in enumerate(indices)}
        for k in range(len(indices) - 1, -1, -1):  # ends with each group's first member
            reps[labels[k]] = k
        for g, old in enumerate(self.labels[indices[reps]]):
            kept = position.get(int(self.representatives[old]))
            if kept is not None:
                reps[g] = kept
        return Grouping(labels, reps, np.bincount(labels))


def _sentences(text: str) -> list[str]:
    """Sentences and lines of a text (keeping their ends), empty pieces dropped."""
    return [s for s in _SENTENCE.findall(text) if s.strip()]


def _is_signature(sentence: str) -> bool:
    """A short closing line with no sentence end: a name, a group name, a date."""
    s = sentence.strip()
    return len(s) <= _SIGNATURE_CHARS and not re.search(r"[。！？!?]$", s)


def body_key(text: str) -> str:
    """The comparable body of a text: NFKC, lower case, without greetings, sign-offs, bullets, spaces, punctuation."""
    norm = _BULLET.sub("", unicodedata.normalize("NFKC", text or "").lower())
    # Long quotations (of the draft, usually) are not the writer's words: many distinct opinions
    # quote the same passage, and it must not make them look alike.
    norm = _QUOTE.sub("", norm)
    sentences = _sentences(norm)
    start, end = 0, len(sentences)
    while start < min(end, _MAX_EDGE_SENTENCES) and _GREETING.search(sentences[start]):
        start += 1
    stop = max(start, end - _MAX_EDGE_SENTENCES)
    while end > stop and (_SIGNOFF.search(sentences[end - 1].strip()) or _is_signature(sentences[end - 1])):
        end -= 1
    key = _NON_WORD.sub("", "".join(sentences[start:end]))
    if len(key) * 3 >= len(norm):
        return key
    # A text that is all greeting (or whose body is mostly boilerplate) is compared as a whole.
    whole = _NON_WORD.sub("", norm)
    return key if len(key) * 3 >= len(whole) else whole


def shingle_matrix(keys: list[str], n: int = _NGRAM) -> csr_matrix:
    """Counts of hashed character n-grams per key (2^22 columns), built with numpy, no Python loop."""
    lengths = np.fromiter(map(len, keys), dtype=np.int64, count=len(keys))
    per_doc = np.maximum(lengths - n + 1, 0)
    total = int(per_doc.sum())
    if total == 0:
        return csr_matrix((len(keys), 1 << _HASH_BITS), dtype=np.float32)
    codes = np.frombuffer("".join(keys).encode("utf-32-le"), dtype=np.uint32).astype(np.uint64)
    rows = np.repeat(np.arange(len(keys)), per_doc)
    offset = np.repeat(np.cumsum(lengths) - lengths - (np.cumsum(per_doc) - per_doc), per_doc)
    pos = np.arange(total, dtype=np.int64) + offset
    gram = codes[pos]
    for k in range(1, n):  # code points are < 2^21: n <= 3 packs exactly into 64 bits
        gram = (gram << np.uint64(21)) | codes[pos + k]
    # Multiply-shift hashing into 2^22 columns: no vocabulary sort; rare collisions barely move a cosine.
    cols = ((gram * _GOLDEN) >> np.uint64(64 - _HASH_BITS)).astype(np.int64)
    matrix = csr_matrix((np.ones(total, dtype=np.float32), (rows, cols)), shape=(len(keys), 1 << _HASH_BITS))
    matrix.sum_duplicates()
    return matrix


def minhash_signatures(shingles: csr_matrix, n_hashes: int = _BANDS * _ROWS) -> np.ndarray:
    """MinHash signature (n, n_hashes) of each row's shingle set; empty rows get distinct negative values."""
    n, vocab = shingles.shape
    rng = np.random.default_rng(_SEED)
    a = rng.integers(1, 1 << 62, size=n_hashes, dtype=np.int64).astype(np.uint64) * np.uint64(2) + np.uint64(1)
    b = rng.integers(0, 1 << 62, size=n_hashes, dtype=np.int64).astype(np.uint64)
    ids = shingles.indices.astype(np.uint64)
    nonempty = np.diff(shingles.indptr) > 0
    starts = shingles.indptr[:-1][nonempty]
    signature = np.empty((n, n_hashes), dtype=np.int64)
    signature[~nonempty] = -(np.flatnonzero(~nonempty)[:, None] + 2)
    if vocab == 0:
        return signature
    for j in range(n_hashes):
        # Multiply-add-shift: a 31-bit universal hash of each column id, one permutation per j.
        values = ((a[j] * ids + b[j]) >> np.uint64(33)).astype(np.int64)
        signature[nonempty, j] = np.minimum.reduceat(values, starts)
    return signature


def _candidate_pairs(signature: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(i, j) pairs sharing an LSH bucket: each member linked to its bucket's first member (linear size)."""
    n = signature.shape[0]
    bands = signature.reshape(n, _BANDS, _ROWS)
    left, right = [], []
    for band in range(_BANDS):
        key = bands[:, band, 0] * _PRIME + bands[:, band, 1]
        _, first, inverse = np.unique(key, return_index=True, return_inverse=True)
        head = first[inverse.ravel()]
        keep = head != np.arange(n)
        left.append(head[keep])
        right.append(np.flatnonzero(keep))
    pairs = np.unique(np.concatenate(left) * n + np.concatenate(right))
    return pairs // n, pairs % n


def _row_cosines(matrix: csr_matrix, rows: np.ndarray, cols: np.ndarray, chunk: int = 100_000) -> np.ndarray:
    """Cosine of L2-normalised rows rows[k] and cols[k], computed in chunks."""
    out = np.empty(len(rows))
    for s in range(0, len(rows), chunk):
        left, right = matrix[rows[s : s + chunk]], matrix[cols[s : s + chunk]]
        out[s : s + chunk] = np.asarray(left.multiply(right).sum(1)).ravel()
    return out


def _medoid_groups(sub: csr_matrix, lengths: np.ndarray, edges: csr_matrix, threshold: float):
    """Split a connected component into (members, medoid) groups whose members are all near their medoid.

    The medoid is the member closest to the component's centroid; what is left after taking its group
    is split again along the verified edges, so a chain of texts falls apart instead of being merged.
    """
    queue = [np.arange(sub.shape[0])]
    while queue:
        rest = queue.pop()
        if len(rest) <= 2:  # a single text, or a verified pair
            yield rest, rest[0]
            continue
        part = sub[rest]
        centroid = np.asarray(part.sum(0)).ravel()
        medoid = rest[int(np.argmax(part @ centroid))]
        sims = np.asarray((part @ sub[medoid].T).todense()).ravel()
        ratio = np.minimum(lengths[rest], lengths[medoid]) / np.maximum(np.maximum(lengths[rest], lengths[medoid]), 1)
        ok_length = ratio >= MIN_LENGTH_RATIO
        near = ((sims >= threshold) & ok_length) | (rest == medoid)
        if near.sum() >= 3:
            # One refinement step: the group's centroid averages over the template's alternative
            # phrasings, so a copy that took the other phrasing at several places is still close to it.
            centroid = np.asarray(part[near].sum(0)).ravel()
            near |= (part @ (centroid / np.linalg.norm(centroid)) >= threshold) & ok_length
        yield rest[near], medoid
        rest = rest[~near]
        if len(rest):
            _, comp = connected_components(edges[rest][:, rest], directed=False)
            order = np.argsort(comp, kind="stable")
            queue += np.split(rest[order], np.flatnonzero(np.diff(comp[order])) + 1)


def _tfidf(counts: csr_matrix) -> csr_matrix:
    """Sublinear TF-IDF rows, L2-normalised; IDF over at least _IDF_POPULATION texts, flat below 5 % of them.

    In a small batch dominated by one campaign, plain IDF would make the template's shared n-grams the
    cheapest and the edits the dearest, pushing copies apart; the texts missing from a small batch are
    counted as unrelated comments (none of the n-grams), as in a real consultation.
    """
    n = counts.shape[0]
    population = max(n, _IDF_POPULATION)
    df = np.bincount(counts.indices, minlength=counts.shape[1])
    # Rarer than 1 text in 20, every n-gram weighs the same: otherwise a large campaign's shared
    # n-grams would weigh less than each copy's personal addition, the opposite of what matters.
    df = np.maximum(df, _IDF_FLOOR_SHARE * population)
    idf = np.log((population + 1) / (df + 1)) + 1
    tf = counts.copy()
    tf.data = (1 + np.log(tf.data)) * idf[tf.indices]
    return normalize(tf)


def _compact(sub: csr_matrix) -> csr_matrix:
    """The same rows restricted to the columns they use (keeps per-component work independent of 2^22)."""
    used, inverse = np.unique(sub.indices, return_inverse=True)
    return csr_matrix((sub.data, inverse.ravel(), sub.indptr), shape=(sub.shape[0], len(used)))


def _fuzzy_groups(keys: list[str], threshold: float, min_chars: int) -> tuple[np.ndarray, np.ndarray]:
    """(group label per distinct key, medoid key of each key's group); labels are key indices."""
    n = len(keys)
    labels, medoids = np.arange(n), np.arange(n)
    lengths = np.fromiter(map(len, keys), dtype=float, count=n)
    eligible = np.flatnonzero(lengths >= min_chars)
    if len(eligible) < 2:
        return labels, medoids
    counts = shingle_matrix([keys[i] for i in eligible])
    tfidf = _tfidf(counts)
    signature = minhash_signatures(counts)
    rows, cols = _candidate_pairs(signature)
    # Cheap prefilter on the signatures' agreement (estimated Jaccard) before the exact cosine.
    agree = (signature[rows] == signature[cols]).mean(1) >= _MIN_JACCARD
    rows, cols = rows[agree], cols[agree]
    sims = _row_cosines(tfidf, rows, cols)
    ell = lengths[eligible]
    ratio = np.minimum(ell[rows], ell[cols]) / np.maximum(ell[rows], ell[cols])
    keep = (sims >= threshold) & (ratio >= MIN_LENGTH_RATIO)
    rows, cols = rows[keep], cols[keep]
    m = len(eligible)
    graph = coo_matrix((np.ones(len(rows)), (rows, cols)), shape=(m, m))
    _, comp = connected_components(graph, directed=False)
    order = np.argsort(comp, kind="stable")
    sizes = np.bincount(comp)
    starts = np.cumsum(sizes) - sizes
    local = np.empty(m, dtype=np.int64)
    local[order] = np.arange(m) - starts[comp[order]]
    edge_order = np.argsort(comp[rows], kind="stable")
    edge_bounds = np.searchsorted(comp[rows][edge_order], np.arange(len(sizes) + 1))
    for c in np.flatnonzero(sizes >= 2):
        members = order[starts[c] : starts[c] + sizes[c]]
        e = edge_order[edge_bounds[c] : edge_bounds[c + 1]]
        edges = coo_matrix((np.ones(len(e)), (local[rows[e]], local[cols[e]])), shape=(len(members),) * 2).tocsr()
        for group, medoid in _medoid_groups(_compact(tfidf[members]), ell[members], edges, threshold):
            idx = eligible[members[group]]
            labels[idx] = idx.min()
            medoids[idx] = eligible[members[medoid]]
    return labels, medoids


def group_duplicates(texts: list[str], threshold: float = THRESHOLD, min_chars: int = MIN_CHARS) -> Grouping:
    """Near-duplicate groups of texts; singletons get their own group; representative = the group's medoid."""
    n = len(texts)
    if n == 0:
        empty = np.zeros(0, dtype=int)
        return Grouping(empty, empty, empty)
    keys = [body_key(t) for t in texts]
    # Exact copies (after normalisation) share a key; fuzzy grouping runs on distinct keys only,
    # numbered in order of first appearance.
    index: dict[str, int] = {}
    key_of_text = np.fromiter((index.setdefault(k, len(index)) for k in keys), dtype=np.int64, count=n)
    first_text = np.full(len(index), n, dtype=np.int64)
    np.minimum.at(first_text, key_of_text, np.arange(n))
    key_labels, key_medoids = _fuzzy_groups(list(index), threshold, min_chars)
    raw = key_labels[key_of_text]
    # Texts with nothing comparable (empty, only punctuation or emoji) stay alone.
    blank = index.get("")
    if blank is not None:
        alone = key_of_text == blank
        raw[alone] = len(index) + np.flatnonzero(alone)
    _, labels = np.unique(raw, return_inverse=True)
    labels = _first_appearance_order(labels.ravel())
    reps = np.empty(labels.max() + 1, dtype=np.int64)
    reps[labels] = first_text[key_medoids[key_of_text]]
    return Grouping(labels, reps, np.bincount(labels))


def _first_appearance_order(labels: np.ndarray) -> np.ndarray:
    """Relabel groups 0, 1, 2... in order of their first member."""
    _, first = np.unique(labels, return_index=True)
    remap = np.empty(labels.max() + 1, dtype=int)
    remap[labels[np.sort(first)]] = np.arange(len(first))
    return remap[labels]


def duplicate_groups(texts: list[str], threshold: float = THRESHOLD) -> np.ndarray:
    """Group id per text (same id = near-duplicates); shorthand for group_duplicates(...).labels."""
    return group_duplicates(texts, threshold).labels
