"""What happens to a stored opinion after it is committed: a suggestion and a personal-data scan.

Both run in batches after the response (SUGGEST_IN_BACKGROUND: one thread per process, see
suggestion_queue), never inside the request that stored the opinion; with the setting off (tests)
they run at once. Work lost to a crash is recovered by `flask reclassify` and
`flask scan-personal-data`, which handle every opinion still without a suggestion or a scan.
"""

from __future__ import annotations

import logging

from flask import current_app
from sqlalchemy import select

from . import personal_scan, suggestions
from .extensions import db
from .models import Comment
from .suggestion_queue import SuggestionQueue

log = logging.getLogger(__name__)


def request_processing(comment_ids: list[int]) -> None:
    """Suggest for and scan committed opinions: after the response, in a batch, or now (setting off)."""
    if not comment_ids:
        return
    if current_app.config["SUGGEST_IN_BACKGROUND"]:
        _queue().put(list(comment_ids))
    else:
        process_comments(list(comment_ids))


def process_comments(comment_ids: list[int]) -> None:
    """One batch: suggestions for those without one, scans for those unscanned; commits, never raises."""
    suggestions.suggest_pending(comment_ids)
    scan_pending(comment_ids)


def scan_pending(comment_ids: list[int]) -> int:
    """Scan those of these opinions that are unscanned; commits, never raises. Returns how many."""
    try:
        scanned, _added = personal_scan.scan_comments(comment_ids)
        db.session.commit()
        return scanned
    except Exception:
        db.session.rollback()
        log.exception("personal-data scan failed: comments %s left unscanned (hidden outside staff)", comment_ids)
        return 0


def scan_all(rescan: bool = False) -> tuple[int, int]:
    """Scan every unscanned opinion (or every opinion, with rescan) in committed batches; (scanned, added)."""
    ids = (list(db.session.scalars(select(Comment.id).order_by(Comment.id))) if rescan
           else personal_scan.unscanned_ids())
    scanned = added = 0
    for start in range(0, len(ids), personal_scan.BATCH):
        batch_scanned, batch_added = personal_scan.scan_comments(ids[start:start + personal_scan.BATCH], rescan)
        db.session.commit()
        scanned, added = scanned + batch_scanned, added + batch_added
    return scanned, added


def _queue() -> SuggestionQueue:
    app = current_app._get_current_object()
    if "suggestion_queue" not in app.extensions:
        app.extensions["suggestion_queue"] = SuggestionQueue(app, process_comments)
    return app.extensions["suggestion_queue"]


def wait_for_background(timeout: float = 10.0) -> bool:
    """Block until the queued opinions of this process are suggested for and scanned (tests, shutdown)."""
    queue = current_app.extensions.get("suggestion_queue")
    return queue.join(timeout) if queue else True
