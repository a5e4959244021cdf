"""The only bridge between classifier/ and the database."""

from __future__ import annotations  # classifier names resolve lazily

import logging
import threading
from pathlib import Path

from flask import current_app
from sqlalchemy import select

import classifier

from .extensions import db
from .models import Comment, ModelVersion, Suggestion, utcnow

log = logging.getLogger(__name__)
_cache: dict[str, classifier.PolicyClassifier] = {}
_cache_lock = threading.Lock()


def active_model_version() -> ModelVersion | None:
    return db.session.scalar(select(ModelVersion).filter_by(active=True))


def load_classifier(version: ModelVersion) -> classifier.PolicyClassifier:
    """The model of a version, loaded once per process."""
    with _cache_lock:
        model = _cache.get(version.path)
        if model is None:
            model = classifier.load_model(Path(version.path))
            _cache[version.path] = model
        return model


def section_label(comment: Comment) -> str | None:
    return comment.section.label if comment.section else None


def suggest(comment: Comment) -> Suggestion | None:
    """Store the active model's suggestion for a committed comment; never raises."""
    try:
        version = active_model_version()
        if version is None:
            log.warning("no active classifier model: comment %s left unclassified", comment.id)
            return None
        model = load_classifier(version)
        result = model.suggest([comment.body], [section_label(comment)])[0]
        suggestion = _store(comment, version.version, result)
        db.session.commit()
        return suggestion
    except Exception:
        db.session.rollback()
        log.exception("classifier failed: comment %s left unclassified", comment.id)
        return None


def _store(comment: Comment, version: str, result) -> Suggestion:
    suggestion = Suggestion(
        comment=comment,
        model_version=version,
        policy_code=result.policy,
        probability=float(result.scores[result.policy]),
        scores={code: float(p) for code, p in result.scores.items()},
        confident=bool(result.confident),
        terms=list(result.terms),
    )
    db.session.add(suggestion)
    return suggestion


def unclassified_comments() -> list[Comment]:
    return list(db.session.scalars(select(Comment).where(~Comment.suggestions.any()).order_by(Comment.id)))


def reclassify_unclassified() -> tuple[int, int]:
    """Suggest for every comment that has no suggestion; returns (done, failed)."""
    done = failed = 0
    for comment in unclassified_comments():
        if suggest(comment) is None:
            failed += 1
        else:
            done += 1
    return done, failed


def build_default_model() -> ModelVersion:
    """Train the shipped cold-start model and make it the active version."""
    version = f"default-{utcnow():%Y%m%d%H%M%S}"
    directory = Path(current_app.config["MODEL_DIR"]) / version
    model = classifier.train_default_model(directory, version=version)
    return register_version(version, directory, model.metadata, activate=True)


def register_version(version: str, directory: Path, metadata: dict, activate: bool) -> ModelVersion:
    """Record a saved model; with activate, it becomes the only active one."""
    row = ModelVersion(
        version=version,
        path=str(directory),
        training_counts=metadata.get("training_counts", {}),
        metrics=metadata.get("metrics", {}),
    )
    db.session.add(row)
    if activate:
        activate_version(row)
    db.session.commit()
    return row


def activate_version(row: ModelVersion) -> None:
    for other in db.session.scalars(select(ModelVersion).filter_by(active=True)):
        other.active = False
    row.active = True


