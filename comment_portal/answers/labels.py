"""Japanese labels of stored values, as staff see them."""

from ..models import AnswerStatus, Channel, CommentStatus

CHANNEL_LABELS = {
    Channel.WEB: "ウェブ",
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
ANSWER_STATUS_LABELS = {
    AnswerStatus.DRAFT: "下書き",
    AnswerStatus.PENDING: "承認待ち",
    AnswerStatus.APPROVED: "承認済み",
    AnswerStatus.RETURNED: "差し戻し",
}
# The order of the answer list: what needs work first.
ANSWER_ORDER = (AnswerStatus.RETURNED, AnswerStatus.DRAFT, AnswerStatus.PENDING, AnswerStatus.APPROVED)


def policy_title(consultation, code: str | None) -> str:
    """'1 多様な…' for a policy code; empty when none."""
    if not code:
        return ""
    policy = consultation.policy_by_code(code)
    return f"{policy.title}" if policy else code
