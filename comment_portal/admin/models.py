"""What the model pages show: metrics side by side, in words an official can read."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select

from ..extensions import db
from ..models import Comment, CommentStatus, ModelVersion

# (key in classifier.evaluate.metrics, label, is a share shown as a percentage)
METRIC_ROWS = [
    ("accuracy", "正解率（1位の提案が職員の判断と一致）", True),
    ("top2_accuracy", "上位2件のどちらかが一致", True),
    ("macro_f1", "マクロF1（基本施策ごとの精度の平均）", False),
    ("confident_accuracy", "確信度が高い提案の正解率", True),
    ("coverage", "確信度が高い提案の割合（残りは「要確認」）", True),
    ("n", "評価に使った確認済みの意見", False),
]


def format_metric(key: str, value, share: bool) -> str:
    if value is None:
        return "—"
    if key == "n":
        return f"{int(value):,}件"
    return f"{value * 100:.1f}%" if share else f"{value:.3f}"


@dataclass(frozen=True)
class MetricRow:
    label: str
    candidate: str
    active: str
    verdict: str  # "better", "worse" or ""


def candidate_metrics(version: ModelVersion) -> dict | None:
    return (version.metrics or {}).get("candidate_cv")


def compared_metrics(version: ModelVersion) -> dict | None:
    """The metrics of the model that was active when this version was trained, on the same opinions."""
    return (version.metrics or {}).get("active")


def comparison(version: ModelVersion) -> list[MetricRow]:
    """The candidate's cross-validated metrics beside the then-active model's, row by row."""
    candidate, active = candidate_metrics(version) or {}, compared_metrics(version) or {}
    rows = []
    for key, label, share in METRIC_ROWS:
        c, a = candidate.get(key), active.get(key)
        verdict = ""
        if key != "n" and c is not None and a is not None and abs(c - a) > 1e-9:
            verdict = "better" if c > a else "worse"
        rows.append(MetricRow(label, format_metric(key, c, share), format_metric(key, a, share), verdict))
    return rows


def summary(version: ModelVersion) -> str:
    """One line for the versions table: the accuracy it was measured with, when known."""
    metrics = candidate_metrics(version)
    if not metrics:
        return "—"
    return f"正解率 {metrics['accuracy'] * 100:.1f}%（確認済み{metrics['n']:,}件で交差検証）"


def training_total(version: ModelVersion) -> int:
    return sum((version.training_counts or {}).values())


def confirmed_count() -> int:
    """How many confirmed opinions a new model would learn from."""
    return db.session.scalar(select(func.count()).select_from(Comment).where(
        Comment.status == CommentStatus.CONFIRMED, Comment.confirmed_policy.is_not(None)))
