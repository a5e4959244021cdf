"""The audit trail: who did what, when, with the state before and after."""

from typing import Any

from .extensions import db
from .models import AuditEvent, User, utcnow


def record(user: User | None, action: str, target: Any = None,
           before: dict | None = None, after: dict | None = None) -> AuditEvent:
    """Add an audit event to the session (committed with the change it describes)."""
    event = AuditEvent(
        user_id=user.id if user else None,
        at=utcnow(),
        action=action,
        target_type=type(target).__name__.lower() if target is not None else "",
        target_id=getattr(target, "id", None),
        before=before,
        after=after,
    )
    db.session.add(event)
    return event


def record_personal_data_view(user: User, submission: Any, comment_ids: list[int], page: str) -> AuditEvent:
    """A staff member was shown residents' personal data: a name and e-mail, or unmasked texts (who, when,
    which opinions). Not committed."""
    return record(user, "personal_data.view", submission, None, {"page": page, "comment_ids": sorted(comment_ids)})
