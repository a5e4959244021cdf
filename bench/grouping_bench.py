"""Near-duplicate grouping quality and speed of grouping + key phrases + clusters (issue 5, points 5-6).

Prints figures only; never writes any comment text. Usage:
    python bench/grouping_bench.py [--skip-100k] [--dev ../shared/eval/dev.jsonl]
"""

from __future__ import annotations

import argparse
import json
import random
import re
import resource
import subprocess
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.synthetic import TEMPLATES, campaign_copy, mixed_opinions, seed_sentences  # noqa: E402
from classifier.clusters import cluster_opinions  # noqa: E402
from classifier.duplicates import THRESHOLD, _tfidf, body_key, group_duplicates, shingle_matrix  # noqa: E402
from classifier.phrases import key_phrases, tokenize_texts  # noqa: E402

SEED = ROOT / "comment_portal" / "consultations" / "musashino-2021" / "seed_examples.jsonl"
DEV = ROOT.parent / "shared" / "eval" / "dev.jsonl"
DEV_TEMPLATES = {"3": "A (places, label 3)", "2": "B (subsidy, label 2)", "other": "C (goal wording, other)"}


def machine() -> str:
    """nproc, CPU model, date, Python."""
    nproc = subprocess.run(["nproc"], capture_output=True, text=True).stdout.strip()
    model = re.search(r"Model name:\s*(.+)", subprocess.run(["lscpu"], capture_output=True, text=True).stdout)
    date = subprocess.run(["date", "-u"], capture_output=True, text=True).stdout.strip()
    return f"{nproc} cores, {model[1].strip() if model else '?'}, {date}, Python {sys.version.split()[0]}"


def campaign_quality(labels: np.ndarray, truth: np.ndarray) -> tuple[dict, float, int]:
    """Per template: (copies, grouped with the template's main group, others in that group); false rate."""
    sizes = np.bincount(labels)
    per = {}
    for t in sorted(set(truth[truth != -1].tolist()), key=str):
        idx = np.flatnonzero(truth == t)
        main = np.bincount(labels[idx]).argmax()
        together = int((labels[idx] == main).sum()) if sizes[main] > 1 else 0
        per[t] = (len(idx), together, int(((labels == main) & (truth != t)).sum()))
    ordinary = np.flatnonzero(truth == -1)
    wrong = int((sizes[labels[ordinary]] > 1).sum())
    return per, wrong / max(len(ordinary), 1), wrong


def print_quality(title: str, per: dict, rate: float, wrong: int, n_ordinary: int, names=None) -> None:
    copies = sum(v[0] for v in per.values())
    grouped = sum(v[1] for v in per.values())
    print(f"{title}: campaign recall {grouped}/{copies} = {grouped / copies:.1%}; "
          f"other comments wrongly grouped {wrong}/{n_ordinary} = {rate:.1%}")
    for t, (n, together, intruders) in per.items():
        name = (names or {}).get(t, f"template {t}")
        print(f"  {name}: {together}/{n} grouped together, {intruders} other texts in that group")


def threshold_evidence(seed_texts: list[str]) -> None:
    """Why 0.5: similarity of campaign copies to their group centre vs seed comments' nearest neighbour."""
    rng = random.Random(11)
    copies = [[campaign_copy(t, rng) for _ in range(30)] for t in TEMPLATES]
    texts = seed_texts + [c for group in copies for c in group]
    keys = [body_key(t) for t in texts]
    matrix = _tfidf(shingle_matrix(keys))
    to_centre = []
    start = len(seed_texts)
    for group in copies:
        rows = matrix[start : start + len(group)]
        start += len(group)
        centre = np.asarray(rows.sum(0)).ravel()
        to_centre += list(rows @ (centre / np.linalg.norm(centre)))
        medoid = rows[int(np.argmax(rows @ centre))]
        to_centre_medoid = np.asarray((rows @ medoid.T).todense()).ravel()
    seed_rows = matrix[: len(seed_texts)]
    sims = (seed_rows @ seed_rows.T).toarray()
    np.fill_diagonal(sims, 0)
    long_enough = np.array([len(k) >= 30 for k in keys[: len(seed_texts)]])
    nearest = sims[long_enough][:, long_enough].max(1)
    q = [0.0, 0.01, 0.05, 0.5]
    print("threshold evidence (TF-IDF char 3-gram cosine of stripped bodies):")
    print("  synthetic campaign copies to their template's centroid, quantiles 0/1/5/50 %: "
          + " ".join(f"{v:.2f}" for v in np.quantile(to_centre, q)))
    print("  (last template) copies to their medoid, quantiles 0/1/5/50 %: "
          + " ".join(f"{v:.2f}" for v in np.quantile(to_centre_medoid, q)))
    print(f"  seed comments (>= 30 chars, n={long_enough.sum()}), nearest other seed comment, "
          "quantiles 50/95/99/99.5/100 %: "
          + " ".join(f"{v:.2f}" for v in np.quantile(nearest, [0.5, 0.95, 0.99, 0.995, 1.0])))
    print(f"  chosen threshold: {THRESHOLD}")


def synthetic_quality(seed_texts: list[str]) -> None:
    """Seed comments (distinct, same topics) with synthetic campaigns of 3, 10, 30 and 100 copies."""
    for run in range(3):
        rng = random.Random(100 + run)
        texts, truth = list(seed_texts), [-1] * len(seed_texts)
        for t, n in enumerate([3, 10, 30, 100]):
            texts += [campaign_copy(TEMPLATES[t], rng) for _ in range(n)]
            truth += [t] * n
        order = list(range(len(texts)))
        rng.shuffle(order)
        texts, truth = [texts[i] for i in order], np.array([truth[i] for i in order])
        per, rate, wrong = campaign_quality(group_duplicates(texts).labels, truth)
        print_quality(f"synthetic run {run} (seed comments + campaigns of 3/10/30/100)", per, rate, wrong,
                      int((truth == -1).sum()), {t: f"template {t} ({n} copies)" for t, n in
                                                 enumerate([3, 10, 30, 100])})


def dev_quality(path: Path) -> None:
    """Campaign recall and false grouping on the dev set (figures only)."""
    rows = [json.loads(line) for line in path.open(encoding="utf-8")]
    truth = np.array([r["label"] if r["kind"] == "campaign" else -1 for r in rows], dtype=object)
    start = time.perf_counter()
    grouping = group_duplicates([r["text"] for r in rows])
    seconds = time.perf_counter() - start
    per, rate, wrong = campaign_quality(grouping.labels, truth)
    print_quality(f"dev.jsonl ({len(rows)} comments, {seconds:.2f} s)", per, rate, wrong,
                  int(sum(t == -1 for t in truth)), DEV_TEMPLATES)
    kinds = np.array([r["kind"] for r in rows])
    grouped = grouping.sizes[grouping.labels] > 1
    print("  grouped share by kind: " + "  ".join(
        f"{k}={grouped[kinds == k].mean():.2f}({(kinds == k).sum()})" for k in sorted(set(kinds))))


class _Clock:
    """Wall and process CPU time since the last lap (CPU time is what a busy shared machine does not inflate)."""

    def __init__(self):
        self.wall, self.cpu = time.perf_counter(), time.process_time()

    def lap(self) -> tuple[float, float]:
        wall, cpu = time.perf_counter(), time.process_time()
        result = (wall - self.wall, cpu - self.cpu)
        self.wall, self.cpu = wall, cpu
        return result


def timing(n: int, pool: list[str]) -> None:
    """Digest-like pipeline on n synthetic opinions: grouping, tokens, key phrases and clusters per policy."""
    texts, truth = mixed_opinions(n, pool, seed=n)
    policy = np.array([random.Random(i).choice("1234o") for i in range(n)])
    times = {}
    clock = _Clock()
    grouping = group_duplicates(texts)
    times["near-duplicate grouping"] = clock.lap()
    tokens = tokenize_texts(texts)
    times["tokenize (distinct texts)"] = clock.lap()
    weights = 1.0 / grouping.sizes[grouping.labels]
    phrases = key_phrases(texts, policy, tokens=tokens, weights=weights)
    times["key phrases per policy (5 groups)"] = clock.lap()
    n_clusters = 0
    for p in "1234o":
        idx = np.flatnonzero(policy == p)
        result = cluster_opinions([texts[i] for i in idx], tokens=[tokens[i] for i in idx],
                                  duplicates=grouping.subset(idx))
        n_clusters += len(result.clusters)
    times[f"clusters per policy ({n_clusters} clusters)"] = clock.lap()
    wall = sum(t[0] for t in times.values())
    cpu = sum(t[1] for t in times.values())
    per, rate, _ = campaign_quality(grouping.labels, np.array(truth))
    recall = sum(v[1] for v in per.values()) / sum(v[0] for v in per.values())
    print(f"{n:,} synthetic opinions (avg {np.mean([len(t) for t in texts]):.0f} chars, "
          f"{grouping.n_groups:,} groups, campaign recall {recall:.1%}): total {wall:.1f} s wall, "
          f"{cpu:.1f} s CPU")
    for name, (w, c) in times.items():
        print(f"  {name}: {w:.2f} s wall, {c:.2f} s CPU")
    assert all(phrases[p] for p in "1234o")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--skip-100k", action="store_true")
    parser.add_argument("--dev", default=str(DEV))
    args = parser.parse_args()
    print(machine())
    seed_texts = [json.loads(line)["text"] for line in SEED.open(encoding="utf-8")]
    threshold_evidence(seed_texts)
    synthetic_quality(seed_texts)
    if Path(args.dev).exists():
        dev_quality(Path(args.dev))
    pool = seed_sentences(SEED)
    for n in [10_000] + ([] if args.skip_100k else [100_000]):
        timing(n, pool)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak RSS {peak:.0f} MB")


if __name__ == "__main__":
    main()
