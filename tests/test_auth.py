"""Accounts: created from the command line, hashed, signed in at /auth/login."""

from datetime import timedelta

import pytest
from sqlalchemy import select

from comment_portal import InsecureConfigError, create_app
from comment_portal.extensions import db
from comment_portal.models import AuditEvent, LoginLock, Role, User, utcnow
from tests.conftest import dispose_engines, make_app, reset_database
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


@pytest.mark.parametrize(("password", "reason"), [
    ("short", "12文字以上"), ("password1234", "推測されやすい"), ("aaaaaaaaaaaaaaaa", "推測されやすい"),
    ("abcabcabcabcabc", "推測されやすい"), ("123456789012", "推測されやすい"), ("qwertyuiop12", "推測されやすい"),
    ("kumikokumiko", "推測されやすい"), ("musashino123", "推測されやすい"),
])
def test_create_user_refuses_a_short_common_or_repeated_password(app, monkeypatch, password, reason):
    monkeypatch.setenv("COMMENT_PORTAL_PASSWORD", password)
    result = app.test_cli_runner().invoke(args=["create-user", "kumiko", "--role", "admin"])
    assert result.exit_code != 0 and reason in result.output
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


def test_a_lock_answers_like_a_wrong_password_and_does_not_extend(client, app):
    create_user("suzuki", Role.STAFF)
    wrong = login(client, "suzuki", "wrong password!")
    for _ in range(app.config["LOGIN_LOCKOUT_THRESHOLD"] - 1):
        assert login(client, "suzuki", "wrong password!").status_code == 401
    [lock] = db.session.scalars(select(LoginLock))
    locked_until = lock.locked_until
    assert locked_until is not None
    # During the lock the right password gets exactly the wrong-password answer: it confirms nothing.
    right = login(client, "suzuki")
    assert right.status_code == wrong.status_code == 401
    assert flashed(right) == flashed(wrong) and "ロック" not in right.get_data(as_text=True)
    assert client.get("/auth/account").status_code == 302
    for _ in range(10):  # attempts during the lock neither count nor push its end further
        login(client, "suzuki", "wrong password!")
    db.session.expire_all()
    [lock] = db.session.scalars(select(LoginLock))
    assert lock.locked_until == locked_until and lock.failures == 0
    assert [e.action for e in db.session.scalars(select(AuditEvent))] == ["user.locked"]
    lock.locked_until = utcnow() - timedelta(seconds=1)
    db.session.commit()
    assert login(client, "suzuki").status_code == 302
    assert db.session.scalar(select(LoginLock)) is None


def test_a_guesser_locks_out_their_own_address_not_the_owner(tmp_path, model_dir):
    app = make_app(tmp_path)
    with app.app_context():
        reset_database(model_dir)
        create_user("suzuki", Role.STAFF)
        guesser = app.test_client()
        guesser.environ_base["REMOTE_ADDR"] = "127.0.0.66"
        for _ in range(app.config["LOGIN_LOCKOUT_THRESHOLD"] * 3):
            assert login(guesser, "suzuki", "wrong password!").status_code == 401
        owner = app.test_client()
        owner.environ_base["REMOTE_ADDR"] = "127.0.0.7"
        assert login(owner, "suzuki").status_code == 302
        assert login(guesser, "suzuki").status_code == 401
        db.session.remove()
        db.drop_all()
        dispose_engines()


def test_unlock_and_a_password_reset_clear_the_lock(client, app, monkeypatch):
    create_user("suzuki", Role.STAFF)
    runner = app.test_cli_runner()
    for _ in range(app.config["LOGIN_LOCKOUT_THRESHOLD"]):
        login(client, "suzuki", "wrong password!")
    assert login(client, "suzuki").status_code == 401
    result = runner.invoke(args=["unlock", "suzuki"])
    assert result.exit_code == 0 and "1 lock(s)" in result.output, result.output
    assert login(client, "suzuki").status_code == 302
    client.post("/auth/logout", data={"csrf_token": hidden_value(client.get("/auth/account").get_data(as_text=True),
                                                                  "csrf_token")})
    for _ in range(app.config["LOGIN_LOCKOUT_THRESHOLD"]):
        login(client, "suzuki", "wrong password!")
    monkeypatch.setenv("COMMENT_PORTAL_PASSWORD", "a brand new long passphrase")
    result = runner.invoke(args=["create-user", "suzuki", "--role", "staff"])
    assert result.exit_code == 0 and "locks were cleared" in result.output, result.output
    assert login(client, "suzuki", "a brand new long passphrase").status_code == 302
    assert [e.action for e in db.session.scalars(select(AuditEvent))] == ["user.locked", "user.unlock", "user.locked"]
    assert runner.invoke(args=["unlock", "nobody"]).exit_code != 0


def test_every_failure_costs_one_password_hash_check(client, app, monkeypatch):
    """Unknown, inactive, locked and known logins take the same time: each checks exactly one hash."""
    import comment_portal.auth.signin as signin_module

    checked = []
    real = signin_module.check_password_hash
    monkeypatch.setattr(signin_module, "check_password_hash", lambda h, p: checked.append(h) or real(h, p))
    create_user("suzuki", Role.STAFF)
    inactive = create_user("taishoku", Role.STAFF)
    inactive.active = False
    db.session.commit()
    for name in ("nobody", "taishoku", "suzuki"):
        login(client, name, "wrong password!")
    assert len(checked) == 3 and all(h.startswith(("scrypt:", "pbkdf2:")) for h in checked)


def flashed(response) -> str:
    html = response.get_data(as_text=True)
    start = html.index('class="notice notice-error"')
    return html[start:html.index("</div>", start)]


def test_a_success_resets_the_failure_count(client, app):
    create_user("suzuki", Role.STAFF)
    for _ in range(app.config["LOGIN_LOCKOUT_THRESHOLD"] - 1):
        login(client, "suzuki", "wrong password!")
    assert login(client, "suzuki").status_code == 302
    client.post("/auth/logout", data={"csrf_token": hidden_value(client.get("/auth/account").get_data(as_text=True),
                                                                  "csrf_token")})
    login(client, "suzuki", "wrong password!")
    assert login(client, "suzuki").status_code == 302


def test_an_unknown_login_is_counted_like_a_known_one(client, app):
    """The same write for a login that does not exist: the database work does not tell them apart."""
    create_user("suzuki", Role.STAFF)
    login(client, "suzuki", "wrong password!")
    login(client, "nobody-here", "wrong password!")
    assert sorted(lock.failures for lock in db.session.scalars(select(LoginLock))) == [1, 1]
