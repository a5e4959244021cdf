"""Admins manage accounts in the browser: create, change role, deactivate, reset password, unlock; audited."""

from sqlalchemy import select

from comment_portal.extensions import db
from comment_portal.models import AuditEvent, Role, User
from tests.factories import create_user, hidden_value, login

NEW_PASSWORD = "maple river lantern 42"


def admin_client(app):
    create_user("kanri", Role.ADMIN)
    client = app.test_client()
    assert login(client, "kanri").status_code == 302
    return client


def post(client, url: str, page: str, **data):
    token = hidden_value(client.get(page).get_data(as_text=True), "csrf_token")
    return client.post(url, data={"csrf_token": token, **data}, follow_redirects=True)


def user(login_name: str) -> User:
    db.session.expire_all()
    return db.session.scalar(select(User).filter_by(login=login_name))


def actions() -> list[str]:
    return [e.action for e in db.session.scalars(select(AuditEvent).order_by(AuditEvent.id))]


def test_an_admin_creates_an_account_that_can_sign_in(app):
    admin = admin_client(app)
    page = post(admin, "/admin/users", "/admin/users", login="Tanaka", role="staff", password=NEW_PASSWORD,
                confirm=NEW_PASSWORD).get_data(as_text=True)
    assert "アカウント「tanaka」（職員）を作りました" in page
    assert login(app.test_client(), "tanaka", NEW_PASSWORD).status_code == 302
    assert actions() == ["user.create"]


def test_a_weak_password_or_a_taken_login_is_refused_with_a_message(app):
    admin = admin_client(app)
    weak = post(admin, "/admin/users", "/admin/users", login="tanaka", role="staff", password="password1234",
                confirm="password1234")
    assert weak.status_code == 422 and "推測されやすいパスワードです" in weak.get_data(as_text=True)
    taken = post(admin, "/admin/users", "/admin/users", login="kanri", role="staff", password=NEW_PASSWORD,
                 confirm=NEW_PASSWORD)
    assert "既に使われています" in taken.get_data(as_text=True)
    mismatch = post(admin, "/admin/users", "/admin/users", login="sato", role="staff", password=NEW_PASSWORD,
                    confirm=NEW_PASSWORD + "x")
    assert "2つのパスワードが一致しません" in mismatch.get_data(as_text=True)
    assert user("tanaka") is None and user("sato") is None and actions() == []


def test_role_change_deactivation_and_password_reset_end_the_accounts_sessions(app):
    admin = admin_client(app)
    target = create_user("suzuki", Role.STAFF).id
    page = f"/admin/users/{target}"
    for action, data, check in (
        ("role", {"role": "approver"}, lambda u: u.role is Role.APPROVER),
        ("password", {"password": NEW_PASSWORD, "confirm": NEW_PASSWORD}, lambda u: u.check_password(NEW_PASSWORD)),
        ("deactivate", {}, lambda u: not u.active),
    ):
        browser = app.test_client()
        password = NEW_PASSWORD if action == "deactivate" else "correct horse battery"
        assert login(browser, "suzuki", password).status_code == 302, action
        response = post(admin, f"/admin/users/{target}/{action}", page, **data)
        assert response.status_code == 200, action
        assert check(user("suzuki")), action
        assert browser.get("/auth/account").status_code == 302, action
    assert login(app.test_client(), "suzuki", NEW_PASSWORD).status_code == 401  # deactivated
    post(admin, f"/admin/users/{target}/activate", page)
    assert login(app.test_client(), "suzuki", NEW_PASSWORD).status_code == 302
    assert actions() == ["user.role", "user.password_reset", "user.deactivate", "user.activate"]


def test_an_admin_unlocks_an_account_locked_out_by_failures(app):
    admin = admin_client(app)
    target = create_user("suzuki", Role.STAFF).id
    for _ in range(app.config["LOGIN_LOCKOUT_THRESHOLD"]):
        login(app.test_client(), "suzuki", "wrong password!")
    assert "ログイン一時停止中" in admin.get("/admin/users").get_data(as_text=True)
    page = post(admin, f"/admin/users/{target}/unlock", f"/admin/users/{target}").get_data(as_text=True)
    assert "ログインの一時停止を解除しました" in page
    assert login(app.test_client(), "suzuki").status_code == 302
    assert actions() == ["user.locked", "user.unlock"]


def test_an_admin_cannot_demote_or_deactivate_themselves(app):
    admin = admin_client(app)
    me = user("kanri").id
    for action, data in (("role", {"role": "staff"}), ("deactivate", {})):
        page = post(admin, f"/admin/users/{me}/{action}", f"/admin/users/{me}", **data).get_data(as_text=True)
        assert "自分のアカウント" in page
    assert user("kanri").role is Role.ADMIN and user("kanri").active and actions() == []


def test_only_admins_reach_the_account_pages(app):
    create_user("suzuki", Role.STAFF)
    staff = app.test_client()
    assert login(staff, "suzuki").status_code == 302
    assert staff.get("/admin/users").status_code == 403
    assert app.test_client().get("/admin/users").status_code == 302
