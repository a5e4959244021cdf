"""Check that no seed comment copies or paraphrases a comment of the evaluation set.

For every seed line: the most similar dev line and its cosine similarity (TF-IDF over
character 3-grams of the NFKC-normalised text), then the pairs at or above the threshold.
Prints only line numbers, dev ids, similarities and the seed text: dev text never leaves
the eval file (it must not end up in the repository, not even in a log).

Usage: python bench/seed_overlap.py [--seed FILE] [--dev FILE] [--threshold 0.5] [--all]
Exit status 1 when a pair reaches the threshold.
"""

from __future__ import annotations

import argparse
import json
import sys
import unicodedata
from pathlib import Path

from sklearn.feature_extraction.text import TfidfVectorizer

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT / "comment_portal" / "consultations" / "musashino-2021" / "seed_examples.jsonl"
DEV = ROOT.parent / "shared" / "eval" / "dev.jsonl"


def normalise(text: str) -> str:
    """NFKC, lower case, whitespace collapsed: the form both sides are compared in."""
    return " ".join(unicodedata.normalize("NFKC", text).lower().split())


def read_rows(path: Path) -> list[dict]:
    """JSON Lines rows that have a text."""
    rows = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip():
            row = json.loads(line)
            if isinstance(row.get("text"), str):
                rows.append(row)
    return rows


def nearest(seed_texts: list[str], dev_texts: list[str]) -> list[tuple[int, float]]:
    """For each seed text: (index of the most similar dev text, cosine similarity)."""
    vectorizer = TfidfVectorizer(analyzer="char", ngram_range=(3, 3), sublinear_tf=True)
    vectorizer.fit([normalise(t) for t in seed_texts + dev_texts])
    seed = vectorizer.transform([normalise(t) for t in seed_texts])
    dev = vectorizer.transform([normalise(t) for t in dev_texts])
    sims = (seed @ dev.T).toarray()  # rows are L2-normalised: the dot product is the cosine
    best = sims.argmax(axis=1)
    return [(int(j), float(sims[i, j])) for i, j in enumerate(best)]


def main() -> int:
    """Print the overlap report; non-zero exit when a seed line is too close to a dev line."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seed", type=Path, default=SEED)
    parser.add_argument("--dev", type=Path, default=DEV)
    parser.add_argument("--threshold", type=float, default=0.5)
    parser.add_argument("--all", action="store_true", help="print every seed line's nearest similarity")
    args = parser.parse_args()
    if not args.dev.exists():
        print(f"no eval file at {args.dev}: nothing to compare", file=sys.stderr)
        return 0
    seed_rows, dev_rows = read_rows(args.seed), read_rows(args.dev)
    pairs = nearest([r["text"] for r in seed_rows], [r["text"] for r in dev_rows])
    if args.all:
        for number, (j, sim) in enumerate(pairs, 1):
            print(f"seed line {number}\tnearest dev {dev_rows[j].get('id', j + 1)}\t{sim:.3f}")
    sims = sorted(sim for _, sim in pairs)
    print(f"{len(seed_rows)} seed lines vs {len(dev_rows)} dev lines: nearest-dev similarity "
          f"median {sims[len(sims) // 2]:.3f}, max {sims[-1]:.3f}")
    flagged = [(n, j, s) for n, (j, s) in enumerate(pairs, 1) if s >= args.threshold]
    print(f"pairs with similarity >= {args.threshold}: {len(flagged)}")
    for number, j, sim in sorted(flagged, key=lambda f: -f[2]):
        row = seed_rows[number - 1]
        print(f"  seed line {number} (label {row.get('label')}) ~ dev {dev_rows[j].get('id', j + 1)}: "
              f"{sim:.3f}\t{row['text']}")
    return 1 if flagged else 0


if __name__ == "__main__":
    sys.exit(main())
