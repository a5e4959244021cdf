"""The one way an opinion's text leaves the staff room: scanned first, masked, or not at all.

Committee pages, the digest CSV, the print view, the public results and every export call
`visible_text`. A text that has not been scanned for personal data since it last changed is
replaced by a placeholder (fail closed). Every mask that staff have not rejected is applied:
accepted ones, and proposals until someone decides (publication is refused while an opinion
to be published still has undecided proposals, so what is published carries accepted masks;
a rescan after publication hides its new finds at once).
"""

from __future__ import annotations

from collections.abc import Iterable

from .models import Comment, Redaction, RedactionStatus

MASK = "〇〇"
PLACEHOLDER = "（個人情報を確認中のため、表示を控えています）"
# Masks applied wherever text leaves the staff room: everything but a rejected proposal.
HIDING_STATUSES = (RedactionStatus.ACCEPTED, RedactionStatus.PROPOSED)

Span = tuple[int, int, str]  # start, end, replacement


def apply_masks(body: str, spans: Iterable[Span]) -> str:
    """The text with spans replaced; overlapping or touching spans become one mask."""
    merged: list[list] = []
    for start, end, replacement in sorted(spans):
        if merged and start <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], end)
        else:
            merged.append([start, end, replacement or MASK])
    parts, position = [], 0
    for start, end, replacement in merged:
        parts += [body[position:start], replacement]
        position = end
    parts.append(body[position:])
    return "".join(parts)


def visible_text(body: str, scanned: bool, spans: Iterable[Span]) -> str:
    """What the committee and the public may read of an opinion: the placeholder until it is scanned."""
    if not scanned:
        return PLACEHOLDER
    return apply_masks(body, spans)


def hiding_spans(redactions: Iterable[Redaction]) -> list[Span]:
    """The spans of the masks that hide text (see HIDING_STATUSES)."""
    return [(r.start, r.end, r.replacement or MASK) for r in redactions if r.status in HIDING_STATUSES]


def comment_text(comment: Comment) -> str:
    """visible_text of a loaded opinion."""
    return visible_text(comment.body, comment.is_scanned, hiding_spans(comment.redactions))
