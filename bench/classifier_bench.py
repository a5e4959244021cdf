"""Speed and memory figures of issue 3 point 6 (printed, not asserted).

Usage: python bench/classifier_bench.py [--model DIR] [--skip-100k]
"""

from __future__ import annotations

import argparse
import json
import random
import re
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from classifier import DEFAULT_CONSULTATION_DIR, fit_examples, train_default_model  # noqa: E402
from classifier.data import Example, load_consultation, training_examples  # noqa: E402
from classifier.tokenizer import JapaneseTokenizer  # noqa: E402

_RSS = "import re;print(int(re.search(r'VmRSS:\\s+(\\d+)', open('/proc/self/status').read())[1]))"


def machine() -> str:
    """nproc, CPU model and date."""
    nproc = subprocess.run(["nproc"], capture_output=True, text=True).stdout.strip()
    lscpu = subprocess.run(["lscpu"], capture_output=True, text=True).stdout
    model = re.search(r"Model name:\s*(.+)", lscpu)
    date = subprocess.run(["date"], capture_output=True, text=True).stdout.strip()
    return f"{nproc} cores, {model[1].strip() if model else '?'}, {date}, Python {sys.version.split()[0]}"


def _sentences() -> dict[str, list[str]]:
    """Draft sentences per label, the raw material of synthetic comments."""
    pools: dict[str, list[str]] = {}
    for e in training_examples(DEFAULT_CONSULTATION_DIR):
        for s in re.split(r"(?<=[。！？\n])", e.text):
            if len(s.strip()) >= 8:
                pools.setdefault(e.label, []).append(s.strip())
    return pools


def synthetic(n: int, seed: int = 0) -> list[dict]:
    """n synthetic labelled comments: 1-4 draft sentences of one label plus noise words."""
    rng = random.Random(seed)
    pools = _sentences()
    labels = sorted(pools)
    noise = "ぜひ 大変 よろしく 要望 検討 市民 意見 今後 是非 お願い".split()
    rows = []
    for i in range(n):
        label = labels[i % len(labels)]
        parts = rng.sample(pools[label], k=min(len(pools[label]), rng.randint(1, 4)))
        rows.append({"text": f"{rng.choice(noise)}。" + "".join(parts) + f"{rng.choice(noise)}{i}",
                     "label": label})
    return rows


def bench_predict(model_dir: Path, texts: list[str], runs: int = 1000) -> str:
    """p50/p99 latency of suggest() on one comment after load."""
    from classifier import load_model

    model = load_model(model_dir)
    model.suggest(["ウォームアップ"])
    times = []
    for i in range(runs):
        start = time.perf_counter()
        model.suggest([texts[i % len(texts)]])
        times.append((time.perf_counter() - start) * 1000)
    times.sort()
    return f"predict one comment: p50 {statistics.median(times):.2f} ms, p99 {times[int(runs * 0.99)]:.2f} ms"


def bench_load(model_dir: Path) -> str:
    """Fresh process: import, load model, build Tagger by a first suggestion."""
    code = ("import time;t=time.perf_counter();import classifier;"
            f"m=classifier.load_model({str(model_dir)!r});m.suggest(['会議室']);"
            "print(time.perf_counter()-t)")
    runs = [float(subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                                 check=True).stdout) for _ in range(3)]
    return f"load (import + model + tagger + first suggestion, fresh process): best {min(runs):.2f} s of 3"


def bench_train(n: int) -> str:
    """Fit on draft + seed + n synthetic comments (with the calibration hold-out)."""
    base = training_examples(DEFAULT_CONSULTATION_DIR)
    extra = [Example(r["text"], r["label"]) for r in synthetic(n)]
    start = time.perf_counter()
    fit_examples(base + extra)
    return f"train on {n:,} synthetic comments + draft + seed: {time.perf_counter() - start:.1f} s"


def bench_tokenizer() -> str:
    """Throughput of JapaneseTokenizer vs bare fugashi iterating surfaces on the same texts."""
    import fugashi

    consultation = load_consultation(DEFAULT_CONSULTATION_DIR)
    texts = [s["body"] for s in consultation["sections"]] * 20
    chars = sum(map(len, texts))
    tagger = fugashi.Tagger()
    tokenizer = JapaneseTokenizer()
    tokenizer(texts[0])
    rates = {"bare": 0.0, "ours": 0.0}
    # CPU time of this (single-threaded) process, best of 5 interleaved rounds: the machine is
    # shared, and wall-clock rates of a single pass swing by ±30 % with the other load.
    for _ in range(5):
        for name, fn in (("bare", lambda t: [w.surface for w in tagger(t)]), ("ours", tokenizer)):
            start = time.process_time()
            for t in texts:
                fn(t)
            rates[name] = max(rates[name], chars / (time.process_time() - start))
    return (f"tokenizer (CPU time, best of 5): ours {rates['ours'] / 1000:.0f}k chars/s, bare fugashi "
            f"{rates['bare'] / 1000:.0f}k chars/s ({rates['ours'] / rates['bare']:.0%})")


def bench_memory(model_dir: Path) -> str:
    """RSS of a process holding the model minus a bare Python with Flask imported."""
    bare = f"import flask;{_RSS}"
    held = (f"import flask,classifier;m=classifier.load_model({str(model_dir)!r});"
            f"m.suggest(['武蔵野プレイスの会議室']*50);{_RSS}")
    kb = [int(subprocess.run([sys.executable, "-c", c], capture_output=True, text=True,
                             check=True).stdout) for c in (bare, held)]
    mb = [k / 1024 for k in kb]
    return f"memory: {mb[1]:.0f} MB with model vs {mb[0]:.0f} MB bare+flask: +{mb[1] - mb[0]:.0f} MB"


def main() -> None:
    """Print every speed and memory figure."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--model", help="saved model directory (default: train a fresh default model)")
    parser.add_argument("--skip-100k", action="store_true")
    args = parser.parse_args()
    print(machine())
    with tempfile.TemporaryDirectory() as tmp:
        model_dir = Path(args.model) if args.model else Path(tmp)
        if not args.model:
            start = time.perf_counter()
            train_default_model(model_dir)
            print(f"train default model (draft + seed): {time.perf_counter() - start:.1f} s")
        texts = [r["text"] for r in synthetic(500, seed=1)]
        meta = json.loads((model_dir / "metadata.json").read_text(encoding="utf-8"))
        print(f"model {meta['version']}, size {(model_dir / 'model.joblib').stat().st_size / 1e6:.1f} MB")
        for line in (bench_predict(model_dir, texts), bench_load(model_dir), bench_tokenizer(),
                     bench_memory(model_dir), bench_train(10_000)):
            print(line, flush=True)
        if not args.skip_100k:
            print(bench_train(100_000), flush=True)


if __name__ == "__main__":
    main()
