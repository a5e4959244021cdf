"""PostgreSQL restarted while residents submit (issue 6, point 3).

The real app is served by a threaded werkzeug server on the test PostgreSQL database; residents go
through the whole flow (form → confirmation page → send → receipt) in several threads while the
cluster serving TEST_DATABASE_URL is stopped (fast mode: open sessions are cut) and started again.
Each resident sees the next page or a Japanese "please try again" page, never a 500 or a dropped
connection; pressing send again stores the comment once; nothing is half-written; and the same
server process serves residents again as soon as PostgreSQL accepts connections.

Runs only on PostgreSQL, as root or the cluster's owner, where pg_ctlcluster controls the cluster
(the CI machine); it restarts that cluster and leaves it running.
"""

import http.client
import os
import pwd
import shutil
import subprocess
import threading
import time
from dataclasses import dataclass, field

import pytest
from sqlalchemy import select
from sqlalchemy.engine import make_url
from werkzeug.serving import make_server

from bench.resident_client import Resident as Browser
from bench.resident_client import hidden_fields, receipt_number
from comment_portal.extensions import db
from comment_portal.models import Comment, Submission
from tests.conftest import TEST_DATABASE_URL, dispose_engines, make_app, reset_database
from tests.factories import VALID_FORM

RETRY_TEXT = "もう一度お試しください"
NOT_SAVED_TEXT = "保存されていません"
EXPECTED = {"form": 200, "confirm_page": 200, "submit": 303, "done": 200}
CLIENTS = 4
LOAD_BEFORE_SECONDS = 1.5
DOWN_SECONDS = 1.5
LOAD_AFTER_SECONDS = 3.0

pytestmark = pytest.mark.skipif(
    not TEST_DATABASE_URL.startswith("postgresql"),
    reason="restarts PostgreSQL: runs only when TEST_DATABASE_URL is a PostgreSQL database",
)


@dataclass(frozen=True)
class Cluster:
    """A local Debian PostgreSQL cluster, driven with pg_ctlcluster."""

    version: str
    name: str
    port: int

    def ctl(self, action: str, *options: str) -> None:
        command = ["pg_ctlcluster", "--skip-systemctl-redirect", *options, self.version, self.name, action]
        subprocess.run(command, check=True, capture_output=True, timeout=60)

    def is_ready(self) -> bool:
        command = ["pg_isready", "-q", "-h", "127.0.0.1", "-p", str(self.port)]
        return subprocess.run(command, timeout=10).returncode == 0

    def wait_ready(self, timeout: float = 30.0) -> None:
        deadline = time.monotonic() + timeout
        while not self.is_ready():
            assert time.monotonic() < deadline, f"PostgreSQL on port {self.port} not ready after {timeout} s"
            time.sleep(0.1)

    def restart(self, down_seconds: float) -> None:
        """Stop (cutting open sessions), stay down a while, start, wait until connections are accepted."""
        self.ctl("stop", "--mode", "fast")
        time.sleep(down_seconds)
        self.ctl("start")
        self.wait_ready()

    def ensure_running(self) -> None:
        if not self.is_ready():
            self.ctl("start")
            self.wait_ready()


def serving_cluster(url: str) -> Cluster | str:
    """The local cluster listening on the URL's port, or why it cannot be restarted from here."""
    parsed = make_url(url)
    if parsed.host not in (None, "127.0.0.1", "localhost", "::1"):
        return f"TEST_DATABASE_URL is on another host ({parsed.host}); only a local cluster can be restarted"
    if not (shutil.which("pg_lsclusters") and shutil.which("pg_ctlcluster") and shutil.which("pg_isready")):
        return "pg_lsclusters/pg_ctlcluster/pg_isready not found (Debian postgresql-common is needed)"
    port = parsed.port or 5432
    listing = subprocess.run(["pg_lsclusters", "--no-header"], capture_output=True, text=True, timeout=30).stdout
    for line in listing.splitlines():
        version, name, cluster_port, _status, owner, *_ = line.split()
        if int(cluster_port) == port:
            if os.geteuid() != 0 and pwd.getpwuid(os.geteuid()).pw_name != owner:
                return f"cluster {version}/{name} can be restarted only by root or {owner}"
            return Cluster(version, name, port)
    return f"no local cluster listens on port {port} (pg_lsclusters)"


@pytest.fixture
def cluster():
    found = serving_cluster(TEST_DATABASE_URL)
    if isinstance(found, str):
        pytest.skip(f"PostgreSQL restart test skipped: {found}")
    try:
        yield found
    finally:
        found.ensure_running()  # the tests after this one need it


@pytest.fixture
def portal(tmp_path, model_dir, cluster):
    """The real app on the test database, served by a threaded werkzeug server; yields its port."""
    app = make_app(tmp_path)
    with app.app_context():
        reset_database(model_dir)
        db.session.remove()
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, name="restart-test-server", daemon=True)
    thread.start()
    try:
        yield app, server.server_port
    finally:
        server.shutdown()
        thread.join(timeout=10)
        server.server_close()
        cluster.ensure_running()
        with app.app_context():
            db.session.remove()
            db.drop_all()
            dispose_engines()


@dataclass
class Answer:
    step: str
    status: int | None  # None: no HTTP answer at all (connection refused, reset, timed out)
    started: float
    retry_page: bool  # the Japanese "please try again" page
    says_not_saved: bool


@dataclass
class Journal:
    """Everything the residents saw, shared by the client threads."""

    answers: list[Answer] = field(default_factory=list)
    receipts: list[str] = field(default_factory=list)
    refused: list[tuple["Resident", dict, bool]] = field(default_factory=list)  # send failed; page said "not saved"
    unshown: list["Resident"] = field(default_factory=list)  # sent, but the receipt page answered 503
    lock: threading.Lock = field(default_factory=threading.Lock)

    def add(self, kind: str, item) -> None:
        with self.lock:
            getattr(self, kind).append(item)


class Resident:
    """One browser: its own cookies (the session holds the receipt), a new connection per request."""

    def __init__(self, port: int, journal: Journal):
        self.browser = Browser(port, timeout=20)
        self.journal = journal

    def call(self, step: str, method: str, path: str, form: dict | None = None) -> tuple[int | None, str]:
        started = time.monotonic()
        try:
            status, _, page = self.browser.request(method, path, form)
        except (OSError, http.client.HTTPException):
            status, page = None, ""
        retry_page = status == 503 and RETRY_TEXT in page
        self.journal.add("answers", Answer(step, status, started, retry_page, NOT_SAVED_TEXT in page))
        return status, page

    def send(self, confirmed: dict) -> None:
        """Press 送信する on the confirmation page, then read the receipt."""
        status, page = self.call("submit", "POST", "/comments/confirm", confirmed)
        if status != EXPECTED["submit"]:
            self.journal.add("refused", (self, confirmed, NOT_SAVED_TEXT in page))
            return
        self.read_receipt()

    def read_receipt(self) -> None:
        status, page = self.call("done", "GET", "/comments/done")
        if status != EXPECTED["done"]:
            self.journal.add("unshown", self)
            return
        self.journal.add("receipts", receipt_number(page))

    def comment(self, number: int) -> bool:
        """The whole flow; stops at the first page that is not the expected one (returns False)."""
        status, page = self.call("form", "GET", "/comments/new")
        if status != EXPECTED["form"]:
            return False
        form = {**hidden_fields(page), **VALID_FORM, "body": f"{VALID_FORM['body']}（{number}）", "action": "confirm"}
        status, page = self.call("confirm_page", "POST", "/comments/new", form)
        if status != EXPECTED["confirm_page"]:
            return False
        self.send(hidden_fields(page))
        return True


def keep_commenting(port: int, journal: Journal, stop: threading.Event, offset: int) -> None:
    number = offset
    while not stop.is_set():
        if not Resident(port, journal).comment(number):
            time.sleep(0.05)  # a retry page: a person would not reload instantly either
        number += CLIENTS


def under_load(port: int, journal: Journal, during) -> None:
    """Residents keep commenting before, during and after `during()`."""
    stop = threading.Event()
    threads = [threading.Thread(target=keep_commenting, args=(port, journal, stop, i)) for i in range(CLIENTS)]
    for thread in threads:
        thread.start()
    try:
        time.sleep(LOAD_BEFORE_SECONDS)
        during()
        time.sleep(LOAD_AFTER_SECONDS)
    finally:
        stop.set()
        for thread in threads:
            thread.join(timeout=30)
    assert not any(thread.is_alive() for thread in threads), "a resident thread hung"


def try_again(journal: Journal) -> None:
    """What the retry page asks: send the same confirmation page again, or reload the receipt page."""
    refused, unshown = list(journal.refused), list(journal.unshown)
    journal.refused.clear()
    journal.unshown.clear()
    for resident, confirmed, _ in refused:
        resident.send(confirmed)
    for resident in unshown:
        resident.read_receipt()


def stored_submissions(app, column) -> list:
    with app.app_context():
        values = list(db.session.scalars(select(column)))
        db.session.remove()
    return values


def half_written(app) -> list[str]:
    """Submissions without exactly their one comment, comments without their submission."""
    with app.app_context():
        problems = [f"comment {c.id} has no submission" for c in db.session.scalars(
            select(Comment).outerjoin(Submission).where(Submission.id.is_(None)))]
        problems += [f"submission {s.receipt_number} has {len(s.comments)} comments"
                     for s in db.session.scalars(select(Submission))
                     if [c.body for c in s.comments] != [s.original_text]]
        db.session.remove()
    return problems


def test_a_postgres_restart_under_load_shows_receipts_or_retry_pages_and_nothing_is_half_written(portal, cluster):
    app, port = portal
    journal = Journal()
    times = {}

    def restart() -> None:
        times["down"] = time.monotonic()
        cluster.restart(DOWN_SECONDS)
        times["ready"] = time.monotonic()

    under_load(port, journal, restart)

    answers = journal.answers
    assert [a for a in answers if a.status is None] == [], "a resident got no answer at all"
    assert [a for a in answers if a.status not in (EXPECTED[a.step], 503)] == []
    busy = [a for a in answers if a.status == 503]
    assert busy, "the restart did not meet any request: nothing was tested"
    assert all(a.retry_page for a in busy), "a 503 without the Japanese retry page"
    assert [a for a in busy if a.step in ("form", "done") and a.says_not_saved] == []
    assert [a for a in busy if a.started >= times["ready"]] == [], "retry pages after PostgreSQL was back"
    receipts_before = [a for a in answers if a.step == "done" and a.status == 200 and a.started < times["down"]]
    receipts_after = [a for a in answers if a.step == "done" and a.status == 200 and a.started > times["ready"]]
    assert receipts_before and receipts_after, "receipts before and after the restart, from the same server"

    said_not_saved = {c["submission_token"] for _, c, not_saved in journal.refused if not_saved}
    assert said_not_saved.isdisjoint(stored_submissions(app, Submission.submission_token)), \
        "a retry page said 保存されていません about a comment that was stored"
    try_again(journal)
    assert journal.refused == [] and journal.unshown == [], "trying again after the restart did not succeed"
    assert len(set(journal.receipts)) == len(journal.receipts)
    assert sorted(stored_submissions(app, Submission.receipt_number)) == sorted(journal.receipts), \
        "the comments stored are not exactly those whose receipt was shown"
    assert half_written(app) == []


def test_the_first_resident_after_an_idle_restart_gets_no_retry_page(portal, cluster):
    """Pooled connections cut by the restart are replaced before use (pool_pre_ping), not found by a resident."""
    app, port = portal
    journal = Journal()
    Resident(port, journal).comment(1)
    cluster.restart(down_seconds=0.5)
    Resident(port, journal).comment(2)
    assert [(a.step, a.status) for a in journal.answers] == list(EXPECTED.items()) * 2
    assert sorted(stored_submissions(app, Submission.receipt_number)) == sorted(journal.receipts)
