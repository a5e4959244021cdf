"""Removing residents' personal data once a consultation is over and the retention has passed."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import or_, update

from .audit import record
from .extensions import db
from .models import Consultation, Submission, User
from .timeutil import tokyo_today


class PurgeRefused(ValueError):
    """The purge may not run yet; the message says why."""


def purge_personal_data(consultation: Consultation, retention_days: int, user: User | None = None) -> int:
    """Blank names, e-mail addresses and IP hashes; opinions and published results stay. Commits."""
    if consultation.closes_on is None or consultation.period_state(tokyo_today()).value != "closed":
        raise PurgeRefused("the consultation is not closed yet")
    allowed_from = consultation.closes_on + timedelta(days=retention_days)
    if tokyo_today() < allowed_from:
        raise PurgeRefused(f"personal data is kept until {allowed_from.isoformat()} (retention {retention_days} days)")
    holding = or_(Submission.name != "", Submission.email != "", Submission.ip_hash.is_not(None))
    result = db.session.execute(
        update(Submission)
        .where(Submission.consultation_id == consultation.id, holding)
        .values(name="", email="", ip_hash=None)
    )
    record(user, "consultation.purge_personal_data", consultation, None,
           {"submissions": result.rowcount, "retention_days": retention_days})
    db.session.commit()
    return result.rowcount
