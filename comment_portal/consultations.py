"""Load and validate a consultation from its data files; the comment period."""

from __future__ import annotations

import time
import tomllib
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from flask import current_app, has_app_context
from sqlalchemy import event, select
from sqlalchemy.orm import selectinload

from .extensions import db
from .models import Comment, Consultation, Policy, Section

DATA_DIR = Path(__file__).parent / "consultations"
DEFAULT_CONSULTATION = DATA_DIR / "musashino-2021"
REQUIRED_POLICY_CODES = {"other"}


class ConsultationError(ValueError):
    """A consultation file that cannot be loaded; the message says why."""


@dataclass(frozen=True)
class ConsultationData:
    fields: dict
    sections: list[dict]
    policies: list[dict]
    opens_on: date | None
    closes_on: date | None


def read_consultation(path: Path) -> ConsultationData:
    """Read consultation.toml from a directory (or the file itself) and validate it."""
    path = Path(path)
    file = path / "consultation.toml" if path.is_dir() else path
    try:
        raw = tomllib.loads(file.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise ConsultationError(f"cannot read {file}: {exc}") from exc
    return _validate(raw)


def _validate(raw: dict) -> ConsultationData:
    for key in ("slug", "title", "attributes", "policies", "sections"):
        if not raw.get(key):
            raise ConsultationError(f"missing or empty '{key}'")
    policies, sections = raw["policies"], raw["sections"]
    _require_unique([p.get("code") for p in policies], "policy code")
    _require_unique([s.get("code") for s in sections], "section code")
    codes = {p["code"] for p in policies}
    if not REQUIRED_POLICY_CODES <= codes:
        raise ConsultationError("policies must include the code 'other' (計画全体・その他)")
    for item in policies + sections:
        if not item.get("title", item.get("heading")):
            raise ConsultationError(f"'{item['code']}' needs a title/heading")
    for s in sections:
        if s.get("policy") and s["policy"] not in codes:
            raise ConsultationError(f"section {s['code']} names unknown policy {s['policy']}")
    opens, closes = _as_date(raw.get("opens"), "opens"), _as_date(raw.get("closes"), "closes")
    if (opens is None) != (closes is None) or (opens and closes and opens > closes):
        raise ConsultationError("give both 'opens' and 'closes', with opens <= closes")
    keys = ("slug", "title", "plan_title", "organisation", "summary", "eligibility",
            "publication_policy", "name_required", "attributes")
    fields = {k: raw[k] for k in keys if k in raw}
    return ConsultationData(fields, sections, policies, opens, closes)


def _require_unique(codes: list, what: str) -> None:
    if any(not isinstance(c, str) or not c for c in codes):
        raise ConsultationError(f"every {what} must be a non-empty string")
    if len(set(codes)) != len(codes):
        raise ConsultationError(f"duplicate {what}")


def _as_date(value, key: str) -> date | None:
    if value is None or isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value))
    except ValueError as exc:
        raise ConsultationError(f"'{key}' must be a date YYYY-MM-DD") from exc


def load_consultation(path: Path) -> Consultation:
    """Create or update a consultation from its data files; commits."""
    data = read_consultation(path)
    slug = data.fields["slug"]
    consultation = db.session.scalar(select(Consultation).filter_by(slug=slug))
    if consultation is None:
        consultation = Consultation(slug=slug)
        db.session.add(consultation)
    for key, value in data.fields.items():
        setattr(consultation, key, value.strip() if isinstance(value, str) else value)
    if data.opens_on:
        consultation.opens_on, consultation.closes_on = data.opens_on, data.closes_on
    _sync_policies(consultation, data.policies)
    _sync_sections(consultation, data.sections)
    db.session.commit()
    return consultation


def _sync_policies(consultation: Consultation, items: list[dict]) -> None:
    existing = {p.code: p for p in consultation.policies}
    for position, item in enumerate(items):
        policy = existing.pop(item["code"], None) or Policy(code=item["code"])
        policy.title, policy.description = item["title"], item.get("description", "").strip()
        policy.position = position
        if policy not in consultation.policies:
            consultation.policies.append(policy)
    for stale in existing.values():
        consultation.policies.remove(stale)


def _sync_sections(consultation: Consultation, items: list[dict]) -> None:
    existing = {s.code: s for s in consultation.sections}
    for position, item in enumerate(items):
        section = existing.pop(item["code"], None) or Section(code=item["code"])
        section.chapter, section.heading = item.get("chapter", ""), item["heading"]
        section.body, section.policy_code = item.get("body", "").strip(), item.get("policy")
        section.position = position
        if section not in consultation.sections:
            consultation.sections.append(section)
    for stale in existing.values():
        if stale.id and db.session.scalar(select(Comment.id).filter_by(section_id=stale.id).limit(1)):
            raise ConsultationError(f"section {stale.code} has comments and cannot be removed")
        consultation.sections.remove(stale)


def set_period(consultation: Consultation, opens_on: date, closes_on: date) -> None:
    """Change the comment period (Tokyo dates, closing day inclusive); commits."""
    if opens_on > closes_on:
        raise ConsultationError("the period must open on or before the day it closes")
    consultation.opens_on, consultation.closes_on = opens_on, closes_on
    db.session.commit()


def current_consultation() -> Consultation | None:
    """The consultation the resident pages show (config CONSULTATION_SLUG)."""
    slug = current_app.config["CONSULTATION_SLUG"]
    return db.session.scalar(select(Consultation).filter_by(slug=slug))


def cached_consultation() -> Consultation | None:
    """current_consultation() for the resident pages, reused for CONSULTATION_CACHE_SECONDS.

    Four resident requests per comment would otherwise read the same rows each time. The
    object is detached, with its sections and policies loaded: read it, and build new rows
    with consultation_id/section_id, never by attaching it to a session.
    """
    app = current_app._get_current_object()
    cached = app.extensions.get(_CACHE_KEY)
    now = time.monotonic()
    if cached is not None and now - cached[0] < app.config["CONSULTATION_CACHE_SECONDS"]:
        return cached[1]
    query = (select(Consultation).filter_by(slug=app.config["CONSULTATION_SLUG"])
             .options(selectinload(Consultation.sections), selectinload(Consultation.policies)))
    consultation = db.session.scalar(query)
    if consultation is not None:
        db.session.expunge(consultation)  # cascades to its sections and policies
    app.extensions[_CACHE_KEY] = (now, consultation)
    return consultation


_CACHE_KEY = "cached_consultation"
_CONSULTATION_ROWS = (Consultation, Section, Policy)


@event.listens_for(db.session, "after_flush")
def _forget_changed_consultation(session, _context) -> None:
    """A consultation changed in this process (period, sections, publication) is re-read at once."""
    if has_app_context() and any(
        isinstance(row, _CONSULTATION_ROWS) for row in (*session.new, *session.dirty, *session.deleted)
    ):
        current_app.extensions.pop(_CACHE_KEY, None)
