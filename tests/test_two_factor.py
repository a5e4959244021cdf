"""Two-factor sign-in: set up with a code from an authenticator app, asked after the password, each code used
once, guesses locked out like passwords, required for admins in production, reset by an admin."""

import time

import pyotp
from sqlalchemy import select

from comment_portal.extensions import db
from comment_portal.models import AuditEvent, Role, User
from tests.conftest import dispose_engines, make_app, reset_database
from tests.factories import create_user, hidden_value, login


def code_for(secret: str, offset_steps: int = 0) -> str:
    return pyotp.TOTP(secret).at(time.time() + 30 * offset_steps)


def set_up(client) -> str:
    page = client.get("/auth/two-factor/setup").get_data(as_text=True)
    assert "<svg" in page and 'id="totp-secret"' in page
    secret = page.split('id="totp-secret">')[1].split("<")[0]
    response = client.post("/auth/two-factor/setup", data={"csrf_token": hidden_value(page, "csrf_token"),
                                                          "code": code_for(secret)})
    assert response.status_code == 303
    return secret


def enter_code(client, code: str):
    page = client.get("/auth/two-factor").get_data(as_text=True)
    return client.post("/auth/two-factor", data={"csrf_token": hidden_value(page, "csrf_token"), "code": code})


def stored(login_name: str) -> User:
    db.session.expire_all()
    return db.session.scalar(select(User).filter_by(login=login_name))


def test_after_setup_a_sign_in_needs_the_code_and_each_code_works_once(app, client):
    create_user("suzuki", Role.STAFF)
    assert login(client, "suzuki").status_code == 302
    setup_page = client.get("/auth/two-factor/setup").get_data(as_text=True)
    wrong = client.post("/auth/two-factor/setup", data={"csrf_token": hidden_value(setup_page, "csrf_token"),
                                                       "code": "000000"})
    assert wrong.status_code == 422 and "確認コードが正しくありません" in wrong.get_data(as_text=True)
    assert stored("suzuki").totp_secret is None
    secret = set_up(client)
    assert stored("suzuki").totp_secret == secret
    assert client.get("/review").status_code == 200  # the session that set it up goes on

    browser = app.test_client()
    after_password = login(browser, "suzuki")
    assert after_password.status_code == 302 and after_password.headers["Location"].endswith("/auth/two-factor")
    assert browser.get("/review").status_code == 302  # not signed in yet
    assert enter_code(browser, "123456").status_code == 401
    used = code_for(secret, 1)
    assert enter_code(browser, used).status_code == 302
    assert browser.get("/review").status_code == 200
    # The same code a second time (seen over a shoulder) is refused.
    other = app.test_client()
    login(other, "suzuki")
    assert enter_code(other, used).status_code == 401
    actions = [e.action for e in db.session.scalars(select(AuditEvent))]
    assert actions.count("user.two_factor_on") == 1


def test_guessing_codes_locks_the_address_out(app, client):
    create_user("suzuki", Role.STAFF)
    login(client, "suzuki")
    secret = set_up(client)
    guesser = app.test_client()
    login(guesser, "suzuki")
    for _ in range(app.config["LOGIN_LOCKOUT_THRESHOLD"]):
        assert enter_code(guesser, "000000").status_code == 401
    # Locked now: even the right code gets the plain failure answer.
    assert enter_code(guesser, code_for(secret)).status_code == 401


def test_the_code_step_cannot_be_skipped_or_reached_without_the_password(app, client):
    assert client.get("/auth/two-factor").status_code == 302
    assert client.post("/auth/two-factor", data={"code": "123456"}).status_code in (302, 400)


def test_an_admin_removes_two_factor_for_someone_who_lost_their_phone(app, client):
    create_user("suzuki", Role.STAFF)
    login(client, "suzuki")
    set_up(client)
    create_user("kanri", Role.ADMIN)
    admin = app.test_client()
    assert login(admin, "kanri").status_code == 302
    target = stored("suzuki").id
    page = admin.get(f"/admin/users/{target}").get_data(as_text=True)
    assert "設定済み" in page
    response = admin.post(f"/admin/users/{target}/two_factor_off",
                          data={"csrf_token": hidden_value(page, "csrf_token")}, follow_redirects=True)
    assert "2段階認証を解除しました" in response.get_data(as_text=True)
    assert stored("suzuki").totp_secret is None
    assert client.get("/review").status_code == 302  # the old session ended
    assert login(app.test_client(), "suzuki").headers["Location"].endswith("/review")


def test_in_production_an_admin_must_set_up_two_factor_first(tmp_path, model_dir):
    app = make_app(tmp_path, ENV="production", SECRET_KEY="p" * 64, SESSION_COOKIE_SECURE=False)
    with app.app_context():
        reset_database(model_dir)
        create_user("kanri", Role.ADMIN)
        create_user("suzuki", Role.STAFF)
        admin = app.test_client()
        assert login(admin, "kanri").status_code == 302
        response = admin.get("/admin/users")
        assert response.status_code == 302 and response.headers["Location"].endswith("/auth/two-factor/setup")
        set_up(admin)
        assert admin.get("/admin/users").status_code == 200
        staff = app.test_client()
        assert login(staff, "suzuki").status_code == 302
        assert staff.get("/review").status_code == 200  # optional for staff
        db.session.remove()
        db.drop_all()
        dispose_engines()


def test_the_right_password_does_not_reset_the_count_of_wrong_codes(app, client):
    """Password, four wrong codes, password again, … : the wrong codes add up to a lock all the same."""
    create_user("suzuki", Role.STAFF)
    login(client, "suzuki")
    secret = set_up(client)
    guesser = app.test_client()
    threshold = app.config["LOGIN_LOCKOUT_THRESHOLD"]
    for _ in range(2):
        assert login(guesser, "suzuki").status_code == 302
        for _ in range(threshold - 1):
            enter_code(guesser, "000000")
    login(guesser, "suzuki")
    assert enter_code(guesser, code_for(secret)).status_code == 401  # locked by then


def test_a_set_up_secret_cannot_be_replaced_without_turning_it_off_first(app, client):
    create_user("suzuki", Role.STAFF)
    login(client, "suzuki")
    secret = set_up(client)
    response = client.get("/auth/two-factor/setup")
    assert response.status_code == 303 and response.headers["Location"].endswith("/auth/account")
    assert stored("suzuki").totp_secret == secret
    page = client.get("/auth/account").get_data(as_text=True)
    wrong = client.post("/auth/two-factor/disable", data={"csrf_token": hidden_value(page, "csrf_token"),
                                                         "code": "000000"}, follow_redirects=True)
    assert "確認コードが正しくありません" in wrong.get_data(as_text=True) and stored("suzuki").totp_secret
    page = client.get("/auth/account").get_data(as_text=True)
    done = client.post("/auth/two-factor/disable", data={"csrf_token": hidden_value(page, "csrf_token"),
                                                        "code": code_for(secret, 1)}, follow_redirects=True)
    assert "2段階認証を解除しました" in done.get_data(as_text=True) and stored("suzuki").totp_secret is None
    assert client.get("/review").status_code == 200  # this session goes on
