"""Forms of the review pages: a decision on one opinion, its memo, and bulk actions on a selection."""

import unicodedata

from wtforms import HiddenField, SelectMultipleField, StringField, TextAreaField
from wtforms.validators import ValidationError

from ..forms import BaseForm, MaxChars, PlainText

MEMO_MAX_CHARS = 2000
DECISION_ACTIONS = ("suggestion", "confirm", "offtopic", "spam", "duplicate", "unlink", "reopen")
BULK_ACTIONS = ("suggestions", "confirm", "offtopic")


def parse_comment_number(text: str | None) -> int | None:
    """'#12', '１２' or ' 12 ' → 12; None when it is not a number."""
    raw = unicodedata.normalize("NFKC", text or "").strip().lstrip("#").strip()
    return int(raw) if raw.isascii() and raw.isdigit() and len(raw) < 10 else None


class DecisionForm(BaseForm):
    """The codes are checked by the decision itself (review.decisions), against the consultation."""

    action = HiddenField()
    policy = StringField("基本施策")
    secondary = SelectMultipleField("複数該当", validate_choice=False)
    duplicate_of = StringField("同じ内容の意見の番号")

    def validate_action(self, field):
        if field.data not in DECISION_ACTIONS:
            raise ValidationError("操作を選んでください。")

    def validate_duplicate_of(self, field):
        if self.action.data == "duplicate" and parse_comment_number(field.data) is None:
            raise ValidationError("同じ内容の意見の番号（#の後の数字）を入力してください。")


class MemoForm(BaseForm):
    memo = TextAreaField("内部メモ", validators=[PlainText(), MaxChars(MEMO_MAX_CHARS, "内部メモ")])


class BulkForm(BaseForm):
    action = HiddenField()
    ids = SelectMultipleField("選択した意見", validate_choice=False)
    policy = StringField("基本施策")

    def validate_action(self, field):
        if field.data not in BULK_ACTIONS:
            raise ValidationError("操作を選んでください。")

    def validate_ids(self, field):
        numbers = [parse_comment_number(value) for value in field.data or []]
        if not numbers or None in numbers:
            raise ValidationError("意見を1件以上選んでください。")
        field.data = numbers

    def validate_policy(self, field):
        if self.action.data == "confirm" and not field.data:
            raise ValidationError("確定する基本施策を選んでください。")
