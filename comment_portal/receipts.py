"""Receipt numbers: short enough to read over the phone, random, revealing nothing."""

import secrets

# No 0/O, 1/I/L or U: nothing a listener can mishear or misread.
ALPHABET = "23456789ABCDEFGHJKMNPQRSTVWXYZ"
GROUP = 4


def new_receipt_number() -> str:
    """e.g. 'K7M4-9QXT': 8 random symbols (~39 bits), not derived from any count."""
    symbols = "".join(secrets.choice(ALPHABET) for _ in range(2 * GROUP))
    return f"{symbols[:GROUP]}-{symbols[GROUP:]}"


def normalise_receipt_number(text: str) -> str:
    """Accepts what a person types (lower case, full width, no hyphen, spaces)."""
    import unicodedata

    raw = "".join(unicodedata.normalize("NFKC", text or "").upper().split()).replace("-", "")
    raw = raw.replace("ー", "").replace("−", "")
    return f"{raw[:GROUP]}-{raw[GROUP:]}" if len(raw) == 2 * GROUP else raw
