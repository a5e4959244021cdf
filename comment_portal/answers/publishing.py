"""Publishing the result table at /results: an approver's decision, audited; nothing here commits.

The public page shows the table as it stands (approved answers only), so an answer edited after
publication leaves the page until it is approved again.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from ..audit import record
from ..extensions import db
from ..models import AnswerStatus, Consultation, RedactionStatus, User, utcnow
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

    @property
    def unanswered(self) -> int:
        """Opinions (not 対象外) without an approved answer: they will not be on the page."""
        return self.table.pending


def preview(consultation: Consultation) -> PublishPreview:
    """Counts for the approver's confirmation."""
    table = publication_table(consultation)
    return PublishPreview(
        table=table, answers=len(table.rows),
        pending_answers=len(answers_with_status(consultation, AnswerStatus.PENDING)),
        undecided_masks=redactions.counts(consultation)[RedactionStatus.PROPOSED],
    )


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
