from wtforms import PasswordField, StringField
from wtforms.validators import DataRequired

from ..forms import BaseForm, PlainText


class LoginForm(BaseForm):
    login = StringField("ログインID", validators=[DataRequired(message="ログインIDを入力してください。"), PlainText()])
    password = PasswordField("パスワード", validators=[DataRequired(message="パスワードを入力してください。")])


class CodeForm(BaseForm):
    code = StringField("確認コード（6桁）",
                       validators=[DataRequired(message="確認コードを入力してください。"), PlainText()])
