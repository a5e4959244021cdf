"""Slow clients against the documented production setup (issue 12, point 7).

64 clients open connections and trickle a POST body (one byte every second, never finishing) for
--seconds, while 8 residents go through the whole flow (form, confirmation, send, receipt) again and
again. Run twice: gunicorn alone (2 sync workers, what slow clients can exhaust), then nginx in front of
the same gunicorn with deploy/nginx.conf.template (which reads every request whole before passing it on).
Prints, per setup, the residents' flows, errors, and p50/p95/max seconds per flow and per request.
Target: behind nginx, p95 of a resident's request under 2 s and no error.

Usage: python bench/slow_clients_bench.py [--seconds 60] [--slow 64] [--residents 8]
Needs nginx (apt-get install nginx-light). Loopback only; every thread stops at the deadline.
"""

from __future__ import annotations

import argparse
import shutil
import socket
import string
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

from load_bench import STEPS, FlowError, free_port, gunicorn, one_flow, percentile, portal_env, stop, wait_ready

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
TEMPLATE = ROOT / "deploy" / "nginx.conf.template"
SLOW_BODY_BYTES = 4000
TRICKLE_SECONDS = 1.0


def slow_client(port: int, deadline: float, counters: dict, lock: threading.Lock) -> None:
    """Open a connection, send headers promising a body, then one byte a second; reconnect when dropped."""
    head = (f"POST /comments/confirm HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/x-www-form-urlencoded"
            f"\r\nContent-Length: {SLOW_BODY_BYTES}\r\n\r\n").encode()
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=5) as conn:
                conn.sendall(head)
                with lock:
                    counters["connections"] += 1
                sent = 0
                while time.monotonic() < deadline and sent < SLOW_BODY_BYTES - 1:
                    conn.sendall(b"a")
                    sent += 1
                    time.sleep(TRICKLE_SECONDS)
        except OSError:
            with lock:
                counters["dropped"] += 1
            time.sleep(TRICKLE_SECONDS)


def resident(port: int, deadline: float, results: dict, lock: threading.Lock, index: int) -> None:
    """Whole flows one after another until the deadline; every flow's steps and total are timed."""
    n = 0
    while time.monotonic() < deadline:
        start = time.perf_counter()
        try:
            latencies, _receipt = one_flow(port, index * 100_000 + n)
        except (FlowError, OSError) as error:
            with lock:
                results["errors"].append(f"{type(error).__name__}: {str(error)[:120]}")
            continue
        finally:
            n += 1
        with lock:
            results["flows"].append(time.perf_counter() - start)
            results["requests"].extend(latencies[step] for step in STEPS)


def run(port: int, seconds: float, slow: int, residents: int) -> dict:
    lock = threading.Lock()
    counters = {"connections": 0, "dropped": 0}
    results: dict = {"flows": [], "requests": [], "errors": []}
    deadline = time.monotonic() + seconds
    threads = [threading.Thread(target=slow_client, args=(port, deadline, counters, lock), daemon=True)
               for _ in range(slow)]
    for thread in threads:
        thread.start()
    time.sleep(2)  # let the slow clients take their places first
    threads += [threading.Thread(target=resident, args=(port, deadline, results, lock, i), daemon=True)
                for i in range(residents)]
    for thread in threads[slow:]:
        thread.start()
    for thread in threads:
        thread.join(seconds + 60)
    return {**results, **counters}


def start_nginx(upstream_port: int, run_dir: Path) -> tuple[subprocess.Popen, int]:
    nginx = shutil.which("nginx") or "/usr/sbin/nginx"
    port = free_port()
    config = string.Template(TEMPLATE.read_text()).safe_substitute(
        run_dir=str(run_dir), listen=f"127.0.0.1:{port}", upstream_port=str(upstream_port))
    (run_dir / "nginx.conf").write_text(config)
    process = subprocess.Popen([nginx, "-p", str(run_dir), "-c", str(run_dir / "nginx.conf"), "-g", "daemon off;"],
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    wait_ready(port, process, run_dir / "error.log")
    return process, port


def report(label: str, r: dict, seconds: float) -> None:
    flows, requests = r["flows"], r["requests"]
    print(f"\n{label}: {len(flows)} resident flows in {seconds:.0f} s, {len(r['errors'])} errors; "
          f"slow connections opened {r['connections']}, dropped by the server {r['dropped']}")
    for name, values in (("request", requests), ("whole flow", flows)):
        if values:
            print(f"   {name:<11} p50 {percentile(values, 50):6.2f} s   p95 {percentile(values, 95):6.2f} s   "
                  f"max {max(values):6.2f} s")
    for error in sorted(set(r["errors"]))[:5]:
        print(f"   error: {error}")
    met = requests and percentile(requests, 95) < 2.0 and not r["errors"]
    print(f"   target (request p95 < 2 s, no error): {'met' if met else 'NOT met'}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--slow", type=int, default=64)
    parser.add_argument("--residents", type=int, default=8)
    parser.add_argument("--only-nginx", action="store_true", help="skip the run against gunicorn alone")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="slow-clients-") as tmp:
        workdir = Path(tmp)
        env = portal_env(f"sqlite:///{workdir}/portal.db", workdir)
        subprocess.run([str(BIN / "flask"), "init"], env=env, cwd=ROOT, check=True, stdout=subprocess.DEVNULL,
                       stderr=subprocess.DEVNULL)
        server, upstream = gunicorn("wsgi:app", env, ROOT, workdir / "gunicorn.log")
        print(f"Slow clients: {args.slow} trickling bodies, {args.residents} residents, {args.seconds:.0f} s per "
              "setup; gunicorn 2 sync workers (timeout 60 s), SQLite")
        try:
            if not args.only_nginx:
                report("gunicorn alone", run(upstream, args.seconds, args.slow, args.residents), args.seconds)
                time.sleep(3)
            run_dir = workdir / "nginx"
            run_dir.mkdir()
            proxy, port = start_nginx(upstream, run_dir)
            try:
                report("nginx in front (deploy/nginx.conf.template)", run(port, args.seconds, args.slow,
                                                                          args.residents), args.seconds)
            finally:
                stop(proxy)
        finally:
            stop(server)


if __name__ == "__main__":
    main()
