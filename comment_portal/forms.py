"""Base form and validators shared by every form: input normalised once, Japanese messages."""

import re
import unicodedata
from urllib.parse import unquote_to_bytes

from flask import g, has_request_context, request
from flask_wtf import FlaskForm
from wtforms.validators import ValidationError

# Characters a person never types on purpose: C0/C1 controls (but tab and line
# breaks), lone surrogates, and U+FFFD, which is what invalid UTF-8 decodes to.
ALLOWED_CONTROLS = {"\n", "\t"}
REJECTED_CHARACTERS = {"\ufffd", "\ufffe", "\uffff"}


_ZWJ, _BLACK_FLAG = "\u200d", "\U0001f3f4"


def _is_pictograph(char: str) -> bool:
    """Emoji and their modifiers (what a zero-width joiner may join)."""
    code = ord(char)
    return (0x1F000 <= code <= 0x1FAFF or 0x2600 <= code <= 0x27BF or code == 0xFE0F
            or unicodedata.category(char) == "So")


def _invisible_flags(text: str) -> list[bool]:
    """For each character: is it a format or private-use character that hides or reorders text?

    Bidi controls, zero-width characters, tags, soft hyphens and private-use characters are. Kept: a
    zero-width joiner inside an emoji sequence, the tag characters of a flag (🏴 + tags), and variation
    selectors (not format characters), which choose a 異体字 or an emoji style. One pass, linear in length.
    """
    flags, in_flag_tags = [], False
    last = len(text) - 1
    for index, char in enumerate(text):
        code = ord(char)
        if 0xE0000 <= code <= 0xE007F:
            in_flag_tags = in_flag_tags or (index > 0 and text[index - 1] == _BLACK_FLAG)
            flags.append(not in_flag_tags)
            continue
        in_flag_tags = False
        category = unicodedata.category(char)
        if char == _ZWJ:
            flags.append(not (0 < index < last and _is_pictograph(text[index - 1]) and _is_pictograph(text[index + 1])))
        else:
            flags.append(category in ("Cf", "Co"))
    return flags


# Every format (Cf) and private-use (Co) character of Unicode 15, to skip the per-character check
# for the texts that have none (nearly all of them).
_MAYBE_INVISIBLE = re.compile(
    "[\u00ad\u0600-\u0605\u061c\u06dd\u070f\u0890\u0891\u08e2\u180e\u200b-\u200f\u202a-\u202e"
    "\u2060-\u2064\u2066-\u206f\ufeff\ufff9-\ufffb\U000110bd\U000110cd\U00013430-\U0001343f"
    "\U0001bca0-\U0001bca3\U0001d173-\U0001d17a\U000e0001-\U000e007f\ue000-\uf8ff\U000f0000-\U0010ffff]"
)


def remove_invisible(text: str) -> str:
    """The text without the characters _invisible_flags marks."""
    if text.isascii() or not _MAYBE_INVISIBLE.search(text):
        return text
    return "".join(char for char, hidden in zip(text, _invisible_flags(text), strict=True) if not hidden)


def normalise_text(value):
    """Unify line breaks, drop invisible format characters, strip surrounding white space; words as typed."""
    if not isinstance(value, str):
        return value
    return remove_invisible(value.replace("\r\n", "\n").replace("\r", "\n")).strip()


class BaseForm(FlaskForm):
    class Meta(FlaskForm.Meta):
        def bind_field(self, form, unbound_field, options):
            options["filters"] = [*options.get("filters", ()), normalise_text]
            return unbound_field.bind(form=form, **options)

    def invisible_characters_removed(self) -> int:
        """How many invisible characters normalise_text took out of what was posted (to tell the person)."""
        removed = 0
        for field in self:
            raw = field.raw_data[0] if getattr(field, "raw_data", None) else None
            if isinstance(raw, str) and not raw.isascii() and _MAYBE_INVISIBLE.search(raw):
                removed += sum(_invisible_flags(raw))
        return removed


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
