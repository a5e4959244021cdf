"""Training examples: the consultation's draft (policies, sections), seed comments, extra examples."""

from __future__ import annotations

import json
import re
import tomllib
from dataclasses import dataclass
from pathlib import Path

OTHER = "other"
SEED_FILE = "seed_examples.jsonl"
CONSULTATION_FILE = "consultation.toml"
_MIN_PARAGRAPH = 20


@dataclass(frozen=True)
class Example:
    """One labelled text; `document` marks text taken from the draft rather than a comment."""

    text: str
    label: str
    section: str | None = None
    document: bool = False


class DataError(ValueError):
    """A training or evaluation file has a bad line."""


def load_consultation(directory: Path) -> dict:
    """Parse consultation.toml of a consultation directory."""
    with open(Path(directory) / CONSULTATION_FILE, "rb") as handle:
        return tomllib.load(handle)


def section_reference(section: dict) -> str:
    """The section string the web app passes: "<chapter> <heading>"."""
    return f"{section.get('chapter', '')} {section.get('heading', '')}".strip()


def _paragraphs(body: str) -> list[str]:
    """Split a section body into paragraphs, gluing short headings to the next paragraph."""
    parts, pending = [], ""
    for block in re.split(r"\n\s*\n", body or ""):
        block = block.strip()
        if not block or ("記載予定" in block and len(block) < _MIN_PARAGRAPH):
            continue
        pending = f"{pending}\n{block}".strip()
        if len(pending) >= _MIN_PARAGRAPH:
            parts.append(pending)
            pending = ""
    if pending:
        parts.append(pending)
    return parts


def document_examples(consultation: dict) -> list[Example]:
    """Examples from the draft: policy titles/descriptions and section paragraphs."""
    labels = [str(p["code"]) for p in consultation.get("policies", [])]
    examples = [
        Example(f"{p['title']}\n{p.get('description', '')}", str(p["code"]), document=True)
        for p in consultation.get("policies", [])
    ]
    for section in consultation.get("sections", []):
        label = str(section.get("policy") or OTHER)
        if label not in labels:
            label = OTHER
        ref = section_reference(section)
        # One short example teaches the section reference itself; paragraphs teach the wording.
        examples.append(Example(section.get("heading", ""), label, ref, document=True))
        examples += [Example(p, label, document=True) for p in _paragraphs(section.get("body", ""))]
    return examples


def read_jsonl(path: Path, require_label: bool = True) -> list[dict]:
    """Read labelled JSON Lines; raise DataError naming the first bad line."""
    rows = []
    with open(path, encoding="utf-8") as handle:
        for number, line in enumerate(handle, 1):
            if not line.strip():
                continue
            try:
                row = json.loads(line)
            except json.JSONDecodeError as exc:
                raise DataError(f"{path}:{number}: not JSON ({exc.msg})") from None
            if not isinstance(row, dict) or not isinstance(row.get("text"), str):
                raise DataError(f"{path}:{number}: no 'text' string")
            if require_label and not isinstance(row.get("label"), str):
                raise DataError(f"{path}:{number}: no 'label' string")
            rows.append(row)
    return rows


def seed_examples(consultation_dir: Path) -> list[Example]:
    """Seed comments shipped with the consultation (empty when the file is absent)."""
    path = Path(consultation_dir) / SEED_FILE
    if not path.exists():
        return []
    return [_example(row) for row in read_jsonl(path)]


def _example(row: dict) -> Example:
    """Example from a JSON row with text, label, optional section."""
    section = row.get("section")
    return Example(row["text"], str(row["label"]), section if isinstance(section, str) else None)


def merge_examples(base: list[Example], extra: list[dict] | None) -> list[Example]:
    """Add extra examples; an extra example replaces any base comment with the identical text."""
    if not extra:
        return list(base)
    added = [_example(row) for row in extra]
    replaced = {e.text.strip() for e in added}
    kept = [e for e in base if e.document or e.text.strip() not in replaced]
    return kept + added


def training_examples(consultation_dir: Path, extra: list[dict] | None = None) -> list[Example]:
    """All training examples for a consultation: draft + seed + extra (extra wins)."""
    consultation = load_consultation(consultation_dir)
    base = document_examples(consultation) + seed_examples(consultation_dir)
    return merge_examples(base, extra)


def label_set(consultation_dir: Path) -> list[str]:
    """Policy codes of a consultation, in document order."""
    return [str(p["code"]) for p in load_consultation(consultation_dir).get("policies", [])]
