"""The digest served from cache; large consultations are recomputed in a background thread.

Entries are keyed by the data version, so a change (a new opinion, a confirmation, a mask, a summary)
is never served stale as current. While a large digest is recomputed, the previous one is shown with
a notice, but only if the masks are unchanged: a name staff have just masked must never reappear.
"""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass

from flask import Flask, current_app

from ..extensions import cache, db
from ..models import Consultation
from .digest import Digest, build_digest
from .source import DataVersion, data_version

log = logging.getLogger(__name__)
# Longest a background computation may hold the per-consultation lock (100,000 opinions take ~1 minute).
BUILD_LOCK_SECONDS = 15 * 60


@dataclass(frozen=True)
class Served:
    digest: Digest | None  # None: being computed, nothing that may be shown meanwhile
    current: bool  # False: an older digest is shown while the current one is computed


def _key(consultation_id: int, version: str) -> str:
    return f"committee-digest/{consultation_id}/{version}"


def _latest_key(consultation_id: int) -> str:
    return f"committee-digest/{consultation_id}/latest"


def _lock_key(consultation_id: int) -> str:
    return f"committee-digest/{consultation_id}/building"


def served_digest(consultation: Consultation) -> Served:
    """The current digest, computed now if small; else the previous one while a thread computes it."""
    version = data_version(consultation)
    digest = cache.get(_key(consultation.id, version.key))
    if digest is not None:
        return Served(digest, True)
    if version.opinions <= current_app.config["COMMITTEE_SYNC_LIMIT"]:
        return Served(_compute(consultation, version), True)
    _start_background(consultation.id)
    previous = cache.get(_latest_key(consultation.id))
    if previous is not None and previous.masks_version == version.masks:
        return Served(previous, False)
    return Served(None, False)


def _compute(consultation: Consultation, version: DataVersion) -> Digest:
    digest = build_digest(consultation, version)
    cache.set(_key(consultation.id, version.key), digest)
    cache.set(_latest_key(consultation.id), digest)
    return digest


def _start_background(consultation_id: int) -> threading.Thread | None:
    """One computation at a time per consultation (across processes when the cache is Redis)."""
    if not cache.add(_lock_key(consultation_id), True, timeout=BUILD_LOCK_SECONDS):
        return None
    app = current_app._get_current_object()
    thread = threading.Thread(target=_build_in_background, args=(app, consultation_id), daemon=True,
                              name=f"committee-digest-{consultation_id}")
    thread.start()
    return thread


def _build_in_background(app: Flask, consultation_id: int) -> None:
    with app.app_context():
        try:
            consultation = db.session.get(Consultation, consultation_id)
            if consultation is not None:
                _compute(consultation, data_version(consultation))
        except Exception:
            log.exception("committee digest of consultation %s failed", consultation_id)
        finally:
            cache.delete(_lock_key(consultation_id))
            db.session.remove()
