"""Splitting one submission into several opinions, each an exact character range of the original.

Offsets count Unicode code points of Submission.original_text, end exclusive.

Re-splitting rules (documented for staff on the split page):
- a piece whose range is unchanged keeps its id and everything decided about it (a section
  change alone keeps its status);
- the remaining existing pieces are reused, in id order, for the remaining ranges in text order,
  so the first opinion (the one made at intake, with the intake suggestion) always survives;
- a reused piece whose range changes was decided on text that no longer exists: it goes back to
  未確認 (policy and 対象外 cleared), its redactions outside the new range are dropped, and an
  answer it belongs to that was pending or approved returns to draft (to be approved again);
- surplus pieces are deleted (the audit event keeps what they were); a piece that other opinions
  name as their duplicate original cannot be removed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from sqlalchemy import select

from ..audit import record
from ..extensions import db
from ..models import AnswerStatus, Comment, CommentStatus, Section, Submission, User


class SplitError(ValueError):
    """Ranges that cannot be saved; the messages are Japanese, for the person who entered them."""

    def __init__(self, messages: list[str]):
        super().__init__(" ".join(messages))
        self.messages = messages


@dataclass(frozen=True)
class Piece:
    """One requested opinion: [start, end) of the original text, with its section (or None)."""

    start: int
    end: int
    section: Section | None = None
    row: int = 0  # the form row it came from (1-based), for messages


@dataclass
class SplitResult:
    kept: list[Comment] = field(default_factory=list)
    changed: list[Comment] = field(default_factory=list)
    created: list[Comment] = field(default_factory=list)
    removed: list[int] = field(default_factory=list)


def source_text(submission: Submission) -> str:
    """The text opinions are cut from (legacy rows without it: the single opinion's body)."""
    if submission.original_text:
        return submission.original_text
    if len(submission.comments) == 1:
        return submission.comments[0].body
    return ""


def comment_range(comment: Comment, text_length: int) -> tuple[int, int]:
    end = comment.source_end if comment.source_end is not None else text_length
    return comment.source_start, end


def validate_pieces(text: str, pieces: list[Piece]) -> list[Piece]:
    """Sorted pieces, or SplitError: each within the text, non-empty, none overlapping."""
    if not pieces:
        raise SplitError(["意見の範囲を1つ以上入力してください。"])
    length, messages = len(text), []
    for piece in pieces:
        if piece.start < 0 or piece.end > length:
            messages.append(f"{piece.row}行目：範囲は0から{length}までの数で入力してください"
                            f"（入力：{piece.start}〜{piece.end}）。")
        elif piece.end <= piece.start:
            messages.append(f"{piece.row}行目：終了位置は開始位置より大きくしてください"
                            f"（入力：{piece.start}〜{piece.end}）。")
        elif not text[piece.start:piece.end].strip():
            messages.append(f"{piece.row}行目：範囲内が空白だけです。")
    if messages:
        raise SplitError(messages)
    ordered = sorted(pieces, key=lambda p: (p.start, p.end))
    for before, after in zip(ordered, ordered[1:], strict=False):
        if after.start < before.end:
            messages.append(f"{before.row}行目（{before.start}〜{before.end}）と{after.row}行目"
                            f"（{after.start}〜{after.end}）の範囲が重なっています。")
    if messages:
        raise SplitError(messages)
    return ordered


def pieces_snapshot(submission: Submission, text_length: int) -> list[dict]:
    """The opinions of a submission with their ranges and state, for the audit trail."""
    rows = []
    for comment in submission.comments:
        start, end = comment_range(comment, text_length)
        rows.append({
            "comment_id": comment.id, "start": start, "end": end,
            "section": comment.section.code if comment.section else None,
            "status": comment.status.value, "confirmed_policy": comment.confirmed_policy,
            "answer_id": comment.answer_id,
        })
    return rows


def split_submission(submission: Submission, pieces: list[Piece], user: User) -> SplitResult:
    """Make the submission's opinions exactly the given ranges; audited, not committed."""
    text = source_text(submission)
    ordered = validate_pieces(text, pieces)
    existing = sorted(submission.comments, key=lambda c: c.id)
    before = pieces_snapshot(submission, len(text))
    by_range = {comment_range(c, len(text)): c for c in reversed(existing)}  # lowest id wins
    result = SplitResult()
    unmatched = []
    for piece in ordered:
        comment = by_range.pop((piece.start, piece.end), None)
        if comment is None:
            unmatched.append(piece)
        else:
            _keep(comment, piece, result)
    matched = {c.id for c in result.kept + result.changed}
    leftovers = [c for c in existing if c.id not in matched]
    _check_removable(leftovers[len(unmatched):])
    for comment, piece in zip(leftovers, unmatched, strict=False):
        _move(comment, piece, text, user, result)
    for piece in unmatched[len(leftovers):]:
        result.created.append(_create(submission, piece, text))
    for comment in leftovers[len(unmatched):]:
        result.removed.append(comment.id)
        _reopen_answer(comment, user)
        submission.comments.remove(comment)  # delete-orphan: deleted at flush
    submission.original_text = text
    db.session.flush()
    record(user, "submission.split", submission, {"pieces": before},
           {"pieces": pieces_snapshot(submission, len(text)), "removed": result.removed})
    return result


def _keep(comment: Comment, piece: Piece, result: SplitResult) -> None:
    if comment.section_id != (piece.section.id if piece.section else None):
        comment.section = piece.section
        result.changed.append(comment)
    else:
        result.kept.append(comment)


def _move(comment: Comment, piece: Piece, text: str, user: User, result: SplitResult) -> None:
    old_start, _old_end = comment_range(comment, len(text))
    comment.source_start, comment.source_end = piece.start, piece.end
    comment.replace_body(text[piece.start:piece.end])
    comment.section = piece.section
    comment.status, comment.confirmed_policy = CommentStatus.UNREVIEWED, None
    comment.secondary_policies, comment.exclusion_reason = [], None
    comment.reviewed_by_id = comment.reviewed_at = None
    _shift_redactions(comment, old_start, piece)
    _reopen_answer(comment, user)
    result.changed.append(comment)


def _reopen_answer(comment: Comment, user: User) -> None:
    """An opinion's text changed or went away: its answer is a new version that needs a new approval."""
    answer = comment.answer
    if answer is None:
        return
    before = {"status": answer.status.value, "version": answer.version}
    if answer.status in (AnswerStatus.PENDING, AnswerStatus.APPROVED):
        answer.status, answer.approved_by_id, answer.approved_at = AnswerStatus.DRAFT, None, None
    answer.version, answer.approved_version, answer.last_edited_by_id = (answer.version or 1) + 1, None, user.id
    record(user, "answer.reopen_by_split", answer, before, {"status": answer.status.value, "version": answer.version})


def _shift_redactions(comment: Comment, old_start: int, piece: Piece) -> None:
    """Redactions are offsets in the body: keep those still inside the new range, shifted."""
    for redaction in list(comment.redactions):
        start = old_start + redaction.start
        end = old_start + redaction.end
        if piece.start <= start and end <= piece.end:
            redaction.start, redaction.end = start - piece.start, end - piece.start
        else:
            comment.redactions.remove(redaction)


def _create(submission: Submission, piece: Piece, text: str) -> Comment:
    comment = Comment(
        consultation_id=submission.consultation_id, body=text[piece.start:piece.end],
        section=piece.section, status=CommentStatus.UNREVIEWED,
        source_start=piece.start, source_end=piece.end,
    )
    submission.comments.append(comment)
    return comment


def _check_removable(comments: list[Comment]) -> None:
    if not comments:
        return
    ids = [c.id for c in comments]
    referenced = sorted(set(db.session.scalars(
        select(Comment.duplicate_of_id).where(Comment.duplicate_of_id.in_(ids))
    )))
    if referenced:
        numbers = "、".join(f"#{i}" for i in referenced)
        raise SplitError([f"意見{numbers}は他の意見の重複元に指定されているため、なくすことができません。"
                          "先に重複の指定を外すか、範囲の数を減らさないでください。"])


SENTENCE_END = re.compile(r"[。．！？!?]+[」』）)]*|\n+")


def sentences(text: str) -> list[tuple[int, int, str]]:
    """The text cut after each 。！？ or line break: (start, end, text), to read offsets from."""
    rows, start = [], 0
    for match in SENTENCE_END.finditer(text):
        if text[start:match.end()].strip():
            rows.append((start, match.end(), text[start:match.end()]))
        start = match.end()
    if text[start:].strip():
        rows.append((start, len(text), text[start:]))
    return rows


def segments(text: str, comments: list[Comment]) -> list[tuple[str, int | None]]:
    """The text in runs, each tagged with the 1-based number of the opinion covering it (or None)."""
    marks = sorted((comment_range(c, len(text)), number) for number, c in enumerate(comments, start=1))
    runs, position = [], 0
    for (start, end), number in marks:
        start, end = max(start, position), min(end, len(text))
        if start >= end:
            continue
        if start > position:
            runs.append((text[position:start], None))
        runs.append((text[start:end], number))
        position = end
    if position < len(text):
        runs.append((text[position:], None))
    return runs
