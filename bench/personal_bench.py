"""Speed of the personal-data detector (printed, not asserted).

For each kind of hostile input, the seconds `find_personal_data` takes on one 100,000-character
comment (best and worst of --repeat runs; the target is 1 s on the 2-core machine), then the throughput
on ordinary comments (the consultation's seed and demo opinions).

Usage: python bench/personal_bench.py [--repeat 3] [--size 100000]
"""

from __future__ import annotations

import argparse
import json
import re
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from classifier import DEFAULT_CONSULTATION_DIR  # noqa: E402
from classifier.personal import find_personal_data  # noqa: E402

LETTER = ("市民活動の推進について意見します。窓口の桐山さんに大変お世話になりました。\n"
          "集会室の予約をもっと簡単にしてください。電話0422-99-1234、武蔵野市中町1-2-3。\n"
          "以上\n桜堤二丁目　上杉 正志\nuesugi@example.jp\n")


def hostile_inputs(n: int) -> dict[str, str]:
    """One text of n characters per kind of input that could make a pattern or the tokenizer slow."""
    def repeat(unit: str) -> str:
        return (unit * (n // len(unit) + 1))[:n]

    return {
        "digits": repeat("7"),
        "full-width digits": repeat("７"),
        "one kanji": repeat("森"),
        "kanji numerals": repeat("一"),
        "hiragana": repeat("あ"),
        "katakana": repeat("ア"),
        "half-width katakana": repeat("ｱ"),
        "latin letters": repeat("a"),
        "emoji": repeat("😀"),
        "hyphens": repeat("-"),
        "digit/hyphen": repeat("1-"),
        "digits/hyphen": repeat("12-"),
        "1-chome runs": repeat("1丁目"),
        "1-ban runs": repeat("1番"),
        "town + digit": repeat("町1"),
        "@ runs": repeat("a@"),
        "dot runs": repeat("a."),
        "zero-width + digit": repeat("\u200b7"),
        "parentheses": repeat("("),
        "name labels (shimei:)": repeat("氏名："),
        "katakana with middle dots": repeat("ア・"),
        "honorifics (Tanaka-san)": repeat("田中さん"),
        "name lines": repeat("山田 花子\n"),
        "mixed letter with personal data": repeat(LETTER),
    }


def machine() -> str:
    nproc = subprocess.run(["nproc"], capture_output=True, text=True).stdout.strip()
    lscpu = subprocess.run(["lscpu"], capture_output=True, text=True).stdout
    model = re.search(r"Model name:\s*(.+)", lscpu)
    date = subprocess.run(["date", "-u"], capture_output=True, text=True).stdout.strip()
    load = Path("/proc/loadavg").read_text().split()[:3]
    return (f"{nproc} cores, {model[1].strip() if model else '?'}, {date}, Python {sys.version.split()[0]}, "
            f"load average {' '.join(load)}")


def ordinary_comments() -> list[str]:
    texts = []
    for name in ("seed_examples.jsonl", "demo_opinions.jsonl"):
        path = DEFAULT_CONSULTATION_DIR / name
        texts += [json.loads(line)["text"] for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    return texts


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--size", type=int, default=100_000)
    args = parser.parse_args()
    print(machine())

    start = time.perf_counter()
    find_personal_data("窓口の山田さん")
    print(f"first call (loads the UniDic tagger): {time.perf_counter() - start:.2f} s\n")

    print(f"{'input (' + format(args.size, ',') + ' characters)':34} {'best s':>7} {'worst s':>8} {'spans':>6}")
    worst_overall = 0.0
    for name, text in hostile_inputs(args.size).items():
        times, spans = [], []
        for _ in range(args.repeat):
            start = time.perf_counter()
            spans = find_personal_data(text)
            times.append(time.perf_counter() - start)
        worst_overall = max(worst_overall, max(times))
        print(f"{name:34} {min(times):7.3f} {max(times):8.3f} {len(spans):6}")
    print(f"{'slowest of all runs':34} {'':7} {worst_overall:8.3f}  (target: 1 s)\n")

    texts = ordinary_comments()
    latencies = []
    start = time.perf_counter()
    for text in texts:
        t0 = time.perf_counter()
        find_personal_data(text)
        latencies.append(time.perf_counter() - t0)
    total = time.perf_counter() - start
    chars = sum(map(len, texts))
    latencies.sort()
    print(f"ordinary comments: {len(texts)} texts, {chars:,} characters in {total:.2f} s = "
          f"{len(texts) / total:,.0f} comments/s, {chars / total:,.0f} characters/s")
    print(f"per comment: median {statistics.median(latencies) * 1000:.2f} ms, "
          f"p95 {latencies[int(len(latencies) * 0.95)] * 1000:.2f} ms, max {latencies[-1] * 1000:.2f} ms")


if __name__ == "__main__":
    main()
