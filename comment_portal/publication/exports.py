"""Exports: the staff CSV, the publication table 「意見の概要と市の考え方」 (.xlsx and print page), training JSON Lines.

No export carries the submission form's personal data (name, e-mail, IP hash); comment texts go
out through the one masking function (masking.comment_text): masked, or a placeholder until scanned.
"""

from __future__ import annotations

import csv
import io
import json
import unicodedata
from collections.abc import Iterator

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from sqlalchemy import select
from sqlalchemy.orm import joinedload, selectinload

from ..extensions import db
from ..labels import ANSWER_STATUS_LABELS, CHANNEL_LABELS, policy_label, status_label
from ..masking import comment_text
from ..models import OUTCOME_LABELS, Comment, CommentStatus, Consultation, Submission
from ..suggestions import section_label
from ..timeutil import TOKYO
from .table import PublicationTable, publication_table  # noqa: F401 (views build the table through exports)

FORMULA_PREFIXES = ("=", "+", "-", "@")
# The form's name, e-mail and IP hash are deliberately absent: this file leaves the system.
CSV_HEADER = [
    "意見番号", "受付番号", "受付方法", "受付日", "提出日時（日本時間）", "区分（在住・在勤など）", "該当箇所",
    "受付時の提案", "受付時の提案の確率", "最新の提案", "最新の提案の確率", "要確認", "確定した基本施策",
    "複数該当", "状態", "重複元の意見番号", "意見（公表用に伏せ字済み）", "意見の概要", "市の考え方", "対応",
    "回答の状態",
]
PUBLICATION_HEADER = ["No.", "該当箇所", "意見の概要", "市の考え方", "対応", "件数"]


def looks_like_formula(text: str) -> bool:
    """Whether a spreadsheet might read the text as a formula: =+-@ (half- or full-width, ＝＋－＠), a tab or
    a line break first, also behind leading spaces or invisible format characters (which it may skip)."""
    if text.startswith(("\t", "\r", "\n")):
        return True
    head = text.lstrip(" \u3000")
    while head and unicodedata.category(head[0]) == "Cf":
        head = head[1:]
    return unicodedata.normalize("NFKC", head[:1]) in FORMULA_PREFIXES


def safe_cell(value) -> str:
    """A CSV cell that spreadsheet programs will not run as a formula."""
    text = "" if value is None else str(value)
    return "'" + text if looks_like_formula(text) else text


def _probability(value: float | None) -> str:
    return "" if value is None else f"{value:.2f}"


def _comments_for_export(consultation: Consultation):
    query = (select(Comment).where(Comment.consultation_id == consultation.id)
             .options(joinedload(Comment.submission), joinedload(Comment.section), joinedload(Comment.answer),
                      selectinload(Comment.suggestions), selectinload(Comment.redactions))
             .join(Submission).order_by(Submission.receipt_number, Comment.id))
    return db.session.scalars(query).unique()


def _csv_row(c: Comment) -> list:
    first, latest, submission, answer = c.first_suggestion, c.latest_suggestion, c.submission, c.answer
    return [
        c.id, submission.receipt_number, CHANNEL_LABELS.get(submission.channel, submission.channel),
        submission.received_on.isoformat(), submission.submitted_at.astimezone(TOKYO).strftime("%Y-%m-%d %H:%M"),
        submission.attribute, section_label(c) or "",
        policy_label(first.policy_code) if first else "", _probability(first.probability if first else None),
        policy_label(latest.policy_code) if latest else "", _probability(latest.probability if latest else None),
        "要確認" if latest is not None and not latest.confident else "",
        policy_label(c.confirmed_policy) if c.confirmed_policy else "",
        "、".join(policy_label(code) for code in c.secondary_policies or []),
        status_label(c), c.duplicate_of_id or "", comment_text(c),
        answer.summary if answer else "", answer.response if answer else "",
        OUTCOME_LABELS.get(answer.outcome, "") if answer and answer.outcome else "",
        ANSWER_STATUS_LABELS.get(answer.status, "") if answer else "",
    ]


def csv_lines(consultation: Consultation) -> Iterator[str]:
    """The staff CSV, piece by piece: a BOM so Excel reads UTF-8, then the header and one row per opinion."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")

    def flush() -> str:
        text = buffer.getvalue()
        buffer.seek(0)
        buffer.truncate()
        return text

    writer.writerow(CSV_HEADER)
    yield "\ufeff" + flush()
    for number, comment in enumerate(_comments_for_export(consultation), 1):
        writer.writerow([safe_cell(v) for v in _csv_row(comment)])
        if number % 500 == 0:
            yield flush()
    yield flush()


def export_csv(consultation: Consultation) -> str:
    return "".join(csv_lines(consultation))


# --- The publication table -----------------------------------------------------------------


def publication_xlsx(table: PublicationTable) -> bytes:
    """The table as an Excel workbook ready to print on A4."""
    wb = Workbook()
    ws = wb.active
    ws.title = "意見の概要と市の考え方"
    ws.append([table.title])
    ws.append([f"提出された意見：{table.counts_line}"])
    ws.append(PUBLICATION_HEADER)
    ws["A1"].font = Font(bold=True, size=14)
    header_fill, thin = PatternFill("solid", fgColor="DDE7F0"), Side(style="thin", color="767676")
    for cell in ws[3]:
        cell.font, cell.fill = Font(bold=True), header_fill
    for group in table.groups:
        ws.append([group.title])
        ws.merge_cells(start_row=ws.max_row, start_column=1, end_row=ws.max_row, end_column=len(PUBLICATION_HEADER))
        ws.cell(ws.max_row, 1).font = Font(bold=True)
        for row in group.rows:
            ws.append([row.number, row.section, row.summary, row.response, row.outcome, row.count_label])
    for line in ws.iter_rows(min_row=3):
        for cell in line:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
            cell.border = Border(top=thin, bottom=thin, left=thin, right=thin)
            if isinstance(cell.value, str) and looks_like_formula(cell.value):
                cell.data_type = "s"  # text, never a formula
    for column, width in zip("ABCDEF", (6, 24, 50, 50, 14, 12), strict=True):
        ws.column_dimensions[column].width = width
    ws.print_title_rows = "3:3"
    ws.page_setup.paperSize, ws.page_setup.orientation = ws.PAPERSIZE_A4, "landscape"
    ws.page_setup.fitToWidth, ws.page_setup.fitToHeight = 1, 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


# --- Training data ---------------------------------------------------------------------------


def training_jsonl(consultation: Consultation) -> str:
    """Confirmed opinions as JSON Lines (text, label, section) for `python -m classifier train --data`."""
    query = (select(Comment).where(Comment.consultation_id == consultation.id,
                                   Comment.status == CommentStatus.CONFIRMED, Comment.confirmed_policy.is_not(None),
                                   Comment.personal_scanned_at.is_not(None))
             .options(joinedload(Comment.section), selectinload(Comment.redactions)).order_by(Comment.id))
    lines = [json.dumps({"text": comment_text(c), "label": c.confirmed_policy, "section": section_label(c)},
                        ensure_ascii=False) for c in db.session.scalars(query)]
    return "".join(line + "\n" for line in lines)
