"""A resident's receipt number → the rows of the published table that include their opinions.

Says only what the holder of the number may know: which rows, and how many of their opinions
are not (or not yet) in the table. Nothing about any other receipt.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from sqlalchemy import select

from ..extensions import db
from ..models import CommentStatus, Consultation, Submission
from ..publication.table import PublicationRow, PublicationTable
from ..receipts import ALPHABET, GROUP, normalise_receipt_number

MAX_INPUT_CHARS = 40
RECEIPT_PATTERN = re.compile(rf"^[{ALPHABET}]{{{GROUP}}}-[{ALPHABET}]{{{GROUP}}}$")


@dataclass(frozen=True)
class ReceiptLookup:
    """What a lookup found; `problem` is a Japanese message when the input was not a receipt number."""

    number: str
    problem: str = ""
    found: bool = False
    rows: list[PublicationRow] = field(default_factory=list)
    not_yet: int = 0
    not_considered: int = 0

    @property
    def numbers(self) -> set[int]:
        return {row.number for row in self.rows}


def receipt_problem(text: str) -> str:
    """Why the text cannot be a receipt number (Japanese), or ''."""
    if len(text) > MAX_INPUT_CHARS or not RECEIPT_PATTERN.match(normalise_receipt_number(text)):
        return "受付番号は「K7M4-9QXT」のように、英字と数字の8文字で入力してください。"
    return ""


def look_up(consultation: Consultation, table: PublicationTable, text: str) -> ReceiptLookup:
    """Match a receipt number (as typed) to the published rows of its submission."""
    problem = receipt_problem(text)
    number = "" if problem else normalise_receipt_number(text)
    if problem:
        return ReceiptLookup(number=number, problem=problem)
    submission = db.session.scalar(
        select(Submission).filter_by(receipt_number=number, consultation_id=consultation.id)
    )
    if submission is None:
        return ReceiptLookup(number=number)
    rows = table.rows_of_submission(submission.id)
    shown = set().union(*(row.comment_ids for row in rows))
    missing = [c for c in submission.comments if c.id not in shown]
    excluded = sum(1 for c in missing if c.status is CommentStatus.EXCLUDED)
    return ReceiptLookup(number=number, found=True, rows=rows, not_yet=len(missing) - excluded,
                         not_considered=excluded)
