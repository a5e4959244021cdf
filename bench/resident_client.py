"""A resident's browser for the load benchmark and the PostgreSQL restart test: cookies, forms, receipts.

Standard library only: it drives a live server over HTTP with one cookie jar (the session holds the
CSRF token and the receipt) and a new connection per request, as gunicorn's sync workers close them.
"""

from __future__ import annotations

import http.client
import re
from html import unescape
from urllib.parse import urlencode

INPUT = re.compile(r"<input\b([^>]*)>")
ATTRIBUTE = re.compile(r'([\w-]+)="([^"]*)"')
RECEIPT = re.compile(r'id="receipt-number">([^<]+)<')
TIMEOUT = 30.0


class Resident:
    """One browser: a cookie jar (the session cookie) and a new connection per request."""

    def __init__(self, port: int, timeout: float = TIMEOUT):
        self.port = port
        self.timeout = timeout
        self.cookies: dict[str, str] = {}

    def request(self, method: str, path: str, form: dict | None = None) -> tuple[int, dict, str]:
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=self.timeout)
        headers = {"Connection": "close"}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        body = None
        if form is not None:
            body = urlencode(form).encode()
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        try:
            conn.request(method, path, body=body, headers=headers)
            response = conn.getresponse()
            text = response.read().decode("utf-8", "replace")
            for name, value in response.getheaders():
                if name.lower() == "set-cookie":
                    key, _, rest = value.partition("=")
                    self.cookies[key.strip()] = rest.split(";", 1)[0]
            return response.status, dict(response.getheaders()), text
        finally:
            conn.close()


def hidden_fields(page: str) -> dict[str, str]:
    """name → value of every <input type="hidden"> in the page, whatever the attribute order."""
    fields = {}
    for tag in INPUT.findall(page):
        attributes = dict(ATTRIBUTE.findall(tag))
        if attributes.get("type") == "hidden" and "name" in attributes:
            fields[unescape(attributes["name"])] = unescape(attributes.get("value", ""))
    return fields


def receipt_number(page: str) -> str | None:
    """The receipt number shown on the completion page, if any."""
    match = RECEIPT.search(page)
    return unescape(match.group(1)).strip() if match else None
