"""XSS and formula payloads in every user-written field stay inert in every view and export that shows them."""

import csv
import io
from html.parser import HTMLParser

import pytest
from openpyxl import load_workbook

from comment_portal.answers import publishing
from comment_portal.consultations import current_consultation
from comment_portal.extensions import db
from comment_portal.models import Comment, CommentStatus, Role, Submission, User
from comment_portal.publication import redactions
from tests.factories import create_user, form_data, hidden_value, login
from tests.publication_factories import answer
from tests.review_factories import add_comment

PAYLOADS = [
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    "<svg onload=alert(1)>",
    '"><script>alert(1)</script>',
    "' onmouseover='alert(1)' x='",
    '" onfocus="alert(1)" autofocus="',
    "<a href=\"javascript:alert(1)\">click</a>",
    "javascript:alert(1)",
    "{{7*7}}{% raw %}${7*7}",
    "<div style=\"background:url(javascript:alert(1));width:expression(alert(1))\">css</div>",
    "</textarea><script>alert(1)</script>",
    "<iframe srcdoc='<script>alert(1)</script>'></iframe>",
    "=HYPERLINK(\"http://evil.example\",\"x\")",
    "+1+cmd|' /C calc'!A0",
    "-2+3",
    "@SUM(1+1)",
]
DANGEROUS_TAGS = {"iframe", "object", "embed", "base", "img", "frame", "applet"}
URL_ATTRIBUTES = {"href", "src", "action", "formaction", "xlink:href", "data"}


class InertChecker(HTMLParser):
    """Collects anything in a page that a browser would run."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.problems: list[str] = []
        self.in_script = False

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag == "script":
            self.in_script = True
            if not attributes.get("src"):
                self.problems.append("inline <script>")
        if tag in DANGEROUS_TAGS:
            self.problems.append(f"<{tag}>")
        if tag == "meta" and (attributes.get("http-equiv") or "").lower() == "refresh":
            self.problems.append("meta refresh")
        for name, value in attrs:
            if name.startswith("on"):
                self.problems.append(f"event handler {name} on <{tag}>")
            if name == "style":
                self.problems.append(f"style attribute on <{tag}>")
            if name in URL_ATTRIBUTES and value and value.strip().lower().startswith(("javascript:", "data:text")):
                self.problems.append(f"{name}={value!r}")

    def handle_endtag(self, tag):
        if tag == "script":
            self.in_script = False

    def handle_data(self, data):
        if self.in_script and data.strip():
            self.problems.append("script content")


def assert_inert(url: str, html: str, expect: list[str] = ()) -> None:
    checker = InertChecker()
    checker.feed(html)
    assert not checker.problems, f"{url}: {checker.problems}"
    for payload in PAYLOADS:
        if "<" in payload:
            assert payload not in html, f"{url}: raw {payload!r}"
    assert "49" + "${7*7}" not in html and "${49}" not in html, f"{url}: template evaluated"
    for text in expect:
        assert text in html, f"{url}: {text!r} not shown"


@pytest.mark.parametrize("payload", PAYLOADS)
def test_resident_confirmation_and_done_pages_show_payloads_as_text(client, payload):
    data = form_data(client, body=f"意見です。{payload}", name=payload)
    confirm = client.post("/comments/new", data={**data, "action": "confirm"})
    assert confirm.status_code == 200
    assert_inert("/comments/new (confirm)", confirm.get_data(as_text=True))
    done = client.post("/comments/confirm", data=data, follow_redirects=True)
    assert done.status_code == 200
    assert_inert("/comments/done", done.get_data(as_text=True))
    stored = db.session.scalars(db.select(Submission)).one()
    assert stored.name == payload and payload in stored.comments[0].body


@pytest.fixture
def hostile(app):
    """Every payload as an opinion, a name, an attribute, a memo, an answer's summary and response, published."""
    staff = create_user("tanto", Role.STAFF)
    approver = create_user("kacho", Role.APPROVER)
    create_user("admin", Role.ADMIN)
    comments = []
    for index, payload in enumerate(PAYLOADS):
        comment = add_comment(f"意見{index}：{payload}", confirmed="1", status=CommentStatus.CONFIRMED,
                              name=payload, attribute=payload[:40], section="3.1.3")
        comment.memo = payload
        comments.append(comment)
        for proposal in list(comment.redactions):  # the payloads hold no personal data: staff keep them as written
            redactions.reject(proposal, staff)
    db.session.commit()
    for index, comment in enumerate(comments):
        answer([comment], staff, summary=PAYLOADS[index], response=f"考え方：{PAYLOADS[index]}", approver=approver)
    publishing.publish(current_consultation(), db.session.get(User, approver.id))
    db.session.commit()
    return {"comment_ids": [c.id for c in comments], "receipts": [c.submission.receipt_number for c in comments]}


def test_staff_committee_and_public_views_render_payloads_inert(app, client, hostile):
    assert login(client, "admin").status_code == 302
    first = hostile["comment_ids"][1]
    split = f"/review/submissions/{db.session.get(Comment, first).submission_id}/split"
    urls = ["/review", "/review?q=script", f"/review/comments/{first}", f"/review/comments/{first}/answer",
            f"/review/receipts/{hostile['receipts'][1]}", "/review/answers", "/review/approvals", "/review/redactions",
            f"/review/redactions/comments/{first}", "/review/export/publication", "/review/dashboard",
            "/committee", "/committee/print", split]
    urls += [f"/review/comments/{cid}" for cid in hostile["comment_ids"]]
    shown = {}
    for url in urls:
        response = client.get(url)
        assert response.status_code == 200, url
        html = response.get_data(as_text=True)
        assert_inert(url, html)
        shown[url] = "alert(1)" in html
    quiet = ("/redactions", "dashboard", "approvals", "/review/comments/")  # no payload there, or not one with alert
    missing = [url for url, seen in shown.items() if not seen and not any(q in url for q in quiet)]
    assert not missing, f"payloads not displayed at all (the check would prove nothing): {missing}"
    comment_page = client.get(f"/review/comments/{hostile['comment_ids'][8]}").get_data(as_text=True)
    assert "{{7*7}}{% raw %}${7*7}" in comment_page  # shown verbatim, not evaluated
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in client.get(f"/review/comments/{hostile['comment_ids'][0]}"
                                                                   ).get_data(as_text=True)
    public = app.test_client()
    for url in ["/results", f"/results?receipt={hostile['receipts'][1]}"]:
        response = public.get(url)
        assert response.status_code == 200, url
        assert_inert(url, response.get_data(as_text=True), expect=["&lt;img src=x onerror=alert(1)&gt;"])


def test_the_xss_checker_would_catch_unescaped_output():
    for html in ("<p><script>alert(1)</script></p>", '<p onclick="x">', '<a href="javascript:alert(1)">',
                 '<div style="x">', "<svg><img src=x onerror=alert(1)></svg>"):
        with pytest.raises(AssertionError):
            assert_inert("sample", html)


FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


@pytest.mark.parametrize("url", ["/review/export.csv", "/committee/digest.csv"])
def test_csv_exports_neutralise_formulas(client, hostile, url):
    assert login(client, "admin").status_code == 302
    response = client.get(url)
    assert response.status_code == 200
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff"))))
    cells = [cell for row in rows for cell in row]
    assert any("HYPERLINK" in cell for cell in cells) or url.startswith("/committee")
    dangerous = [cell for cell in cells if cell.startswith(FORMULA_STARTS)]
    assert not dangerous, dangerous


def test_xlsx_publication_table_has_no_formula_cells(client, hostile):
    assert login(client, "admin").status_code == 302
    response = client.get("/review/export/publication.xlsx")
    assert response.status_code == 200
    book = load_workbook(io.BytesIO(response.get_data()))
    values = []
    for sheet in book.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                assert cell.data_type != "f", f"{sheet.title}!{cell.coordinate}: {cell.value!r}"
                if isinstance(cell.value, str):  # a string cell (data_type "s") is shown, never evaluated
                    values.append(cell.value)
    assert any("HYPERLINK" in value for value in values)


def test_memo_and_answer_posted_through_forms_stay_inert(app, client):
    create_user("admin", Role.ADMIN)
    comment_id = add_comment("コミセンの講座を増やしてください。").id
    assert login(client, "admin").status_code == 302
    page = client.get(f"/review/comments/{comment_id}").get_data(as_text=True)
    token = hidden_value(page, "csrf_token")
    payload = '"><svg onload=alert(1)>'
    assert client.post(f"/review/comments/{comment_id}/memo", data={"memo": payload, "csrf_token": token}
                       ).status_code in (302, 303)
    assert db.session.get(Comment, comment_id).memo == payload
    client.post(f"/review/comments/{comment_id}/answer",
                data={"summary": payload, "response": payload, "outcome": "future", "action": "save",
                      "csrf_token": token})
    for url in (f"/review/comments/{comment_id}", f"/review/comments/{comment_id}/answer", "/review/answers"):
        html = client.get(url).get_data(as_text=True)
        assert_inert(url, html)
        assert "&#34;&gt;&lt;svg onload=alert(1)&gt;" in html or "&quot;&gt;&lt;svg onload=alert(1)&gt;" in html, url
