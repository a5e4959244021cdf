"""Builders and helpers for tests: real HTTP through the test client, rows in the real database."""

import re
from datetime import timedelta

from sqlalchemy import func, select

from comment_portal import background
from comment_portal.consultations import current_consultation, set_period
from comment_portal.extensions import db
from comment_portal.models import Comment, CommentStatus, Submission, Suggestion, User
from comment_portal.receipts import new_receipt_number
from comment_portal.timeutil import tokyo_today

VALID_FORM = {
    "body": "武蔵野プレイスの会議室がなかなか予約できません。予約方法をオンライン化してほしいです。",
    "section": "3.1.3",
    "name": "武蔵野 花子",
    "attribute": "市内在住",
    "email": "hanako@example.jp",
    "consent": "y",
}


def hidden_value(html: str, name: str) -> str:
    match = re.search(rf'name="{name}"[^>]*value="([^"]*)"', html) or re.search(
        rf'value="([^"]*)"[^>]*name="{name}"', html
    )
    assert match, f"no hidden field {name}"
    return match.group(1)


def open_form(client, section: str | None = None) -> dict:
    """GET the form page; returns the hidden fields a browser would send back."""
    page = client.get("/comments/new" + (f"?section={section}" if section else ""))
    html = page.get_data(as_text=True)
    return {"csrf_token": hidden_value(html, "csrf_token"), "submission_token": hidden_value(html, "submission_token")}


def form_data(client, **changes) -> dict:
    data = {**VALID_FORM, **open_form(client)}
    data.update(changes)
    return {k: v for k, v in data.items() if v is not None}


def submit_comment(client, **changes):
    """Go through input → confirm → send; returns the final response (redirect to done)."""
    data = form_data(client, **changes)
    confirm = client.post("/comments/new", data={**data, "action": "confirm"})
    assert confirm.status_code == 200, confirm.get_data(as_text=True)[:2000]
    return client.post("/comments/confirm", data=data)


def count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def all_rows(model) -> list:
    return list(db.session.scalars(select(model).order_by(model.id)))


def stored_counts() -> tuple[int, int, int]:
    return count(Submission), count(Comment), count(Suggestion)


def close_period(days_ago: int = 1) -> None:
    today = tokyo_today()
    set_period(current_consultation(), today - timedelta(days=30), today - timedelta(days=days_ago))


def open_period_later() -> None:
    today = tokyo_today()
    set_period(current_consultation(), today + timedelta(days=1), today + timedelta(days=30))


def create_comment(body: str, section_code: str | None = None, confirmed_policy: str | None = None,
                   name: str = "武蔵野 太郎", attribute: str = "市内在住", scanned: bool = True) -> Comment:
    """A web comment stored directly (no suggestion); confirmed when a policy is given.

    Scanned for personal data by the real background scan (its proposals left undecided), as every
    stored opinion soon is, unless scanned=False (an opinion the scan has not reached yet).
    """
    consultation = current_consultation()
    submission = Submission(
        consultation=consultation, receipt_number=new_receipt_number(), received_on=tokyo_today(),
        name=name, attribute=attribute, consent=True,
    )
    comment = Comment(
        consultation=consultation, body=body,
        section=consultation.section_by_code(section_code) if section_code else None,
        status=CommentStatus.CONFIRMED if confirmed_policy else CommentStatus.UNREVIEWED,
        confirmed_policy=confirmed_policy,
    )
    submission.comments.append(comment)
    db.session.add(submission)
    db.session.commit()
    if scanned:
        background.scan_pending([comment.id])
    return comment


def create_user(login: str, role, password: str = "correct horse battery") -> User:
    user = User(login=login, role=role)
    user.set_password(password)
    db.session.add(user)
    db.session.commit()
    return user


def login(client, login_name: str, password: str = "correct horse battery"):
    page = client.get("/auth/login").get_data(as_text=True)
    data = {"login": login_name, "password": password}
    if 'name="csrf_token"' in page:
        data["csrf_token"] = hidden_value(page, "csrf_token")
    return client.post("/auth/login", data=data)
