"""Two-factor sign-in with time-based one-time passwords (RFC 6238, pyotp), as authenticator apps show them.

A user turns it on by scanning a QR code (segno) and typing one code; from then on a sign-in asks for a
code after the password. A code is accepted once (its time step is remembered) and within one step of
the server's clock either way. Admins must turn it on in production before any other admin page opens.
Nothing here commits.
"""

from __future__ import annotations

import io
import time

import pyotp
import segno
from sqlalchemy import or_, update

from ..audit import record
from ..extensions import db
from ..models import User

ISSUER = "武蔵野市 パブリックコメント"
STEP_SECONDS = 30


def new_secret() -> str:
    return pyotp.random_base32()


def provisioning_uri(user: User, secret: str) -> str:
    return pyotp.TOTP(secret).provisioning_uri(name=user.login, issuer_name=ISSUER)


def qr_svg(uri: str) -> str:
    """The set-up QR code as inline SVG (no image file, no external service)."""
    out = io.BytesIO()
    segno.make(uri, error="m").save(out, kind="svg", scale=5, border=2, xmldecl=False, svgns=True,
                                    title="2段階認証の設定用QRコード")
    return out.getvalue().decode()


def _matching_step(secret: str, code: str, now: float | None = None) -> int | None:
    """The time step whose code this is (this step or the one before or after), or None."""
    code = "".join(code.split())
    if not (code.isascii() and code.isdigit() and len(code) == 6):
        return None
    now = time.time() if now is None else now
    totp = pyotp.TOTP(secret)
    step = int(now // STEP_SECONDS)
    for candidate in (step, step - 1, step + 1):
        if totp.at(candidate * STEP_SECONDS) == code:
            return candidate
    return None


def enable(user: User, secret: str, code: str) -> bool:
    """Turn two-factor sign-in on when the code proves the app has the secret."""
    step = _matching_step(secret, code)
    if step is None:
        return False
    user.totp_secret, user.totp_last_step = secret, step
    user.end_sessions()
    record(user, "user.two_factor_on", user, None, None)
    return True


def verify(user: User, code: str) -> bool:
    """A sign-in's second step: right code, not used before."""
    if not user.totp_secret:
        return False
    step = _matching_step(user.totp_secret, code)
    if step is None:
        return False
    # Conditional, so that two requests racing with one code cannot both use it.
    table = User.__table__
    used = db.session.execute(update(table).where(
        table.c.id == user.id, or_(table.c.totp_last_step.is_(None), table.c.totp_last_step < step))
        .values(totp_last_step=step)).rowcount
    return bool(used)


def disable(actor: User, user: User) -> None:
    """Turn it off (the user themselves after a code, or an admin for someone who lost their phone)."""
    user.totp_secret, user.totp_last_step = None, None
    user.end_sessions()
    record(actor, "user.two_factor_off", user, None, {"by_admin": actor.id != user.id})
