"""Progress of the review and how far staff agree with the model's first suggestion.

Agreement is measured against the suggestion made at intake (the first one stored), never a later
re-suggestion, because that is what a reviewer saw first and the model cannot revise it after the fact.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from sklearn.metrics import cohen_kappa_score
from sqlalchemy import func, select

from ..extensions import db
from ..models import Comment, CommentStatus, Consultation, Suggestion

UNCLASSIFIED = ""


@dataclass(frozen=True)
class Agreement:
    """How often the model's first suggestion matched the policy staff confirmed."""

    n: int
    agreed: int
    kappa: float | None

    @property
    def rate(self) -> float | None:
        return self.agreed / self.n if self.n else None


def agreement(model: Iterable[str], staff: Iterable[str]) -> Agreement:
    """Share of identical labels and Cohen's kappa (None when it is undefined: no data or one label only)."""
    model, staff = list(model), list(staff)
    agreed = sum(m == s for m, s in zip(model, staff, strict=True))
    kappa = None
    if model and len(set(model) | set(staff)) >= 2:
        kappa = float(cohen_kappa_score(model, staff))
    return Agreement(len(model), agreed, kappa)


@dataclass(frozen=True)
class Progress:
    code: str
    total: int
    reviewed: int

    @property
    def rate(self) -> float | None:
        return self.reviewed / self.total if self.total else None


@dataclass(frozen=True)
class Totals:
    comments: int
    confirmed: int
    excluded: int
    unreviewed: int


@dataclass(frozen=True)
class Dashboard:
    totals: Totals
    progress: list[Progress]
    overall: Agreement
    by_confirmed: dict[str, Agreement]
    by_suggested: dict[str, Agreement]
    by_version: dict[str, Agreement]
    by_confidence: dict[bool, Agreement]


def _status_counts(consultation: Consultation) -> Totals:
    found = dict(db.session.execute(
        select(Comment.status, func.count()).where(Comment.consultation_id == consultation.id).group_by(Comment.status)
    ).all())
    get = lambda status: found.get(status, 0)  # noqa: E731
    return Totals(sum(found.values()), get(CommentStatus.CONFIRMED), get(CommentStatus.EXCLUDED),
                  get(CommentStatus.UNREVIEWED))


def progress(consultation: Consultation) -> list[Progress]:
    """Reviewed / total per policy (the confirmed policy, else the latest suggestion); 対象外 left out."""
    policy = func.coalesce(Comment.confirmed_policy, Comment.suggested_policy, UNCLASSIFIED)
    query = (select(policy, Comment.status, func.count())
             .where(Comment.consultation_id == consultation.id, Comment.status != CommentStatus.EXCLUDED)
             .group_by(policy, Comment.status))
    totals, reviewed = defaultdict(int), defaultdict(int)
    for code, status, n in db.session.execute(query):
        totals[code] += n
        if status == CommentStatus.CONFIRMED:
            reviewed[code] += n
    codes = [p.code for p in consultation.policies] + ([UNCLASSIFIED] if totals.get(UNCLASSIFIED) else [])
    return [Progress(code, totals.get(code, 0), reviewed.get(code, 0)) for code in codes]


def first_suggestions(consultation: Consultation) -> list[tuple[str, str, str, bool]]:
    """(confirmed policy, first suggested policy, its model version, confident) of every confirmed opinion."""
    first_ids = select(func.min(Suggestion.id).label("id")).group_by(Suggestion.comment_id).subquery()
    query = (select(Comment.confirmed_policy, Suggestion.policy_code, Suggestion.model_version, Suggestion.confident)
             .join(Suggestion, Suggestion.comment_id == Comment.id)
             .join(first_ids, first_ids.c.id == Suggestion.id)
             .where(Comment.consultation_id == consultation.id, Comment.status == CommentStatus.CONFIRMED,
                    Comment.confirmed_policy.is_not(None))
             .order_by(Comment.id))
    return [tuple(row) for row in db.session.execute(query)]


def _grouped(rows, key) -> dict:
    groups: dict = defaultdict(lambda: ([], []))
    for row in rows:
        model, staff = groups[key(row)]
        model.append(row[1])
        staff.append(row[0])
    return {k: agreement(m, s) for k, (m, s) in groups.items()}


def dashboard(consultation: Consultation) -> Dashboard:
    """Everything the dashboard shows, computed from the database."""
    rows = first_suggestions(consultation)
    order = {p.code: i for i, p in enumerate(consultation.policies)}

    def ordered(found: dict) -> dict:
        return dict(sorted(found.items(), key=lambda item: order.get(item[0], len(order))))

    return Dashboard(
        totals=_status_counts(consultation),
        progress=progress(consultation),
        overall=agreement([r[1] for r in rows], [r[0] for r in rows]),
        by_confirmed=ordered(_grouped(rows, lambda r: r[0])),
        by_suggested=ordered(_grouped(rows, lambda r: r[1])),
        by_version=dict(sorted(_grouped(rows, lambda r: r[2]).items())),
        by_confidence=_grouped(rows, lambda r: bool(r[3])),
    )
