"""Japanese labels of stored values, one copy for every page and export."""

from .models import (
    OUTCOME_LABELS,
    AnswerStatus,
    Channel,
    Comment,
    CommentStatus,
    Consultation,
    ExclusionReason,
)

CHANNEL_LABELS = {
    Channel.WEB: "Web",
    Channel.POST: "郵送",
    Channel.FAX: "FAX",
    Channel.EMAIL: "メール",
    Channel.COUNTER: "窓口持参",
}
COMMENT_STATUS_LABELS = {
    CommentStatus.UNREVIEWED: "未確認",
    CommentStatus.CONFIRMED: "確認済",
    CommentStatus.EXCLUDED: "対象外",
}
EXCLUSION_LABELS = {ExclusionReason.OFFTOPIC: "対象外", ExclusionReason.SPAM: "スパム"}
ANSWER_STATUS_LABELS = {
    AnswerStatus.DRAFT: "下書き",
    AnswerStatus.PENDING: "承認待ち",
    AnswerStatus.APPROVED: "承認済み",
    AnswerStatus.RETURNED: "差し戻し",
}
# The order of the answer list: what needs work first.
ANSWER_ORDER = (AnswerStatus.RETURNED, AnswerStatus.DRAFT, AnswerStatus.PENDING, AnswerStatus.APPROVED)

__all__ = ["OUTCOME_LABELS"]


def policy_label(code: str | None) -> str:
    """Short name of a policy code: 基本施策1 … 基本施策4, 計画全体・その他."""
    if not code:
        return "未分類"
    return "計画全体・その他" if code == "other" else f"基本施策{code}"


def policy_title(consultation: Consultation, code: str | None) -> str:
    """The policy's full title from the consultation; empty when none."""
    if not code:
        return ""
    policy = consultation.policy_by_code(code)
    return policy.title if policy else code


def status_label(comment: Comment) -> str:
    if comment.status is CommentStatus.EXCLUDED and comment.exclusion_reason is ExclusionReason.SPAM:
        return "対象外（スパム）"
    return COMMENT_STATUS_LABELS[comment.status]
