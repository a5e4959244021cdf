"""Personal data inside comment texts: names, addresses, phone numbers, e-mail addresses and other
details that identify a person (birth dates, a child's school class, number plates, SNS accounts).

Detection runs on a normalised copy of the text (NFKC, invisible format characters removed; see
personal_text), so full-width digits or a zero-width space inside a number hide nothing; spans are
reported in offsets of the original text, without the brackets or punctuation around them. Written
forms (e-mail, phone, address…) are regular expressions (personal_patterns); names come from where
letters put them and from UniDic's person-name tags (personal_names). The consultation's own town names
are never personal data on their own. Detection proposes; people decide.

Runs in time linear in the length of the text (see bench/personal_bench.py for figures).
"""

from __future__ import annotations

import functools
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from operator import itemgetter
from pathlib import Path

from classifier.personal_names import name_spans
from classifier.personal_patterns import (
    ADDRESS,
    EMAIL,
    NAME,
    OTHER,
    PHONE,
    Found,
    address_spans,
    contact_spans,
    other_spans,
    postcode_spans,
)
from classifier.personal_text import Normalized, is_ignorable, lines, words

__all__ = [
    "ADDRESS", "EMAIL", "KINDS", "KIND_LABELS", "LEGACY_KINDS", "NAME", "OTHER", "PHONE", "Span",
    "find_personal_data", "load_places",
]

KINDS = (NAME, ADDRESS, PHONE, EMAIL, OTHER)
# Kinds the detector used to report, still carried by old rows in the database.
LEGACY_KINDS = {"person": NAME, "postal": ADDRESS, "handle": OTHER}
KIND_LABELS = {
    NAME: "人名", ADDRESS: "住所", PHONE: "電話番号", EMAIL: "メールアドレス", OTHER: "その他の個人情報",
    "manual": "職員が指定",
    "person": "人名", "postal": "郵便番号", "handle": "SNSアカウント",
}
TOWNS_FILE = "towns.txt"


@dataclass(frozen=True)
class Span:
    """A stretch of the original text that looks personal, with a reason a person can check."""

    start: int
    end: int
    kind: str
    text: str
    reason: str


def _clean_place(name: str) -> str:
    return "".join(ch for ch in unicodedata.normalize("NFKC", name) if not is_ignorable(ch)).strip()


def load_places(consultation_dir) -> frozenset[str]:
    """The consultation's town names from `towns.txt` in its directory (one a line; blank lines and
    lines starting with # are skipped). A consultation without the file has no town names."""
    path = Path(consultation_dir) / TOWNS_FILE
    try:
        content = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        return frozenset()
    return frozenset(p for p in map(_clean_place, content.splitlines()) if p and not p.startswith("#"))


@functools.lru_cache(maxsize=1)
def _default_places() -> frozenset[str]:
    from classifier import DEFAULT_CONSULTATION_DIR

    return load_places(DEFAULT_CONSULTATION_DIR)


def _with_postcodes(addresses: list[Found], labelled: list[Found], bare: list[Found], norm: str) -> list[Found]:
    """Addresses widened to the postcode written right before them; labelled postcodes on their own."""
    ends = {p.end: p for p in bare} | {p.end: p for p in labelled}
    merged, used = [], set()
    for a in addresses:
        start = a.start
        while start > 0 and norm[start - 1] in " \t":
            start -= 1
        postcode = ends.get(start)
        if postcode is not None:
            used.add(postcode)
            a = Found(postcode.start, a.end, ADDRESS, a.reason)
        merged.append(a)
    merged += [p for p in labelled if p not in used]
    return merged


def _without_overlaps(found: Iterable[Found]) -> list[Found]:
    """Keep the earliest, then longest, of overlapping spans; overlapping spans of one kind are joined."""
    ordered = sorted(found, key=itemgetter(1), reverse=True)  # longest first among equal starts (stable)
    ordered.sort(key=itemgetter(0))
    kept: list[Found] = []
    for f in ordered:
        if kept and f.start < kept[-1].end:
            if f.kind == kept[-1].kind and f.end > kept[-1].end:
                kept[-1] = kept[-1]._replace(end=f.end)
            continue
        kept.append(f)
    return kept


_BRACKETS = {
    "(": ")", "[": "]", "{": "}", "「": "」", "『": "』", "【": "】", "〔": "〕", "〈": "〉", "《": "》", "<": ">",
}
_OPENER_OF = {close: open_ for open_, close in _BRACKETS.items()}
_EDGE_MARKS = frozenset(" \t\u3000、。，．,:：;；!！?？")


def _trimmed(norm: str, start: int, end: int) -> tuple[int, int]:
    """A span without the brackets and punctuation around it (normalised offsets): separators at either
    edge, an opening bracket whose closing one is not in the span, a closing one whose opening one is not,
    a pair around the whole span."""
    while start < end:
        ch = norm[start]
        if not (ch in _EDGE_MARKS or ch in _OPENER_OF
                or (ch in _BRACKETS and norm.find(_BRACKETS[ch], start + 1, end) < 0)):
            break
        start += 1
    while end > start:
        ch = norm[end - 1]
        if not (ch in _EDGE_MARKS or ch in _BRACKETS
                or (ch in _OPENER_OF and norm.rfind(_OPENER_OF[ch], start, end - 1) < 0)):
            break
        end -= 1
    if end - start > 2 and norm[start] in _BRACKETS and norm.find(_BRACKETS[norm[start]], start + 1, end) == end - 1:
        return _trimmed(norm, start + 1, end - 1)  # one pair around the whole span
    return start, end


def find_personal_data(text: str, places: Iterable[str] | None = None) -> list[Span]:
    """Personal data in a text, as non-overlapping spans in text order.

    `places` are the consultation's town names, never personal data on their own (an address is a town
    with a 丁目 or house number); None means the default consultation's list.
    """
    if not text or not text.strip():
        return []
    town_names = _default_places() if places is None else frozenset(
        p for p in map(_clean_place, places) if p)
    n = Normalized(text)
    norm = n.norm
    line_spans = lines(norm)
    tokens = words(norm, line_spans)
    labelled, bare = postcode_spans(norm)
    structured = _without_overlaps(
        contact_spans(norm) + other_spans(norm)
        + _with_postcodes(address_spans(norm, tokens, town_names), labelled, bare, norm))
    names = name_spans(norm, tokens, line_spans, town_names, [(f.start, f.end, f.kind) for f in structured])
    spans = []
    for f in _without_overlaps(structured + names):
        start, end = _trimmed(norm, f.start, f.end)
        if end <= start:
            continue
        start, end = n.original_span(start, end)
        while start < end and text[start].isspace():
            start += 1
        while end > start and text[end - 1].isspace():
            end -= 1
        if end > start:
            spans.append(Span(start, end, f.kind, text[start:end], f.reason))
    return spans
