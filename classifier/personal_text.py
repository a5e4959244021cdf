"""Text preparation for the personal-data detector: normalisation with offsets, lines, UniDic words.

Detection runs on a normalised copy of the comment: NFKC (full-width digits and letters become ASCII,
half-width katakana full-width, the ideographic space a plain space) with invisible format characters
removed (zero-width spaces and joiners, bidi controls, tag characters, soft hyphens, variation
selectors), so that none of them can hide a phone number or a name. Every normalised character keeps
the start and end of the original characters it came from, so spans map back exactly.

Everything here runs in time linear in the length of the text: MeCab is given one line at a time,
and lines are cut into pieces of at most ``_PIECE`` characters (MeCab groups unknown words of one
character class, such as a run of digits, Latin letters, katakana or emoji, and that grouping is
quadratic in the run's length).
"""

from __future__ import annotations

import functools
import re
import threading
import unicodedata
from collections.abc import Collection, Sequence
from itertools import accumulate

# Default-ignorable characters that render as nothing (Unicode's format characters, variation
# selectors, fillers): removed before detection.
_IGNORABLE = (
    "\u00ad\u034f\u0600-\u0605\u061c\u06dd\u070f\u0890\u0891\u08e2\u115f\u1160\u17b4\u17b5\u180b-\u180f"
    "\u200b-\u200f\u202a-\u202e\u2060-\u206f\u3164\ufe00-\ufe0f\ufeff\uffa0\ufff0-\ufffb"
    "\U000110bd\U000110cd\U00013430-\U0001343f\U0001bca0-\U0001bca3\U0001d173-\U0001d17a"
    "\U000e0000-\U000e0fff"
)
_KEPT_RE = re.compile(f"[^{_IGNORABLE}]+")
_IGNORABLE_RE = re.compile(f"[{_IGNORABLE}]")
LINE_BREAKS = "\n\r\u2028\u2029\x0b\x0c\x1c\x1d\x1e\x85"
_LINE_RE = re.compile(f"[^{LINE_BREAKS}]+")
_CHUNK = 256


def is_ignorable(ch: str) -> bool:
    """True for characters that are invisible and carry no text (format characters and the like)."""
    return _IGNORABLE_RE.match(ch) is not None or unicodedata.category(ch) == "Cf"


class _CharNFKC(dict):
    """NFKC of single characters, computed on first sight (used through map() at C speed)."""

    def __missing__(self, ch: str) -> str:
        value = unicodedata.normalize("NFKC", ch)
        if len(self) < 65536:
            self[ch] = value
        return value


_NFKC_CHAR = _CharNFKC()


def _is_combining(ch: str) -> bool:
    """Marks NFKC may merge into the character before (incl. half-width and spacing sound marks)."""
    return unicodedata.combining(ch) != 0 or ch in "\uff9e\uff9f\u3099\u309a" or "\u1160" <= ch <= "\u11ff"


def _one_to_one(chunk: str) -> bool:
    """True when NFKC maps each character of chunk to exactly one character, independently."""
    mapped = "".join(map(_NFKC_CHAR.__getitem__, chunk))
    return len(mapped) == len(chunk) and mapped == unicodedata.normalize("NFKC", chunk)


class Normalized:
    """A text's normalised form with, for each normalised character, the original start and end."""

    __slots__ = ("original", "norm", "_starts", "_ends")

    def __init__(self, original: str):
        self.original = original
        if not _IGNORABLE_RE.search(original) and _one_to_one(original):
            self.norm = unicodedata.normalize("NFKC", original)
            self._starts = self._ends = None
            return
        out: list[str] = []
        starts: list[int] = []
        ends: list[int] = []
        for run in _KEPT_RE.finditer(original):
            start, end = run.span()
            while start < end:
                stop = min(end, start + _CHUNK)
                while stop < end and _is_combining(original[stop]):
                    stop += 1
                chunk = original[start:stop]
                if _one_to_one(chunk):
                    out.append(unicodedata.normalize("NFKC", chunk))
                    starts.extend(range(start, stop))
                    ends.extend(range(start + 1, stop + 1))
                else:
                    self._clusters(chunk, start, out, starts, ends)
                start = stop
        self.norm = "".join(out)
        self._starts, self._ends = starts, ends

    @staticmethod
    def _clusters(chunk: str, offset: int, out: list[str], starts: list[int], ends: list[int]) -> None:
        """Normalise a chunk one character (with its combining marks) at a time."""
        i, n = 0, len(chunk)
        while i < n:
            j = i + 1
            while j < n and _is_combining(chunk[j]):
                j += 1
            piece = unicodedata.normalize("NFKC", chunk[i:j])
            out.append(piece)
            starts.extend([offset + i] * len(piece))
            ends.extend([offset + j] * len(piece))
            i = j

    def original_span(self, start: int, end: int) -> tuple[int, int]:
        """Original offsets of the normalised stretch [start, end) (end > start)."""
        if self._starts is None:
            return start, end
        return self._starts[start], self._ends[end - 1]


_OTHER_BREAKS_RE = re.compile(f"[{LINE_BREAKS[1:]}]")


def lines(norm: str) -> list[tuple[int, int]]:
    """(start, end) of each non-empty line of a text."""
    if _OTHER_BREAKS_RE.search(norm):
        return [m.span() for m in _LINE_RE.finditer(norm)]
    out = []
    position = 0
    for line in norm.split("\n"):
        if line:
            out.append((position, position + len(line)))
        position += len(line) + 1
    return out


# --- UniDic words -------------------------------------------------------------------------

_FORMAT = r"%m\t%f[0],%f[1],%f[2],%f[3],%s\n"
_ARGS = f"-O '' --node-format='{_FORMAT}' --unk-format='{_FORMAT}' --eos-format='EOS\\n'"
_local = threading.local()
# What MeCab cannot be given: NUL ends its C string, lone surrogates cannot be encoded (read as spaces).
_UNREADABLE_RE = re.compile("[\x00\ud800-\udfff]")
_LETTER_RE = re.compile(r"[A-Za-z\u3041-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff々〆ヶ]")
_PIECE = 200
_LONG_RUN_RE = re.compile(
    r"[\u30a1-\u30fa\u30fc]{33,}|[A-Za-z]{33,}|[^A-Za-z\u3041-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff々〆ヶ]{33,}"
)
_CACHE_SIZE = 200_000
_BOUNDARY_RE = re.compile(r"[。．！？!?、，,・:：;；)）」』】 \t]")


class Word:
    """A morpheme of the normalised text: surface, its offsets there, UniDic's first four POS fields
    and MeCab's status as a fifth ("1" for an unknown word)."""

    __slots__ = ("surface", "start", "end", "pos")

    def __init__(self, surface: str, start: int, end: int, pos: tuple[str, ...]):
        self.surface, self.start, self.end, self.pos = surface, start, end, pos

    def __repr__(self) -> str:
        return f"Word({self.surface!r}, {self.start}, {self.end}, {','.join(self.pos)})"

    @property
    def is_person(self) -> bool:
        return self.pos[2] == "人名"

    @property
    def is_surname(self) -> bool:
        return self.pos[3] == "姓" and self.pos[2] == "人名"

    @property
    def is_given_name(self) -> bool:
        return self.pos[3] == "名" and self.pos[2] == "人名"

    @property
    def is_place(self) -> bool:
        return self.pos[2] == "地名"

    @property
    def is_common_noun(self) -> bool:
        return self.pos[1] == "普通名詞" and self.pos[0] == "名詞"

    @property
    def is_proper_noun(self) -> bool:
        return self.pos[1] == "固有名詞" and self.pos[0] == "名詞"

    @property
    def is_noun(self) -> bool:
        return self.pos[0] == "名詞"

    @property
    def is_unknown(self) -> bool:
        return self.pos[4] == "1"


def _tagger():
    tagger = getattr(_local, "tagger", None)
    if tagger is None:
        import fugashi

        tagger = _local.tagger = fugashi.Tagger(_ARGS)
    return tagger


def _pieces(norm: str, start: int, end: int):
    """Cut a stretch into pieces of at most _PIECE characters, at punctuation or white space if any."""
    while end - start > _PIECE:
        cut = start + _PIECE
        boundary = None
        for m in _BOUNDARY_RE.finditer(norm, start + _PIECE // 2, cut):
            boundary = m.end()
        cut = boundary or cut
        yield start, cut
        start = cut
    yield start, end


def _analysable(norm: str, start: int, end: int):
    """Pieces of a line for MeCab, leaving out long runs of katakana, of Latin letters or of non-letters.

    MeCab reads such a run as one unknown word, in time quadratic in its length; no name is that long.
    """
    if end - start <= 32:
        yield start, end
        return
    for m in _LONG_RUN_RE.finditer(norm, start, end):
        if m.start() > start:
            yield from _pieces(norm, start, m.start())
        start = m.end()
    if end > start:
        yield from _pieces(norm, start, end)


class _Rows(dict):
    """MeCab output line -> (surface, POS fields), learned on first sight (looked up through map())."""

    def __missing__(self, row: str) -> tuple[str, tuple[str, ...]]:
        surface, _, feature = row.partition("\t")
        hit = (surface, tuple((feature + ",,,,").split(",")[:5]))
        if len(self) < _CACHE_SIZE:
            self[row] = hit
        return hit


class Words(Sequence):
    """The morphemes of a text, stored by column; `words[i]` makes a Word when a rule needs one."""

    def __init__(self):
        self.surfaces: list[str] = []
        self.starts: list[int] = []
        self.ends: list[int] = []
        self.pos: list[tuple[str, ...]] = []
        self._made: dict[int, Word] = {}

    def __len__(self) -> int:
        return len(self.starts)

    def __getitem__(self, i):
        word = self._made.get(i)
        if word is None:
            if isinstance(i, slice):
                return [self[k] for k in range(*i.indices(len(self)))]
            word = self._made[i] = Word(self.surfaces[i], self.starts[i], self.ends[i], self.pos[i])
        return word

    def indexes_where(self, field: int, values: Collection[str]) -> list[int]:
        """Indexes of the words whose POS field `field` is one of values."""
        return [i for i, p in enumerate(self.pos) if p[field] in values]


def words(norm: str, line_spans: list[tuple[int, int]] | None = None) -> Words:
    """UniDic morphemes of a normalised text with their offsets in it, in order.

    MeCab reads one line (or piece of a long line) at a time; lines without a letter (digits,
    symbols, emoji) are not analysed: no name hides there.
    """
    tagger = _tagger()
    cache = _local.__dict__.get("rows")
    if cache is None:
        cache = _local.rows = _Rows()
    found = Words()
    for line_start, line_end in (lines(norm) if line_spans is None else line_spans):
        if _LETTER_RE.search(norm, line_start, line_end) is None:
            continue
        for start, end in _analysable(norm, line_start, line_end):
            piece = _UNREADABLE_RE.sub(" ", norm[start:end])
            rows = tagger.parse(piece).split("\n")
            if rows[-1] == "EOS":  # fugashi strips the newline after it
                rows.pop()
            hits = list(map(cache.__getitem__, rows))
            surfaces = [h[0] for h in hits]
            if " " not in piece and "\t" not in piece:
                # MeCab skipped nothing: the surfaces tile the piece.
                ends = list(accumulate(map(len, surfaces), initial=start))
                found.starts += ends[:-1]
                found.ends += ends[1:]
                found.surfaces += surfaces
                found.pos += [h[1] for h in hits]
                continue
            position = 0
            for surface, pos in hits:
                at = piece.find(surface, position)
                if at < 0:
                    continue
                position = at + len(surface)
                found.surfaces.append(surface)
                found.starts.append(start + at)
                found.ends.append(start + position)
                found.pos.append(pos)
    return found


@functools.lru_cache(maxsize=4096)
def analyse(text: str) -> tuple[Word, ...]:
    """UniDic morphemes of a short normalised text read on its own (cached)."""
    return tuple(words(text[:64]))  # type: ignore[arg-type]
