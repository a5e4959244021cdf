"""The staff queue as one select(): filters, sort orders, and a comment's neighbours in that order."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from dataclasses import asdict, dataclass, fields, replace
from datetime import date

from sqlalchemy import ColumnElement, Select, and_, case, false, func, literal, literal_column, or_, select
from sqlalchemy.orm import joinedload, selectinload

from ..database import nfkc
from ..extensions import db
from ..models import Channel, Comment, CommentStatus, Consultation, Section, Submission
from ..receipts import normalise_receipt_number

UNCLASSIFIED = "none"
POLICY_SOURCES = ("either", "suggested", "confirmed")
SORTS = ("uncertain", "date", "date_asc", "policy")
Q_MAX_CHARS = 100
# Sorts after every policy code, so that 'no policy' comes last in the policy order.
NO_POLICY = "~"
RECEIPT_PATTERN = re.compile(r"^[23456789ABCDEFGHJKMNPQRSTVWXYZ]{4}-[23456789ABCDEFGHJKMNPQRSTVWXYZ]{4}$")


@dataclass(frozen=True)
class QueueFilter:
    """What the queue shows, as chosen in its GET parameters (all optional)."""

    status: CommentStatus | None = None
    policy: str | None = None  # a policy code, or UNCLASSIFIED
    policy_source: str = "either"
    section: str | None = None  # a section code; its subsections match too
    attribute: str | None = None
    channel: Channel | None = None
    date_from: date | None = None
    date_to: date | None = None
    q: str = ""
    sort: str = "uncertain"

    def to_args(self) -> dict[str, str]:
        """The non-default values as URL parameters (what links and redirects carry)."""
        default = QueueFilter()
        names = {"date_from": "from", "date_to": "to"}
        args = {}
        for field in fields(self):
            value = getattr(self, field.name)
            if value != getattr(default, field.name):
                args[names.get(field.name, field.name)] = value.isoformat() if isinstance(value, date) else str(value)
        return args

    @property
    def is_filtered(self) -> bool:
        return any(v for k, v in asdict(self).items() if k not in ("sort", "policy_source"))


FILTER_LABELS = {
    "status": "状態", "policy": "基本施策", "policy_source": "基本施策の種類", "section": "該当箇所",
    "attribute": "属性", "channel": "提出方法", "from": "期間（開始）", "to": "期間（終了）",
    "q": "キーワード", "sort": "並び順",
}


def parse_filter(args: Mapping[str, str], consultation: Consultation) -> tuple[QueueFilter, list[str]]:
    """Read the queue's GET parameters; values that make no sense are dropped with a notice."""
    values: dict = {}
    rejected: list[str] = []
    choices = {
        "status": {s.value: s for s in CommentStatus},
        "policy": {p.code: p.code for p in consultation.policies} | {UNCLASSIFIED: UNCLASSIFIED},
        "policy_source": {s: s for s in POLICY_SOURCES},
        "section": {s.code: s.code for s in consultation.sections},
        "attribute": {a: a for a in consultation.attributes or []},
        "channel": {c.value: c for c in Channel},
        "sort": {s: s for s in SORTS},
    }
    for name, allowed in choices.items():
        raw = (args.get(name) or "").strip()
        if raw and raw in allowed:
            values[name] = allowed[raw]
        elif raw:
            rejected.append(name)
    for name, key in (("from", "date_from"), ("to", "date_to")):
        raw = (args.get(name) or "").strip()
        if raw:
            try:
                values[key] = date.fromisoformat(raw)
            except ValueError:
                rejected.append(name)
    q = " ".join((args.get("q") or "").split())
    values["q"] = q[:Q_MAX_CHARS]
    notices = [f"「{FILTER_LABELS[name]}」の指定が正しくないため、その条件は使わずに表示しています。"
               for name in rejected]
    if len(q) > Q_MAX_CHARS:
        notices.append(f"キーワードが長すぎるため、先頭{Q_MAX_CHARS}文字で検索しています。")
    result = QueueFilter(**values)
    if result.date_from and result.date_to and result.date_from > result.date_to:
        result = replace(result, date_from=result.date_to, date_to=result.date_from)
        notices.append("期間の開始と終了が逆だったため、入れ替えて表示しています。")
    return result, notices


# --- Conditions ----------------------------------------------------------------------------

def _policy_condition(f: QueueFilter) -> ColumnElement[bool]:
    code = None if f.policy == UNCLASSIFIED else f.policy
    suggested = Comment.suggested_policy.is_(None) if code is None else Comment.suggested_policy == code
    confirmed = Comment.confirmed_policy.is_(None) if code is None else Comment.confirmed_policy == code
    if f.policy_source == "suggested":
        return suggested
    if f.policy_source == "confirmed":
        return and_(Comment.status == CommentStatus.CONFIRMED, confirmed) if code else \
            Comment.status != CommentStatus.CONFIRMED
    # Either: what staff confirmed, else (still unreviewed) what the model suggested.
    # With a status filter it is one column, which lets the database use that column's index.
    if f.status is CommentStatus.UNREVIEWED:
        return suggested
    if f.status is CommentStatus.CONFIRMED:
        return confirmed if code else false()
    unreviewed = and_(Comment.status == CommentStatus.UNREVIEWED, suggested)
    return unreviewed if code is None else or_(Comment.confirmed_policy == code, unreviewed)


def _section_condition(f: QueueFilter) -> ColumnElement[bool]:
    codes = select(Section.id).where(
        Section.consultation_id == Comment.consultation_id,
        or_(Section.code == f.section, Section.code.startswith(f"{f.section}.", autoescape=True)),
    )
    return Comment.section_id.in_(codes.scalar_subquery())


def _text_condition(q: str) -> ColumnElement[bool]:
    # Both sides NFKC: half-width ｶﾀｶﾅ finds full-width カタカナ, ＡＢＣ finds ABC, and back.
    condition = nfkc(Comment.body).contains(unicodedata.normalize("NFKC", q), autoescape=True)
    receipt = normalise_receipt_number(q)
    if RECEIPT_PATTERN.match(receipt):
        condition = or_(condition, Submission.receipt_number == receipt)
    return condition


def conditions(f: QueueFilter) -> list[ColumnElement[bool]]:
    """The WHERE clauses of a filter (the statement joins Submission)."""
    where: list[ColumnElement[bool]] = []
    if f.status:
        where.append(Comment.status == f.status)
    if f.policy:
        where.append(_policy_condition(f))
    if f.section:
        where.append(_section_condition(f))
    if f.attribute:
        where.append(Submission.attribute == f.attribute)
    if f.channel:
        where.append(Submission.channel == f.channel)
    if f.date_from:
        where.append(Submission.received_on >= f.date_from)
    if f.date_to:
        where.append(Submission.received_on <= f.date_to)
    if f.q:
        where.append(_text_condition(f.q))
    return where


# --- Sort orders ----------------------------------------------------------------------------

@dataclass(frozen=True)
class SortKey:
    expr: ColumnElement
    descending: bool = False
    nullable: bool = False  # ascending with NULLs first (SQLite's natural order, so its index serves it)

    def order(self, reverse: bool = False):
        if self.descending != reverse:
            return self.expr.desc().nulls_last() if self.nullable else self.expr.desc()
        return self.expr.asc().nulls_first() if self.nullable else self.expr.asc()

    def equal(self, value) -> ColumnElement[bool]:
        return self.expr.is_(None) if value is None else self.expr == _bindable(value)

    def beyond(self, value, forward: bool) -> list[ColumnElement[bool]]:
        """Strictly after `value` in this key's order (before it when not forward), as ranges nearest first.

        Each range is one index range on PostgreSQL: no OR that would make it scan from the queue's start.
        """
        value = _bindable(value)
        if self.nullable:  # ascending, NULLs first
            if forward:
                return [self.expr.is_not(None) if value is None else self.expr > value]
            return [] if value is None else [self.expr < value, self.expr.is_(None)]
        return [self.expr > value if self.descending != forward else self.expr < value]


def _bindable(value):
    # SQLAlchemy compares bare True/False by IS only, which no index range serves: bind them as parameters.
    return literal(value) if isinstance(value, bool) else value


def _status_rank() -> ColumnElement[bool]:
    # Unreviewed (false) first. A literal, not a bound parameter: PostgreSQL then matches the expression of
    # the index ix_comment_queue_order, and a page is read in index order instead of sorting every comment.
    return Comment.status != literal_column(f"'{CommentStatus.UNREVIEWED.value}'")


def _uncertainty_keys(f: QueueFilter) -> list[SortKey]:
    # Unreviewed first (moot when filtered by status), then unclassified, then the least probable.
    status = [] if f.status else [SortKey(_status_rank())]
    return [*status, SortKey(Comment.suggestion_probability, nullable=True)]


def _effective_policy() -> ColumnElement[str]:
    chosen = case(
        (Comment.status == CommentStatus.CONFIRMED, Comment.confirmed_policy),
        (Comment.status == CommentStatus.UNREVIEWED, Comment.suggested_policy),
    )
    return func.coalesce(chosen, literal(NO_POLICY))


def sort_keys(f: QueueFilter) -> list[SortKey]:
    """The queue's order, ending with the comment id so that it is total."""
    if f.sort == "date":
        return [SortKey(Submission.received_on, descending=True), SortKey(Comment.id, descending=True)]
    if f.sort == "date_asc":
        return [SortKey(Submission.received_on), SortKey(Comment.id)]
    if f.sort == "policy":
        return [SortKey(_effective_policy()), *_uncertainty_keys(f), SortKey(Comment.id)]
    return [*_uncertainty_keys(f), SortKey(Comment.id)]


def _needs_submission(f: QueueFilter, for_sort: bool = True) -> bool:
    return bool(
        f.attribute or f.channel or f.date_from or f.date_to
        or (for_sort and f.sort in ("date", "date_asc"))
        or (f.q and RECEIPT_PATTERN.match(normalise_receipt_number(f.q)))
    )


def _ids(f: QueueFilter, consultation_id: int) -> Select:
    """Comment ids only: sorting narrow rows, joining the submission only when a filter needs it."""
    statement = select(Comment.id).where(Comment.consultation_id == consultation_id, *conditions(f))
    return statement.join(Comment.submission) if _needs_submission(f) else statement


def count_select(f: QueueFilter, consultation_id: int, limit: int) -> Select:
    """How many comments a filter selects, counting no further than `limit`.

    Counting every match of a broad filter reads the whole table (a quarter second at a million opinions);
    stopping at `limit` bounds that. Skips the join a sort by date alone would need.
    """
    ids = select(Comment.id).where(Comment.consultation_id == consultation_id, *conditions(f))
    if _needs_submission(f, for_sort=False):
        ids = ids.join(Comment.submission)
    return select(func.count()).select_from(ids.limit(limit).subquery())


def queue_select(f: QueueFilter, consultation_id: int) -> Select:
    """The ids of the comments a filter selects, in its sort order (paginate this, then load_comments)."""
    return _ids(f, consultation_id).order_by(*[key.order() for key in sort_keys(f)])


def load_comments(ids: list[int]) -> list[Comment]:
    """The comments of a page, in the given order, with their submission and section."""
    rows = db.session.scalars(
        select(Comment).where(Comment.id.in_(ids))
        .options(joinedload(Comment.submission), selectinload(Comment.section))
    ).all()
    by_id = {row.id: row for row in rows}
    return [by_id[i] for i in ids if i in by_id]


def neighbour(f: QueueFilter, comment: Comment, forward: bool = True) -> int | None:
    """The id of the comment after (or before) `comment` in the filtered queue's order.

    Works from the comment's sort key values, so it also finds the right place for a
    comment that the filter does not select (e.g. one just confirmed).
    """
    keys = sort_keys(f)
    key_query = select(*[key.expr for key in keys]).where(Comment.id == comment.id)
    if _needs_submission(f):
        key_query = key_query.join(Comment.submission)
    values = db.session.execute(key_query).one()
    orders = [key.order(reverse=not forward) for key in keys]
    # Nearest first: equal on every key but the last and beyond on it, then on all but the last two, ...
    for index in reversed(range(len(keys))):
        prefix = [keys[j].equal(values[j]) for j in range(index)]
        for beyond in keys[index].beyond(values[index], forward):
            query = _ids(f, comment.consultation_id).where(*prefix, beyond).order_by(*orders).limit(1)
            found = db.session.scalar(query)
            if found is not None:
                return found
    return None
