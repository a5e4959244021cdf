"""The committee digest: what residents said about each policy, counted and grouped, in their own words.

Built from the database in one pass (plain dataclasses, no ORM objects, so it can be cached):
near-duplicates over all opinions, tokenizer features once per distinct text, key phrases by policy
(c-TF-IDF, a campaign weighing as one voice), sub-themes inside each policy. Quotes are the masked
texts, never a paraphrase; the staff's summary travels beside a quote, labelled as such.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

import numpy as np

from classifier.clusters import cluster_opinions
from classifier.duplicates import Grouping, group_duplicates
from classifier.phrases import key_phrases, tokenize_texts

from ..labels import CHANNEL_LABELS, policy_label, policy_title
from ..masking import MASK
from ..models import Consultation, utcnow
from ..suggestions import active_model_version
from ..timeutil import tokyo_today
from .source import NO_ATTRIBUTE, DataVersion, Opinion, data_version, load_opinions

NO_SECTION = "該当箇所の指定なし"
UNREVIEWED_MARK = "未確認（分類は提案）"
UNCLASSIFIED_TITLE = "未分類（システムの分類の提案もまだない意見）"
TOP_PHRASES = 10
THEME_PHRASES = 5
MAX_DUPLICATE_GROUPS = 30
MAX_VARIANTS = 30
# Tokens of the last digest's texts are kept per process for recomputes up to this many opinions
# (about 1 KB each); larger digests are computed in the background anyway.
TOKEN_MEMO_LIMIT = 20_000
_token_memo: dict[str, list[str]] = {}


@dataclass(frozen=True)
class Tally:
    """Opinions, people (distinct submissions), and how many are confirmed by staff or not yet."""

    opinions: int = 0
    people: int = 0
    confirmed: int = 0
    unreviewed: int = 0


@dataclass(frozen=True)
class Count:
    label: str
    opinions: int
    people: int
    short: str = ""  # for chart axes, when the label is long


@dataclass(frozen=True)
class DayCount:
    day: date
    opinions: int
    people: int


@dataclass(frozen=True)
class Quote:
    """An opinion quoted verbatim (masked), with where it points and the staff's summary if any."""

    text: str
    section: str
    confirmed: bool
    summary: str
    copies: int = 1  # opinions of its near-duplicate group in the same policy (itself included)
    group: int | None = None  # near-duplicate group key when copies > 1


@dataclass(frozen=True)
class KeyPhrase:
    phrase: str
    count: int  # opinions containing it (campaign copies included)


@dataclass(frozen=True, eq=False)
class Theme:
    number: int
    opinions: int
    distinct: int
    phrases: tuple[str, ...]
    quotes: tuple[Quote, ...]
    ids: np.ndarray


@dataclass(frozen=True)
class Variant:
    text: str
    copies: int


@dataclass(frozen=True, eq=False)
class DuplicateGroup:
    """「同趣旨の意見 N件」: one entry for a campaign or repeated text, every copy counted."""

    key: int
    size: int  # in this policy
    total: int  # in all policies
    quote: Quote
    variants: tuple[Variant, ...]
    hidden_variants: int
    ids: np.ndarray


@dataclass(frozen=True)
class SectionRow:
    label: str
    tally: Tally


@dataclass(frozen=True, eq=False)
class PolicyDigest:
    code: str
    label: str
    title: str
    tally: Tally
    sections: tuple[SectionRow, ...]
    attributes: tuple[Count, ...]
    channels: tuple[Count, ...]
    phrases: tuple[KeyPhrase, ...]
    themes: tuple[Theme, ...]
    duplicates: tuple[DuplicateGroup, ...]
    more_duplicates: int  # near-duplicate groups not listed (smaller ones)
    phrase_ids: dict[str, np.ndarray] = field(default_factory=dict)

    @property
    def heading(self) -> str:
        """The policy's full name (titles usually start with the short label: 基本施策1 …)."""
        if not self.code or self.title.startswith(self.label):
            return self.title
        return f"{self.label} {self.title}"

    @property
    def anchor(self) -> str:
        return f"policy-{self.code or 'none'}"


@dataclass(frozen=True, eq=False)
class Digest:
    title: str
    generated_at: datetime
    version: str
    masks_version: str
    model_version: str | None
    totals: Tally
    excluded: Tally
    policies: tuple[PolicyDigest, ...]
    by_section: tuple[Count, ...]
    by_attribute: tuple[Count, ...]
    by_channel: tuple[Count, ...]
    by_day: tuple[DayCount, ...]
    opinion_ids: np.ndarray  # every opinion in the policy groups, ascending
    duplicate_keys: np.ndarray  # near-duplicate group per opinion_ids entry
    duplicate_sizes: np.ndarray  # its size over all policies
    theme_numbers: np.ndarray  # sub-theme number within its policy
    unscanned: int = 0  # opinions whose text is withheld until the personal-data scan has read it

    def policy(self, code: str) -> PolicyDigest | None:
        """The policy group with this code ("none" or "" for unclassified opinions)."""
        code = "" if code == "none" else code
        return next((p for p in self.policies if p.code == code), None)


@dataclass
class _Analysis:
    """Shared work over all kept opinions: near-duplicates, tokens, key phrases per policy."""

    opinions: list[Opinion]
    texts: list[str]  # what is analysed: "" for an unscanned opinion, which stays out of phrases and groups
    grouping: Grouping
    tokens: list[list[str]]
    phrases: dict


def tally(opinions: Iterable[Opinion]) -> Tally:
    """Counts of a group of opinions; people are distinct submissions."""
    opinions = list(opinions)
    confirmed = sum(o.confirmed for o in opinions)
    return Tally(len(opinions), len({o.submission_id for o in opinions}), confirmed, len(opinions) - confirmed)


def counts_by(opinions: list[Opinion], key: Callable[[Opinion], str], order: Iterable[str]) -> tuple[Count, ...]:
    """Opinions and people per label, in the given order, then any other labels met."""
    groups: dict[str, list[Opinion]] = {label: [] for label in order}
    for o in opinions:
        groups.setdefault(key(o), []).append(o)
    return tuple(Count(label, len(g), len({o.submission_id for o in g})) for label, g in groups.items()
                 if g or label != NO_ATTRIBUTE)


def _section_index(consultation: Consultation) -> dict[int | None, tuple[int, str, str]]:
    """Section id → (position, label, short label: chapter number and heading)."""
    index = {s.id: (s.position, s.label, f"{s.chapter.split(' ')[0]} {s.heading}".strip())
             for s in consultation.sections}
    index[None] = (10**9, NO_SECTION, NO_SECTION)
    return index


def _section_groups(opinions: list[Opinion], index) -> list[tuple[int | None, list[Opinion]]]:
    groups: dict[int | None, list[Opinion]] = {}
    for o in opinions:
        groups.setdefault(o.section_id if o.section_id in index else None, []).append(o)
    return sorted(groups.items(), key=lambda item: index[item[0]][0])


def _sections(opinions: list[Opinion], index) -> tuple[SectionRow, ...]:
    return tuple(SectionRow(index[s][1], tally(g)) for s, g in _section_groups(opinions, index))


def _channel_label(o: Opinion) -> str:
    return CHANNEL_LABELS.get(o.channel, o.channel)  # StrEnum keys match their plain values


def _quote(o: Opinion, index, copies: int = 1, group: int | None = None) -> Quote:
    section = index.get(o.section_id, index[None])[1]
    return Quote(o.text, section, o.confirmed, o.summary, copies, group if copies > 1 else None)


def _themes(an: _Analysis, idx: np.ndarray, sub: Grouping, index) -> tuple[Theme, ...]:
    texts = [an.texts[i] for i in idx]
    clustering = cluster_opinions(texts, tokens=[an.tokens[i] for i in idx], duplicates=sub,
                                  top_phrases=THEME_PHRASES)
    themes = []
    for number, cluster in enumerate(clustering.clusters, 1):
        quotes = tuple(_quote(an.opinions[idx[j]], index, int(sub.sizes[sub.labels[j]]),
                              int(an.grouping.labels[idx[j]])) for j in cluster.examples)
        ids = np.array([an.opinions[idx[j]].id for j in cluster.members], dtype=np.int64)
        themes.append(Theme(number, cluster.size, cluster.n_distinct, tuple(p.phrase for p in cluster.phrases),
                            quotes, ids))
    return tuple(themes)


def _duplicates(an: _Analysis, idx: np.ndarray, sub: Grouping, index) -> tuple[tuple[DuplicateGroup, ...], int]:
    repeated = np.flatnonzero(sub.sizes > 1)
    ranked = repeated[np.lexsort((repeated, -sub.sizes[repeated]))]
    groups = []
    for g in ranked[:MAX_DUPLICATE_GROUPS]:
        local = np.flatnonzero(sub.labels == g)
        members = [an.opinions[idx[j]] for j in local]
        variants = Counter(o.text for o in members).most_common()
        key = int(an.grouping.labels[idx[local[0]]])
        rep = an.opinions[idx[sub.representatives[g]]]
        groups.append(DuplicateGroup(
            key, len(local), int(an.grouping.sizes[key]), _quote(rep, index, len(local), key),
            tuple(Variant(text, n) for text, n in variants[:MAX_VARIANTS]), max(0, len(variants) - MAX_VARIANTS),
            np.array([o.id for o in members], dtype=np.int64)))
    return tuple(groups), max(0, len(ranked) - MAX_DUPLICATE_GROUPS)


def _phrase_ids(an: _Analysis, idx: np.ndarray, phrases: list[str]) -> dict[str, np.ndarray]:
    """The opinions whose features include each phrase (one pass over the policy's tokens)."""
    wanted = set(phrases)
    hits: dict[str, list[int]] = {p: [] for p in phrases}
    for i in idx:
        for phrase in wanted.intersection(an.tokens[i]):
            hits[phrase].append(an.opinions[i].id)
    return {p: np.array(ids, dtype=np.int64) for p, ids in hits.items()}


def _policy_digest(an: _Analysis, code: str, idx: np.ndarray, consultation: Consultation,
                   index) -> tuple[PolicyDigest, np.ndarray]:
    members = [an.opinions[i] for i in idx]
    themes: tuple[Theme, ...] = ()
    duplicates: tuple[DuplicateGroup, ...] = ()
    more, theme_of = 0, np.zeros(len(idx), dtype=np.int64)
    if len(idx):
        sub = an.grouping.subset(idx)
        themes = _themes(an, idx, sub, index)
        duplicates, more = _duplicates(an, idx, sub, index)
        position = {int(cid): k for k, cid in enumerate(o.id for o in members)}
        for theme in themes:
            theme_of[[position[int(c)] for c in theme.ids]] = theme.number
    phrases = tuple(KeyPhrase(p.phrase, p.count) for p in an.phrases.get(code, []))
    digest = PolicyDigest(
        code, policy_label(code or None), policy_title(consultation, code) if code else UNCLASSIFIED_TITLE,
        tally(members), _sections(members, index),
        counts_by(members, lambda o: o.attribute, [*consultation.attributes, NO_ATTRIBUTE]),
        counts_by(members, _channel_label, CHANNEL_LABELS.values()), phrases, themes, duplicates, more,
        _phrase_ids(an, idx, [p.phrase for p in phrases]))
    return digest, theme_of


def _by_day(opinions: list[Opinion], consultation: Consultation) -> tuple[DayCount, ...]:
    """Opinions and people per received day (Tokyo dates), every day of the period up to today."""
    days: dict[date, list[Opinion]] = {}
    for o in opinions:
        days.setdefault(o.day, []).append(o)
    firsts = [d for d in (consultation.opens_on, min(days, default=None)) if d]
    if not firsts:
        return ()
    lasts = [d for d in (max(days, default=None), consultation.closes_on and min(consultation.closes_on, tokyo_today()))
             if d]
    start, end = min(firsts), max(lasts or firsts)
    out = []
    for n in range((end - start).days + 1):
        day = start + timedelta(days=n)
        found = days.get(day, [])
        out.append(DayCount(day, len(found), len({o.submission_id for o in found})))
    return tuple(out)


def _tokens(texts: list[str]) -> list[list[str]]:
    """Tokenizer features per text; up to TOKEN_MEMO_LIMIT texts, the last build's are reused.

    A staff decision changes no text, so a recompute tokenizes only new texts (the slowest step).
    """
    global _token_memo
    if len(texts) > TOKEN_MEMO_LIMIT:
        return tokenize_texts(texts)
    memo = _token_memo
    missing = list(dict.fromkeys(t for t in texts if t not in memo))
    fresh = dict(zip(missing, tokenize_texts(missing), strict=True))
    tokens = [fresh[t] if t in fresh else memo[t] for t in texts]
    _token_memo = dict(zip(texts, tokens, strict=True))
    return tokens


def _analyse(kept: list[Opinion]) -> _Analysis:
    # A mask is a gap in the words, never part of a phrase (「桜堤〇〇」 is no key phrase).
    texts = [o.text.replace(MASK, "\n") if o.scanned else "" for o in kept]
    grouping = group_duplicates(texts)
    tokens = _tokens(texts)
    phrases = {}
    if kept:
        weights = 1.0 / grouping.sizes[grouping.labels]
        phrases = key_phrases(texts, [o.policy for o in kept], top=TOP_PHRASES, tokens=tokens, weights=weights)
    return _Analysis(kept, texts, grouping, tokens, phrases)


def build_digest(consultation: Consultation, version: DataVersion | None = None) -> Digest:
    """Compute the digest of a consultation from the database (seconds for 10,000 opinions)."""
    version = version or data_version(consultation)
    opinions = load_opinions(consultation)
    kept = [o for o in opinions if not o.excluded]
    an = _analyse(kept)
    index = _section_index(consultation)
    policy_of = np.array([o.policy for o in kept], dtype=object)
    codes = [p.code for p in consultation.policies]
    codes += sorted({o.policy for o in kept} - set(codes), key=lambda c: (c != "", c))
    policies, theme_numbers = [], np.zeros(len(kept), dtype=np.int64)
    for code in codes:
        idx = np.flatnonzero(policy_of == code)
        policy, theme_of = _policy_digest(an, code, idx, consultation, index)
        policies.append(policy)
        theme_numbers[idx] = theme_of
    model = active_model_version()
    return Digest(
        consultation.title, utcnow(), version.key, version.masks, model.version if model else None, tally(kept),
        tally(o for o in opinions if o.excluded), tuple(policies),
        tuple(Count(index[s][1], len(g), len({o.submission_id for o in g}), index[s][2])
              for s, g in _section_groups(kept, index)),
        counts_by(kept, lambda o: o.attribute, [*consultation.attributes, NO_ATTRIBUTE]),
        counts_by(kept, _channel_label, CHANNEL_LABELS.values()), _by_day(kept, consultation),
        np.array([o.id for o in kept], dtype=np.int64), an.grouping.labels.astype(np.int64),
        an.grouping.sizes[an.grouping.labels].astype(np.int64), theme_numbers, sum(not o.scanned for o in kept))
