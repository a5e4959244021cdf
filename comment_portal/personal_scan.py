"""Scanning opinions for personal data: the detector proposes masks, staff decide.

Runs in the background path that also makes suggestions (never inside a web request), and from
`flask scan-personal-data`. A scan stores a proposal for each new span (a span already proposed or
decided is left as it is) and marks the opinion scanned, which lets its masked text out of the staff
room. A rescan also withdraws undecided proposals the detector no longer makes. Nothing here commits.
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Iterable
from pathlib import Path

from sqlalchemy import select, update
from sqlalchemy.orm import selectinload

from classifier.personal import find_personal_data, load_places

from .consultations import DATA_DIR, DEFAULT_CONSULTATION
from .extensions import db
from .masking import MASK
from .models import Comment, Consultation, Redaction, RedactionStatus, utcnow

log = logging.getLogger(__name__)
BATCH = 500


@functools.lru_cache(maxsize=16)
def _places_of(directory: Path) -> frozenset[str]:
    return load_places(directory)


def consultation_places(consultation: Consultation | None) -> frozenset[str]:
    """The consultation's own town names, which are not personal data on their own."""
    directory = DATA_DIR / consultation.slug if consultation else DEFAULT_CONSULTATION
    return _places_of(directory if (directory / "consultation.toml").exists() else DEFAULT_CONSULTATION)


def scan_comment(comment: Comment, places: frozenset[str], rescan: bool = False) -> int:
    """Propose masks for one opinion and mark it scanned; returns how many proposals were added.

    The mark is conditional on the text that was read: if staff changed the body meanwhile (a split
    moved it), nothing is marked and the proposals are dropped, so the new text stays withheld until
    its own scan.
    """
    scanned_body = comment.body
    spans = find_personal_data(scanned_body, places)
    found = {(s.start, s.end) for s in spans}
    if rescan:
        for stale in [r for r in comment.redactions
                      if r.status is RedactionStatus.PROPOSED and r.decided_by_id is None
                      and r.kind != "manual" and (r.start, r.end) not in found]:
            comment.redactions.remove(stale)
    known = {(r.start, r.end) for r in comment.redactions}
    added = []
    for span in spans:
        if (span.start, span.end) in known:
            continue
        proposal = Redaction(start=span.start, end=span.end, original=span.text, replacement=MASK, kind=span.kind,
                             reason=span.reason, status=RedactionStatus.PROPOSED)
        comment.redactions.append(proposal)
        known.add((span.start, span.end))
        added.append(proposal)
    marked = db.session.execute(
        update(Comment.__table__).where(Comment.__table__.c.id == comment.id, Comment.__table__.c.body == scanned_body)
        .values(personal_scanned_at=utcnow())).rowcount
    if not marked:
        for proposal in added:
            comment.redactions.remove(proposal)
        return 0
    return len(added)


def scan_comments(comment_ids: Iterable[int], rescan: bool = False) -> tuple[int, int]:
    """Scan these opinions (only the unscanned ones unless rescan); returns (scanned, proposals added)."""
    query = (select(Comment).where(Comment.id.in_(list(comment_ids)))
             .options(selectinload(Comment.redactions), selectinload(Comment.consultation)).order_by(Comment.id))
    if not rescan:
        query = query.where(Comment.personal_scanned_at.is_(None))
    scanned = added = 0
    for comment in db.session.scalars(query):
        added += scan_comment(comment, consultation_places(comment.consultation), rescan)
        scanned += 1
    db.session.flush()
    return scanned, added


def unscanned_ids(consultation: Consultation | None = None) -> list[int]:
    query = select(Comment.id).where(Comment.personal_scanned_at.is_(None)).order_by(Comment.id)
    if consultation is not None:
        query = query.where(Comment.consultation_id == consultation.id)
    return list(db.session.scalars(query))


def unscanned_count(consultation: Consultation) -> int:
    query = select(db.func.count()).select_from(Comment).where(
        Comment.consultation_id == consultation.id, Comment.personal_scanned_at.is_(None))
    return db.session.scalar(query) or 0
