"""Personal data inside comment texts: e-mail, phone, postal code, street address, SNS handle, person name.

Regular expressions run on the NFKC-normalised text (full-width digits and letters become ASCII);
UniDic's proper-noun tags (fugashi) find person names and the place names that start an address.
Spans are reported in offsets of the original text. Detection proposes; people decide.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Sequence
from dataclasses import dataclass

from classifier.tokenizer import normalize_with_offsets

EMAIL, PHONE, POSTAL, ADDRESS, HANDLE, PERSON = "email", "phone", "postal", "address", "handle", "person"

# Hyphen look-alikes people type in numbers (after NFKC, full-width forms are already ASCII).
DASH = "\\-\u2010\u2011\u2012\u2013\u2014\u2015\u2212\u30fc\u2500"
_D = f"[{DASH}]"
_SEP = rf"(?:\s?{_D}\s?|\s|\)\s?|\()"
_EMAIL_RE = re.compile(r"(?<![\w.+-])[\w.+-]+@[a-z0-9-]+(?:\.[a-z0-9-]+)*\.[a-z]{2,}", re.ASCII)
_PHONE_RE = re.compile(
    rf"(?<![\d+])(?:(?:\+81{_SEP}?(?:\(0\))?|\(?0)\d{{1,4}}{_SEP}\d{{1,4}}{_SEP}\d{{3,4}}|0\d{{9,10}})(?!\d)"
)
_POSTAL_RE = re.compile(rf"(?:〒|郵便番号\s?[:：]?)\s?\d{{3}}{_D}\d{{4}}(?!\d)")
_PREFECTURES = r"(?:東京都|北海道|京都府|大阪府|[一-龥]{2,3}県)"
_BARE_POSTAL_RE = re.compile(
    rf"(?<![\d{DASH}])\d{{3}}{_D}\d{{4}}(?![\d{DASH}])(?=\s?(?:{_PREFECTURES}|[一-龥]{{1,4}}[市区町村]))"
)
_KANJI_NUM = "[一二三四五六七八九十]+"
# House-level numbers: at least two numbers (a 丁目 or a town alone names a district, not a home).
_HOUSE_RE = re.compile(
    rf"(?:\d+|{_KANJI_NUM})丁目\s?\d+(?:番地?|{_D})\s?\d+(?:号|{_D}\d+)?"
    rf"|(?:\d+|{_KANJI_NUM})丁目\s?\d+番地?"
    rf"|\d+番地?\s?\d+号?"
    rf"|\d+番地"
    rf"|\d+(?:{_D}\d+){{1,2}}(?:号)?"
)
_STRONG_HOUSE_RE = re.compile(r".*(?:丁目|番|号)")
_ROOM_RE = re.compile(r"\s?[^\s、。,]{0,20}?\d+号室")
_ADMIN_UNITS = {"都", "道", "府", "県", "市", "区", "町", "村", "郡", "丁目", "字", "大字"}
_SNS_RE = re.compile(
    r"https?://(?:www\.)?(?:twitter\.com|x\.com|instagram\.com|facebook\.com|fb\.com|tiktok\.com|"
    r"note\.com|ameblo\.jp|youtube\.com|threads\.net|line\.me)/[^\s、。)）」]+",
    re.ASCII,
)
_HANDLE_RE = re.compile(r"(?<![\w@.])@[a-z0-9_]{3,30}(?![\w@])", re.ASCII)
_HONORIFICS = ("さん", "様", "さま", "先生", "氏", "君", "くん", "ちゃん", "殿")
# Public titles, facility and policy words that UniDic may tag as names but are not a person.
NOT_NAMES = frozenset({"武蔵野", "吉祥寺", "三鷹", "市長", "令和", "平成", "昭和", "プレイス", "コミセン"})

REASONS = {
    EMAIL: "メールアドレスのため",
    PHONE: "電話番号のため",
    POSTAL: "郵便番号のため",
    ADDRESS: "番地まで書かれた住所のため",
    HANDLE: "SNSのアカウント（個人を特定できる情報）のため",
    PERSON: "人名と思われるため",
}
KIND_LABELS = {EMAIL: "メールアドレス", PHONE: "電話番号", POSTAL: "郵便番号", ADDRESS: "住所",
               HANDLE: "SNSアカウント", PERSON: "人名", "manual": "職員が指定"}


@dataclass(frozen=True)
class Span:
    """A stretch of the original text that looks personal, with a reason a person can check."""

    start: int
    end: int
    kind: str
    text: str
    reason: str


class _Text:
    """The normalised text with a map back to the original offsets."""

    def __init__(self, original: str):
        self.original = original
        self.norm, self._offsets = normalize_with_offsets(original)

    def span(self, start: int, end: int, kind: str, reason: str | None = None) -> Span:
        o_start, o_end = self._offsets[start], self._offsets[end]
        return Span(o_start, o_end, kind, self.original[o_start:o_end], reason or REASONS[kind])


def _phone_digits_ok(match: str) -> bool:
    digits = re.sub(r"\D", "", match)
    if match.startswith("+"):
        rest = digits[2:].removeprefix("0") if match.startswith("+81") else ""
        return len(rest) in (9, 10)
    return len(digits) in (10, 11)


def _regex_spans(t: _Text) -> list[Span]:
    found = [t.span(m.start(), m.end(), EMAIL) for m in _EMAIL_RE.finditer(t.norm)]
    found += [t.span(m.start(), m.end(), PHONE) for m in _PHONE_RE.finditer(t.norm) if _phone_digits_ok(m.group())]
    found += [t.span(m.start(), m.end(), POSTAL) for m in _POSTAL_RE.finditer(t.norm)]
    found += [t.span(m.start(), m.end(), POSTAL) for m in _BARE_POSTAL_RE.finditer(t.norm)]
    found += [t.span(m.start(), m.end(), HANDLE) for m in _SNS_RE.finditer(t.norm)]
    found += [t.span(m.start(), m.end(), HANDLE) for m in _HANDLE_RE.finditer(t.norm)]
    return found


# --- UniDic -------------------------------------------------------------------------------

_local = threading.local()


class _Word:
    __slots__ = ("surface", "start", "end", "pos")

    def __init__(self, surface: str, start: int, end: int, pos: Sequence[str]):
        self.surface, self.start, self.end, self.pos = surface, start, end, pos

    @property
    def is_person(self) -> bool:
        return self.pos[:3] == ["名詞", "固有名詞", "人名"] and self.surface not in NOT_NAMES

    @property
    def is_place(self) -> bool:
        return self.pos[:3] == ["名詞", "固有名詞", "地名"] or self.surface in _ADMIN_UNITS


def _words(norm: str) -> list[_Word]:
    """Words of the normalised text with their offsets in it (fugashi drops white space)."""
    tagger = getattr(_local, "tagger", None)
    if tagger is None:
        import fugashi

        tagger = _local.tagger = fugashi.Tagger()
    words, position = [], 0
    for node in tagger(norm):
        start = norm.find(node.surface, position)
        if start < 0:
            continue
        position = start + len(node.surface)
        words.append(_Word(node.surface, start, position, node.feature_raw.split(",")))
    return words


def _address_spans(t: _Text, words: list[_Word]) -> list[Span]:
    """House numbers, widened to the place names written right before them."""
    ends = {w.end: i for i, w in enumerate(words)}
    spans = []
    for m in _HOUSE_RE.finditer(t.norm):
        if t.norm[m.start() - 1:m.start()].isdigit():
            continue
        begin = m.start()
        index = ends.get(begin)
        has_place = False
        while index is not None and words[index].is_place:
            has_place = has_place or words[index].pos[2:3] == ["地名"]
            begin = words[index].start
            index = ends.get(begin)
        if not has_place and not (_STRONG_HOUSE_RE.match(m.group()) and begin < m.start()):
            continue
        end = m.end()
        room = _ROOM_RE.match(t.norm, end)
        if room:
            end = room.end()
        spans.append(t.span(begin, end, ADDRESS))
    return spans


def _person_spans(t: _Text, words: list[_Word]) -> list[Span]:
    """Runs of UniDic person-name words (姓 + 名), more certain before an honorific."""
    spans, i = [], 0
    while i < len(words):
        if not words[i].is_person:
            i += 1
            continue
        j = i
        while j + 1 < len(words) and words[j + 1].is_person and words[j + 1].start - words[j].end <= 1:
            j += 1
        after = t.norm[words[j].end:words[j].end + 3]
        honorific = next((h for h in _HONORIFICS if after.startswith(h)), None)
        if honorific:
            reason = f"人名と思われるため（後ろに「{honorific}」）"
        elif j > i:
            reason = "人名と思われるため（姓と名）"
        else:
            reason = REASONS[PERSON] + "（確認してください）"
        spans.append(t.span(words[i].start, words[j].end, PERSON, reason))
        i = j + 1
    return spans


def _without_overlaps(spans: list[Span]) -> list[Span]:
    """Keep the earliest, longest span where spans overlap."""
    kept: list[Span] = []
    for span in sorted(spans, key=lambda s: (s.start, -(s.end - s.start))):
        if kept and span.start < kept[-1].end:
            continue
        kept.append(span)
    return kept


def find_personal_data(text: str) -> list[Span]:
    """Personal data in a text, as non-overlapping spans in the order they appear."""
    if not text or not text.strip():
        return []
    t = _Text(text)
    spans = _regex_spans(t)
    words = _words(t.norm)
    spans += _address_spans(t, words)
    spans += _person_spans(t, words)
    return [s for s in _without_overlaps(spans) if s.end > s.start]
