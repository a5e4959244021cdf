"""Builders for the review tests: comments with known suggestions, signed-in staff, real form tokens."""

from datetime import date

from comment_portal import background
from comment_portal.consultations import current_consultation
from comment_portal.extensions import db
from comment_portal.models import Channel, Comment, CommentStatus, Role, Submission, Suggestion
from comment_portal.receipts import new_receipt_number
from comment_portal.timeutil import tokyo_today
from tests.factories import create_user, hidden_value, login

POLICIES = ("1", "2", "3", "4", "other")


def sign_in(client, role=Role.STAFF, name: str = "tanto") -> int:
    """Create a user with the role and sign the client in as them; returns the user's id."""
    user_id = create_user(name, role).id
    assert login(client, name).status_code == 302
    return user_id


def add_comment(body: str, policy: str | None = "1", probability: float = 0.6, confident: bool = True,
                terms: tuple[str, ...] = (), section: str | None = None, channel: Channel = Channel.WEB,
                attribute: str = "市内在住", received_on: date | None = None,
                status: CommentStatus = CommentStatus.UNREVIEWED, confirmed: str | None = None,
                submission: Submission | None = None, name: str = "武蔵野 太郎", scanned: bool = True) -> Comment:
    """A comment with a stored suggestion (policy=None: unclassified), committed.

    Scanned for personal data by the real background scan (proposals undecided) unless scanned=False.
    """
    consultation = current_consultation()
    if submission is None:
        submission = Submission(
            consultation=consultation, receipt_number=new_receipt_number(), channel=channel,
            received_on=received_on or tokyo_today(), name=name, attribute=attribute,
            email="taro@example.jp", consent=True, original_text=body,
        )
    comment = Comment(
        consultation=consultation, body=body, status=status, confirmed_policy=confirmed,
        section=consultation.section_by_code(section) if section else None,
    )
    submission.comments.append(comment)
    if policy is not None:
        rest = (1 - probability) / (len(POLICIES) - 1)
        scores = {code: (probability if code == policy else rest) for code in POLICIES}
        comment.suggestions.append(Suggestion(
            model_version="test-default", policy_code=policy, probability=probability, scores=scores,
            confident=confident, terms=list(terms),
        ))
        comment.suggested_policy, comment.suggestion_probability = policy, probability
        comment.suggestion_confident = confident
    db.session.add(submission)
    db.session.commit()
    if scanned:
        background.scan_pending([comment.id])
    return comment


def csrf_from(client, url: str) -> str:
    page = client.get(url)
    assert page.status_code == 200, page.status_code
    return hidden_value(page.get_data(as_text=True), "csrf_token")
