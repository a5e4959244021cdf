"""The only bridge between classifier/ and the database."""

from __future__ import annotations  # classifier names resolve lazily

import logging
import threading
from dataclasses import dataclass
from pathlib import Path

from flask import current_app
from sqlalchemy import bindparam, insert, select, update

import classifier
import classifier.data
import classifier.evaluate
import classifier.groups

from .consultations import DATA_DIR, DEFAULT_CONSULTATION, current_consultation
from .extensions import db
from .models import Comment, CommentStatus, ModelVersion, Section, Suggestion, utcnow
from .models.consultation import section_label as cited_section

log = logging.getLogger(__name__)
_cache: dict[str, classifier.PolicyClassifier] = {}
_cache_lock = threading.Lock()
# Comments classified per model call and commit when many are (re)suggested at once.
RESUGGEST_BATCH = 500


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


@dataclass(frozen=True)
class CommentText:
    """What the model reads of a comment."""

    id: int
    body: str
    section_label: str | None


def _text_of(comment: Comment) -> CommentText:
    return CommentText(comment.id, comment.body, section_label(comment))


def suggest(comment: Comment) -> Suggestion | None:
    """Store the active model's suggestion for a committed comment; never raises."""
    try:
        version = active_model_version()
        if version is None:
            log.warning("no active classifier model: comment %s left unclassified", comment.id)
            return None
        _classify_and_store([_text_of(comment)], version)
        db.session.commit()
        return comment.latest_suggestion
    except Exception:
        db.session.rollback()
        log.exception("classifier failed: comment %s left unclassified", comment.id)
        return None


def suggest_pending(comment_ids: list[int]) -> int:
    """Suggestions, in one batch, for those of these comments that still have none; commits, never raises."""
    try:
        return _suggest_batch(comment_ids)
    except Exception:
        db.session.rollback()
        log.exception("classifier failed: comments %s left unclassified", comment_ids)
        return 0


def _suggest_batch(comment_ids: list[int]) -> int:
    version = active_model_version()
    if version is None:
        log.warning("no active classifier model: comments %s left unclassified", comment_ids)
        return 0
    query = (select(Comment.id, Comment.body, Section.chapter, Section.heading)
             .outerjoin(Section, Section.id == Comment.section_id)
             .where(Comment.id.in_(comment_ids), ~Comment.suggestions.any()).order_by(Comment.id))
    comments = [CommentText(id_, body, cited_section(chapter, heading) if heading is not None else None)
                for id_, body, chapter, heading in db.session.execute(query)]
    if not comments:
        return 0
    _classify_and_store(comments, version)
    db.session.commit()
    return len(comments)


# Suggestions are written with Core statements, many rows per statement: the ORM's unit of work
# cost more than the model itself per comment. Callers commit, which expires any loaded comment.
_STORE_SUGGESTION = insert(Suggestion.__table__)
_COPY_TO_COMMENT = (
    update(Comment.__table__).where(Comment.__table__.c.id == bindparam("comment"))
    .values(suggested_policy=bindparam("policy"), suggestion_probability=bindparam("probability"),
            suggestion_confident=bindparam("is_confident"))
)


def _classify_and_store(comments: list[CommentText], version: ModelVersion) -> None:
    """One call to the model for all of them; each comment gets a new suggestion (not committed)."""
    if not comments:  # an executemany of no rows would still run one statement
        return
    results = load_classifier(version).suggest([c.body for c in comments], [c.section_label for c in comments])
    rows = [_suggestion_row(comment.id, version.version, result)
            for comment, result in zip(comments, results, strict=True)]
    db.session.execute(_STORE_SUGGESTION, rows)
    db.session.execute(_COPY_TO_COMMENT, [
        {"comment": row["comment_id"], "policy": row["policy_code"], "probability": row["probability"],
         "is_confident": row["confident"]} for row in rows
    ])


def _suggestion_row(comment_id: int, version: str, result) -> dict:
    return {
        "comment_id": comment_id,
        "model_version": version,
        "policy_code": result.policy,
        "probability": float(result.scores[result.policy]),
        "scores": {code: float(p) for code, p in result.scores.items()},
        "confident": bool(result.confident),
        "terms": list(result.terms),
        "created_at": utcnow(),
    }


def reclassify_unclassified() -> tuple[int, int]:
    """Suggest, in batches, for every comment that has no suggestion; returns (done, failed)."""
    ids = list(db.session.scalars(select(Comment.id).where(~Comment.suggestions.any()).order_by(Comment.id)))
    done = sum(suggest_pending(ids[start:start + RESUGGEST_BATCH]) for start in range(0, len(ids), RESUGGEST_BATCH))
    return done, len(ids) - done


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




# --- Learning from staff decisions ---------------------------------------------------------


@dataclass(frozen=True)
class RetrainResult:
    version: ModelVersion
    confirmed: int
    candidate_metrics: dict | None
    active_version: str | None
    active_metrics: dict | None
    activated: bool
    resuggested: int


def confirmed_examples() -> list[dict]:
    """Every comment whose policy staff confirmed, as training rows."""
    query = select(Comment).where(
        Comment.status == CommentStatus.CONFIRMED, Comment.confirmed_policy.is_not(None)
    ).order_by(Comment.id)
    return [
        {"text": c.body, "label": c.confirmed_policy, "section": section_label(c)}
        for c in db.session.scalars(query)
    ]


def retrain(force: bool = False, folds: int = 5, candidate_only: bool = False) -> RetrainResult:
    """Train seed + confirmed comments; activate if not worse than the active model (or forced).

    With candidate_only the new version is stored inactive, for a person to compare and decide.
    """
    rows = confirmed_examples()
    consultation_dir = consultation_data_dir(current_consultation())
    base = classifier.data.training_examples(consultation_dir)
    candidate_metrics = _candidate_metrics(rows, base, folds) if rows else None
    active = active_model_version()
    active_metrics = (
        classifier.evaluate.evaluate_model(load_classifier(active), rows) if active and rows else None
    )
    version = f"retrain-{utcnow():%Y%m%d%H%M%S%f}"
    directory = Path(current_app.config["MODEL_DIR"]) / version
    model = classifier.train_default_model(directory, consultation_dir, extra_examples=rows, version=version)
    activate = not candidate_only and (force or _not_worse(candidate_metrics, active_metrics))
    metadata = {**model.metadata, "metrics": {"candidate_cv": candidate_metrics, "active": active_metrics,
                                              "active_version": active.version if active else None}}
    row = register_version(version, directory, metadata, activate=activate)
    resuggested = resuggest_unreviewed(row) if activate else 0
    return RetrainResult(row, len(rows), candidate_metrics, active.version if active else None,
                         active_metrics, activate, resuggested)


def _candidate_metrics(rows: list[dict], base: list, folds: int) -> dict:
    """K-fold on the confirmed comments, each fold trained on seed + the other folds.

    With a single group of near-identical comments no split exists: the
    seed-only model is scored on them instead (they are unseen by it).
    """
    groups = classifier.groups.near_duplicate_groups([r["text"] for r in rows])
    if len(set(groups.tolist())) >= 2:
        return classifier.evaluate.cross_validate(rows, base, k=folds)
    seed_only = classifier.fit_examples(base)
    return classifier.evaluate.evaluate_model(seed_only, rows)


def _not_worse(candidate: dict | None, active: dict | None) -> bool:
    if candidate is None or active is None:
        return True
    return candidate["accuracy"] >= active["accuracy"]


def consultation_data_dir(consultation) -> Path:
    """The consultation's shipped data files (policies, document, seed examples)."""
    directory = DATA_DIR / consultation.slug if consultation else DEFAULT_CONSULTATION
    return directory if (directory / "consultation.toml").exists() else DEFAULT_CONSULTATION


def resuggest_unreviewed(version: ModelVersion) -> int:
    """New suggestions from `version` for every unreviewed comment (old ones are kept)."""
    ids = list(db.session.scalars(
        select(Comment.id).where(Comment.status == CommentStatus.UNREVIEWED).order_by(Comment.id)
    ))
    for start in range(0, len(ids), RESUGGEST_BATCH):
        batch = db.session.scalars(select(Comment).where(Comment.id.in_(ids[start:start + RESUGGEST_BATCH])))
        _classify_and_store([_text_of(comment) for comment in batch], version)
        db.session.commit()
    return len(ids)


def activate(version_name: str) -> ModelVersion:
    """Make a stored version the active one again (e.g. roll back a retrain)."""
    row = db.session.scalar(select(ModelVersion).filter_by(version=version_name))
    if row is None:
        raise LookupError(version_name)
    load_classifier(row)  # refuse a version whose files are gone or unloadable
    activate_version(row)
    db.session.commit()
    return row


def train_candidate(folds: int = 5) -> RetrainResult:
    """Train a new version and keep it inactive, with its metrics beside the active model's."""
    return retrain(folds=folds, candidate_only=True)


def use_version(version_name: str) -> tuple[ModelVersion, int]:
    """Activate a stored version and re-suggest every unreviewed comment with it."""
    row = activate(version_name)
    return row, resuggest_unreviewed(row)


def all_versions() -> list[ModelVersion]:
    return list(db.session.scalars(select(ModelVersion).order_by(ModelVersion.trained_at, ModelVersion.id)))
