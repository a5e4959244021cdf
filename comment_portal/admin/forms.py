"""Forms of the account pages."""

from wtforms import PasswordField, SelectField, StringField
from wtforms.validators import DataRequired, EqualTo, ValidationError

from ..auth.accounts import ROLE_LABELS
from ..forms import BaseForm, PlainText
from ..models import Role

ROLE_CHOICES = {role.value: label for role, label in ROLE_LABELS.items()}


def _known_role(form, field):
    if field.data not in {r.value for r in Role}:
        raise ValidationError("役割を一覧から選んでください。")


class NewPasswordMixin:
    password = PasswordField("新しいパスワード（12文字以上）",
                             validators=[DataRequired(message="パスワードを入力してください。")])
    confirm = PasswordField("新しいパスワード（確認のためもう一度）", validators=[
        DataRequired(message="確認のため、パスワードをもう一度入力してください。"),
        EqualTo("password", message="2つのパスワードが一致しません。")])


class AccountForm(NewPasswordMixin, BaseForm):
    login = StringField("ログインID", validators=[DataRequired(message="ログインIDを入力してください。"), PlainText()])
    role = SelectField("役割", choices=ROLE_CHOICES, validators=[_known_role], validate_choice=False)


class RoleForm(BaseForm):
    role = SelectField("役割", choices=ROLE_CHOICES, validators=[_known_role], validate_choice=False)


class PasswordResetForm(NewPasswordMixin, BaseForm):
    pass


class ActionForm(BaseForm):
    """Only the CSRF token (activate, deactivate, unlock)."""
