"""Forms of the redaction pages: a decision on a proposed mask, and a mask chosen by staff."""

from wtforms import HiddenField, StringField
from wtforms.validators import ValidationError

from ..forms import BaseForm, MaxChars, PlainText

REASON_MAX_CHARS = 200


class DecisionForm(BaseForm):
    decision = HiddenField()
    note = StringField("伏せない理由（任意）", validators=[PlainText(), MaxChars(REASON_MAX_CHARS, "理由")])

    def validate_decision(self, field):
        if field.data not in ("accept", "reject"):
            raise ValidationError("「伏せる」か「伏せない」を選んでください。")


class ManualForm(BaseForm):
    """Either a range selected in the text (start/end, filled in by the page's script) or an exact text."""

    text = StringField("伏せる文字列", validators=[PlainText(), MaxChars(200, "伏せる文字列")])
    start = HiddenField()
    end = HiddenField()
    reason = StringField("伏せる理由", validators=[PlainText(), MaxChars(REASON_MAX_CHARS, "理由")])

    def validate_reason(self, field):
        if not field.data:
            raise ValidationError("伏せる理由を入力してください（例：第三者の氏名のため）。")

    def selected_range(self) -> tuple[int | None, int | None]:
        """The selected range, or (None, None) when none was selected or it is unreadable."""
        raw = (self.start.data or "", self.end.data or "")
        if all(v.isascii() and v.isdigit() and len(v) < 9 for v in raw):
            return int(raw[0]), int(raw[1])
        return None, None
