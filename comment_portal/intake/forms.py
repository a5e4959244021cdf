"""The resident's comment form."""

from wtforms import BooleanField, HiddenField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Email, Optional, ValidationError

from ..forms import BaseForm, MaxChars, PlainText
from ..models import Consultation

NO_SECTION = ""


def section_choices(consultation: Consultation) -> tuple[tuple[str, str], ...]:
    """'第4章 1-2 多様な活動…' style labels, in document order.

    Kept on the consultation object: the resident pages share one for a few seconds
    (consultations.cached_consultation) and build a form on every request.
    """
    choices = getattr(consultation, "_section_choices", None)
    if choices is None:
        choices = ((NO_SECTION, "指定しない（計画全体について・特定の箇所なし）"),) + tuple(
            (section.code, f"{section.chapter.split(' ')[0] if section.chapter else ''} {section.heading}".strip())
            for section in consultation.sections
        )
        consultation._section_choices = choices
    return choices


class CommentForm(BaseForm):
    body = TextAreaField("ご意見", validators=[DataRequired(message="ご意見を入力してください。"), PlainText()])
    section = SelectField("該当箇所", validate_choice=False)
    name = StringField("氏名", validators=[PlainText(), MaxChars(100, "氏名")])
    attribute = SelectField("お住まい・お勤めなどの区分", validate_choice=False)
    email = StringField(
        "メールアドレス",
        validators=[
            Optional(),
            PlainText(),
            MaxChars(254, "メールアドレス"),
            Email(message="メールアドレスの形式が正しくありません（例：taro@example.jp）。"),
        ],
    )
    consent = BooleanField("公表の方法について同意します")
    submission_token = HiddenField()
    # Honeypot: hidden from people, filled in by simple bots.
    website = StringField("この欄には何も入力しないでください")

    def __init__(self, consultation: Consultation, body_max_chars: int, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.consultation = consultation
        self.body.validators = [*self.body.validators, MaxChars(body_max_chars, "ご意見")]
        self.section.choices = section_choices(consultation)
        self.attribute.choices = (("", "選択してください"), *((a, a) for a in consultation.attributes))

    def validate_section(self, field):
        if field.data and consultation_has_no(self.consultation, field.data):
            raise ValidationError("該当箇所の選択が正しくありません。一覧から選び直してください。")

    def validate_name(self, field):
        if self.consultation.name_required and not field.data:
            raise ValidationError("氏名を入力してください。")

    def validate_attribute(self, field):
        if field.data not in self.consultation.attributes:
            raise ValidationError("区分を一覧から選んでください。")

    def validate_consent(self, field):
        if not field.data:
            raise ValidationError("公表の方法をご確認のうえ、同意欄にチェックを入れてください。")

    def validate_submission_token(self, field):
        token = field.data or ""
        if not (16 <= len(token) <= 64 and token.isalnum() and token.isascii()):
            raise ValidationError("送信内容を確認できませんでした。入力画面を開き直してください。")


def consultation_has_no(consultation: Consultation, code: str) -> bool:
    return consultation.section_by_code(code) is None
