"""`python -m classifier personal`: JSON Lines in, one line of spans per good input line out, in order."""

import io
import json
import subprocess
import sys
from pathlib import Path

from classifier.__main__ import main

ROOT = Path(__file__).resolve().parents[2]
KINDS = {"name", "address", "phone", "email", "other"}


def run_main(stdin_text: str, argv=("personal",)):
    stdin, stdout, stderr = io.StringIO(stdin_text), io.StringIO(), io.StringIO()
    old = sys.stdin, sys.stdout, sys.stderr
    sys.stdin, sys.stdout, sys.stderr = stdin, stdout, stderr
    try:
        status = main(list(argv))
    finally:
        sys.stdin, sys.stdout, sys.stderr = old
    return status, stdout.getvalue(), stderr.getvalue()


def test_ids_are_echoed_in_order_with_character_offsets():
    rows = [
        {"id": "a", "text": "😀😀 窓口の桐山さんに電話 0422-99-1234"},
        {"id": 7, "text": "特にありません。"},
        {"id": None, "text": "以上\n\n上杉 正志\nuesugi@example.jp"},
    ]
    status, out, err = run_main("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows))
    assert status == 0 and err == ""
    answers = [json.loads(line) for line in out.splitlines()]
    assert [a["id"] for a in answers] == ["a", 7, None]
    assert answers[1]["spans"] == []
    for row, answer in zip(rows, answers, strict=True):
        for span in answer["spans"]:
            assert set(span) >= {"start", "end", "kind"} and span["kind"] in KINDS
            assert row["text"][span["start"]:span["end"]] == span["text"]
    first = answers[0]["spans"]
    assert [(s["kind"], s["start"]) for s in first] == [("name", 6), ("phone", 14)]
    assert [s["kind"] for s in answers[2]["spans"]] == ["name", "email"]


def test_bad_lines_are_reported_on_stderr_and_the_rest_answered():
    lines = [
        json.dumps({"id": 1, "text": "電話 0422-99-1234"}),
        "not json",
        json.dumps({"id": 2}),
        json.dumps(["text"]),
        "",
        json.dumps({"id": 3, "text": "なし"}),
    ]
    status, out, err = run_main("\n".join(lines) + "\n")
    assert status == 1
    assert [json.loads(line)["id"] for line in out.splitlines()] == [1, 3]
    assert "line 2" in err and "line 3" in err and "line 4" in err and "line 5" not in err


def test_the_consultation_option_chooses_the_town_list(tmp_path):
    (tmp_path / "towns.txt").write_text("桜堤\n", encoding="utf-8")
    line = json.dumps({"id": 1, "text": "桜堤さんと西久保さん"}, ensure_ascii=False) + "\n"
    status, out, _ = run_main(line, ["--consultation", str(tmp_path), "personal"])
    assert status == 0
    assert [s["text"] for s in json.loads(out)["spans"]] == ["西久保"]


def test_the_command_runs_as_a_module():
    line = json.dumps({"id": "x", "text": "メールは taro at example dot jp まで"}) + "\n"
    done = subprocess.run([sys.executable, "-m", "classifier", "personal"], input=line, capture_output=True,
                          text=True, cwd=ROOT, timeout=120)
    assert done.returncode == 0, done.stderr
    answer = json.loads(done.stdout)
    assert answer["id"] == "x"
    assert [(s["kind"], s["text"]) for s in answer["spans"]] == [("email", "taro at example dot jp")]
