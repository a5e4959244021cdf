"""Held-out predictions, temperature scaling and the abstain band (要確認) threshold."""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass

import numpy as np
from scipy.optimize import minimize_scalar

from classifier.groups import group_folds, near_duplicate_groups

# With fewer held-out comments than this, calibration falls back to the defaults.
MIN_HELD_OUT = 20
# Above this many comments, one 20 % hold-out grouped by exact (normalised) text replaces
# K folds grouped by similarity: training time stays linear.
LARGE = 5_000
DEFAULT_THRESHOLD = {"top": 0.5, "margin": 0.2}
MIN_COVERAGE = 0.3
# The band never closes completely: near ties always go to a human.
_TOPS = np.round(np.arange(0.4, 0.91, 0.05), 2)
_MARGINS = np.round(np.arange(0.1, 0.61, 0.05), 2)


@dataclass
class HeldOut:
    """Out-of-fold logits of comment examples and their true labels."""

    logits: np.ndarray
    labels: np.ndarray
    classes: list[str]


def softmax(logits: np.ndarray) -> np.ndarray:
    """Row-wise softmax, numerically stable."""
    z = logits - logits.max(axis=1, keepdims=True)
    e = np.exp(z)
    return e / e.sum(axis=1, keepdims=True)


def logits_of(clf, matrix) -> np.ndarray:
    """Decision values as an (n, n_classes) array, also for a two-class model."""
    values = clf.decision_function(matrix)
    if values.ndim == 1:  # binary: P(class 1) = sigmoid(d) = softmax([0, d])
        return np.column_stack([np.zeros_like(values), values])
    return values


def _key(text: str) -> str:
    """Text reduced to its letters and digits, NFKC, lower case (exact-duplicate key)."""
    return "".join(ch for ch in unicodedata.normalize("NFKC", text).lower() if ch.isalnum())


def _folds(y_comments, texts, cv, seed):
    """Folds over comment rows that keep near-duplicates together."""
    n = len(y_comments)
    if n > LARGE:
        _, groups = np.unique([_key(t) for t in texts], return_inverse=True)
        held = np.random.default_rng(seed).random(groups.max() + 1) < 0.2
        mask = held[groups]
        return [(np.flatnonzero(~mask), np.flatnonzero(mask))]
    return group_folds(y_comments, near_duplicate_groups(texts), cv, seed)


def held_out_logits(make_clf, matrix, y, weight, is_doc, texts, cv, seed) -> HeldOut | None:
    """Logits for each comment example from a model trained without its fold (documents always in)."""
    comments = np.flatnonzero(~is_doc)
    if len(comments) < MIN_HELD_OUT or cv < 2:
        return None
    classes = sorted(set(y))
    folds = _folds(y[comments], [texts[i] for i in comments], cv, seed)
    if not folds:
        return None
    logits = np.zeros((len(comments), len(classes)))
    docs = np.flatnonzero(is_doc)
    for train, test in folds:
        rows = np.concatenate([docs, comments[train]])
        clf = make_clf().fit(matrix[rows], y[rows], sample_weight=weight[rows])
        if list(clf.classes_) != classes:
            return None  # a label is missing from this fold's training data
        logits[test] = logits_of(clf, matrix[comments[test]])
    return HeldOut(logits, y[comments], classes)


def fit_temperature(logits: np.ndarray, index: np.ndarray) -> float:
    """Temperature minimising the held-out negative log-likelihood."""
    def nll(log_t: float) -> float:
        p = softmax(logits / np.exp(log_t))
        return float(-np.log(p[np.arange(len(index)), index] + 1e-12).mean())

    result = minimize_scalar(nll, bounds=(-3.0, 3.0), method="bounded")
    return float(np.exp(result.x))


def is_confident(top: float, second: float, threshold: dict) -> bool:
    """False inside the abstain band: top probability or margin to the second below threshold."""
    return top >= threshold["top"] and (top - second) >= threshold["margin"]


def choose_threshold(proba: np.ndarray, correct: np.ndarray, target: float) -> dict:
    """Widest-coverage (top, margin) pair whose held-out accuracy reaches target."""
    ranked = np.sort(proba, axis=1)
    top, margin = ranked[:, -1], ranked[:, -1] - ranked[:, -2]
    best, best_key = None, None
    for t in _TOPS:
        for m in _MARGINS:
            mask = (top >= t) & (margin >= m)
            coverage = mask.mean()
            if coverage < MIN_COVERAGE / 2 or not mask.any():
                continue
            accuracy = correct[mask].mean()
            # Prefer meeting the target with most coverage; else the most accurate band.
            key = (accuracy >= target, coverage if accuracy >= target else accuracy, -t - m)
            if best_key is None or key > best_key:
                best, best_key = {"top": float(t), "margin": float(m)}, key
    return best or dict(DEFAULT_THRESHOLD)


def calibrate(held: HeldOut | None, labels: list[str], target: float):
    """(temperature, threshold, held-out metrics) from held-out logits; defaults without them."""
    if held is None or held.classes != labels:
        return 1.0, dict(DEFAULT_THRESHOLD), {}
    index = np.array([labels.index(label) for label in held.labels])
    temperature = fit_temperature(held.logits, index)
    proba = softmax(held.logits / temperature)
    correct = proba.argmax(axis=1) == index
    threshold = choose_threshold(proba, correct, target)
    ranked = np.sort(proba, axis=1)
    confident = np.array([is_confident(r[-1], r[-2], threshold) for r in ranked])
    metrics = {
        "n": int(len(index)),
        "accuracy": float(correct.mean()),
        "confident_accuracy": float(correct[confident].mean()) if confident.any() else None,
        "coverage": float(confident.mean()),
    }
    return temperature, threshold, metrics
