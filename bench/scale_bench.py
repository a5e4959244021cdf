"""Scale: 1,000,000 opinions on PostgreSQL (issue 6 point 7; printed against targets, not asserted).

Loads N opinions into a database of its own (texts generated in Python and sent with COPY, everything
else by INSERT ... SELECT generate_series: ~1.25 opinions per submission, 70 % unreviewed, 25 % confirmed,
5 % excluded, five policies, 3 % unclassified, 60 % with a section, 30 days), then, through the Flask
test client (one process, as one gunicorn worker would):
  - the intake form, its confirmation page and a submission, with N opinions present;
  - the staff queue: first page, filtered pages (status + policy, a later page, keyword), a comment view;
  - the committee digest: while it is built in the background, /committee answers at once (「集計中」 page
    on the first build, the previous digest with a notice on the rebuild after one staff decision); request
    latency during each build, the build's duration and the process's peak memory. Each build is given
    --digest-wait seconds; when it has not finished, that is reported as measured (the daemon thread ends
    with the process).

Usage: python bench/scale_bench.py [--rows 1000000] [--repeat 20] [--digest-wait 900] [--keep] [--reuse]
PostgreSQL: database `bench_scale` (--database) on POSTGRES_ADMIN_URL (default
postgresql://postgres@127.0.0.1:5432/postgres), dropped afterwards unless --keep; --reuse measures an
existing filled one without loading.
"""

from __future__ import annotations

import argparse
import os
import platform
import re
import resource
import statistics
import sys
import tempfile
import threading
import time
from datetime import UTC, date, datetime, timedelta
from html import unescape
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import psycopg  # noqa: E402
from sqlalchemy import text  # noqa: E402

from bench.common import BENCH_PASSWORD, bench_app  # noqa: E402
from bench.synthetic import mixed_opinions, seed_sentences  # noqa: E402
from comment_portal import create_app  # noqa: E402
from comment_portal.consultations import current_consultation, set_period  # noqa: E402
from comment_portal.extensions import db  # noqa: E402
from comment_portal.models import Role, User  # noqa: E402

POSTGRES_ADMIN_URL = os.environ.get("POSTGRES_ADMIN_URL", "postgresql://postgres@127.0.0.1:5432/postgres")
SEED = ROOT / "comment_portal" / "consultations" / "musashino-2021" / "seed_examples.jsonl"
START = date(2026, 5, 1)
TARGET_MS = 200
COMMITTEE_LOGIN = "bench-committee"
HIDDEN = re.compile(r"<input[^>]*type=\"hidden\"[^>]*>")
ATTR = re.compile(r"(\w+)=\"([^\"]*)\"")
RECEIPT_ALPHABET = "23456789ABCDEFGHJKMNPQRSTVWXYZ"

# One submission row per index s; receipt numbers are s in base 30 (unique).
SUBMISSIONS_SQL = """
INSERT INTO submission (id, consultation_id, receipt_number, channel, submitted_at, received_on, name,
                        attribute, email, consent, original_text)
SELECT s, %(cid)s, {receipt},
       (ARRAY['web','web','web','web','web','web','web','web','post','fax','email','counter'])
         [1 + floor(random() * 12)::int],
       %(start)s::date + d + make_interval(hours => floor(random() * 24)::int),
       %(start)s::date + d, '武蔵野 太郎',
       (ARRAY['市内在住','市内在勤','市内在学','市内で活動','その他'])[1 + floor(random() * 5)::int], '', true, ''
FROM (SELECT s, least(29, floor(-12 * ln(1 - random())))::int AS d FROM generate_series(1, %(n)s) s OFFSET 0) x
""".format(receipt=" || ".join(
    ("'-' || " if k == 4 else "") + f"substr(%(alphabet)s, ((s / {30 ** k}) %% 30)::int + 1, 1)" for k in range(8)))

COMMENTS_SQL = """
INSERT INTO comment (id, submission_id, consultation_id, section_id, body, status, confirmed_policy,
                     suggested_policy, suggestion_probability, suggestion_confident, secondary_policies,
                     exclusion_reason, memo, source_start, reviewed_by_id, reviewed_at, created_at)
SELECT id, submission_id, %(cid)s,
       CASE WHEN r_section < 0.6 THEN (%(sections)s::int[])[1 + floor(r_section / 0.6 * %(nsections)s)::int] END,
       body, status, CASE WHEN status = 'confirmed' THEN policy END,
       CASE WHEN classified THEN policy END, CASE WHEN classified THEN probability END,
       CASE WHEN classified THEN probability > 0.5 END, '[]',
       CASE WHEN status = 'excluded' THEN 'offtopic' END, '', 0,
       CASE WHEN status <> 'unreviewed' THEN %(uid)s END,
       CASE WHEN status <> 'unreviewed' THEN timestamptz '2026-06-01 00:00+00' + make_interval(secs => id) END,
       timestamptz '2026-05-01 00:00+00' + make_interval(secs => id)
FROM (SELECT b.id, b.body, greatest(1, ceil(b.id * %(ratio)s))::int AS submission_id, random() AS r_section,
             CASE WHEN r < 0.70 THEN 'unreviewed' WHEN r < 0.95 THEN 'confirmed' ELSE 'excluded' END AS status,
             (ARRAY['1','2','3','4','other'])[1 + floor(random() * 5)::int] AS policy,
             random() > 0.03 AS classified, round((0.2 + random() * 0.75)::numeric, 4)::float AS probability
      FROM (SELECT *, random() AS r FROM bench_body OFFSET 0) b OFFSET 0) x
"""

SUGGESTIONS_SQL = """
INSERT INTO suggestion (comment_id, model_version, policy_code, probability, scores, confident, terms, created_at)
SELECT id, 'bench', suggested_policy, suggestion_probability,
       json_build_object('1', 0.1, '2', 0.1, '3', 0.1, '4', 0.1, 'other', 0.1)::jsonb
         || jsonb_build_object(suggested_policy, suggestion_probability),
       suggestion_confident, '[]', created_at
FROM comment WHERE suggested_policy IS NOT NULL ORDER BY id
"""


def percentile(samples: list[float], p: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, round(p * (len(ordered) - 1)))]


class Table:
    """Rows of (what, p50, p95, target): printed together at the end."""

    def __init__(self):
        self.rows: list[tuple[str, str, str, str]] = []

    def add(self, label: str, samples: list[float], target: float | None = TARGET_MS) -> None:
        p50, p95 = statistics.median(samples), percentile(samples, 0.95)
        verdict = "" if target is None else ("ok" if p95 <= target else "OVER")
        self.rows.append((label, f"{p50:,.1f}", f"{p95:,.1f}",
                          f"≤ {target:,.0f} {verdict}" if target is not None else ""))
        print(f"  {label:52} p50 {p50:8.1f} ms  p95 {p95:8.1f} ms  (n={len(samples)})", flush=True)

    def note(self, label: str, value: str, target: str = "") -> None:
        self.rows.append((label, value, "", target))
        print(f"  {label:52} {value}", flush=True)

    def print(self) -> None:
        print(f"\n{'measure':54} {'p50 ms':>10} {'p95 ms':>10}  target ms")
        for label, p50, p95, target in self.rows:
            print(f"{label:54} {p50:>10} {p95:>10}  {target}")


# --- Loading ----------------------------------------------------------------------------------

def psycopg_url(database: str) -> str:
    return f"{POSTGRES_ADMIN_URL.rsplit('/', 1)[0]}/{database}"


def copy_bodies(connection: psycopg.Connection, n: int) -> None:
    texts, _ = mixed_opinions(n, seed_sentences(SEED), seed=7)
    connection.execute("CREATE UNLOGGED TABLE bench_body (id integer PRIMARY KEY, body text NOT NULL)")
    with connection.cursor().copy("COPY bench_body (id, body) FROM STDIN") as copy:
        for i, body in enumerate(texts, 1):
            copy.write_row((i, body))


def load(database: str, n: int, consultation_id: int, section_ids: list[int], user_id: int) -> None:
    """Fill submissions, comments and suggestions server-side, then VACUUM ANALYZE (as autovacuum would)."""
    submissions = round(n * 0.8)
    params = {"cid": consultation_id, "alphabet": RECEIPT_ALPHABET, "start": START, "n": submissions,
              "sections": section_ids, "nsections": len(section_ids), "ratio": submissions / n, "uid": user_id}
    with psycopg.connect(psycopg_url(database), autocommit=True) as connection:
        steps = [("texts (Python) + COPY", lambda: copy_bodies(connection, n))]
        for label, sql in (("submissions", SUBMISSIONS_SQL), ("comments", COMMENTS_SQL),
                           ("suggestions", SUGGESTIONS_SQL)):
            steps.append((label, lambda sql=sql: seeded(connection, sql, params)))
        steps += [("sequences, VACUUM ANALYZE", lambda: finish_load(connection))]
        for label, step in steps:
            began = time.perf_counter()
            step()
            print(f"  {label:28} {time.perf_counter() - began:6.1f} s", flush=True)


def seeded(connection: psycopg.Connection, sql: str, params: dict) -> None:
    """Run one INSERT ... SELECT with the same random sequence every time."""
    connection.execute("SELECT setseed(0.42)")
    connection.execute(sql, params)


def finish_load(connection: psycopg.Connection) -> None:
    connection.execute("DROP TABLE bench_body")
    for table in ("submission", "comment", "suggestion"):
        connection.execute(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT max(id) FROM {table}))")
    connection.execute("VACUUM ANALYZE")


def app_config(tmp: Path) -> dict:
    return {"TESTING": False, "SECRET_KEY": "bench-secret-bench-secret-bench-secret", "RATELIMIT_ENABLED": False,
            "MODEL_DIR": str(tmp / "models"), "WTF_CSRF_ENABLED": True, "CACHE_TYPE": "SimpleCache"}


def prepare(database: str, n: int, tmp: Path, reuse: bool):
    uri = psycopg_url(database).replace("postgresql://", "postgresql+psycopg://", 1)
    if reuse:
        return create_app({**app_config(tmp), "SQLALCHEMY_DATABASE_URI": uri})
    app = bench_app(uri, tmp, Role.STAFF)
    app.config.update(CACHE_TYPE="SimpleCache", WTF_CSRF_ENABLED=True)  # forms as residents post them
    with app.app_context():
        consultation = current_consultation()
        set_period(consultation, START, START + timedelta(days=400))
        committee = User(login=COMMITTEE_LOGIN, role=Role.COMMITTEE)
        committee.set_password(BENCH_PASSWORD)
        db.session.add(committee)
        db.session.commit()
        staff_id = db.session.scalar(text("SELECT id FROM \"user\" WHERE login = 'bench'"))
        ids = (consultation.id, [s.id for s in consultation.sections], staff_id)
        db.session.remove()
        db.engine.dispose()
    began = time.perf_counter()
    load(database, n, *ids)
    print(f"  loaded {n:,} opinions in {time.perf_counter() - began:.1f} s", flush=True)
    return app


# --- Measuring --------------------------------------------------------------------------------

def log_in(client, login: str) -> None:
    form = hidden_fields(client.get("/auth/login").get_data(as_text=True))
    response = client.post("/auth/login", data=form | {"login": login, "password": BENCH_PASSWORD})
    assert response.status_code in (302, 303), (login, response.status_code)


def timed(client, method: str, url: str, expected: int = 200, **kwargs):
    began = time.perf_counter()
    response = getattr(client, method)(url, **kwargs)
    elapsed = (time.perf_counter() - began) * 1000
    assert response.status_code == expected, (url, response.status_code, response.get_data(as_text=True)[:300])
    return elapsed, response


def sample(client, url: str, repeat: int) -> list[float]:
    for _ in range(2):  # templates compiled, caches warm
        timed(client, "get", url)
    return [timed(client, "get", url)[0] for _ in range(repeat)]


def hidden_fields(page: str) -> dict[str, str]:
    fields = {}
    for tag in HIDDEN.findall(page):
        attributes = dict(ATTR.findall(tag))
        if "name" in attributes:
            fields[unescape(attributes["name"])] = unescape(attributes.get("value", ""))
    return fields


def measure_intake(app, repeat: int, table: Table) -> None:
    client = app.test_client()
    table.add("intake form GET /comments/new", sample(client, "/comments/new", repeat))
    confirm, submit = [], []
    for i in range(repeat):
        page = client.get("/comments/new").get_data(as_text=True)
        form = hidden_fields(page) | {
            "body": f"会議室の予約をオンラインでできるようにしてください（{i}）。", "section": "",
            "name": "武蔵野 花子", "attribute": "市内在住", "email": "", "consent": "y", "website": "",
            "action": "confirm"}
        elapsed, response = timed(client, "post", "/comments/new", data=form)
        confirm.append(elapsed)
        fields = hidden_fields(response.get_data(as_text=True))
        elapsed, _ = timed(client, "post", "/comments/confirm", 303, data=fields)
        submit.append(elapsed)
    table.add("intake confirm page POST /comments/new", confirm)
    table.add("intake submit POST /comments/confirm", submit)


def measure_queue(app, n: int, repeat: int, table: Table) -> None:
    client = app.test_client()
    log_in(client, "bench")
    pages = {
        "queue first page /review": "/review",
        "queue status=unreviewed": "/review?status=unreviewed",
        "queue status=unreviewed&policy=3": "/review?status=unreviewed&policy=3",
        "queue status+policy, page 200": "/review?status=unreviewed&policy=3&page=200",
        "queue policy=2 (either source)": "/review?policy=2",
        "queue first page, page 2,000": "/review?page=2000",
        "queue section+channel": "/review?section=3&channel=post",
        "queue sort=date": "/review?sort=date",
        "queue keyword q=会議室 (LIKE)": "/review?q=%E4%BC%9A%E8%AD%B0%E5%AE%A4",
        "comment view (prev/next in queue)": f"/review/comments/{n // 2}?status=unreviewed",
    }
    for label, url in pages.items():
        table.add(label, sample(client, url, repeat))


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def build_thread() -> threading.Thread | None:
    return next((t for t in threading.enumerate() if t.name.startswith("committee-digest-")), None)


def what_is_shown(page: str) -> str:
    if 'id="stale"' in page:
        return "previous digest + notice"
    return "「集計中」 page" if "集計中" in page else "current digest"


def watch_build(client, label: str, wait: float, table: Table) -> bool:
    """Request /committee about once a second while the background build runs; False if it did not finish."""
    rss_before, began = peak_rss_mb(), time.perf_counter()
    first, response = timed(client, "get", "/committee")
    table.note(f"{label}: first request", f"{first:,.1f} ms, {what_is_shown(response.get_data(as_text=True))}")
    during, shown = [], set()
    while (thread := build_thread()) is not None and time.perf_counter() - began < wait:
        elapsed, response = timed(client, "get", "/committee")
        during.append(elapsed)
        shown.add(what_is_shown(response.get_data(as_text=True)))
        thread.join(timeout=1.0)
    if during:
        table.add(f"{label}: /committee meanwhile", during)
        table.note(f"{label}: shown meanwhile", ", ".join(sorted(shown)))
    memory = f"peak RSS {peak_rss_mb():,.0f} MB, was {rss_before:,.0f} MB"
    if build_thread() is not None:
        table.note(f"{label}: background build", f"NOT finished after {wait:,.0f} s ({memory})", "finishes")
        return False
    table.note(f"{label}: background build", f"{time.perf_counter() - began:,.1f} s ({memory})")
    return True


def confirm_one(app) -> None:
    """One staff decision: the digest's data version changes, the cached digest is no longer current."""
    with app.app_context():
        db.session.execute(text(
            "UPDATE comment SET status = 'confirmed', confirmed_policy = suggested_policy, reviewed_at = now() "
            "WHERE id = (SELECT min(id) FROM comment WHERE status = 'unreviewed' AND suggested_policy IS NOT NULL)"))
        db.session.commit()


def measure_digest(app, repeat: int, wait: float, table: Table) -> None:
    client = app.test_client()
    log_in(client, COMMITTEE_LOGIN)
    if not watch_build(client, "digest, first build", wait, table):
        return
    table.add("/committee, digest cached", sample(client, "/committee", repeat))
    confirm_one(app)
    watch_build(client, "digest, rebuild after a change", wait, table)


def machine() -> str:
    cpu = next((line.split(":", 1)[1].strip() for line in open("/proc/cpuinfo", encoding="utf-8")
                if line.startswith("model name")), platform.machine())
    return (f"{cpu}, {os.cpu_count()} cores, Python {platform.python_version()}, "
            f"load average {' '.join(f'{v:.2f}' for v in os.getloadavg())}, {datetime.now(UTC):%Y-%m-%d %H:%M} UTC")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=20)
    parser.add_argument("--digest-wait", type=float, default=900)
    parser.add_argument("--database", default="bench_scale")
    parser.add_argument("--keep", action="store_true", help="leave the database for --reuse")
    parser.add_argument("--reuse", action="store_true", help="measure an existing filled database")
    parser.add_argument("--skip-digest", action="store_true")
    args = parser.parse_args()
    print(machine(), flush=True)
    try:
        admin = psycopg.connect(POSTGRES_ADMIN_URL, autocommit=True, connect_timeout=3)
    except psycopg.OperationalError as error:
        print(f"PostgreSQL not reachable ({error}): skipped")
        return
    with admin, tempfile.TemporaryDirectory() as tmp:
        print(f"PostgreSQL {admin.info.server_version}, database {args.database}, {args.rows:,} opinions", flush=True)
        if not args.reuse:
            admin.execute(f"DROP DATABASE IF EXISTS {args.database} WITH (FORCE)")
            admin.execute(f"CREATE DATABASE {args.database}")
        try:
            run(args, Path(tmp))
        finally:
            if not args.keep:
                admin.execute(f"DROP DATABASE IF EXISTS {args.database} WITH (FORCE)")


def run(args, tmp: Path) -> None:
    app = prepare(args.database, args.rows, tmp, args.reuse)
    table = Table()
    measure_queue(app, args.rows, args.repeat, table)
    measure_intake(app, args.repeat, table)
    if not args.skip_digest:
        measure_digest(app, args.repeat, args.digest_wait, table)
    print(f"\n{machine()}")
    table.print()


if __name__ == "__main__":
    main()
