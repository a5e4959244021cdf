"""Password policy: long enough, and not a common, dictionary or trivially repeated password (zxcvbn)."""

from __future__ import annotations

from zxcvbn import zxcvbn

MIN_LENGTH = 12
# zxcvbn's 0–4 scale; 3 is "safely unguessable" (about 10^8 guesses or more).
MIN_SCORE = 3
# zxcvbn's cost grows with length; a longer password is judged on its first characters.
CHECKED_CHARS = 100


def password_problem(password: str, login: str = "") -> str | None:
    """Why this password may not be used (Japanese, for the person choosing it), or None when it may."""
    if len(password) < MIN_LENGTH:
        return f"パスワードは{MIN_LENGTH}文字以上にしてください。"
    result = zxcvbn(password[:CHECKED_CHARS], user_inputs=[login, "musashino", "kichijoji", "pubcome"])
    if result["score"] < MIN_SCORE:
        return ("推測されやすいパスワードです。よく使われるパスワードや単語、同じ文字や並びの繰り返し、"
                "ログインIDを含むものは使えません。関係のない単語を3つ以上つなげるなど、長く推測しにくいものにしてください。")
    return None
