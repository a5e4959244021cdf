"""Command line: python -m classifier train | predict | evaluate | group | personal."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from classifier import (
    DEFAULT_CONSULTATION_DIR,
    DEFAULT_MODEL_DIR,
    ModelLoadError,
    default_model,
    load_model,
    train_default_model,
)
from classifier.data import DataError, read_jsonl, training_examples
from classifier.duplicates import THRESHOLD, group_duplicates
from classifier.evaluate import cross_validate, evaluate_model, format_report


def _model(path: str | None):
    """The model at path, or the shipped default model (built on first use)."""
    return load_model(path) if path else default_model(DEFAULT_MODEL_DIR)


def cmd_train(args) -> int:
    """Train (draft + seed + optional --data) and save to --out."""
    extra = read_jsonl(Path(args.data)) if args.data else None
    model = train_default_model(args.out, Path(args.consultation), extra)
    meta = model.metadata
    print(f"saved model {meta['version']} to {args.out}: counts {meta['training_counts']}, "
          f"threshold {meta['threshold']}, held-out {meta['held_out']}")
    return 0


def _parse_line(number: int, line: str) -> dict:
    """A predict input object; ValueError with a message naming the problem."""
    try:
        row = json.loads(line)
    except json.JSONDecodeError as exc:
        raise ValueError(f"not JSON ({exc.msg})") from None
    if not isinstance(row, dict) or not isinstance(row.get("text"), str):
        raise ValueError("no 'text' string")
    section = row.get("section")
    if section is not None and not isinstance(section, str):
        raise ValueError("'section' must be a string or null")
    return row


def _answer(model, batch: list[dict], out) -> None:
    """Write one JSON line per input row, in order."""
    suggestions = model.suggest([r["text"] for r in batch], [r.get("section") for r in batch])
    for row, s in zip(batch, suggestions, strict=True):
        out.write(json.dumps({"id": row.get("id"), **s.to_dict()}, ensure_ascii=False) + "\n")
    out.flush()


def cmd_predict(args, stdin=None, stdout=None, stderr=None) -> int:
    """Read JSON Lines on stdin, write one suggestion line per good input; report bad lines."""
    stdin, stdout, stderr = stdin or sys.stdin, stdout or sys.stdout, stderr or sys.stderr
    model = _model(args.model)
    errors, batch = 0, []
    for number, line in enumerate(stdin, 1):
        if not line.strip():
            continue
        try:
            batch.append(_parse_line(number, line))
        except ValueError as exc:
            errors += 1
            stderr.write(f"line {number}: {exc}\n")
            continue
        if len(batch) >= 256:
            _answer(model, batch, stdout)
            batch = []
    if batch:
        _answer(model, batch, stdout)
    return 1 if errors else 0


def _parse_group_line(line: str) -> dict:
    """A group input object (id, text); ValueError with a message naming the problem."""
    try:
        row = json.loads(line)
    except json.JSONDecodeError as exc:
        raise ValueError(f"not JSON ({exc.msg})") from None
    if not isinstance(row, dict) or not isinstance(row.get("text"), str):
        raise ValueError("no 'text' string")
    return row


def cmd_group(args, stdin=None, stdout=None, stderr=None) -> int:
    """Read JSON Lines (id, text) on stdin, write id and near-duplicate group per good input, in order."""
    stdin, stdout, stderr = stdin or sys.stdin, stdout or sys.stdout, stderr or sys.stderr
    errors, rows = 0, []
    for number, line in enumerate(stdin, 1):
        if not line.strip():
            continue
        try:
            rows.append(_parse_group_line(line))
        except ValueError as exc:
            errors += 1
            stderr.write(f"line {number}: {exc}\n")
    # Grouping needs every text at once, so answers come after the whole input is read.
    labels = group_duplicates([r["text"] for r in rows], threshold=args.threshold).labels
    for row, label in zip(rows, labels, strict=True):
        stdout.write(json.dumps({"id": row.get("id"), "group": int(label)}, ensure_ascii=False) + "\n")
    stdout.flush()
    return 1 if errors else 0


def cmd_personal(args, stdin=None, stdout=None, stderr=None) -> int:
    """Read JSON Lines (id, text) on stdin, write id and personal-data spans per good input, in order.

    Offsets are Python character offsets into the text as given; kinds are name, address, phone,
    email, other. Town names come from the --consultation directory's towns.txt.
    """
    from classifier.personal import find_personal_data, load_places

    stdin, stdout, stderr = stdin or sys.stdin, stdout or sys.stdout, stderr or sys.stderr
    places = load_places(Path(args.consultation))
    errors = 0
    for number, line in enumerate(stdin, 1):
        if not line.strip():
            continue
        try:
            row = _parse_group_line(line)
        except ValueError as exc:
            errors += 1
            stderr.write(f"line {number}: {exc}\n")
            continue
        spans = [{"start": s.start, "end": s.end, "kind": s.kind, "text": s.text, "reason": s.reason}
                 for s in find_personal_data(row["text"], places)]
        answer = {"id": row.get("id"), "spans": spans}
        try:
            stdout.write(json.dumps(answer, ensure_ascii=False) + "\n")
        except UnicodeEncodeError:  # a lone surrogate in the text: write it escaped
            stdout.write(json.dumps(answer) + "\n")
    stdout.flush()
    return 1 if errors else 0


def cmd_evaluate(args) -> int:
    """Print metrics of a model on --data, or K-fold learning (seed + other folds) with --cv."""
    rows = read_jsonl(Path(args.data))
    if args.cv:
        base = training_examples(Path(args.consultation))
        print(format_report(cross_validate(rows, base, args.cv), f"{args.cv}-fold cross-validation"))
        return 0
    model = _model(args.model)
    version = getattr(model, "metadata", {}).get("version", "?")
    print(format_report(evaluate_model(model, rows), f"model {version} on {args.data}"))
    return 0


def build_parser() -> argparse.ArgumentParser:
    """Argument parser of the five commands."""
    parser = argparse.ArgumentParser(prog="python -m classifier", description=__doc__)
    parser.add_argument("--consultation", default=str(DEFAULT_CONSULTATION_DIR),
                        help="consultation directory (draft + seed_examples.jsonl)")
    sub = parser.add_subparsers(dest="command", required=True)
    train = sub.add_parser("train", help="train a model from the draft, seed and --data")
    train.add_argument("--data", help="JSON Lines with text, label, optional section")
    train.add_argument("--out", required=True, help="output model directory")
    predict = sub.add_parser("predict", help="JSON Lines (id, text, section) on stdin -> suggestions")
    predict.add_argument("--model", help="model directory (default: the shipped model)")
    evaluate = sub.add_parser("evaluate", help="metrics on labelled JSON Lines")
    evaluate.add_argument("--data", required=True)
    evaluate.add_argument("--model")
    evaluate.add_argument("--cv", type=int, default=0, help="K-fold learning instead of a fixed model")
    group = sub.add_parser("group", help="JSON Lines (id, text) on stdin -> near-duplicate group per line")
    group.add_argument("--threshold", type=float, default=THRESHOLD,
                       help=f"cosine similarity to a group's representative (default {THRESHOLD})")
    sub.add_parser("personal", help="JSON Lines (id, text) on stdin -> personal-data spans per line")
    return parser


def main(argv: list[str] | None = None) -> int:
    """Entry point; returns the exit status."""
    args = build_parser().parse_args(argv)
    handler = {"train": cmd_train, "predict": cmd_predict, "evaluate": cmd_evaluate,
               "group": cmd_group, "personal": cmd_personal}[args.command]
    try:
        return handler(args)
    except (ModelLoadError, DataError, OSError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
