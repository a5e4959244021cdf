"""Quality measures: metrics, grouped K-fold cross-validation, baseline, learning curves."""

from __future__ import annotations

import numpy as np
from sklearn.metrics import confusion_matrix, f1_score, precision_recall_fscore_support

from classifier.data import Example, merge_examples
from classifier.groups import group_folds, near_duplicate_groups
from classifier.model import Suggestion


def _labels_of(y_true, suggestions) -> list[str]:
    """Label set: the model's labels plus any seen in the data."""
    labels = list(suggestions[0].scores) if suggestions else []
    return sorted(set(labels) | set(y_true))


def metrics(y_true: list[str], suggestions: list[Suggestion], also: list[list[str]] | None = None) -> dict:
    """Accuracy, top-2, macro-F1, per-class P/R/F1, confusion matrix, confident accuracy/coverage."""
    labels = _labels_of(y_true, suggestions)
    y_pred = [s.policy for s in suggestions]
    y = np.asarray(y_true)
    correct = y == np.asarray(y_pred)
    also = also or [[] for _ in y_true]
    top2 = [ok or list(s.scores)[1] in ([t] + list(a)) for ok, s, t, a in
            zip(correct, suggestions, y_true, also, strict=True)]
    confident = np.array([s.confident for s in suggestions], bool)
    p, r, f, support = precision_recall_fscore_support(y, y_pred, labels=labels, zero_division=0)
    return {
        "n": len(y_true),
        "accuracy": float(correct.mean()),
        "top2_accuracy": float(np.mean(top2)),
        "macro_f1": float(f1_score(y, y_pred, labels=labels, average="macro", zero_division=0)),
        "per_class": {lab: {"precision": float(p[i]), "recall": float(r[i]), "f1": float(f[i]),
                            "support": int(support[i])} for i, lab in enumerate(labels)},
        "labels": labels,
        "confusion": confusion_matrix(y, y_pred, labels=labels).tolist(),
        "confident_accuracy": float(correct[confident].mean()) if confident.any() else None,
        "coverage": float(confident.mean()),
    }


def format_report(m: dict, title: str = "") -> str:
    """Plain-text report of a metrics dict."""
    conf = m["confident_accuracy"]
    lines = [title] if title else []
    lines += [
        f"n={m['n']}  accuracy={m['accuracy']:.3f}  top-2={m['top2_accuracy']:.3f}  "
        f"macro-F1={m['macro_f1']:.3f}",
        f"confident part: accuracy={'n/a' if conf is None else f'{conf:.3f}'}  "
        f"coverage={m['coverage']:.3f}",
        f"{'label':>6} {'prec':>6} {'recall':>6} {'f1':>6} {'n':>5}",
    ]
    for lab, c in m["per_class"].items():
        lines.append(f"{lab:>6} {c['precision']:6.3f} {c['recall']:6.3f} {c['f1']:6.3f} {c['support']:5d}")
    lines.append("confusion (rows true, columns predicted): " + " ".join(m["labels"]))
    for lab, row in zip(m["labels"], m["confusion"], strict=True):
        lines.append(f"{lab:>6} " + " ".join(f"{v:4d}" for v in row))
    return "\n".join(lines)


def _fit(examples, **params):
    """Fit a model on examples (imported late to avoid a cycle with the package root)."""
    from classifier import fit_examples

    return fit_examples(examples, **params)


def _suggest(model, rows: list[dict]) -> list[Suggestion]:
    """Suggestions for evaluation rows (text + optional section)."""
    return model.suggest([r["text"] for r in rows], [r.get("section") for r in rows])


def evaluate_model(model, rows: list[dict]) -> dict:
    """Metrics of a fitted model on labelled rows."""
    return metrics([r["label"] for r in rows], _suggest(model, rows), [r.get("also") or [] for r in rows])


def cross_validate(rows: list[dict], base: list[Example], k: int = 5, seed: int = 0, **params) -> dict:
    """K-fold where each fold trains on base (draft + seed) + the other folds; near-duplicates grouped."""
    groups = near_duplicate_groups([r["text"] for r in rows])
    folds = group_folds([r["label"] for r in rows], groups, k, seed)
    suggestions: list[Suggestion | None] = [None] * len(rows)
    for train, test in folds:
        model = _fit(merge_examples(base, [rows[i] for i in train]), **params)
        for i, s in zip(test, _suggest(model, [rows[i] for i in test]), strict=True):
            suggestions[i] = s
    m = metrics([r["label"] for r in rows], suggestions, [r.get("also") or [] for r in rows])
    m["folds"] = len(folds)
    return m


def by_kind(rows: list[dict], suggestions: list[Suggestion]) -> dict[str, dict]:
    """Accuracy per `kind` field (when the rows have one)."""
    out: dict[str, dict] = {}
    for r, s in zip(rows, suggestions, strict=True):
        entry = out.setdefault(r.get("kind", "-"), {"n": 0, "correct": 0})
        entry["n"] += 1
        entry["correct"] += int(s.policy == r["label"])
    return {k: {**v, "accuracy": v["correct"] / v["n"]} for k, v in sorted(out.items())}


def _uncertainty_order(model, rows: list[dict]) -> list[int]:
    """Indices of rows, least certain first (smallest margin between the two best)."""
    margins = [list(s.scores.values())[0] - list(s.scores.values())[1] for s in _suggest(model, rows)]
    return list(np.argsort(margins, kind="stable"))


def learning_curve(rows: list[dict], base: list[Example], sizes=(10, 25, 50, 100, 200),
                   strategy: str = "uncertain", seed: int = 0, **params) -> list[dict]:
    """Accuracy on the remaining rows after confirming N rows in review-queue or random order."""
    params.setdefault("cv", 0)  # accuracy only: skip calibration to save time
    rng = np.random.default_rng(seed)
    remaining = list(rng.permutation(len(rows)))
    confirmed: list[int] = []
    model = _fit(base, **params)
    points = []
    for size in sizes:
        need = size - len(confirmed)
        if strategy == "uncertain":
            order = _uncertainty_order(model, [rows[i] for i in remaining])
            picked = [remaining[j] for j in order[:need]]
        else:
            picked = remaining[:need]
        confirmed += picked
        remaining = [i for i in remaining if i not in set(picked)]
        model = _fit(merge_examples(base, [rows[i] for i in confirmed]), **params)
        rest = [rows[i] for i in remaining]
        acc = float(np.mean([s.policy == r["label"] for s, r in zip(_suggest(model, rest), rest, strict=True)]))
        points.append({"confirmed": len(confirmed), "strategy": strategy, "accuracy_rest": acc})
    return points


def baseline_suggestions(policies: list[dict], rows: list[dict]) -> list[Suggestion]:
    """Baseline: TF-IDF cosine between a comment and each policy's title + description."""
    from sklearn.feature_extraction.text import TfidfVectorizer

    from classifier.tokenizer import JapaneseTokenizer

    vectorizer = TfidfVectorizer(tokenizer=JapaneseTokenizer(), token_pattern=None, lowercase=False)
    codes = [str(p["code"]) for p in policies]
    docs = vectorizer.fit_transform([f"{p['title']} {p.get('description', '')}" for p in policies])
    sims = (vectorizer.transform([r["text"] for r in rows]) @ docs.T).toarray()
    out = []
    for row in sims:
        total = row.sum()
        probs = row / total if total > 0 else np.full(len(codes), 1 / len(codes))
        order = np.argsort(-probs, kind="stable")
        out.append(Suggestion(codes[order[0]], {codes[j]: float(probs[j]) for j in order}, True, []))
    return out
