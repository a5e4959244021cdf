"""Japanese tokenizer: NFKC, fugashi + unidic-lite, part-of-speech filter, lemmas, compound nouns."""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence
from typing import NamedTuple

# UniDic feature_raw field positions (unidic-lite, 26+ fields; unknown words have only 6).
_POS1, _POS2 = 0, 1
_LEMMA, _ORTH_BASE = 7, 10

# Fast path: one Tagger.parse() call per text with a custom MeCab output format, instead of
# a Python Node object per morpheme (bare node iteration is the speed yardstick; reading each
# node's feature string alone costs ~35 % of it). Each output line identifies a dictionary entry
# cheaply: surface, left/right context ids, word cost (no %f/%F/%H: MeCab copies an 8 KB buffer
# per node for %f, and whole feature strings are slow to decode and hash). Distinct entries can
# share such a line (371 of 756k in unidic-lite), but then they tie on every path cost and
# MeCab's Viterbi always keeps the same one of them, so a line always stands for one entry.
# Lines are learned on first sight from the node path (feature_raw), then answered from a cache.
# Unknown words carry their (6-field) feature: they are often new (numbers, names), so deciding
# them from the line avoids re-reading the text through nodes. Notes on the options:
# `-O ''` is needed because unidic-lite's dicrc selects its "unidic" format, which overrides -F;
# an --unk-format equal to MeCab's default ("%m\t%H\n") is replaced by the node format, hence
# the "unk" marker. Surfaces never hold "\t" or "\n" (MeCab treats both as spaces).
_NODE_FORMAT = r"%m\t%phl\t%phr\t%c\n"
_UNK_FORMAT = r"%m\t%H\tunk\n"
_FORMAT_ARGS = f"-O '' --node-format='{_NODE_FORMAT}' --unk-format='{_UNK_FORMAT}' --eos-format='EOS\\n'"
_CACHE_SIZE = 200_000

_CONTENT_POS1 = {"名詞", "動詞", "形容詞", "形状詞"}
_DROP_POS2 = {"非自立可能", "数詞", "代名詞"}
_COMPOUND_POS1 = {"名詞", "接頭辞"}
_COMPOUND_SUFFIX_POS2 = {"名詞的"}
_MAX_COMPOUND = 6
# Very short hiragana words are nearly always grammar that slipped through the POS filter.
_MIN_HIRAGANA_LEN = 2


class Token(NamedTuple):
    """A feature with the span of its source text in the original (unnormalised) string."""

    feature: str
    start: int
    end: int


def _script(ch: str) -> str:
    """Coarse script class of one character."""
    code = ord(ch)
    if 0x3040 <= code <= 0x309F:
        return "hiragana"
    if 0x30A0 <= code <= 0x30FF:
        return "katakana"
    if 0x4E00 <= code <= 0x9FFF or 0x3400 <= code <= 0x4DBF or ch in "々〆ヶ":
        return "kanji"
    return "other"


def _scripts(text: str) -> frozenset[str]:
    """Set of scripts used in a string."""
    return frozenset(_script(ch) for ch in text)


def _is_combining(ch: str) -> bool:
    """True for marks that NFKC may merge into the previous character (incl. half-width dakuten)."""
    return unicodedata.combining(ch) != 0 or ch in "\uff9e\uff9f\u3099\u309a"


def normalize_with_offsets(text: str) -> tuple[str, Sequence[int]]:
    """NFKC-normalise text and map each normalised character back to its source offset."""
    whole = unicodedata.normalize("NFKC", text).lower()
    if len(whole) == len(text):
        # Fast path: same length means one character per character in practice (full-width
        # digits and Latin, half-width katakana without sound marks): offsets are the identity.
        return whole, range(len(text) + 1)
    out: list[str] = []
    offsets: list[int] = []
    i, n = 0, len(text)
    while i < n:
        j = i + 1
        while j < n and _is_combining(text[j]):
            j += 1
        piece = unicodedata.normalize("NFKC", text[i:j]).lower()
        out.append(piece)
        offsets.extend([i] * len(piece))
        i = j
    offsets.append(n)
    return "".join(out), offsets


def _up_to_nul(text: str) -> str:
    """MeCab reads a C string, which ends at the first NUL: node iteration sees only that much."""
    return text[: text.index("\x00")] if "\x00" in text else text


def _word_form(fields: list[str], surface: str) -> str:
    """Lemma, or the written base form where the lemma would change the script (する, not 為る)."""
    if len(fields) <= _ORTH_BASE:
        return surface
    lemma = fields[_LEMMA].split("-", 1)[0] or surface
    orth_base = fields[_ORTH_BASE] or surface
    if _scripts(lemma) != _scripts(orth_base):
        return orth_base
    return lemma


class JapaneseTokenizer:
    """Callable turning text into feature strings; picklable (the fugashi Tagger is built lazily)."""

    def __init__(self, compounds: bool = True, dicdir: str | None = None):
        self.compounds = compounds
        self.dicdir = dicdir
        self._tagger = None
        self._cache: dict[tuple[str, str], tuple[str | None, bool]] = {}
        self._line_cache: dict[str, tuple[str | None, bool, str]] = {}

    def __getstate__(self) -> dict:
        """Pickle only the parameters: the Tagger holds C state."""
        return {"compounds": self.compounds, "dicdir": self.dicdir}

    def __setstate__(self, state: dict) -> None:
        """Restore parameters; the Tagger is rebuilt on first use."""
        self.__init__(**state)

    def __repr__(self) -> str:
        return f"JapaneseTokenizer(compounds={self.compounds!r}, dicdir={self.dicdir!r})"

    @property
    def tagger(self):
        """The fugashi Tagger, created on first use."""
        if self._tagger is None:
            import fugashi

            args = f"-d {self.dicdir} " if self.dicdir else ""
            self._tagger = fugashi.Tagger(args + _FORMAT_ARGS)
        return self._tagger

    def __call__(self, text: str) -> list[str]:
        """Features of a text (content-word lemmas plus compound nouns); the fast path, no spans."""
        if not text:
            return []
        features: list[str] = []
        run: list[str] = []
        for form, joins, surface in self._morphemes(_up_to_nul(unicodedata.normalize("NFKC", text).lower())):
            if joins:
                run.append(surface)
            elif run:
                self._flush_words(run, features)
                run = []
            if form is not None:
                features.append(form)
        if run:
            self._flush_words(run, features)
        return features

    def _morphemes(self, text: str) -> list[tuple[str | None, bool, str]]:
        """(feature or None, joins a compound, surface) per morpheme of a normalised text.

        The hot path of training and prediction: one parse() call, one dict lookup per morpheme.
        """
        lines = self.tagger.parse(text).split("\n")
        lines.pop()  # "EOS"
        cache, learned, morphemes = self._line_cache, None, []
        for line in lines:
            hit = cache.get(line)
            if hit is None:
                if line.endswith("\tunk"):
                    hit = self._learn_unknown(line)
                else:
                    if learned is None:
                        learned = self._learn(text, lines)
                    hit = learned[line]
            morphemes.append(hit)
        return morphemes

    def _learn(self, text: str, lines: list[str]) -> dict[str, tuple[str | None, bool, str]]:
        """Decisions for the parse() lines of a text, read from the matching nodes; cached."""
        nodes = self.tagger(text)
        if len(nodes) != len(lines):
            raise RuntimeError(f"MeCab gave {len(lines)} lines but {len(nodes)} nodes")  # same lattice
        learned = {}
        for line, node in zip(lines, nodes, strict=True):
            surface = node.surface
            learned[line] = (*self._analyse(node.feature_raw, surface), surface)
        if len(self._line_cache) < _CACHE_SIZE:
            self._line_cache.update(learned)
        return learned

    def _learn_unknown(self, line: str) -> tuple[str | None, bool, str]:
        """Decision for an unknown word's line (surface, feature, "unk"); cached."""
        surface, feature_raw, _ = line.split("\t")
        hit = (*self._analyse(feature_raw, surface), surface)
        if len(self._line_cache) < _CACHE_SIZE:
            self._line_cache[line] = hit
        return hit

    def _flush_words(self, run: list[str], features: list[str]) -> None:
        """Compound noun (and inner pairs) of a run of noun parts, as plain strings."""
        if not self.compounds or len(run) < 2:
            return
        run = run[:_MAX_COMPOUND]
        features.append("".join(run))
        if len(run) > 2:
            features.extend(a + b for a, b in zip(run, run[1:], strict=False))

    def tokenize(self, text: str) -> list[Token]:
        """Features with their spans in the original text (the same parse() fast path as __call__)."""
        if not text:
            return []
        normalized, offsets = normalize_with_offsets(text)
        parsed = _up_to_nul(normalized)
        tokens: list[Token] = []
        run: list[tuple[str, int, int]] = []
        pos = 0
        for form, joins, surface in self._morphemes(parsed):
            # MeCab skips the white space between morphemes; a surface never holds any.
            start = parsed.find(surface, pos)
            if start < 0:
                raise RuntimeError(f"MeCab surface {surface!r} not found in the text after offset {pos}")
            pos = start + len(surface)
            span = (offsets[start], offsets[pos])
            if joins:
                run.append((surface, *span))
            else:
                self._flush(run, tokens)
                run = []
            if form is not None:
                tokens.append(Token(form, *span))
        self._flush(run, tokens)
        return tokens

    def _analyse(self, feature_raw: str, surface: str) -> tuple[str | None, bool]:
        """(feature or None, joins a compound) for one morpheme; cached by dictionary entry."""
        key = (feature_raw, surface)
        hit = self._cache.get(key)
        if hit is None:
            hit = self._classify(feature_raw.split(","), surface)
            if len(self._cache) < _CACHE_SIZE:
                self._cache[key] = hit
        return hit

    @staticmethod
    def _classify(fields: list[str], surface: str) -> tuple[str | None, bool]:
        """Decide whether a morpheme is a feature and whether it can be part of a compound noun."""
        pos1, pos2 = fields[_POS1], fields[_POS2] if len(fields) > 1 else ""
        has_word_char = any(ch.isalnum() for ch in surface)
        joins = has_word_char and (
            pos1 in _COMPOUND_POS1 or (pos1 == "接尾辞" and pos2 in _COMPOUND_SUFFIX_POS2)
        )
        if pos1 not in _CONTENT_POS1 or pos2 in _DROP_POS2 or not has_word_char:
            return None, joins
        form = _word_form(fields, surface)
        if len(form) < _MIN_HIRAGANA_LEN and _scripts(form) == {"hiragana"}:
            return None, joins
        return form, joins

    def _flush(self, run: list[tuple[str, int, int]], tokens: list[Token]) -> None:
        """Emit a compound noun (and its inner pairs) for a run of two or more noun parts."""
        if not self.compounds or len(run) < 2:
            return
        run = run[:_MAX_COMPOUND]
        tokens.append(Token("".join(part[0] for part in run), run[0][1], run[-1][2]))
        if len(run) > 2:
            for left, right in zip(run, run[1:], strict=False):
                tokens.append(Token(left[0] + right[0], left[1], right[2]))
