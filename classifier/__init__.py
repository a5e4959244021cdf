"""Japanese text classifier for public comments: suggests the draft's basic policy (基本施策)."""

from __future__ import annotations

from pathlib import Path

from classifier.data import training_examples
from classifier.model import PolicyClassifier, Suggestion
from classifier.persistence import ModelLoadError, load_model, save_model

_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_CONSULTATION_DIR = _ROOT / "comment_portal" / "consultations" / "musashino-2021"
DEFAULT_MODEL_DIR = _ROOT / "instance" / "models" / "default"

__all__ = [
    "DEFAULT_CONSULTATION_DIR", "DEFAULT_MODEL_DIR", "ModelLoadError", "PolicyClassifier",
    "Suggestion", "default_model", "fit_examples", "load_model", "save_model", "train_default_model",
]


def fit_examples(examples, **params) -> PolicyClassifier:
    """Fit a PolicyClassifier on Example objects (draft text marked as documents)."""
    model = PolicyClassifier(**params)
    return model.fit([e.text for e in examples], [e.label for e in examples],
                     sections=[e.section for e in examples],
                     documents=[e.document for e in examples])


def train_default_model(out_dir, consultation_dir=DEFAULT_CONSULTATION_DIR,
                        extra_examples: list[dict] | None = None,
                        version: str | None = None) -> PolicyClassifier:
    """Train on the draft + seed examples (+ extra, which win over seed) and save to out_dir."""
    examples = training_examples(Path(consultation_dir), extra_examples)
    model = fit_examples(examples)
    sources = {
        "document": sum(e.document for e in examples),
        "comments": sum(not e.document for e in examples),
        "extra": len(extra_examples or []),
    }
    save_model(model, out_dir, {"version": version, "consultation": Path(consultation_dir).name,
                                "sources": sources})
    return model


def default_model(model_dir=DEFAULT_MODEL_DIR) -> PolicyClassifier:
    """Load the shipped default model, building it first when missing or unloadable."""
    try:
        return load_model(model_dir)
    except ModelLoadError:
        return train_default_model(model_dir)
