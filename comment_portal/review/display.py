"""How the review pages mark up residents' words (always escaped first)."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from markupsafe import Markup, escape

from ..labels import policy_label
from ..models import Consultation, Suggestion

EXCERPT_CHARS = 80
EXCERPT_CONTEXT = 20  # characters shown before a search match


def excerpt(text: str, limit: int = EXCERPT_CHARS, around: str = "") -> str:
    """The first characters of a text on one line, or those around the first match of `around`."""
    flat = " ".join(text.split())
    found = flat.find(around) if around else -1
    start = max(0, found - EXCERPT_CONTEXT) if found + len(around) > limit else 0
    shown = flat[start:start + limit]
    return ("…" if start else "") + shown + ("…" if start + limit < len(flat) else "")


def percent(probability: float | None) -> str:
    return "" if probability is None else f"{probability * 100:.0f}%"


def highlight(text: str, terms: Iterable[str]) -> Markup:
    """The text escaped, with each occurrence of a term wrapped in <mark> (longest terms win)."""
    words = sorted({t for t in terms if t and t.strip()}, key=len, reverse=True)
    if not words:
        return escape(text)
    pattern = re.compile("|".join(re.escape(w) for w in words))
    parts: list[Markup] = []
    position = 0
    for match in pattern.finditer(text):
        parts.append(escape(text[position:match.start()]))
        parts.append(Markup("<mark>%s</mark>") % match.group())
        position = match.end()
    parts.append(escape(text[position:]))
    return Markup("").join(parts)


@dataclass(frozen=True)
class ScoreRow:
    code: str
    label: str
    title: str
    probability: float | None

    @property
    def percent(self) -> str:
        return percent(self.probability)


def score_rows(consultation: Consultation, suggestion: Suggestion | None) -> list[ScoreRow]:
    """Every policy of the consultation, in the draft's order, with the suggestion's probability."""
    scores = suggestion.scores if suggestion else {}
    return [ScoreRow(p.code, policy_label(p.code), p.title, scores.get(p.code)) for p in consultation.policies]

