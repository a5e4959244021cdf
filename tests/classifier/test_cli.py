"""python -m classifier: predict order, error lines, exit codes; train and evaluate."""

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def run(args, stdin=""):
    """Run the CLI in a subprocess from the repository root."""
    return subprocess.run([sys.executable, "-m", "classifier", *args], input=stdin, text=True,
                          capture_output=True, cwd=ROOT, timeout=120)


def test_predict_answers_in_order_and_reports_bad_lines(model_dir):
    lines = [
        json.dumps({"id": "a", "text": "コミセンの予約をオンラインにしてほしい"}, ensure_ascii=False),
        "this is not json",
        json.dumps({"id": "b", "section": "第4章"}),
        json.dumps({"id": "c", "text": "", "section": "第4章 基本施策1 1-2"}, ensure_ascii=False),
        json.dumps({"id": 4, "text": "補助金の申請が大変です"}, ensure_ascii=False),
    ]
    result = run(["predict", "--model", str(model_dir)], "\n".join(lines) + "\n")
    assert result.returncode != 0
    out = [json.loads(line) for line in result.stdout.splitlines()]
    assert [o["id"] for o in out] == ["a", "c", 4]
    for o in out:
        assert set(o) == {"id", "policy", "scores", "confident", "terms"}
        assert abs(sum(o["scores"].values()) - 1) < 1e-6
    assert "line 2" in result.stderr and "line 3" in result.stderr
    assert "line 4" not in result.stderr


def test_predict_clean_input_exits_zero(model_dir):
    result = run(["predict", "--model", str(model_dir)], json.dumps({"id": 1, "text": "テスト"}) + "\n")
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["id"] == 1


def test_predict_with_missing_model_fails_clearly(tmp_path):
    result = run(["predict", "--model", str(tmp_path / "none")], "")
    assert result.returncode == 2
    assert "no model metadata" in result.stderr


def test_train_with_data_and_evaluate(tmp_path):
    data = tmp_path / "extra.jsonl"
    rows = [{"text": "図書館の開館時間を延ばしてほしい", "label": "other"},
            {"text": "団体の会計講座を開いてほしい", "label": "2", "section": "第4章 基本施策2"}]
    data.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in rows) + "\n", encoding="utf-8")
    out = tmp_path / "model"
    result = run(["train", "--data", str(data), "--out", str(out)])
    assert result.returncode == 0, result.stderr
    assert (out / "metadata.json").exists()
    result = run(["evaluate", "--data", str(data), "--model", str(out)])
    assert result.returncode == 0, result.stderr
    assert "accuracy=" in result.stdout and "confusion" in result.stdout


def test_train_rejects_bad_data(tmp_path):
    data = tmp_path / "bad.jsonl"
    data.write_text('{"text": "ok", "label": "1"}\n{"label": "2"}\n', encoding="utf-8")
    result = run(["train", "--data", str(data), "--out", str(tmp_path / "m")])
    assert result.returncode == 2
    assert ":2:" in result.stderr


def test_group_answers_in_order_and_reports_bad_lines():
    body = "活動の場が足りないので、団体が使える部屋を確保してください。施設の予約をネットでできるようにしてください。"
    lines = [
        json.dumps({"id": "a", "text": "いつもお世話になっております。\n" + body}, ensure_ascii=False),
        "{broken",
        json.dumps({"id": "b", "text": "補助金の申請書類を減らしてください。"}, ensure_ascii=False),
        json.dumps({"id": "c"}),
        json.dumps({"id": 3, "text": "・" + body + "\n以上"}, ensure_ascii=False),
        json.dumps({"id": "e", "text": ""}),
    ]
    result = run(["group"], "\n".join(lines) + "\n")
    assert result.returncode == 1
    out = [json.loads(line) for line in result.stdout.splitlines()]
    assert [o["id"] for o in out] == ["a", "b", 3, "e"]
    assert all(set(o) == {"id", "group"} for o in out)
    groups = [o["group"] for o in out]
    assert groups[0] == groups[2] and len(set(groups)) == 3
    assert "line 2" in result.stderr and "line 4" in result.stderr and "line 5" not in result.stderr


def test_group_clean_and_empty_input_exit_zero():
    result = run(["group"], json.dumps({"id": 1, "text": "テスト"}) + "\n")
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == {"id": 1, "group": 0}
    assert run(["group"], "").returncode == 0
