"""Speed of the staff queue with many comments (issue 4 point 2; printed, not asserted).

Fills a database with N comments with suggestions, then times pages through the Flask
test client as a signed-in staff member: p50/p95 over repeated requests.

Usage: python bench/queue_bench.py [--comments 100000] [--repeat 20] [--db sqlite|postgres|both]
PostgreSQL: a dedicated database `bench_queue` is created on POSTGRES_ADMIN_URL (default
postgresql://postgres@127.0.0.1:5432/postgres) and dropped afterwards; skipped when unreachable.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import tempfile
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sqlalchemy import text  # noqa: E402

from bench.common import BENCH_PASSWORD, bench_app, bulk_insert  # noqa: E402
from comment_portal.consultations import current_consultation  # noqa: E402
from comment_portal.extensions import db  # noqa: E402
from comment_portal.models import Comment, Role, Submission, Suggestion  # noqa: E402
from comment_portal.receipts import ALPHABET  # noqa: E402

POSTGRES_ADMIN_URL = os.environ.get("POSTGRES_ADMIN_URL", "postgresql://postgres@127.0.0.1:5432/postgres")
BENCH_DB = "bench_queue"
POLICIES = ["1", "2", "3", "4", "other"]
PLACES = ["武蔵野プレイス", "コミュニティセンター", "市役所", "吉祥寺駅前", "公園", "図書館", "学校", "地域社協"]
TOPICS = ["ボランティア", "講座", "会議室の予約", "助成金", "情報発信", "SNS", "NPO", "町内会", "子育て支援",
          "高齢者の見守り", "防災訓練", "大学との協働", "企業との連携", "相談窓口", "交流イベント", "活動の場"]
WISHES = ["を増やしてほしいです", "がわかりにくいと感じます", "をオンライン化してください", "の情報が足りません",
          "に参加したいと思っています", "をもっと周知すべきです", "の手続きを簡単にしてほしい", "に期待しています"]
OPENERS = ["いつもお世話になっております。", "市民活動をしている者です。", "計画を読みました。", "", "",
           "子どもが小学生です。", "定年後に地域活動を始めました。"]
ATTRIBUTES = ["市内在住", "市内在勤", "市内在学", "市内で活動", "その他"]
CHANNELS = ["web"] * 8 + ["post", "fax", "email", "counter"]


def receipt(i: int) -> str:
    """A unique receipt number per index (base 30 of i)."""
    symbols = []
    for _ in range(8):
        i, digit = divmod(i, len(ALPHABET))
        symbols.append(ALPHABET[digit])
    return f"{''.join(symbols[:4])}-{''.join(symbols[4:])}"


def comment_text(rng: random.Random) -> tuple[str, list[str]]:
    """Varied Japanese text from a small vocabulary, and two of its words as highlight terms."""
    chosen = []
    parts = [rng.choice(OPENERS)]
    for _ in range(rng.randint(1, 4)):
        topic, place = rng.choice(TOPICS), rng.choice(PLACES)
        chosen.append(topic)
        parts.append(f"{place}での{topic}{rng.choice(WISHES)}。")
    return "".join(parts), chosen[:2]


def fill(n: int, consultation_id: int, section_ids: list[int], seed: int = 4) -> None:
    """n comments (about 1.2 per submission) with one suggestion each (3% unclassified)."""
    rng = random.Random(seed)
    start = date(2026, 5, 1)
    submissions, comments, suggestions = [], [], []
    submission_id = 0
    for comment_id in range(1, n + 1):
        if submission_id == 0 or rng.random() > 0.2:
            submission_id += 1
            day = start + timedelta(days=rng.randrange(30))
            submissions.append({
                "id": submission_id, "consultation_id": consultation_id, "receipt_number": receipt(submission_id),
                "channel": rng.choice(CHANNELS), "received_on": day,
                "submitted_at": datetime(day.year, day.month, day.day, rng.randrange(24), tzinfo=UTC),
                "name": "武蔵野 太郎", "attribute": rng.choice(ATTRIBUTES), "email": "", "consent": True,
                "original_text": "",
            })
        body, terms = comment_text(rng)
        status = rng.choices(["unreviewed", "confirmed", "excluded"], weights=[70, 25, 5])[0]
        policy = rng.choice(POLICIES)
        classified = rng.random() > 0.03
        probability = round(rng.uniform(0.2, 0.95), 4) if classified else None
        comments.append({
            "id": comment_id, "submission_id": submission_id, "consultation_id": consultation_id,
            "section_id": rng.choice(section_ids) if rng.random() < 0.6 else None, "body": body, "status": status,
            "confirmed_policy": policy if status == "confirmed" else None,
            "suggested_policy": policy if classified else None, "suggestion_probability": probability,
            "suggestion_confident": probability > 0.5 if classified else None, "secondary_policies": [],
            "memo": "", "source_start": 0, "created_at": datetime(2026, 5, 1, tzinfo=UTC),
        })
        if classified:
            rest = round((1 - probability) / 4, 4)
            suggestions.append({
                "comment_id": comment_id, "model_version": "bench", "policy_code": policy,
                "probability": probability, "confident": probability > 0.5, "terms": terms,
                "scores": {code: probability if code == policy else rest for code in POLICIES},
                "created_at": datetime(2026, 5, 1, tzinfo=UTC),
            })
    bulk_insert([(Submission, submissions), (Comment, comments), (Suggestion, suggestions)])


def prepare(uri: str, n: int, tmp: Path):
    app = bench_app(uri, tmp, Role.STAFF)
    with app.app_context():
        consultation = current_consultation()
        began = time.perf_counter()
        fill(n, consultation.id, [s.id for s in consultation.sections])
        print(f"  filled {n:,} comments in {time.perf_counter() - began:.1f} s")
        db.session.commit()
        # Planner statistics and visibility map, as autovacuum keeps them on a running site.
        with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
            connection.execute(text("VACUUM ANALYZE" if db.engine.dialect.name == "postgresql" else "ANALYZE"))
    return app


def time_pages(app, repeat: int, n: int) -> None:
    client = app.test_client()
    client.post("/auth/login", data={"login": "bench", "password": BENCH_PASSWORD})
    middle = n // 2
    pages = {
        "queue, first page (default sort)": "/review",
        "queue, unreviewed only": "/review?status=unreviewed",
        "queue, status+policy+q": "/review?status=unreviewed&policy=3&q=%E4%BC%9A%E8%AD%B0%E5%AE%A4",
        "queue, page 100": "/review?page=100",
        "queue, sort by date": "/review?sort=date",
        "queue, sort by policy": "/review?sort=policy&status=unreviewed",
        "comment view, unreviewed queue": f"/review/comments/{middle}?status=unreviewed",
        "comment view, whole queue": f"/review/comments/{middle}",
    }
    print(f"  {'page':36} {'p50 ms':>8} {'p95 ms':>8}")
    for label, url in pages.items():
        for _ in range(2):  # warm caches and templates
            assert client.get(url).status_code == 200, url
        samples = []
        for _ in range(repeat):
            began = time.perf_counter()
            response = client.get(url)
            samples.append((time.perf_counter() - began) * 1000)
            assert response.status_code == 200, (url, response.status_code)
        samples.sort()
        p95 = samples[min(len(samples) - 1, round(0.95 * (len(samples) - 1)))]
        print(f"  {label:36} {statistics.median(samples):8.1f} {p95:8.1f}")


def run_sqlite(n: int, repeat: int) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        print(f"SQLite file, {n:,} comments")
        app = prepare(f"sqlite:///{Path(tmp) / 'bench.db'}", n, Path(tmp))
        time_pages(app, repeat, n)
        with app.app_context():
            db.engine.dispose()


def run_postgres(n: int, repeat: int) -> None:
    try:
        import psycopg

        admin = psycopg.connect(POSTGRES_ADMIN_URL, autocommit=True, connect_timeout=3)
    except Exception as error:  # noqa: BLE001 - any failure means: no server to measure
        print(f"PostgreSQL not reachable ({error.__class__.__name__}): skipped")
        return
    base = POSTGRES_ADMIN_URL.rsplit("/", 1)[0].replace("postgresql://", "postgresql+psycopg://", 1)
    with admin, tempfile.TemporaryDirectory() as tmp:
        admin.execute(f"DROP DATABASE IF EXISTS {BENCH_DB}")
        admin.execute(f"CREATE DATABASE {BENCH_DB}")
        app = None
        try:
            print(f"PostgreSQL ({admin.info.server_version}), {n:,} comments")
            app = prepare(f"{base}/{BENCH_DB}", n, Path(tmp))
            time_pages(app, repeat, n)
        finally:
            if app is not None:
                with app.app_context():
                    db.engine.dispose()
            admin.execute(f"DROP DATABASE IF EXISTS {BENCH_DB}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--comments", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=20)
    parser.add_argument("--db", choices=["sqlite", "postgres", "both"], default="both")
    args = parser.parse_args()
    if args.db in ("sqlite", "both"):
        run_sqlite(args.comments, args.repeat)
    if args.db in ("postgres", "both"):
        run_postgres(args.comments, args.repeat)


if __name__ == "__main__":
    main()
