"""Accounts: created from the command line, hashed, signed in at /auth/login."""

import pytest
from sqlalchemy import select

from comment_portal import InsecureConfigError, create_app
from comment_portal.extensions import db
from comment_portal.models import Role, User
from tests.factories import create_user, hidden_value, login


def test_create_user_takes_the_password_from_the_environment(app, monkeypatch):
    monkeypatch.setenv("COMMENT_PORTAL_PASSWORD", "a long enough password")
    result = app.test_cli_runner().invoke(args=["create-user", "tanaka", "--role", "staff"])
    assert result.exit_code == 0, result.output
    user = db.session.scalar(select(User).filter_by(login="tanaka"))
    assert user.role is Role.STAFF
    assert "a long enough password" not in user.password_hash
    assert user.check_password("a long enough password")


def test_create_user_prompts_for_the_password(app, monkeypatch):
    monkeypatch.delenv("COMMENT_PORTAL_PASSWORD", raising=False)
    runner = app.test_cli_runner()
    result = runner.invoke(args=["create-user", "iinkai", "--role", "committee"],
                           input="prompted password\nprompted password\n")
    assert result.exit_code == 0, result.output
    assert db.session.scalar(select(User).filter_by(login="iinkai")).check_password("prompted password")


def test_create_user_refuses_a_short_password(app, monkeypatch):
    monkeypatch.setenv("COMMENT_PORTAL_PASSWORD", "short")
    result = app.test_cli_runner().invoke(args=["create-user", "x", "--role", "admin"])
    assert result.exit_code != 0 and "at least 10" in result.output
    assert db.session.scalar(select(User)) is None


@pytest.mark.parametrize(("role", "home"), [(Role.STAFF, "/review"), (Role.APPROVER, "/review"),
                                            (Role.ADMIN, "/review"), (Role.COMMITTEE, "/committee")])
def test_each_role_lands_on_its_work_after_login(client, role, home):
    create_user("someone", role)
    assert login(client, "someone").headers["Location"] == home


def test_login_and_logout(client):
    create_user("suzuki", Role.STAFF)
    response = login(client, "suzuki")
    assert response.status_code == 302
    page = client.get("/auth/account").get_data(as_text=True)
    assert "suzuki さん" in page and "担当職員" in page
    token = hidden_value(page, "csrf_token")
    client.post("/auth/logout", data={"csrf_token": token})
    assert client.get("/auth/account").status_code == 302


def test_wrong_password_is_refused_in_japanese(client):
    create_user("suzuki", Role.STAFF)
    response = login(client, "suzuki", "wrong password!")
    assert response.status_code == 401
    assert "ログインIDまたはパスワードが正しくありません" in response.get_data(as_text=True)
    assert client.get("/auth/account").status_code == 302


def test_inactive_user_cannot_sign_in(client):
    user = create_user("retired", Role.STAFF)
    user.active = False
    db.session.commit()
    assert login(client, "retired").status_code == 401


@pytest.mark.parametrize("target", ["//evil.example/", "https://evil.example/", "/\\evil.example"])
def test_login_next_never_leaves_the_site(client, target):
    create_user("suzuki", Role.STAFF)
    page = client.get("/auth/login").get_data(as_text=True)
    response = client.post(
        "/auth/login?next=" + target,
        data={"login": "suzuki", "password": "correct horse battery", "csrf_token": hidden_value(page, "csrf_token")},
    )
    assert response.headers["Location"] == "/review"


def test_login_follows_a_local_next(client):
    create_user("suzuki", Role.STAFF)
    page = client.get("/auth/login").get_data(as_text=True)
    response = client.post(
        "/auth/login?next=/document",
        data={"login": "suzuki", "password": "correct horse battery", "csrf_token": hidden_value(page, "csrf_token")},
    )
    assert response.headers["Location"] == "/document"


def test_session_cookie_is_signed(client):
    create_user("suzuki", Role.STAFF)
    login(client, "suzuki")
    cookie = client.get_cookie("session")
    client.set_cookie("session", cookie.value[:-4] + "AAAA")
    assert client.get("/auth/account").status_code == 302


@pytest.mark.parametrize("secret", [None, "dev-only-insecure-secret-key", "too-short"])
def test_production_refuses_a_default_or_weak_secret(monkeypatch, secret):
    monkeypatch.setenv("COMMENT_PORTAL_ENV", "production")
    monkeypatch.delenv("SECRET_KEY", raising=False)
    config = {"SQLALCHEMY_DATABASE_URI": "sqlite://"}
    if secret:
        config["SECRET_KEY"] = secret
    with pytest.raises(InsecureConfigError):
        create_app(config)


def test_production_with_a_strong_secret_uses_secure_cookies(monkeypatch):
    monkeypatch.setenv("COMMENT_PORTAL_ENV", "production")
    monkeypatch.setenv("SECRET_KEY", "x" * 64)
    app = create_app({"SQLALCHEMY_DATABASE_URI": "sqlite://"})
    assert app.config["SESSION_COOKIE_SECURE"] is True


def test_repeated_failures_lock_the_account_for_a_while(client, app):
    from datetime import timedelta

    from comment_portal.models import AuditEvent, utcnow

    user_id = create_user("suzuki", Role.STAFF).id
    for _ in range(app.config["LOGIN_LOCKOUT_THRESHOLD"]):
        assert login(client, "suzuki", "wrong password!").status_code == 401
    locked = login(client, "suzuki")
    assert locked.status_code == 401 and "一時的にロックされています" in locked.get_data(as_text=True)
    assert client.get("/auth/account").status_code == 302
    assert [e.action for e in db.session.scalars(select(AuditEvent))] == ["user.locked"]
    # Someone without the password learns nothing about the lock.
    guess = login(client, "suzuki", "another guess!!")
    assert "ロックされています" not in guess.get_data(as_text=True)
    user = db.session.get(User, user_id)
    user.locked_until = utcnow() - timedelta(seconds=1)
    db.session.commit()
    assert login(client, "suzuki").status_code == 302


def test_a_success_resets_the_failure_count(client, app):
    create_user("suzuki", Role.STAFF)
    for _ in range(app.config["LOGIN_LOCKOUT_THRESHOLD"] - 1):
        login(client, "suzuki", "wrong password!")
    assert login(client, "suzuki").status_code == 302
    client.post("/auth/logout", data={"csrf_token": hidden_value(client.get("/auth/account").get_data(as_text=True),
                                                                  "csrf_token")})
    login(client, "suzuki", "wrong password!")
    assert login(client, "suzuki").status_code == 302
