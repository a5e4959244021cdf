"""Hostile input: fuzzed forms and query strings never cause a 5xx, and a refused request stores nothing."""

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select
from werkzeug.datastructures import MultiDict

from comment_portal.extensions import db
from comment_portal.models import Answer, AuditEvent, Comment, Redaction, Role, Submission
from tests.conftest import dispose_engines, make_app, reset_database
from tests.factories import create_user, hidden_value, login
from tests.review_factories import add_comment

FUZZ = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
WATCHED = (Submission, Comment, Answer, Redaction, AuditEvent)

SPECIAL = st.sampled_from([
    "", " ", "\x00", "\x1b[31m", "\u202e\u202d", "\u200f\u200e", "\ufeff", "\r\n\r\n", "%00", "../../etc/passwd",
    "9" * 400, "-1", "0", "1e309", "NaN", "-0", "１２３", "٣", "2026-02-30", "9999-99-99", "0000-01-01",
    "x" * 100_000, "あ" * 20_000, "'; DROP TABLE comment; --", "{{7*7}}", "<script>alert(1)</script>",
    "1,2,3", "1-999999999999", "3.1.3", "other", "web", "unreviewed", "🙂" * 500,
])
# Any Unicode except surrogates (which cannot be encoded in a request), control characters included.
TEXT = st.one_of(SPECIAL, st.text(st.characters(blacklist_categories=("Cs",)), max_size=300))
VALUES = st.lists(TEXT, min_size=0, max_size=3)  # missing, single or repeated


def fields(names: list[str]):
    """Each named field absent, once or repeated, with hostile values."""
    return st.fixed_dictionaries({}, optional={name: VALUES for name in names})


def as_pairs(data: dict, token: str | None = None) -> MultiDict:
    pairs = MultiDict([(name, value) for name, values in data.items() for value in values])
    if token:
        pairs["csrf_token"] = token
    return pairs


def counts() -> tuple[int, ...]:
    """Rows of the watched tables; a staff view of personal data is audited on purpose and not counted."""
    views = select(func.count()).select_from(AuditEvent).where(AuditEvent.action == "personal_data.view")
    rows = [db.session.scalar(select(func.count()).select_from(model)) for model in WATCHED]
    return (*rows[:-1], rows[-1] - db.session.scalar(views))


@pytest.fixture(scope="module")
def world(tmp_path_factory, model_dir):
    """One app for the whole module (hypothesis reruns a test many times); real CSRF tokens reach the handlers."""
    app = make_app(tmp_path_factory.mktemp("fuzz"))
    with app.app_context():
        reset_database(model_dir)
        create_user("admin", Role.ADMIN)
        comment = add_comment("武蔵野プレイスの会議室を増やしてください。", section="3.1.3")
        world = {"app": app, "comment_id": comment.id, "submission_id": comment.submission_id,
                 "anonymous": app.test_client(), "staff": app.test_client()}
        assert login(world["staff"], "admin").status_code == 302
        for who in ("anonymous", "staff"):
            page = world[who].get("/auth/login" if who == "anonymous" else "/review/paper/new")
            world[who + "_token"] = hidden_value(page.get_data(as_text=True), "csrf_token")
        yield world
        db.session.remove()
        db.drop_all()
        dispose_engines()


def check(response, before: tuple[int, ...], stored_ok: bool = False) -> None:
    body = response.get_data()
    response.close()
    assert response.status_code < 500, body[:500]
    if not (stored_ok and response.status_code in (302, 303)):
        assert counts() == before, f"{response.status_code} changed the database"


INTAKE_FIELDS = ["body", "section", "name", "attribute", "email", "consent", "submission_token", "website", "action"]


@FUZZ
@given(data=fields(INTAKE_FIELDS))
def test_resident_form_and_confirm_survive_anything(world, data):
    client, pairs = world["anonymous"], as_pairs(data, world["anonymous_token"])
    before = counts()
    check(client.post("/comments/new", data=pairs), before)
    check(client.post("/comments/confirm", data=pairs), before, stored_ok=True)


@FUZZ
@given(query=fields(["section", "receipt", "q", "page"]))
def test_resident_pages_survive_any_query(world, query):
    client = world["anonymous"]
    before = counts()
    for url in ("/", "/document", "/comments/new", "/comments/done", "/results"):
        check(client.get(url, query_string=as_pairs(query)), before)


@FUZZ
@given(receipt=TEXT)
def test_receipt_lookup_survives_anything(world, receipt):
    before = counts()
    check(world["anonymous"].get("/results", query_string={"receipt": receipt}), before)
    check(world["staff"].get("/review/receipts", query_string={"number": receipt}), before)


@FUZZ
@given(data=fields(["login", "password", "remember"]), next_=TEXT)
def test_login_form_survives_anything(world, data, next_):
    client = world["app"].test_client()
    response = client.post("/auth/login", query_string={"next": next_}, data=as_pairs(data))
    assert response.status_code < 500
    location = response.headers.get("Location", "")
    assert not location.startswith(("http", "//")) and "\\" not in location


QUEUE_PARAMS = ["status", "policy", "section", "attribute", "channel", "from", "to", "q", "sort", "page", "number"]


@FUZZ
@given(query=fields(QUEUE_PARAMS))
def test_staff_lists_survive_any_filter(world, query):
    client = world["staff"]
    before = counts()
    pairs = as_pairs(query)
    for url in ("/review", f"/review/comments/{world['comment_id']}", "/review/answers", "/review/approvals",
                "/review/redactions", "/review/redactions/open", "/review/exports", "/review/export.csv",
                "/review/dashboard", "/committee", "/committee/print", "/committee/digest.csv"):
        check(client.get(url, query_string=pairs), before)


@FUZZ
@given(data=fields(["action", "policy", "secondary", "duplicate_of", "reason", "memo", "ids"]),
       query=fields(["status", "page", "sort"]))
def test_staff_decisions_survive_anything(world, data, query):
    client, comment_id = world["staff"], world["comment_id"]
    pairs, args = as_pairs(data, world["staff_token"]), as_pairs(query)
    for url in (f"/review/comments/{comment_id}/decision", f"/review/comments/{comment_id}/memo", "/review/bulk"):
        before = counts()
        check(client.post(url, query_string=args, data=pairs), before, stored_ok=True)


SPLIT_FIELDS = ["action"] + [f"pieces-{i}-{part}" for i in (0, 1, 99) for part in ("start", "end", "section")]
ANSWER_FIELDS = ["summary", "response", "outcome", "attach", "other_ids", "detach", "action", "note", "confirm"]
PAPER_FIELDS = INTAKE_FIELDS + ["channel", "received_on", "original_text"]
REDACTION_FIELDS = ["decision", "note", "text", "start", "end", "reason", "back"]


@FUZZ
@given(data=fields(SPLIT_FIELDS + ANSWER_FIELDS + PAPER_FIELDS + REDACTION_FIELDS))
def test_staff_forms_survive_anything(world, data):
    client, comment_id, submission_id = world["staff"], world["comment_id"], world["submission_id"]
    pairs = as_pairs(data, world["staff_token"])
    for url in (f"/review/submissions/{submission_id}/split", f"/review/comments/{comment_id}/answer",
                "/review/paper/new", f"/review/redactions/comments/{comment_id}", "/review/redactions/1",
                "/review/answers/1/approve", "/review/answers/1/return"):
        before = counts()
        check(client.post(url, data=pairs), before, stored_ok=True)


@FUZZ
@given(ident=st.one_of(st.integers(min_value=-(2**70), max_value=2**70).map(str), TEXT))
def test_ids_in_urls_of_any_shape(world, ident):
    client = world["staff"]
    before = counts()
    for url in (f"/review/comments/{ident}", f"/review/receipts/{ident}", f"/review/paper/{ident}"):
        check(client.get(url.replace("?", "%3F").replace("#", "%23")), before)


@pytest.mark.parametrize("url", ["/results?receipt=%00", "/review/receipts/%00", "/review?q=a%00b", "/document?%00=1"])
def test_nul_in_a_url_is_refused_politely(world, url):
    response = world["staff"].get(url)
    assert response.status_code == 400
    assert "送信内容を確認できませんでした" in response.get_data(as_text=True)


def test_an_id_too_big_for_the_database_is_refused_politely(world):
    before = counts()
    page = world["staff"].post(f"/review/comments/{world['comment_id']}/answer",
                               data={"attach": "9" * 30, "other_ids": "9" * 30, "summary": "概要", "response": "考え方",
                                     "outcome": "future", "action": "save", "csrf_token": world["staff_token"]})
    assert page.status_code < 500
    assert counts() == before
    assert world["staff"].get("/review/comments/" + "9" * 30).status_code == 404
