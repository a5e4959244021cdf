"""Builders for the publication tests: answers in a given state, through the answers domain."""

from comment_portal.answers import responses
from comment_portal.extensions import db
from comment_portal.models import Answer, Comment, Outcome, User


def answer(comments: list[Comment], writer: User, summary: str = "", response: str = "市の考え方です。",
           outcome: Outcome = Outcome.FUTURE, approver: User | None = None) -> Answer:
    """An answer for the opinions (the first one carries it); approved when an approver is given."""
    first, others = comments[0], tuple(c.id for c in comments[1:])
    saved = responses.save_answer(first, writer, responses.AnswerInput(summary or "概要", response, outcome, others))
    if not summary:
        saved.summary = ""
    if approver is not None:
        saved.summary = saved.summary or "仮"
        responses.submit_for_approval(saved, writer)
        responses.approve(saved, approver, saved.version)
        saved.summary = summary
    db.session.commit()
    return saved
