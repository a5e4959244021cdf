"""The access matrix: every URL of the app, for anonymous, committee, staff, approver and admin."""

import re

import pytest

from comment_portal.consultations import DEFAULT_CONSULTATION, load_consultation, set_period
from comment_portal.extensions import db
from comment_portal.models import Role
from comment_portal.timeutil import tokyo_today
from tests.conftest import make_app
from tests.factories import create_user, login

EVERYONE = {"anonymous", "committee", "staff", "approver", "admin"}
SIGNED_IN = EVERYONE - {"anonymous"}
STAFF = {"staff", "approver", "admin"}
APPROVERS = {"approver", "admin"}
ADMINS = {"admin"}
COMMITTEE = {"committee", "staff", "approver", "admin"}

PUBLIC_BLUEPRINTS = {"intake", "results", "static"}
APPROVER_ENDPOINTS = {"answers.approvals", "answers.approve", "answers.send_back", "answers.publish_results",
                      "answers.unpublish_results"}


def expected_roles(endpoint: str) -> set[str]:
    """Who may open an endpoint; an endpoint this does not know fails the test."""
    blueprint = endpoint.split(".")[0]
    if blueprint in PUBLIC_BLUEPRINTS or endpoint == "auth.login":
        return EVERYONE
    if endpoint in ("auth.account", "auth.logout", "two_factor.setup", "two_factor.disable"):
        return SIGNED_IN
    if endpoint == "two_factor.verify":  # only mid-sign-in, after the right password: to the login page otherwise
        return set()
    if endpoint in APPROVER_ENDPOINTS:
        return APPROVERS
    if blueprint in ("review", "answers", "publication", "insights"):
        return STAFF
    if blueprint == "admin":
        return ADMINS
    if blueprint == "committee":
        return COMMITTEE
    raise AssertionError(f"endpoint {endpoint} is missing from the access matrix")


def concrete_url(rule) -> str:
    """The rule's URL with placeholder arguments (ids that may not exist: 404 is fine)."""
    values = {"receipt": "AAAA-BBBB", "filename": "css/site.css"}
    return re.sub(r"<(?:[^:>]+:)?([^>]+)>", lambda m: str(values.get(m.group(1), 1)), rule.rule)


@pytest.fixture
def matrix_app(tmp_path, model_dir):
    app = make_app(tmp_path, WTF_CSRF_ENABLED=False)
    with app.app_context():
        db.create_all()
        consultation = load_consultation(DEFAULT_CONSULTATION)
        set_period(consultation, tokyo_today(), tokyo_today())
        for role in Role:
            create_user(role.value, role)
        yield app
        db.session.remove()
        db.drop_all()
        for engine in db.engines.values():
            engine.dispose()


def request_as(app, who: str, rule):
    client = app.test_client()
    if who != "anonymous":
        assert login(client, who).status_code == 302
    method = "GET" if "GET" in rule.methods else "POST"
    response = client.open(concrete_url(rule), method=method)
    response.close()  # static files are streamed
    return response


def test_every_url_is_guarded_as_the_matrix_says(matrix_app):
    rules = [r for r in matrix_app.url_map.iter_rules() if r.endpoint != "auth.logout"]
    failures = []
    for rule in rules:
        allowed = expected_roles(rule.endpoint)
        for who in sorted(EVERYONE):
            response = request_as(matrix_app, who, rule)
            location = response.headers.get("Location", "")
            refused = response.status_code == 403 or "/auth/login" in location and rule.endpoint != "auth.login"
            if (who in allowed) == refused:
                failures.append(f"{rule.rule} [{rule.endpoint}] as {who}: {response.status_code} {location}")
            if who == "anonymous" and who not in allowed and "/auth/login" not in location:
                failures.append(f"{rule.rule}: anonymous should be sent to the login page")
    assert not failures, "\n".join(failures)
