"""CSRF on every POST, security headers on every kind of page, no session fixation, no open redirect."""

import re
from urllib.parse import urlsplit

import pytest
from sqlalchemy import func, select

from comment_portal.extensions import db
from comment_portal.models import Answer, AuditEvent, Comment, Redaction, Role, Submission, User
from tests.factories import create_user, hidden_value, login
from tests.review_factories import add_comment


def concrete_url(rule, values: dict) -> str:
    """The rule's URL with real ids where known, 1 elsewhere."""
    return re.sub(r"<(?:[^:>]+:)?([^>]+)>", lambda m: str(values.get(m.group(1), 1)), rule.rule)

WATCHED = (Submission, Comment, Answer, Redaction, AuditEvent, User)


def counts() -> tuple[int, ...]:
    return tuple(db.session.scalar(select(func.count()).select_from(model)) for model in WATCHED)


def test_every_post_endpoint_refuses_a_request_without_csrf_token(app, client):
    create_user("admin", Role.ADMIN)
    comment = add_comment("武蔵野プレイスの会議室を増やしてください。", section="3.1.3")
    values = {"comment_id": comment.id, "submission_id": comment.submission_id}
    assert login(client, "admin").status_code == 302
    rules = [r for r in app.url_map.iter_rules() if "POST" in r.methods]
    assert len(rules) >= 15
    failures = []
    for rule in rules:
        url = concrete_url(rule, values)
        before = counts()
        response = client.post(url, data={"memo": "x", "action": "confirm", "policy": "1", "login": "admin",
                                          "password": "correct horse battery"})
        if response.status_code != 400 or counts() != before:
            failures.append(f"{rule.rule}: {response.status_code}")
    assert not failures, "\n".join(failures)
    assert client.get("/auth/account").status_code == 200  # the refused logout did not sign out


def test_a_wrong_csrf_token_is_refused_too(app, client):
    create_user("admin", Role.ADMIN)
    comment_id = add_comment("コミセンの講座を増やしてください。").id
    assert login(client, "admin").status_code == 302
    response = client.post(f"/review/comments/{comment_id}/memo", data={"memo": "メモ", "csrf_token": "forged"})
    assert response.status_code == 400
    assert db.session.get(Comment, comment_id).memo in (None, "")


PUBLIC_PAGES = ["/", "/document", "/comments/new", "/results", "/results?receipt=AAAA-BBBB", "/auth/login",
                "/no-such-page", "/static/css/site.css"]
STAFF_PAGES = ["/review", "/review/comments/1", "/review/answers", "/review/approvals", "/review/redactions",
               "/review/exports", "/review/export.csv", "/review/export/publication.xlsx", "/review/dashboard",
               "/review/paper/new", "/admin/models", "/committee", "/committee/digest.csv", "/review/comments/999"]


def assert_secure_headers(url: str, response) -> None:
    headers = response.headers
    csp = headers.get("Content-Security-Policy", "")
    assert csp, url
    assert "unsafe-inline" not in csp and "unsafe-eval" not in csp, url
    assert "frame-ancestors 'none'" in csp, url
    assert "script-src 'self'" in csp and "object-src 'none'" in csp, url
    assert headers.get("X-Content-Type-Options") == "nosniff", url
    assert headers.get("Referrer-Policy") in ("same-origin", "no-referrer", "strict-origin-when-cross-origin"), url


def test_security_headers_on_every_kind_of_page(app, client):
    add_comment("武蔵野プレイスの会議室を増やしてください。")
    for url in PUBLIC_PAGES:
        response = client.get(url)
        response.close()
        assert response.status_code in (200, 404), url
        assert_secure_headers(url, response)
    create_user("admin", Role.ADMIN)
    assert_secure_headers("login redirect", login(client, "admin"))
    for url in STAFF_PAGES:
        response = client.get(url)
        response.close()
        assert response.status_code in (200, 404), url
        assert_secure_headers(url, response)
    bad = client.post("/review/bulk", data={})
    assert bad.status_code == 400
    assert_secure_headers("csrf failure", bad)


def test_sign_in_starts_a_fresh_session(app, client):
    create_user("suzuki", Role.STAFF)
    page = client.get("/auth/login").get_data(as_text=True)
    old_token = hidden_value(page, "csrf_token")
    with client.session_transaction() as session:
        session["planted"] = "by an attacker"
    before = client.get_cookie("session").value
    response = client.post("/auth/login", data={"login": "suzuki", "password": "correct horse battery",
                                                "csrf_token": old_token})
    assert response.status_code == 302
    after = client.get_cookie("session").value
    assert after != before
    with client.session_transaction() as session:
        assert "planted" not in session
        assert "_user_id" in session
    # The token issued before sign-in belongs to the old session and is no longer accepted.
    assert client.post("/auth/logout", data={"csrf_token": old_token}).status_code == 400
    assert client.get("/auth/account").status_code == 200


def test_a_replayed_pre_login_cookie_is_not_signed_in(app, client):
    create_user("suzuki", Role.STAFF)
    client.get("/auth/login")
    before = client.get_cookie("session").value
    assert login(client, "suzuki").status_code == 302
    stranger = app.test_client()
    stranger.set_cookie("session", before)
    assert stranger.get("/auth/account").status_code == 302


@pytest.mark.parametrize("target", [
    "%2F%2Fevil.example/", "/%2F/evil.example/", "/\\evil.example", "\\\\evil.example", "https:evil.example",
    "https:/evil.example", "javascript:alert(1)", "JaVaScRiPt:alert(1)", "%2Fjavascript:alert(1)",
    "/%5Cevil.example", "%5C%5Cevil.example", "//evil.example@review", "http://localhost@evil.example/",
    "%09//evil.example", "/%09/evil.example", " //evil.example", "data:text/html,<script>alert(1)</script>",
    "%E3%80%80//evil.example", "///evil.example",
])
def test_login_next_never_leaves_the_site(client, target):
    create_user("suzuki", Role.STAFF)
    page = client.get("/auth/login").get_data(as_text=True)
    response = client.post(
        "/auth/login?next=" + target,
        data={"login": "suzuki", "password": "correct horse battery", "csrf_token": hidden_value(page, "csrf_token")},
    )
    if "%09" in target:  # a control character in the URL is refused before any sign-in
        assert response.status_code == 400 and "Location" not in response.headers
        return
    assert response.status_code == 302
    location = response.headers["Location"]
    parts = urlsplit(location)
    assert not parts.scheme and not parts.netloc, location
    assert location.startswith("/") and not location.startswith(("//", "/\\")), location
    assert "\\" not in location and not any(c.isspace() or ord(c) < 32 for c in location), location
