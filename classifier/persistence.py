"""Save and load a PolicyClassifier with a metadata.json beside the joblib file."""

from __future__ import annotations

import json
import os
import platform
import tempfile
from datetime import UTC, datetime
from importlib.metadata import PackageNotFoundError
from importlib.metadata import version as package_version
from pathlib import Path
from uuid import uuid4

import joblib

MODEL_FILE = "model.joblib"
METADATA_FILE = "metadata.json"
# Bump when the saved object's layout changes in a way old code cannot read.
FORMAT = 1
_PACKAGES = ("scikit-learn", "numpy", "scipy", "joblib", "fugashi", "unidic-lite")


class ModelLoadError(RuntimeError):
    """A saved model is missing, corrupt, or was made with other library versions."""


def library_versions() -> dict[str, str]:
    """Versions a pickled model depends on (Python minor version, libraries, our format)."""
    versions = {"python": ".".join(platform.python_version_tuple()[:2]), "format": str(FORMAT)}
    for name in _PACKAGES:
        try:
            versions[name] = package_version(name)
        except PackageNotFoundError:
            versions[name] = "missing"
    return versions


def new_version_id(now: datetime) -> str:
    """Sortable unique version id, e.g. 20240501T093000Z-1a2b3c."""
    return now.strftime("%Y%m%dT%H%M%SZ") + "-" + uuid4().hex[:6]


def _model_metadata(model, now: datetime) -> dict:
    """Metadata describing a fitted model."""
    return {
        "version": new_version_id(now),
        "created_at": now.isoformat(timespec="seconds"),
        "labels": list(model.labels_),
        "training_counts": dict(model.training_counts_),
        "comment_counts": dict(model.comment_counts_),
        "threshold": dict(model.threshold_),
        "temperature": model.temperature_,
        "held_out": dict(model.cv_metrics_),
        "params": model.get_params(),
        "library_versions": library_versions(),
    }


def _atomic_write(path: Path, write) -> None:
    """Write through a temporary file in the same directory, then rename."""
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=path.name, suffix=".tmp")
    os.close(fd)
    try:
        write(tmp)
        os.replace(tmp, path)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)


def save_model(model, directory, metadata: dict | None = None) -> dict:
    """Write model.joblib and metadata.json into directory; return the metadata."""
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    meta = _model_metadata(model, datetime.now(UTC))
    meta.update({k: v for k, v in (metadata or {}).items() if v is not None})
    meta["library_versions"] = library_versions()
    _atomic_write(directory / MODEL_FILE, lambda tmp: joblib.dump(model, tmp, compress=3))

    def write_json(tmp):
        with open(tmp, "w", encoding="utf-8") as handle:
            json.dump(meta, handle, ensure_ascii=False, indent=2)

    _atomic_write(directory / METADATA_FILE, write_json)
    model.metadata = meta
    return meta


def read_metadata(directory) -> dict:
    """The metadata.json of a saved model; ModelLoadError when missing or unreadable."""
    path = Path(directory) / METADATA_FILE
    try:
        with open(path, encoding="utf-8") as handle:
            meta = json.load(handle)
    except FileNotFoundError:
        raise ModelLoadError(f"no model metadata at {path}") from None
    except (OSError, ValueError) as exc:
        raise ModelLoadError(f"unreadable model metadata {path}: {exc}") from None
    if not isinstance(meta, dict):
        raise ModelLoadError(f"model metadata {path} is not a JSON object")
    return meta


def _check_versions(meta: dict, directory: Path) -> None:
    """Refuse a model made with other library versions."""
    saved = meta.get("library_versions") or {}
    current = library_versions()
    diffs = [f"{k} {saved.get(k)} (model) != {v} (installed)"
             for k, v in current.items() if saved.get(k) != v]
    if diffs:
        raise ModelLoadError(
            f"model in {directory} was made with other library versions: {'; '.join(diffs)}. "
            "Retrain it with the installed versions.")


def load_model(directory):
    """Load a saved PolicyClassifier; ModelLoadError when missing, corrupt or version-mismatched."""
    from classifier.model import PolicyClassifier

    directory = Path(directory)
    meta = read_metadata(directory)
    _check_versions(meta, directory)
    path = directory / MODEL_FILE
    if not path.exists():
        raise ModelLoadError(f"no model file at {path}")
    try:
        model = joblib.load(path)
    except Exception as exc:  # joblib/pickle raise many types on corrupt files
        raise ModelLoadError(f"corrupt model file {path}: {type(exc).__name__}: {exc}") from None
    if not isinstance(model, PolicyClassifier):
        raise ModelLoadError(f"{path} does not hold a PolicyClassifier")
    model.metadata = meta
    return model
