"""Base form and validators shared by every form: input normalised once, Japanese messages."""

import unicodedata
from urllib.parse import unquote_to_bytes

from flask import g, has_request_context, request
from flask_wtf import FlaskForm
from wtforms.validators import ValidationError

# Characters a person never types on purpose: C0/C1 controls (but tab and line
# breaks), lone surrogates, and U+FFFD, which is what invalid UTF-8 decodes to.
ALLOWED_CONTROLS = {"\n", "\t"}
REJECTED_CHARACTERS = {"\ufffd", "\ufffe", "\uffff"}


def normalise_text(value):
    """Unify line breaks and strip surrounding white space; leave the words as typed."""
    if not isinstance(value, str):
        return value
    return value.replace("\r\n", "\n").replace("\r", "\n").strip()


class BaseForm(FlaskForm):
    class Meta(FlaskForm.Meta):
        def bind_field(self, form, unbound_field, options):
            options["filters"] = [*options.get("filters", ()), normalise_text]
            return unbound_field.bind(form=form, **options)


def has_forbidden_characters(text: str) -> bool:
    for char in text:
        if char in ALLOWED_CONTROLS:
            continue
        if char in REJECTED_CHARACTERS or unicodedata.category(char) in ("Cc", "Cs"):
            return True
    return False


def invalid_utf8_fields() -> set[str]:
    """Names of url-encoded fields whose bytes are not UTF-8.

    Werkzeug keeps such bytes as literal '%FF' text instead of failing, so the
    raw body is checked once per request (multipart fields decode to U+FFFD).
    A form without a '%' in any decoded name or value has no such bytes: the raw
    body is only read when one has.
    """
    if not has_request_context() or request.mimetype != "application/x-www-form-urlencoded":
        return set()
    if "invalid_utf8_fields" not in g:
        has_escapes = any("%" in k or "%" in v for k, v in request.form.items(multi=True))
        g.invalid_utf8_fields = _undecodable_fields(request.get_data(cache=True)) if has_escapes else set()
    return g.invalid_utf8_fields


def _undecodable_fields(body: bytes) -> set[str]:
    bad = set()
    for pair in body.split(b"&"):
        name, _, value = pair.partition(b"=")
        try:
            unquote_to_bytes(value.replace(b"+", b" ")).decode("utf-8")
        except UnicodeDecodeError:
            bad.add(unquote_to_bytes(name).decode("utf-8", "replace"))
    return bad


class PlainText:
    """Rejects control characters and invalid UTF-8, with a message that says which."""

    message = "使用できない文字（制御文字や文字化けした文字）が含まれています。その文字を削除してください。"

    def __call__(self, form, field):
        if isinstance(field.data, str) and (
            has_forbidden_characters(field.data) or field.name in invalid_utf8_fields()
        ):
            raise ValidationError(self.message)


class MaxChars:
    """A limit in characters, the way the live counter counts them."""

    def __init__(self, limit: int, label: str):
        self.limit, self.label = limit, label

    def __call__(self, form, field):
        length = len(field.data or "")
        if length > self.limit:
            raise ValidationError(
                f"{self.label}は{self.limit:,}文字以内で入力してください（現在{length:,}文字）。"
            )
