"""Sessions that can be ended: logout, a new password or role, deactivation and the absolute lifetime end
every copy of a session cookie; pages with personal data are never cached; the completion page shows the
name and e-mail only once."""

import time

from sqlalchemy import select

from comment_portal.auth.sessions import SIGNED_IN_AT_KEY
from comment_portal.extensions import db
from comment_portal.models import Role, User
from tests.factories import create_user, form_data, hidden_value, login


def signed_in_copy(app, client):
    """Another browser holding a copy of the client's session cookie."""
    thief = app.test_client()
    thief.set_cookie("session", client.get_cookie("session").value)
    assert thief.get("/auth/account").status_code == 200
    return thief


def test_a_copied_cookie_stops_working_after_logout(app, client):
    create_user("suzuki", Role.STAFF)
    assert login(client, "suzuki").status_code == 302
    thief = signed_in_copy(app, client)
    token = hidden_value(client.get("/auth/account").get_data(as_text=True), "csrf_token")
    assert client.post("/auth/logout", data={"csrf_token": token}).status_code == 302
    assert thief.get("/auth/account").status_code == 302
    assert thief.get("/review").status_code == 302


def test_a_password_reset_role_change_or_deactivation_ends_every_session(app, client, monkeypatch):
    create_user("suzuki", Role.STAFF)
    runner = app.test_cli_runner()
    monkeypatch.setenv("COMMENT_PORTAL_PASSWORD", "a brand new long passphrase")
    for change in ("password", "role", "deactivate"):
        browser = app.test_client()
        password = "correct horse battery" if change == "password" else "a brand new long passphrase"
        assert login(browser, "suzuki", password).status_code == 302, change
        if change == "deactivate":
            user = db.session.scalar(select(User).filter_by(login="suzuki"))
            user.active = False
            db.session.commit()
        else:
            role = "staff" if change == "password" else "approver"
            assert runner.invoke(args=["create-user", "suzuki", "--role", role]).exit_code == 0
        assert browser.get("/auth/account").status_code == 302, change


def test_a_session_ends_after_its_absolute_lifetime_however_busy(app, client):
    create_user("suzuki", Role.STAFF)
    assert login(client, "suzuki").status_code == 302
    assert client.get("/review").status_code == 200
    lifetime = app.config["SESSION_ABSOLUTE_LIFETIME"].total_seconds()
    with client.session_transaction() as session:
        session[SIGNED_IN_AT_KEY] = int(time.time() - lifetime - 60)
    assert client.get("/review").status_code == 302


def test_signed_in_pages_are_never_stored_by_the_browser(client):
    create_user("suzuki", Role.STAFF)
    assert login(client, "suzuki").status_code == 302
    for url in ("/review", "/review/export.csv", "/auth/account"):
        assert client.get(url).headers.get("Cache-Control") == "no-store", url


def test_the_completion_page_shows_name_and_email_only_once(client):
    data = form_data(client, name="武蔵野 花子", email="hanako@example.jp")
    assert client.post("/comments/confirm", data=data).status_code == 303
    first = client.get("/comments/done")
    assert first.headers["Cache-Control"] == "no-store"
    assert "武蔵野 花子" in first.get_data(as_text=True) and "hanako@example.jp" in first.get_data(as_text=True)
    again = client.get("/comments/done").get_data(as_text=True)
    assert "武蔵野 花子" not in again and "hanako@example.jp" not in again
    assert 'id="receipt-number"' in again and 'id="personal-hidden"' in again


def test_every_staff_view_of_a_residents_name_and_email_is_audited(app, client):
    from comment_portal.models import AuditEvent
    from tests.review_factories import add_comment, sign_in

    staff_id = sign_in(client)
    comment = add_comment("会議室を増やしてください。", name="武蔵野 花子")
    receipt, comment_id, submission_id = comment.submission.receipt_number, comment.id, comment.submission_id
    assert "武蔵野 花子" in client.get(f"/review/comments/{comment_id}").get_data(as_text=True)
    assert "武蔵野 花子" in client.get(f"/review/receipts/{receipt}").get_data(as_text=True)
    events = list(db.session.scalars(select(AuditEvent).filter_by(action="personal_data.view").order_by(AuditEvent.id)))
    assert [(e.user_id, e.target_type, e.target_id, e.after["page"], e.after["comment_ids"]) for e in events] == [
        (staff_id, "submission", submission_id, "review.comment", [comment_id]),
        (staff_id, "submission", submission_id, "answers.receipt", [comment_id])]


def test_answer_and_approval_pages_audit_the_opinions_they_show(app, client):
    from comment_portal.models import AuditEvent
    from tests.factories import create_comment
    from tests.review_factories import sign_in

    sign_in(client)
    comment_id = create_comment("会議室を増やしてください。", confirmed_policy="3").id
    assert client.get(f"/review/comments/{comment_id}/answer").status_code == 200
    assert client.get(f"/review/redactions/comments/{comment_id}").status_code == 200
    views = [(e.after["page"], e.after["comment_ids"]) for e in db.session.scalars(
        select(AuditEvent).filter_by(action="personal_data.view").order_by(AuditEvent.id))]
    assert views == [("answers.answer", [comment_id]), ("publication.comment_redactions", [comment_id])]
