"""No text of the evaluation set may be in the shipped seed (issue 3, point 5)."""

import json
import unicodedata
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SEED = ROOT / "comment_portal" / "consultations" / "musashino-2021" / "seed_examples.jsonl"
DEV = ROOT.parent / "shared" / "eval" / "dev.jsonl"


def _texts(path: Path) -> list[str]:
    rows = (json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip())
    return [row["text"] for row in rows if isinstance(row.get("text"), str)]


def _key(text: str) -> str:
    """NFKC with all whitespace removed: copies differing only in width or spacing still match."""
    return "".join(unicodedata.normalize("NFKC", text).split())


@pytest.mark.skipif(not DEV.exists(), reason="evaluation set ../shared/eval/dev.jsonl not present")
def test_no_seed_line_is_a_dev_line():
    dev = {_key(text) for text in _texts(DEV)}
    copied = [number for number, text in enumerate(_texts(SEED), 1) if _key(text) in dev]
    # Report seed line numbers only: the dev text stays out of logs.
    assert not copied, f"seed lines identical to an eval comment: {copied} (see bench/seed_overlap.py)"
