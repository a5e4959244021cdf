"""Forms of the answers area: splitting, answers and approval, paper entries."""

from __future__ import annotations

import re
import unicodedata
from datetime import date

from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    FieldList,
    Form,
    FormField,
    HiddenField,
    RadioField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.validators import ValidationError

from ..forms import BaseForm, MaxChars, PlainText
from ..intake.forms import CommentForm, section_choices
from ..labels import CHANNEL_LABELS
from ..models import OUTCOME_LABELS, Consultation, Outcome
from ..timeutil import tokyo_today
from .paper import PAPER_CHANNELS, received_date_problem
from .splitting import Piece

PAPER_BODY_MAX_CHARS = 20000  # letters have no web limit; the whole text must fit
SEPARATORS = re.compile(r"[\s,、，;；#＃]+")


def to_int(value) -> int | None:
    """'１２' and ' 12 ' are 12; anything else, or beyond an INTEGER column, is None (never an exception)."""
    text = unicodedata.normalize("NFKC", str(value or "")).strip()
    return int(text) if text.isascii() and text.isdigit() and len(text) < 10 else None


def parse_ids(text: str) -> list[int] | None:
    """'12, 15、#18' → [12, 15, 18]; None when a part is not a number."""
    parts = [p for p in SEPARATORS.split(unicodedata.normalize("NFKC", text or "")) if p]
    numbers = [to_int(p) for p in parts]
    return None if any(n is None for n in numbers) else numbers


# --- Splitting --------------------------------------------------------------------------------

class PieceRow(Form):
    start = StringField("開始位置")
    end = StringField("終了位置")
    section = SelectField("該当箇所", validate_choice=False)


class SplitForm(FlaskForm):
    """Rows of ranges. A FlaskForm: FieldList takes no filters, and the rows are parsed below."""

    pieces = FieldList(FormField(PieceRow), min_entries=1)

    def __init__(self, consultation: Consultation, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.consultation = consultation
        self.parsed: list[Piece] = []
        self.messages: list[str] = []  # every problem, one per line (a field keeps only one)
        for row in self.pieces:
            row.form.section.choices = section_choices(consultation)

    def add_row(self) -> None:
        self.pieces.append_entry()
        self.pieces[-1].form.section.choices = section_choices(self.consultation)

    def validate_pieces(self, field):
        messages = self.messages
        for number, row in enumerate(field, start=1):
            start_text, end_text = (row.form.start.data or "").strip(), (row.form.end.data or "").strip()
            if not start_text and not end_text:
                continue
            start, end = to_int(start_text), to_int(end_text)
            if start is None or end is None:
                messages.append(f"{number}行目：開始位置と終了位置を0以上の整数で入力してください。")
                continue
            code = row.form.section.data or ""
            section = self.consultation.section_by_code(code) if code else None
            if code and section is None:
                messages.append(f"{number}行目：該当箇所の選択が正しくありません。")
                continue
            self.parsed.append(Piece(start, end, section, number))
        if not messages and not self.parsed:
            messages.append("意見の範囲を1つ以上入力してください。")
        if messages:
            raise ValidationError(messages[0])


# --- Answers ----------------------------------------------------------------------------------

def _id_or_zero(value) -> int:
    return to_int(value) or 0


class AnswerForm(BaseForm):
    summary = TextAreaField("意見の概要", validators=[PlainText(), MaxChars(2000, "意見の概要")])
    response = TextAreaField("市の考え方", validators=[PlainText(), MaxChars(4000, "市の考え方")])
    outcome = RadioField("対応の区分", choices={o.value: label for o, label in OUTCOME_LABELS.items()},
                         validate_choice=False)
    attach = SelectMultipleField("同じ内容の意見をまとめる", coerce=_id_or_zero, validate_choice=False)
    other_ids = StringField("ほかにまとめる意見の番号", validators=[PlainText()])
    detach = SelectMultipleField("この回答から外す", coerce=_id_or_zero, validate_choice=False)
    action = HiddenField()

    def validate_outcome(self, field):
        if field.data and field.data not in {o.value for o in Outcome}:
            raise ValidationError("対応の区分を一覧から選んでください。")

    def validate_other_ids(self, field):
        if parse_ids(field.data) is None:
            raise ValidationError("意見の番号は数字で入力し、複数のときは「、」か空白で区切ってください。")

    def attach_ids(self) -> tuple[int, ...]:
        return tuple(dict.fromkeys([*(self.attach.data or []), *(parse_ids(self.other_ids.data) or [])]))


class SendBackForm(BaseForm):
    note = TextAreaField("差し戻しの理由", validators=[PlainText(), MaxChars(2000, "差し戻しの理由")])

    def validate_note(self, field):
        if not field.data:
            raise ValidationError("差し戻しの理由を入力してください。")


class ApproveForm(BaseForm):
    """The CSRF token and the version of the answer the approver read."""

    version = HiddenField()

    @property
    def seen_version(self) -> int | None:
        raw = (self.version.data or "").strip()
        return int(raw) if raw.isascii() and raw.isdigit() and len(raw) < 10 else None


class PublishForm(BaseForm):
    """Publishing (or taking down) the results: the approver ticks that they checked the counts."""

    confirm = BooleanField("公表する内容（件数と注意点）を確認しました")

    def validate_confirm(self, field):
        if not field.data:
            raise ValidationError("内容を確認したら、「確認しました」にチェックを入れてください。")


# --- Paper, fax, e-mail and counter entries ---------------------------------------------------

DATE_PATTERN = re.compile(r"^(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?$")


def parse_date(text: str) -> date | None:
    """'2026-11-05', '2026/11/5', '２０２６年１１月５日' → a date; None otherwise."""
    match = DATE_PATTERN.match(unicodedata.normalize("NFKC", text or "").replace(" ", ""))
    if not match:
        return None
    try:
        return date(*(int(g) for g in match.groups()))
    except ValueError:
        return None


class PaperForm(CommentForm):
    """The web form's fields and checks, without consent and honeypot, plus channel and date."""

    consent = None
    website = None
    channel = RadioField("受付方法", choices={c.value: CHANNEL_LABELS[c] for c in PAPER_CHANNELS},
                         validate_choice=False)
    received_on = StringField("受付日（届いた日）")

    def __init__(self, consultation: Consultation, *args, **kwargs):
        super().__init__(consultation, PAPER_BODY_MAX_CHARS, *args, **kwargs)
        self.body.label.text = "意見の本文"
        self.received_date: date | None = None

    def validate_channel(self, field):
        if field.data not in {c.value for c in PAPER_CHANNELS}:
            raise ValidationError("受付方法（郵送・FAX・メール・窓口持参）を選んでください。")

    def validate_received_on(self, field):
        day = parse_date(field.data)
        if day is None:
            raise ValidationError("受付日を「2026-11-05」の形で入力してください。")
        problem = received_date_problem(self.consultation, day, tokyo_today())
        if problem:
            raise ValidationError(problem)
        self.received_date = day
