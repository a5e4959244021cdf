"""Publishing the result table at /results: an approver's decision, audited; nothing here commits.

The public page shows the table as it stands (approved answers only), so an answer edited after
publication leaves the page until it is approved again.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select

from ..audit import record
from ..extensions import db
from ..models import AnswerStatus, Comment, Consultation, Redaction, RedactionStatus, User, utcnow
from ..publication import redactions
from ..publication.table import PublicationTable, publication_table
from .responses import AnswerError, answers_with_status


@dataclass(frozen=True)
class PublishPreview:
    """What publishing would show, and what is still missing from it."""

    table: PublicationTable
    answers: int
    pending_answers: int
    undecided_masks: int
    undecided_opinions: tuple[int, ...]  # opinions in the table with proposals nobody decided yet
    unscanned_opinions: tuple[int, ...]  # opinions in the table not yet scanned for personal data

    @property
    def unanswered(self) -> int:
        """Opinions (not 対象外) without an approved answer: they will not be on the page."""
        return self.table.pending


def preview(consultation: Consultation) -> PublishPreview:
    """Counts for the approver's confirmation, and the opinions that stop publication."""
    table = publication_table(consultation)
    shown = sorted(set().union(*(row.comment_ids for row in table.rows)))
    return PublishPreview(
        table=table, answers=len(table.rows),
        pending_answers=len(answers_with_status(consultation, AnswerStatus.PENDING)),
        undecided_masks=redactions.counts(consultation)[RedactionStatus.PROPOSED],
        undecided_opinions=_with_undecided_proposals(shown), unscanned_opinions=_unscanned(shown),
    )


def _with_undecided_proposals(ids: list[int]) -> tuple[int, ...]:
    return _matching(ids, Redaction.comment_id, Redaction.status == RedactionStatus.PROPOSED)


def _unscanned(ids: list[int]) -> tuple[int, ...]:
    return _matching(ids, Comment.id, Comment.personal_scanned_at.is_(None))


def _matching(ids: list[int], column, condition) -> tuple[int, ...]:
    """Those of the ids (in `column`) whose rows meet the condition, asked 500 at a time."""
    found: set[int] = set()
    for start in range(0, len(ids), 500):
        found.update(db.session.scalars(select(column).where(column.in_(ids[start:start + 500]), condition)))
    return tuple(sorted(found))


def numbers_text(ids: tuple[int, ...], shown: int = 20) -> str:
    """意見#3、#8 … (ほかN件), for messages."""
    text = "、".join(f"#{i}" for i in ids[:shown])
    return f"意見{text}" + (f" ほか{len(ids) - shown}件" if len(ids) > shown else "")


def check_publishable(shown: PublishPreview) -> None:
    """Refuse while an opinion to be published is unscanned or has undecided proposals (names them)."""
    if shown.unscanned_opinions:
        raise AnswerError(f"{numbers_text(shown.unscanned_opinions)}は、まだ個人情報の確認（自動）が"
                          "終わっていないため、公表できません。しばらく待ってからもう一度お試しください。")
    if shown.undecided_opinions:
        raise AnswerError(f"{numbers_text(shown.undecided_opinions)}に、伏せるかどうか判断していない"
                          "個人情報の候補があります。「公表前の個人情報確認」で判断してから公表してください。")


def is_published(consultation: Consultation) -> bool:
    return consultation.results_published_at is not None


def published_by(consultation: Consultation) -> User | None:
    by = consultation.results_published_by_id
    return db.session.get(User, by) if by else None


def _snapshot(consultation: Consultation) -> dict:
    at: datetime | None = consultation.results_published_at
    return {"results_published_at": at.isoformat() if at else None,
            "results_published_by_id": consultation.results_published_by_id}


def publish(consultation: Consultation, user: User) -> PublishPreview:
    """Open /results to everyone; refused while no answer is approved."""
    if is_published(consultation):
        raise AnswerError("結果は既に公表しています。")
    shown = preview(consultation)
    if not shown.answers:
        raise AnswerError("承認済みの回答がないため、結果を公表できません。先に回答を承認してください。")
    check_publishable(shown)
    before = _snapshot(consultation)
    consultation.results_published_at, consultation.results_published_by_id = utcnow(), user.id
    after = {**_snapshot(consultation), "answers": shown.answers, "opinions": shown.table.opinions,
             "unanswered": shown.unanswered}
    record(user, "results.publish", consultation, before, after)
    return shown


def unpublish(consultation: Consultation, user: User) -> None:
    """Take /results down again (e.g. a mistake was found); the answers stay approved."""
    if not is_published(consultation):
        raise AnswerError("結果はまだ公表していません。")
    before = _snapshot(consultation)
    consultation.results_published_at = consultation.results_published_by_id = None
    record(user, "results.unpublish", consultation, before, _snapshot(consultation))
