"""Typed SQLAlchemy models (one module per area; import them from here)."""

from .accounts import AuditEvent, LoginLock, ModelVersion, User
from .base import (
    OUTCOME_LABELS,
    AnswerStatus,
    Channel,
    CommentStatus,
    ExclusionReason,
    Outcome,
    PeriodState,
    RedactionStatus,
    Role,
    UTCDateTime,
    utcnow,
)
from .comments import Comment, Submission, Suggestion
from .consultation import Consultation, Policy, Section
from .review import Answer, Redaction

__all__ = [
    "OUTCOME_LABELS", "Answer", "AnswerStatus", "AuditEvent", "Channel", "Comment", "CommentStatus",
    "Consultation", "ExclusionReason", "LoginLock", "ModelVersion", "Outcome", "PeriodState", "Policy", "Redaction",
    "RedactionStatus", "Role", "Section", "Submission", "Suggestion", "UTCDateTime", "User", "utcnow",
]
