"""Load: simulated residents going through the whole flow under gunicorn (issue 6, point 2).

Each client repeats: GET /comments/new (parse csrf_token + submission_token), POST /comments/new
(the confirmation page; its hidden fields are posted on), POST /comments/confirm (expects 303),
GET /comments/done with the session cookie (reads the receipt number). The portal and the minimal
reference (bench/reference_app.py) are each served by gunicorn with 2 workers on a free loopback
port with a fresh database, driven by the same client with --clients, in turn in slices of
--slice-seconds until each had --seconds (so that drift in the machine's speed hits both alike);
a portal slice's clock runs until its background suggestions are done. Afterwards:
5xx count, lost comments (rows stored == receipts issued, every receipt found), throughput and
p50/p95/p99 per step, the portal/reference ratio, comments with a suggestion; then, in-process,
CPU per step for both apps and a cProfile of the portal's flow (where a worker's time goes).

Usage: python bench/load_bench.py [--seconds 60] [--clients 50] [--db sqlite|postgres|both]
PostgreSQL: a dedicated database `bench_load` is created on POSTGRES_ADMIN_URL (default
postgresql://postgres@127.0.0.1:5432/postgres) and dropped afterwards; skipped when unreachable.
Loopback only; every run stops by itself (time bound, and at most --max-flows flows per target).
"""

from __future__ import annotations

import argparse
import cProfile
import http.client
import os
import pstats
import secrets
import signal
import socket
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

from resident_client import TIMEOUT, Resident, hidden_fields, receipt_number

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
ADMIN_URL = os.environ.get("POSTGRES_ADMIN_URL", "postgresql://postgres@127.0.0.1:5432/postgres")
PG_DB = "bench_load"
STEPS = ("form", "confirm_page", "submit", "done")
BODIES = [
    "市民活動の拠点となる施設の開館時間を夜間まで延ばしてほしい。仕事帰りに参加できる活動が増えると思います。",
    "補助金の申請手続きが複雑なので、書類を簡素化し、オンラインで申請できるようにしてください。",
    "若い世代が地域の活動に参加しやすいよう、大学やSNSを通じた情報発信を強化するべきだと考えます。",
    "第4章の評価指標について、参加者数だけでなく活動の継続年数も加えてはどうでしょうか。",
]
ATTRIBUTES = ["市内在住", "市内在勤", "市内在学", "市内で活動", "その他"]


@dataclass
class Stats:
    latencies: dict[str, list[float]] = field(default_factory=lambda: {s: [] for s in STEPS})
    receipts: list[str] = field(default_factory=list)
    status_5xx: int = 0
    errors: list[str] = field(default_factory=list)
    flows: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)


class FlowError(Exception):
    pass


def timed(stats_step: list[float], resident: Resident, method: str, path: str, form=None):
    start = time.perf_counter()
    status, headers, text = resident.request(method, path, form)
    stats_step.append(time.perf_counter() - start)
    return status, headers, text


def one_flow(port: int, rng_index: int) -> tuple[dict[str, float], str]:
    """Run the four steps; returns per-step latencies and the receipt number."""
    resident = Resident(port)
    lat: dict[str, list[float]] = {s: [] for s in STEPS}
    status, _, page = timed(lat["form"], resident, "GET", "/comments/new")
    check(status, 200, "form", page)
    fields = hidden_fields(page)
    if "csrf_token" not in fields or "submission_token" not in fields:
        raise FlowError("form: csrf_token or submission_token not found")
    form = {
        "csrf_token": fields["csrf_token"], "submission_token": fields["submission_token"],
        "body": BODIES[rng_index % len(BODIES)] + f"（{rng_index}）", "section": "",
        "name": f"武蔵野 太郎{rng_index}", "attribute": ATTRIBUTES[rng_index % len(ATTRIBUTES)],
        "email": "", "consent": "y", "website": "", "action": "confirm",
    }
    status, _, page = timed(lat["confirm_page"], resident, "POST", "/comments/new", form)
    check(status, 200, "confirm_page", page)
    confirm_fields = hidden_fields(page)
    if confirm_fields.get("submission_token") != form["submission_token"]:
        raise FlowError("confirm_page: hidden fields missing")
    status, headers, page = timed(lat["submit"], resident, "POST", "/comments/confirm", confirm_fields)
    check(status, 303, "submit", page)
    status, _, page = timed(lat["done"], resident, "GET", "/comments/done")
    check(status, 200, "done", page)
    receipt = receipt_number(page)
    if not receipt:
        raise FlowError("done: no receipt number")
    return {s: v[0] for s, v in lat.items()}, receipt


def check(status: int, expected: int, step: str, page: str) -> None:
    if status != expected:
        raise FlowError(f"{step}: HTTP {status} (expected {expected}): {page[:120]!r}")


def drive(port: int, seconds: float, clients: int, max_flows: int) -> tuple[Stats, float]:
    """Run `clients` threads of resident flows until the deadline; flows in progress finish."""
    stats = Stats()
    deadline = time.monotonic() + seconds
    counter = iter(range(10**9))

    def worker() -> None:
        while time.monotonic() < deadline:
            with stats.lock:
                index = next(counter)
                if index >= max_flows:
                    return
            try:
                latencies, receipt = one_flow(port, index)
            except FlowError as exc:
                with stats.lock:
                    stats.errors.append(str(exc))
                    if " HTTP 5" in str(exc):
                        stats.status_5xx += 1
                continue
            except OSError as exc:
                with stats.lock:
                    stats.errors.append(f"connection: {exc!r}")
                continue
            with stats.lock:
                stats.flows += 1
                stats.receipts.append(receipt)
                for step, value in latencies.items():
                    stats.latencies[step].append(value)

    threads = [threading.Thread(target=worker, daemon=True) for _ in range(clients)]
    start = time.monotonic()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(seconds + 4 * TIMEOUT + 10)
    return stats, time.monotonic() - start


def percentile(values: list[float], p: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_ready(port: int, process: subprocess.Popen, log: Path) -> None:
    for _ in range(300):
        if process.poll() is not None:
            raise SystemExit(f"gunicorn exited:\n{log.read_text()[-2000:]}")
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
            conn.request("GET", "/comments/new")
            status = conn.getresponse().status
            conn.close()
            if status == 200:
                return
        except OSError:
            pass
        time.sleep(0.2)
    raise SystemExit("gunicorn did not answer in 60 s")


def gunicorn(app: str, env: dict, chdir: Path, log: Path) -> tuple[subprocess.Popen, int]:
    port = free_port()
    command = [str(BIN / "gunicorn"), "--workers", "2", "--bind", f"127.0.0.1:{port}",
               "--chdir", str(chdir), "--error-logfile", str(log), "--timeout", "60", app]
    process = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                               start_new_session=True)
    wait_ready(port, process, log)
    return process, port


def stop(process: subprocess.Popen) -> None:
    process.send_signal(signal.SIGTERM)
    try:
        process.wait(30)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


# --- databases -------------------------------------------------------------------------------

def portal_env(database_url: str, workdir: Path) -> dict:
    env = dict(os.environ)
    env.update({
        "FLASK_APP": "comment_portal", "DATABASE_URL": database_url,
        "SECRET_KEY": secrets.token_hex(32), "COMMENT_PORTAL_RATELIMIT_ENABLED": "false",
        "COMMENT_PORTAL_MODEL_DIR": str(workdir / "models"),
    })
    return env


def portal_rows(env: dict, receipts: list[str]) -> tuple[int, int, int, int]:
    """(submissions, comments, receipts found, comments with a suggestion) in the portal's database."""
    url = env["DATABASE_URL"]
    query_counts = ("SELECT (SELECT count(*) FROM submission), (SELECT count(*) FROM comment), "
                    "(SELECT count(DISTINCT comment_id) FROM suggestion)")
    with connect(url) as (db, mark):
        submissions, comments, suggested = db.execute(query_counts).fetchone()
        found = set(r[0] for r in db.execute("SELECT receipt_number FROM submission").fetchall())
    return submissions, comments, sum(1 for r in receipts if r in found), suggested


def portal_unsuggested(env: dict) -> int:
    """Comments stored but not yet suggested for (the workers' background batches still running)."""
    query = "SELECT count(*) FROM comment WHERE NOT EXISTS (SELECT 1 FROM suggestion WHERE comment_id = comment.id)"
    with connect(env["DATABASE_URL"]) as (db, _mark):
        return db.execute(query).fetchone()[0]


def reference_rows(database: str, receipts: list[str]) -> tuple[int, int, int, None]:
    with connect(database) as (db, mark):
        rows = set(r[0] for r in db.execute("SELECT receipt_number FROM ref_submission").fetchall())
    return len(rows), len(rows), sum(1 for r in receipts if r in rows), None


class connect:
    """A short-lived DB-API connection on a SQLAlchemy-style URL or a SQLite path."""

    def __init__(self, url: str):
        self.url = url

    def __enter__(self):
        if self.url.startswith("postgresql"):
            import psycopg

            self.db = psycopg.connect(self.url.replace("postgresql+psycopg://", "postgresql://"))
            return self.db, "%s"
        self.db = sqlite3.connect(self.url.removeprefix("sqlite:///"))
        return self.db, "?"

    def __exit__(self, *exc):
        self.db.close()


def postgres_available() -> bool:
    try:
        import psycopg

        psycopg.connect(ADMIN_URL, connect_timeout=3).close()
        return True
    except Exception as exc:  # noqa: BLE001 - any failure means "skip PostgreSQL"
        print(f"PostgreSQL not reachable on {ADMIN_URL} ({exc.__class__.__name__}): skipped")
        return False


def postgres_database(action: str) -> str:
    import psycopg

    with psycopg.connect(ADMIN_URL, autocommit=True) as admin:
        admin.execute(f"DROP DATABASE IF EXISTS {PG_DB} WITH (FORCE)")
        if action == "create":
            admin.execute(f"CREATE DATABASE {PG_DB}")
    base = ADMIN_URL.rsplit("/", 1)[0]
    return f"postgresql+psycopg://{base.split('://', 1)[1]}/{PG_DB}"


# --- CPU accounting: where the machine's two cores went during a run ------------------------

TICKS = os.sysconf("SC_CLK_TCK")


def _proc_stats() -> list[tuple[int, int, str, float]]:
    """(pid, parent pid, command name, CPU seconds) of every process we may read."""
    rows = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            raw = (entry / "stat").read_text()
        except OSError:
            continue
        name = raw[raw.index("(") + 1 : raw.rindex(")")]
        fields = raw[raw.rindex(")") + 2 :].split()
        rows.append((int(entry.name), int(fields[1]), name, (int(fields[11]) + int(fields[12])) / TICKS))
    return rows


def cpu_snapshot(server_pid: int) -> dict[str, float]:
    """CPU seconds so far of the server's workers, the database server and this load client."""
    rows = _proc_stats()
    workers = sum(cpu for pid, ppid, _, cpu in rows if ppid == server_pid or pid == server_pid)
    database = sum(cpu for _, _, name, cpu in rows if name.startswith("postgres"))
    usage = os.times()
    return {"server": workers, "database": database, "client": usage.user + usage.system}


# --- the two apps, driven in turn --------------------------------------------------------------

@dataclass
class Target:
    """One app under test: its gunicorn, and what its slices added up to."""

    name: str
    app: str
    env: dict
    chdir: Path
    count_rows: object  # receipts -> (rows, comments, found, suggested)
    unsuggested: object = None  # () -> comments still waiting for a suggestion (the portal)
    process: subprocess.Popen | None = None
    port: int = 0
    log: Path | None = None
    warm: Stats = field(default_factory=Stats)
    stats: Stats = field(default_factory=Stats)
    elapsed: float = 0.0
    cpu: dict = field(default_factory=lambda: {"server": 0.0, "database": 0.0, "client": 0.0})


def run_slice(target: Target, seconds: float, args) -> None:
    """Drive one target for a slice; its clock runs until its background suggestions are done too."""
    before = cpu_snapshot(target.process.pid)
    start = time.monotonic()
    stats, _ = drive(target.port, seconds, args.clients, args.max_flows - target.stats.flows)
    if target.unsuggested is not None:
        deadline = time.monotonic() + 30
        while target.unsuggested() and time.monotonic() < deadline:
            time.sleep(0.02)
    target.elapsed += time.monotonic() - start
    after = cpu_snapshot(target.process.pid)
    for key in target.cpu:
        target.cpu[key] += after[key] - before[key]
    merge(target.stats, stats)


def merge(total: Stats, part: Stats) -> None:
    total.flows += part.flows
    total.receipts += part.receipts
    total.status_5xx += part.status_5xx
    total.errors += part.errors
    for step in STEPS:
        total.latencies[step] += part.latencies[step]


def run_interleaved(targets: list[Target], workdir: Path, args) -> list[dict]:
    """Both apps served at once, driven in turn in slices (A B B A ...), so that a machine whose
    speed drifts over minutes (shared hosts do) slows both alike; each gets --seconds in all."""
    try:
        for target in targets:
            target.log = workdir / f"{target.name}-gunicorn.log"
            target.process, target.port = gunicorn(target.app, target.env, target.chdir, target.log)
            # Warm-up (not timed): each worker loads what it loads lazily (e.g. the classifier).
            target.warm, _ = drive(target.port, 3, 4, 40)
        slices = max(1, round(args.seconds / args.slice_seconds))
        for index in range(slices):
            # A B B A A B ...: neither app always follows the other (background work, caches).
            for target in (targets if index % 2 == 0 else targets[::-1]):
                run_slice(target, args.seconds / slices, args)
    finally:
        for target in targets:
            if target.process is not None:
                stop(target.process)
    return [result_of(target) for target in targets]


def result_of(target: Target) -> dict:
    receipts = target.warm.receipts + target.stats.receipts
    # After gunicorn stopped: its workers drained their suggestion queues on exit.
    rows, comments, found, suggested = target.count_rows(receipts)
    flows = target.stats.flows
    result = {
        "name": target.name, "flows": flows, "elapsed": target.elapsed,
        "throughput": flows / target.elapsed if target.elapsed else 0.0,
        "5xx": target.warm.status_5xx + target.stats.status_5xx, "errors": target.warm.errors + target.stats.errors,
        "receipts": len(receipts), "rows": rows, "comments": comments, "found": found, "suggested": suggested,
        "latencies": target.stats.latencies,
        "tracebacks": target.log.read_text().count("Traceback") if target.log.exists() else 0,
        "cpu": {key: value / max(flows, 1) * 1000 for key, value in target.cpu.items()},
    }
    report(result)
    return result


def report(r: dict) -> None:
    lost = r["receipts"] - r["found"]
    print(f"\n== {r['name']}: {r['flows']} flows in {r['elapsed']:.1f} s = {r['throughput']:.1f} submissions/s")
    print(f"   5xx: {r['5xx']}  other errors: {len(r['errors']) - r['5xx']}  tracebacks in log: {r['tracebacks']}")
    print(f"   receipts issued {r['receipts']}, rows stored {r['rows']} (comments {r['comments']}), "
          f"receipts found {r['found']}, lost {lost}, rows without receipt {r['rows'] - r['found']}")
    if r["suggested"] is not None:
        print(f"   comments with a suggestion after the run: {r['suggested']} of {r['comments']} "
              f"(computed in the background; the rest would be caught up by `flask reclassify`)")
    cpu = r["cpu"]
    print(f"   CPU ms per flow: gunicorn workers {cpu['server']:.2f}, PostgreSQL server {cpu['database']:.2f}, "
          f"load client {cpu['client']:.2f} (background suggestions run in the workers)")
    for error in sorted(set(r["errors"]))[:5]:
        print(f"   error: {error}")
    print(f"   {'step':<14}{'p50 ms':>9}{'p95 ms':>9}{'p99 ms':>9}")
    for step in STEPS:
        values = r["latencies"][step]
        print(f"   {step:<14}" + "".join(f"{percentile(values, p) * 1000:>9.1f}" for p in (50, 95, 99)))


def run_backend(label: str, database_url: str, reference_db: str, workdir: Path, args) -> list[dict]:
    env = portal_env(database_url, workdir)
    subprocess.run([str(BIN / "flask"), "init"], env=env, cwd=ROOT, check=True, stdout=subprocess.DEVNULL,
                   stderr=subprocess.DEVNULL)
    ref_env = dict(os.environ, SECRET_KEY=secrets.token_hex(32), REFERENCE_DATABASE=reference_db)
    subprocess.run([sys.executable, "-c", "import reference_app; reference_app.init_db()"], env=ref_env,
                   cwd=ROOT / "bench", check=True)
    portal = Target(f"portal on {label}", "wsgi:app", env, ROOT, lambda receipts: portal_rows(env, receipts),
                    unsuggested=lambda: portal_unsuggested(env))
    reference = Target(f"reference on {label}", "reference_app:app", ref_env, ROOT / "bench",
                       lambda receipts: reference_rows(reference_db, receipts))
    portal_result, reference_result = run_interleaved([portal, reference], workdir, args)
    ratio = portal_result["throughput"] / reference_result["throughput"] if reference_result["flows"] else float("nan")
    print(f"\n== {label}: portal / reference = {ratio:.0%} (target ≥ 50%)")
    return [portal_result, reference_result]


# --- profile ---------------------------------------------------------------------------------

def in_process_flow(client, timings: dict[str, float] | None = None):
    """A function running one resident flow through a Flask test client; adds CPU seconds per step."""

    def step(name: str, call):
        start = time.thread_time()
        response = call()
        if timings is not None:
            timings[name] += time.thread_time() - start
        return response

    def flow(i: int) -> None:
        page = step("form", lambda: client.get("/comments/new")).get_data(as_text=True)
        fields = hidden_fields(page)
        form = {"csrf_token": fields["csrf_token"], "submission_token": fields["submission_token"],
                "body": BODIES[i % 4] + f"（{i}）", "section": "", "name": "武蔵野 太郎",
                "attribute": ATTRIBUTES[0], "email": "", "consent": "y", "website": "", "action": "confirm"}
        page = step("confirm_page", lambda: client.post("/comments/new", data=form)).get_data(as_text=True)
        submitted = step("submit", lambda: client.post("/comments/confirm", data=hidden_fields(page)))
        assert submitted.status_code == 303
        assert receipt_number(step("done", lambda: client.get("/comments/done")).get_data(as_text=True))

    return flow


def cpu_per_flow(client, flows: int) -> tuple[dict[str, float], float]:
    """(request-thread CPU ms per step, whole-process CPU ms per flow, background threads included)."""
    timings = dict.fromkeys(STEPS, 0.0)
    flow = in_process_flow(client, timings)
    for i in range(20):  # warm: the classifier model, template compilation
        flow(i)
    timings.update(dict.fromkeys(STEPS, 0.0))
    start = time.process_time()
    for i in range(flows):
        flow(i)
    total = time.process_time() - start
    return {k: v / flows * 1000 for k, v in timings.items()}, total / flows * 1000


def reference_client(workdir: Path):
    os.environ.update(SECRET_KEY=secrets.token_hex(32), REFERENCE_DATABASE=str(workdir / "cpu-reference.db"))
    sys.path.insert(0, str(ROOT / "bench"))
    import reference_app

    reference_app.init_db()
    return reference_app.app.test_client()


def print_cpu(label: str, steps: dict[str, float], total: float) -> None:
    cells = "".join(f"{steps[s]:>8.2f}" for s in STEPS)
    print(f"   {label:<10}{cells}{total - sum(steps.values()):>12.2f}{total:>8.2f}")


def profile(flows: int, workdir: Path) -> None:
    """Where a worker's time goes, in-process (test client, SQLite file): CPU per step, then cProfile."""
    env = portal_env(f"sqlite:///{workdir / 'profile.db'}", workdir)
    subprocess.run([str(BIN / "flask"), "init"], env=env, cwd=ROOT, check=True, stdout=subprocess.DEVNULL,
                   stderr=subprocess.DEVNULL)
    os.environ.update(env)
    sys.path.insert(0, str(ROOT))
    from comment_portal import create_app

    app = create_app()
    client = app.test_client()
    portal_cpu = cpu_per_flow(client, flows)
    reference_cpu = cpu_per_flow(reference_client(workdir), flows)
    print(f"\n== CPU ms per flow in-process, {flows} flows (no HTTP server or client; 'other' is background "
          f"threads, i.e. the portal's batched suggestions)")
    print(f"   {'':<10}" + "".join(f"{s[:8]:>8}" for s in STEPS) + f"{'other':>12}{'total':>8}")
    print_cpu("portal", *portal_cpu)
    print_cpu("reference", *reference_cpu)
    flow = in_process_flow(client)
    statements = count_statements(app, lambda: flow(10_000))
    print(f"\n== SQL statements per flow in the request (form, confirm page, submit, done): {statements}")
    profiler = cProfile.Profile()
    start = time.perf_counter()
    profiler.enable()
    for i in range(flows):
        flow(i)
    profiler.disable()
    elapsed = time.perf_counter() - start
    print(f"\n== Profile: {flows} flows in-process (test client, SQLite file): "
          f"{elapsed / flows * 1000:.1f} ms per flow under cProfile (request thread only)")
    stats = pstats.Stats(profiler)
    total = stats.total_tt
    print(f"   cumulative time of selected functions (share of {total:.2f} s profiled):")
    wanted = [("views.py", "new_comment"), ("views.py", "submit"), ("views.py", "done"),
              ("templating.py", "render_template"), ("environment.py", "render"),
              ("submissions.py", "submit_web_comment"), ("suggestions.py", "request_suggestions"),
              ("session.py", "commit"), ("base.py", "execute"), ("form.py", "validate"),
              ("csrf.py", "validate_csrf"), ("csrf.py", "generate_csrf"), ("consultations.py", "cached_consultation"),
              ("model.py", "suggest"), ("tokenizer.py", "__call__"), ("sessions.py", "save_session")]
    rows = []
    for (filename, _line, func), (_cc, _nc, _tt, ct, _callers) in stats.stats.items():
        if any(filename.endswith(f) and func == fn for f, fn in wanted):
            rows.append((ct, f"{Path(filename).parent.name}/{Path(filename).name}:{func}"))
    for ct, label in sorted(rows, reverse=True)[:20]:
        print(f"   {ct / total:6.1%}  {ct / flows * 1000:7.2f} ms/flow  {label}")
    print("   top functions by own time:")
    own = sorted(stats.stats.items(), key=lambda item: item[1][2], reverse=True)[:15]
    for (filename, line, func), (_cc, _nc, tt, _ct, _callers) in own:
        print(f"   {tt / total:6.1%}  {tt / flows * 1000:7.2f} ms/flow  {Path(filename).name}:{line}:{func}")


def count_statements(app, action) -> int:
    """SQL statements the portal sends to the database from this thread while `action` runs."""
    from sqlalchemy import event

    from comment_portal.extensions import db

    count = 0
    request_thread = threading.get_ident()

    def on_execute(*_args) -> None:
        nonlocal count
        if threading.get_ident() == request_thread:  # not the background suggestions
            count += 1

    with app.app_context():
        engine = db.engine
    event.listen(engine, "before_cursor_execute", on_execute)
    try:
        action()
    finally:
        event.remove(engine, "before_cursor_execute", on_execute)
    return count


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--slice-seconds", type=float, default=15,
                        help="the two apps are driven in turn, this long each time")
    parser.add_argument("--max-flows", type=int, default=200_000, help="hard cap on flows per target")
    parser.add_argument("--db", choices=("sqlite", "postgres", "both"), default="both")
    parser.add_argument("--profile-flows", type=int, default=300, help="0: skip the profile")
    args = parser.parse_args()
    now = time.strftime("%a %b %d %H:%M UTC %Y", time.gmtime())
    print(f"Load: {args.clients} clients for {args.seconds:.0f} s per target; gunicorn 2 workers; "
          f"nproc {os.cpu_count()}; load average {os.getloadavg()[0]:.2f}; {now}")
    results = []
    with tempfile.TemporaryDirectory(prefix="load-bench-") as tmp:
        workdir = Path(tmp)
        if args.db in ("sqlite", "both"):
            results += run_backend("SQLite", f"sqlite:///{workdir / 'portal.db'}", str(workdir / "reference.db"),
                                   workdir, args)
        if args.db in ("postgres", "both") and postgres_available():
            url = postgres_database("create")
            try:
                results += run_backend("PostgreSQL", url, url, workdir, args)
            finally:
                postgres_database("drop")
        if args.profile_flows:
            profile(args.profile_flows, workdir)
    failed = [r["name"] for r in results if r["5xx"] or r["receipts"] != r["found"] or r["rows"] != r["receipts"]]
    print(f"\nload average at the end: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    if failed:
        print(f"FAILED (5xx or lost comments): {', '.join(failed)}")
        sys.exit(1)
    print("OK: zero 5xx, zero lost comments")


if __name__ == "__main__":
    main()
