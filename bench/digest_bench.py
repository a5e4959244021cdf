"""Speed of the committee digest (issue 5 point 6; printed, not asserted).

Fills a SQLite file database with N opinions (bulk insert: varied Japanese texts spliced from the team's
seed sentences, 10 % campaign copies, several opinions per submission, 30 days, sections, attributes,
channels, a quarter confirmed, a few staff summaries and masks), then times:
  - the digest computed cold (fresh process: tokenizer loaded on first use), and its steps;
  - the digest page, the print page and the CSV served through the Flask test client with the cache warm.

Usage: python bench/digest_bench.py [--opinions 10000 100000] [--repeat 20]
"""

from __future__ import annotations

import argparse
import os
import platform
import random
import statistics
import sys
import tempfile
import threading
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sqlalchemy import select, text  # noqa: E402

from bench.common import BENCH_PASSWORD, bench_app, bulk_insert  # noqa: E402
from bench.queue_bench import ATTRIBUTES, CHANNELS, receipt  # noqa: E402
from bench.synthetic import mixed_opinions, seed_sentences  # noqa: E402
from comment_portal.committee import digest as digest_module  # noqa: E402
from comment_portal.consultations import (  # noqa: E402
    current_consultation,
    set_period,
)
from comment_portal.extensions import db  # noqa: E402
from comment_portal.models import Answer, Comment, Redaction, Role, Submission  # noqa: E402

SEED = ROOT / "comment_portal" / "consultations" / "musashino-2021" / "seed_examples.jsonl"
POLICIES = ["1", "2", "3", "4", "other"]
START = date(2026, 5, 1)


def _rows(n: int, consultation_id: int, section_ids: list[int], seed: int = 5):
    """Submissions, comments, answers and redactions as dictionaries for bulk insert."""
    rng = random.Random(seed)
    texts, truth = mixed_opinions(n, seed_sentences(SEED), seed=seed)
    submissions, comments, answers, redactions = [], [], [], []
    submission_id = 0
    for cid, (body, template) in enumerate(zip(texts, truth, strict=True), 1):
        if submission_id == 0 or rng.random() > 0.25:
            submission_id += 1
            day = START + timedelta(days=min(29, int(rng.expovariate(1 / 12))))
            submissions.append({
                "id": submission_id, "consultation_id": consultation_id, "receipt_number": receipt(submission_id),
                "channel": rng.choice(CHANNELS), "received_on": day,
                "submitted_at": datetime(day.year, day.month, day.day, rng.randrange(24), tzinfo=UTC),
                "name": "武蔵野 太郎", "attribute": rng.choice(ATTRIBUTES), "email": "", "consent": True,
                "original_text": "",
            })
        status = rng.choices(["unreviewed", "confirmed", "excluded"], weights=[70, 25, 5])[0]
        policy = POLICIES[template % 5] if template >= 0 else rng.choice(POLICIES)
        answer_id = None
        if status == "confirmed" and rng.random() < 0.05:
            answer_id = len(answers) + 1
            answers.append({"id": answer_id, "consultation_id": consultation_id, "summary": body[:40] + "…という意見。",
                             "response": "", "status": "draft", "return_note": "",
                             "updated_at": datetime(2026, 6, 1, tzinfo=UTC)})
        if rng.random() < 0.01 and len(body) > 10:
            redactions.append({"comment_id": cid, "start": 2, "end": 6, "original": body[2:6], "replacement": "〇〇",
                               "kind": "person", "reason": "", "status": "accepted"})
        comments.append({
            "id": cid, "submission_id": submission_id, "consultation_id": consultation_id,
            "section_id": rng.choice(section_ids) if rng.random() < 0.6 else None, "body": body, "status": status,
            "confirmed_policy": policy if status == "confirmed" else None, "suggested_policy": policy,
            "suggestion_probability": 0.8, "suggestion_confident": True, "secondary_policies": [], "memo": "",
            "source_start": 0, "created_at": datetime(2026, 5, 1, tzinfo=UTC), "answer_id": answer_id,
        })
    return submissions, comments, answers, redactions


def prepare(uri: str, n: int, tmp: Path):
    app = bench_app(uri, tmp, Role.COMMITTEE)
    with app.app_context():
        consultation = current_consultation()
        set_period(consultation, START, START + timedelta(days=29))
        began = time.perf_counter()
        submissions, comments, answers, redactions = _rows(n, consultation.id, [s.id for s in consultation.sections])
        bulk_insert([(Submission, submissions), (Answer, answers), (Comment, comments), (Redaction, redactions)])
        with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
            connection.execute(text("ANALYZE"))
        print(f"  filled {n:,} opinions ({len(submissions):,} submissions) in {time.perf_counter() - began:.1f} s")
    return app


class StepTimer:
    """Wall and CPU time of the digest's steps (wraps the functions build_digest calls)."""

    STEPS = ("load_opinions", "group_duplicates", "tokenize_texts", "key_phrases", "cluster_opinions")

    def __init__(self):
        self.wall = dict.fromkeys(self.STEPS, 0.0)
        self.cpu = dict.fromkeys(self.STEPS, 0.0)
        for name in self.STEPS:
            setattr(digest_module, name, self._wrap(name, getattr(digest_module, name)))

    def _wrap(self, name, function):
        def timed(*args, **kwargs):
            wall, cpu = time.perf_counter(), time.process_time()
            try:
                return function(*args, **kwargs)
            finally:
                self.wall[name] += time.perf_counter() - wall
                self.cpu[name] += time.process_time() - cpu
        return timed


def time_cold(app, timer: StepTimer) -> None:
    with app.app_context():
        consultation = current_consultation()
        wall, cpu = time.perf_counter(), time.process_time()
        digest = digest_module.build_digest(consultation)
        wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    for name in StepTimer.STEPS:
        print(f"    {name:18} {timer.wall[name]:6.2f} s wall ({timer.cpu[name]:.2f} s CPU)")
    print(f"  digest computed cold: {wall:.2f} s wall ({cpu:.2f} s CPU); {digest.totals.opinions:,} opinions in "
          f"{len(digest.policies)} policies, {sum(len(p.themes) for p in digest.policies)} sub-themes")


def time_recompute(app) -> None:
    """After one staff decision: what a committee member waits for (tokenizer loaded, its caches warm)."""
    with app.app_context():
        comment = db.session.scalar(select(Comment).where(Comment.status == "unreviewed").limit(1))
        comment.status, comment.confirmed_policy = "confirmed", comment.suggested_policy
        comment.reviewed_at = datetime.now(UTC)
        db.session.commit()
        wall, cpu = time.perf_counter(), time.process_time()
        digest_module.build_digest(current_consultation())
        print(f"  digest recomputed after one change: {time.perf_counter() - wall:.2f} s wall "
              f"({time.process_time() - cpu:.2f} s CPU)")


def time_pages(app, repeat: int) -> None:
    client = app.test_client()
    client.post("/auth/login", data={"login": "bench", "password": BENCH_PASSWORD})
    began = time.perf_counter()
    first = client.get("/committee")
    assert first.status_code == 200
    if "最新の集計を作成しています" in first.get_data(as_text=True):
        for thread in threading.enumerate():
            if thread.name.startswith("committee-digest-"):
                thread.join()
        print(f"  computed in the background (above COMMITTEE_SYNC_LIMIT): {time.perf_counter() - began:.2f} s")
    else:
        print(f"  first page request (computes and caches): {time.perf_counter() - began:.2f} s")
    print(f"  {'page, cache warm':32} {'p50 ms':>8} {'p95 ms':>8} {'KB':>7}")
    pages = (("digest /committee", "/committee", repeat), ("print /committee/print", "/committee/print", repeat),
             ("CSV /committee/digest.csv", "/committee/digest.csv", 3))
    for label, url, times in pages:
        samples, size = [], 0
        for _ in range(times):
            began = time.perf_counter()
            response = client.get(url)
            samples.append((time.perf_counter() - began) * 1000)
            assert response.status_code == 200, (url, response.status_code)
            size = len(response.data)
        samples.sort()
        p95 = samples[min(len(samples) - 1, round(0.95 * (len(samples) - 1)))]
        print(f"  {label:32} {statistics.median(samples):8.1f} {p95:8.1f} {size / 1024:7.0f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--opinions", type=int, nargs="+", default=[10_000, 100_000])
    parser.add_argument("--repeat", type=int, default=20)
    args = parser.parse_args()
    print(f"{platform.processor() or platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}, "
          f"load average {os.getloadavg()[0]:.1f}, {datetime.now(UTC):%Y-%m-%d %H:%M} UTC")
    timer = StepTimer()
    for n in args.opinions:
        with tempfile.TemporaryDirectory() as tmp:
            print(f"SQLite file, {n:,} opinions")
            app = prepare(f"sqlite:///{Path(tmp) / 'bench.db'}", n, Path(tmp))
            for name in StepTimer.STEPS:
                timer.wall[name] = timer.cpu[name] = 0.0
            time_cold(app, timer)
            time_recompute(app)
            time_pages(app, args.repeat)
            with app.app_context():
                db.engine.dispose()


if __name__ == "__main__":
    main()
