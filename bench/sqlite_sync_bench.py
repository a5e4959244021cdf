"""What a durable commit costs on SQLite: WAL with synchronous=NORMAL (may lose the last commits to a power
cut) against FULL (each commit on disk before it returns; the portal's setting). Prints commits per second.

Run: .venv/bin/python bench/sqlite_sync_bench.py   (writes a scratch database in a temporary folder)
"""

import os
import sqlite3
import tempfile
import time

COMMITS = 2000


def main() -> None:
    for mode in ("NORMAL", "FULL"):
        with tempfile.TemporaryDirectory() as folder:
            connection = sqlite3.connect(os.path.join(folder, "sync.db"), isolation_level=None)
            for pragma in ("journal_mode=WAL", f"synchronous={mode}"):
                connection.execute(f"PRAGMA {pragma}")
            connection.execute("CREATE TABLE comment (id INTEGER PRIMARY KEY, body TEXT)")
            start = time.perf_counter()
            for _ in range(COMMITS):
                connection.execute("BEGIN")
                connection.execute("INSERT INTO comment (body) VALUES (?)", ("意見" * 250,))
                connection.execute("COMMIT")
            seconds = time.perf_counter() - start
            connection.close()
        print(f"synchronous={mode}: {COMMITS / seconds:,.0f} commits/s, {seconds / COMMITS * 1000:.3f} ms per commit")


if __name__ == "__main__":
    main()
