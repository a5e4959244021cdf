"""Suggestions for web comments, computed after the receipt is shown, in batches, by one thread per process.

A resident's receipt never waits for the classifier, and classifying a batch costs a
fraction of classifying its comments one by one (one vectorisation, one commit). The
comment is committed before its id is queued; a suggestion lost to a crash or a restart
is made by `flask reclassify`, which suggests for every comment that has none.
"""

from __future__ import annotations

import atexit
import logging
import os
import queue
import threading
import time

from flask import Flask

log = logging.getLogger(__name__)
BATCH_SIZE = 64
# A batch grows while comments keep coming (each within BATCH_GAP_SECONDS of the last), for at most
# BATCH_WINDOW_SECONDS: under load a batch fills up; a lone comment waits only the gap.
BATCH_GAP_SECONDS = 0.2
BATCH_WINDOW_SECONDS = 1.0
DRAIN_AT_EXIT_SECONDS = 5.0


class SuggestionQueue:
    """Comment ids waiting for a suggestion, and the thread that suggests for them."""

    def __init__(self, app: Flask, suggest_batch):
        self.app = app
        self._suggest_batch = suggest_batch  # (list of comment ids) -> None, in an app context
        self._ids: queue.Queue[int] = queue.Queue()
        self._lock = threading.Lock()
        self._owner_pid: int | None = None

    def put(self, comment_ids: list[int]) -> None:
        self._ensure_thread()
        for comment_id in comment_ids:
            self._ids.put(comment_id)

    def join(self, timeout: float) -> bool:
        """Wait until every queued comment was handled; False on timeout."""
        deadline = time.monotonic() + timeout
        while self._ids.unfinished_tasks:
            if time.monotonic() > deadline:
                return False
            time.sleep(0.01)
        return True

    def _ensure_thread(self) -> None:
        # After a fork (gunicorn --preload) the parent's thread does not exist in the child.
        with self._lock:
            if self._owner_pid == os.getpid():
                return
            self._owner_pid = os.getpid()
            threading.Thread(target=self._run, name="suggestions", daemon=True).start()
            atexit.register(self.join, DRAIN_AT_EXIT_SECONDS)

    def _run(self) -> None:
        while True:
            batch = self._next_batch()
            try:
                with self.app.app_context():
                    self._suggest_batch(batch)
            except Exception:  # noqa: BLE001 - the thread must survive; reclassify is the safety net
                log.exception("suggestions failed for comments %s; `flask reclassify` will retry", batch)
            finally:
                for _ in batch:
                    self._ids.task_done()

    def _next_batch(self) -> list[int]:
        batch = [self._ids.get()]
        deadline = time.monotonic() + BATCH_WINDOW_SECONDS
        while len(batch) < BATCH_SIZE:
            remaining = min(deadline - time.monotonic(), BATCH_GAP_SECONDS)
            if remaining <= 0:
                break
            try:
                batch.append(self._ids.get(timeout=remaining))
            except queue.Empty:
                break
        return batch
