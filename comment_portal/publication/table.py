"""The publication table 「意見の概要と市の考え方」: approved answers by policy and section, numbered.

One builder serves the staff print page, the Excel file and the public /results page. Only
decisions go in: opinions staff confirmed, grouped by the policy staff confirmed (never the model's
suggestion), under answers approved in the version shown. Nothing personal goes in: texts pass the
one masking function and rows keep only the ids of their opinions and submissions, so a resident's
receipt number can be matched to rows without showing it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from itertools import groupby

from sqlalchemy import select

from ..answers.responses import approved_answers
from ..extensions import db
from ..masking import comment_text
from ..models import OUTCOME_LABELS, Answer, Comment, CommentStatus, Consultation, Outcome
from ..suggestions import section_label

NO_SECTION = "（該当箇所の指定なし）"
NO_POLICY = "分類なし"


def counts_text(opinions: int, people: int) -> str:
    """How counts are written in the table: 12件(9人)."""
    return f"{opinions}件({people}人)"


@dataclass(frozen=True)
class PublicationRow:
    number: int
    section: str
    summary: str
    response: str
    outcome: str
    count: int
    outcome_code: Outcome | None = None
    comment_ids: frozenset[int] = frozenset()
    submission_ids: frozenset[int] = frozenset()

    @property
    def count_label(self) -> str:
        return f"同趣旨 {self.count}件" if self.count > 1 else "1件"


@dataclass(frozen=True)
class SectionGroup:
    title: str
    rows: list[PublicationRow]


@dataclass
class PolicyGroup:
    title: str
    rows: list[PublicationRow] = field(default_factory=list)
    code: str = ""

    @property
    def sections(self) -> list[SectionGroup]:
        """The rows cut by section, in the order of the draft (rows are sorted that way)."""
        return [SectionGroup(title, list(rows)) for title, rows in groupby(self.rows, key=lambda r: r.section)]

    @property
    def opinions(self) -> int:
        return sum(row.count for row in self.rows)

    @property
    def people(self) -> int:
        return len(set().union(*(row.submission_ids for row in self.rows)))

    @property
    def counts_line(self) -> str:
        return counts_text(self.opinions, self.people)


@dataclass(frozen=True)
class OutcomeCount:
    """How many opinions (and table rows) received one kind of 対応."""

    outcome: Outcome
    label: str
    opinions: int
    rows: int


@dataclass
class PublicationTable:
    title: str
    groups: list[PolicyGroup]
    opinions: int
    people: int
    pending: int

    @property
    def counts_line(self) -> str:
        return counts_text(self.opinions, self.people)

    @property
    def rows(self) -> list[PublicationRow]:
        return [row for group in self.groups for row in group.rows]

    @property
    def outcome_counts(self) -> list[OutcomeCount]:
        """Every kind of 対応 in the usual order, zeros included."""
        rows = self.rows
        return [OutcomeCount(outcome, label, sum(r.count for r in rows if r.outcome_code is outcome),
                             sum(1 for r in rows if r.outcome_code is outcome))
                for outcome, label in OUTCOME_LABELS.items()]

    def rows_of_submission(self, submission_id: int) -> list[PublicationRow]:
        """The rows that include an opinion of this submission."""
        return [row for row in self.rows if submission_id in row.submission_ids]


def _policy_title(consultation: Consultation, code: str | None) -> str:
    policy = consultation.policy_by_code(code) if code else None
    return policy.title if policy else NO_POLICY


def published_members(answer: Answer) -> list[Comment]:
    """The opinions of an answer that the table shows: those staff confirmed, with a confirmed policy."""
    return [c for c in answer.comments if c.status is CommentStatus.CONFIRMED and c.confirmed_policy]


def _ordered(consultation: Consultation) -> list[tuple[Answer, list[Comment]]]:
    """Approved answers with their confirmed opinions, by confirmed policy, section, first opinion."""
    policy_rank = {p.code: p.position for p in consultation.policies}

    def key(entry: tuple[Answer, list[Comment]]) -> tuple:
        first = entry[1][0]
        section = first.section.position if first.section else float("inf")
        return policy_rank.get(first.confirmed_policy, len(policy_rank) + 1), section, first.id

    entries = []
    for answer in approved_answers(consultation):
        members = published_members(answer)
        if members:
            entries.append((answer, members))
    return sorted(entries, key=key)


def publication_table(consultation: Consultation) -> PublicationTable:
    """Approved answers grouped by policy, ordered by section, numbered; texts masked, no names."""
    groups: dict[str, PolicyGroup] = {}
    for number, (answer, members) in enumerate(_ordered(consultation), start=1):
        first = members[0]
        code = first.confirmed_policy
        group = groups.setdefault(code, PolicyGroup(_policy_title(consultation, code), code=code))
        group.rows.append(PublicationRow(
            number=number, section=section_label(first) or NO_SECTION,
            summary=answer.summary.strip() or comment_text(first), response=answer.response,
            outcome=OUTCOME_LABELS.get(answer.outcome, "") if answer.outcome else "", count=len(members),
            outcome_code=answer.outcome, comment_ids=frozenset(c.id for c in members),
            submission_ids=frozenset(c.submission_id for c in members),
        ))
    counted = set().union(*(row.comment_ids for group in groups.values() for row in group.rows))
    people = set().union(*(row.submission_ids for group in groups.values() for row in group.rows))
    publishable = db.session.scalar(
        select(db.func.count()).select_from(Comment).where(
            Comment.consultation_id == consultation.id, Comment.status != CommentStatus.EXCLUDED)
    )
    return PublicationTable(f"「{consultation.title}」に寄せられた意見の概要と市の考え方", list(groups.values()),
                            len(counted), len(people), publishable - len(counted))
