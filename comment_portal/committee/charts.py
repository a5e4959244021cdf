"""Server-rendered bar charts: readable without JavaScript, with a text alternative and a data table."""

from __future__ import annotations

from dataclasses import dataclass

from flask import render_template
from markupsafe import Markup

from .digest import Digest

BAR_HEIGHT = 26
BAR_GAP = 10
LABEL_WIDTH = 300
CHART_WIDTH = 720
VALUE_WIDTH = 80
LABEL_CHARS = 20
# Column chart (opinions per day): one column per day, a date label every few days.
COLUMN_AREA = 180
COLUMN_TOP = 24
COLUMN_AXIS = 40
MAX_COLUMN_WIDTH = 36


@dataclass(frozen=True)
class Bar:
    label: str
    value: int
    y: int
    width: int


@dataclass(frozen=True)
class TableRow:
    """A row of the chart's data table: full label, opinions, people."""

    label: str
    opinions: int
    people: int


@dataclass(frozen=True)
class BarChart:
    chart_id: str
    title: str
    bars: list[Bar]
    height: int
    rows: tuple[TableRow, ...] = ()
    label_width: int = LABEL_WIDTH
    width: int = CHART_WIDTH

    @property
    def description(self) -> str:
        """The text alternative: every bar's label and value."""
        return "、".join(f"{bar.label} {bar.value}件" for bar in self.bars) or "データはありません"


@dataclass(frozen=True)
class Column:
    label: str  # the full date, for the text alternative
    tick: str  # shown under the column ("" for most days)
    value: int
    x: int
    y: int
    height: int


@dataclass(frozen=True)
class ColumnChart:
    chart_id: str
    title: str
    columns: list[Column]
    column_width: int
    rows: tuple[TableRow, ...] = ()
    width: int = CHART_WIDTH
    height: int = COLUMN_TOP + COLUMN_AREA + COLUMN_AXIS
    baseline: int = COLUMN_TOP + COLUMN_AREA

    @property
    def description(self) -> str:
        return "、".join(f"{c.label} {c.value}件" for c in self.columns) or "データはありません"

    @property
    def largest(self) -> int:
        return max((c.value for c in self.columns), default=0)


def bar_chart(chart_id: str, title: str, items: list[tuple[str, int]], rows: tuple[TableRow, ...] = ()) -> BarChart:
    """Horizontal bars scaled to the largest value."""
    largest = max((value for _, value in items), default=0) or 1
    room = CHART_WIDTH - LABEL_WIDTH - VALUE_WIDTH
    bars = [
        Bar(label, value, index * (BAR_HEIGHT + BAR_GAP), round(room * value / largest))
        for index, (label, value) in enumerate(items)
    ]
    return BarChart(chart_id, title, bars, max(len(bars), 1) * (BAR_HEIGHT + BAR_GAP), rows)


def column_chart(chart_id: str, title: str, items: list[tuple[str, str, int]],
                 rows: tuple[TableRow, ...] = ()) -> ColumnChart:
    """Vertical columns (label, tick, value) scaled to the largest value, for a series over time."""
    largest = max((value for _, _, value in items), default=0) or 1
    step = (CHART_WIDTH - 40) / max(len(items), 1)
    width = max(2, min(MAX_COLUMN_WIDTH, round(step * 0.7)))
    columns = []
    for index, (label, tick, value) in enumerate(items):
        height = round(COLUMN_AREA * value / largest)
        x = 20 + round(index * step + (step - width) / 2)
        columns.append(Column(label, tick, value, x, COLUMN_TOP + COLUMN_AREA - height, height))
    return ColumnChart(chart_id, title, columns, width, rows)


def render_chart(chart: BarChart | ColumnChart, table_open: bool = False) -> Markup:
    """The chart's figure: SVG with <title>/<desc>, and its data table (open when printing)."""
    svg = "committee/_column_chart.svg" if isinstance(chart, ColumnChart) else "committee/_bar_chart.svg"
    return Markup(render_template("committee/_chart.html", chart=chart, svg=svg, label_chars=LABEL_CHARS,
                                  table_open=table_open))


def _rows(counts) -> tuple[TableRow, ...]:
    return tuple(TableRow(c.label, c.opinions, c.people) for c in counts)


def digest_charts(digest: Digest) -> list[BarChart | ColumnChart]:
    """The four overview charts: per policy, per section, per respondent attribute, per day."""
    policies = [(p.label, p.tally.opinions) for p in digest.policies]
    policy_rows = tuple(TableRow(p.heading, p.tally.opinions, p.tally.people)
                        for p in digest.policies)
    days = digest.by_day
    tick_every = max(1, round(len(days) / 10))
    day_items = [(f"{d.day.month}月{d.day.day}日", f"{d.day.month}/{d.day.day}" if i % tick_every == 0 else "",
                  d.opinions) for i, d in enumerate(days)]
    day_rows = tuple(TableRow(f"{d.day.month}月{d.day.day}日", d.opinions, d.people) for d in days)
    return [
        bar_chart("chart-policy", "基本施策ごとの意見の件数", policies, policy_rows),
        bar_chart("chart-section", "該当箇所ごとの意見の件数",
                  [(c.short or c.label, c.opinions) for c in digest.by_section], _rows(digest.by_section)),
        bar_chart("chart-attribute", "区分（在住・在勤など）ごとの意見の件数",
                  [(c.label, c.opinions) for c in digest.by_attribute], _rows(digest.by_attribute)),
        column_chart("chart-day", "受付日ごとの意見の件数", day_items, day_rows),
    ]

