"""Builders for the answers area: submissions with their original text, signed-in clients."""

from comment_portal import suggestions
from comment_portal.consultations import current_consultation
from comment_portal.extensions import db
from comment_portal.models import AuditEvent, Channel, Comment, Role, Submission
from comment_portal.receipts import new_receipt_number
from comment_portal.timeutil import tokyo_today
from tests.factories import all_rows, create_user, hidden_value, login

LETTER = (
    "いつもお世話になっております。"
    "武蔵野プレイスの会議室がなかなか予約できません。予約方法をオンライン化してほしいです。\n"
    "また、コミセンの活動に若い世代が参加しにくいと感じます。平日夜の講座を増やしてください。"
)


def create_submission(text: str = LETTER, suggest: bool = True, name: str = "武蔵野 花子",
                      email: str = "hanako@example.jp", channel: Channel = Channel.WEB) -> Submission:
    """A submission as intake stores it: one opinion covering the whole text, then a suggestion."""
    consultation = current_consultation()
    submission = Submission(
        consultation=consultation, receipt_number=new_receipt_number(), received_on=tokyo_today(),
        channel=channel, name=name, attribute="市内在住", email=email, consent=True, original_text=text,
    )
    submission.comments.append(Comment(consultation=consultation, body=text, source_start=0, source_end=len(text)))
    db.session.add(submission)
    db.session.commit()
    if suggest:
        assert suggestions.suggest(submission.comments[0]) is not None
    return submission


def signed_in(app, role: Role, login_name: str | None = None):
    """A test client signed in as a new user of that role."""
    login_name = login_name or role.value
    create_user(login_name, role)
    client = app.test_client()
    assert login(client, login_name).status_code == 302
    return client


def csrf(client, url: str) -> str:
    return hidden_value(client.get(url).get_data(as_text=True), "csrf_token")


def events(action: str) -> list[AuditEvent]:
    return [e for e in all_rows(AuditEvent) if e.action == action]
