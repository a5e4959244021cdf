"""Quality figures of issue 3 point 5: cold start, baseline, K-fold learning, learning curves.

Usage: python bench/classifier_quality.py [--data ../shared/eval/dev.jsonl] [--cv 5] [--no-curve]
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from classifier import DEFAULT_CONSULTATION_DIR, train_default_model  # noqa: E402
from classifier.data import load_consultation, read_jsonl, training_examples  # noqa: E402
from classifier.evaluate import (  # noqa: E402
    _suggest,
    baseline_suggestions,
    by_kind,
    cross_validate,
    format_report,
    learning_curve,
    metrics,
)

DEFAULT_DATA = Path(__file__).resolve().parents[2] / "shared" / "eval" / "dev.jsonl"


def _kinds(rows, suggestions) -> str:
    """One line of accuracy per kind."""
    return "  ".join(f"{k}={v['accuracy']:.2f}({v['n']})" for k, v in by_kind(rows, suggestions).items())


def main() -> None:
    """Print every quality figure."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--data", default=str(DEFAULT_DATA))
    parser.add_argument("--cv", type=int, default=5)
    parser.add_argument("--no-curve", action="store_true")
    args = parser.parse_args()
    rows = read_jsonl(Path(args.data))
    labels, also = [r["label"] for r in rows], [r.get("also") or [] for r in rows]
    base = training_examples(DEFAULT_CONSULTATION_DIR)
    print(f"data: {args.data} ({len(rows)} rows); training base: {len(base)} examples "
          f"({sum(not e.document for e in base)} seed comments)\n")

    baseline = baseline_suggestions(load_consultation(DEFAULT_CONSULTATION_DIR)["policies"], rows)
    print(format_report(metrics(labels, baseline, also), "== baseline: TF-IDF cosine to policy descriptions"))
    print("by kind:", _kinds(rows, baseline), "\n")

    with tempfile.TemporaryDirectory() as tmp:
        model = train_default_model(tmp)
    cold = _suggest(model, rows)
    print(format_report(metrics(labels, cold, also), "== cold start (draft + seed, no dev labels)"))
    print(f"threshold {model.threshold_}, temperature {model.temperature_:.3f}")
    print("by kind:", _kinds(rows, cold), "\n")

    start = time.perf_counter()
    cv = cross_validate(rows, base, args.cv)
    print(format_report(cv, f"== {cv['folds']}-fold learning (seed + other folds), near-duplicates grouped"))
    print(f"({time.perf_counter() - start:.0f} s)\n")

    if not args.no_curve:
        print("== learning curve: accuracy on the remaining comments after N confirmed")
        print(f"{'N':>5} {'least-certain-first':>20} {'random':>8}")
        uncertain = learning_curve(rows, base, strategy="uncertain")
        random = learning_curve(rows, base, strategy="random")
        for u, r in zip(uncertain, random, strict=True):
            print(f"{u['confirmed']:5d} {u['accuracy_rest']:20.3f} {r['accuracy_rest']:8.3f}")


if __name__ == "__main__":
    main()
