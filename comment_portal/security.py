"""Security headers on every response; client addresses stored only as a keyed hash."""

import hashlib
import hmac

from flask import Flask, abort, current_app, request, session
from werkzeug.routing import IntegerConverter

CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "font-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'self'; "
    "object-src 'none'"
)


class DatabaseIdConverter(IntegerConverter):
    """<int:...> limited to what an INTEGER column holds: a longer number is a 404, not a database error."""

    def __init__(self, map, *args, **kwargs):
        kwargs.setdefault("max", 2**31 - 1)
        super().__init__(map, *args, **kwargs)


def register(app: Flask) -> None:
    app.before_request(_refuse_odd_requests)
    app.after_request(_set_headers)


def has_control_characters(text: str) -> bool:
    """C0 controls (NUL, CR, LF…) and DEL: never part of a path or a query a person wrote."""
    return any(ord(char) < 0x20 or ord(char) == 0x7F for char in text)


def _refuse_odd_requests():
    """A polite 400 for what no page of ours sends: control characters in the URL, files in a form.

    PostgreSQL refuses NUL in text parameters, and a CR/LF in ?next= would reach a Location header:
    both used to surface as server errors. No form here takes a file, so a file part is refused
    before a field could receive it instead of text.
    """
    if has_control_characters(request.path) or any(
        has_control_characters(k) or has_control_characters(v) for k, v in request.args.items(multi=True)
    ):
        abort(400)
    if request.mimetype == "multipart/form-data" and request.files:
        abort(400)


def _set_headers(response):
    headers = response.headers
    if "_user_id" in session:
        # Staff, approver, admin and committee pages show residents' words and personal data: never
        # kept by the browser or a proxy (the resident's completion page sets this itself).
        headers["Cache-Control"] = "no-store"
    headers.setdefault("Content-Security-Policy", CSP)
    headers.setdefault("X-Content-Type-Options", "nosniff")
    headers.setdefault("Referrer-Policy", "same-origin")
    headers.setdefault("X-Frame-Options", "DENY")
    if current_app.config["ENV"] == "production":
        headers.setdefault("Strict-Transport-Security", "max-age=31536000; includeSubDomains")
    return response


def client_ip_hash() -> str | None:
    """HMAC of the client address: lets staff spot floods without keeping the address."""
    address = request.remote_addr
    if not address:
        return None
    key = current_app.config["IP_HASH_KEY"].encode()
    return hmac.new(key, address.encode(), hashlib.sha256).hexdigest()
