"""Japanese error pages; nothing a resident sees is an English stack trace."""

import logging

from flask import Flask, render_template, request
from flask_wtf.csrf import CSRFError
from sqlalchemy.exc import DBAPIError
from werkzeug.exceptions import HTTPException

from .database import committed_in_this_request, discard_transaction
from .intake.views import recovered_form

log = logging.getLogger(__name__)

MESSAGES = {
    400: ("送信内容を確認できませんでした", "お手数ですが、前のページに戻って、もう一度お試しください。"),
    403: ("このページは表示できません", "このページを見る権限がありません。"),
    404: ("ページが見つかりません", "アドレスが正しいかご確認ください。"),
    405: ("この操作はできません", "トップページからもう一度お進みください。"),
    413: ("送信内容が大きすぎます", "ブラウザの「戻る」で入力画面に戻ると、入力した文章が残っています。"
                                   "意見の文字数を減らして、もう一度送信してください。"),
    429: ("短い時間に送信が集中しています", "しばらく時間をおいてから、もう一度お試しください。"),
    500: ("エラーが発生しました", "申し訳ありません。時間をおいて、もう一度お試しください。"),
}
BUSY_MESSAGE = (
    "ただいま混み合っています",
    "処理を完了できませんでした（送信した内容は保存されていません）。少し時間をおいて、もう一度お試しください。",
)
# The same, for a page that only shows something, and for a request that had already stored its work.
BUSY_PAGE_MESSAGE = (BUSY_MESSAGE[0], "ページを表示できませんでした。少し時間をおいて、もう一度お試しください。")
BUSY_AFTER_COMMIT_MESSAGE = (
    BUSY_MESSAGE[0],
    "処理を最後まで完了できませんでした（送信した内容は保存されている場合があります）。"
    "少し時間をおいて、もう一度お試しください。",
)
CSRF_MESSAGE = (
    "画面を開いてから時間がたったか、送信内容を確認できませんでした",
    "お手数ですが、入力画面を開き直して、もう一度送信してください。",
)


def register(app: Flask) -> None:
    app.register_error_handler(CSRFError, _csrf_error)
    app.register_error_handler(DBAPIError, _database_error)
    app.register_error_handler(HTTPException, _http_error)
    app.register_error_handler(Exception, _unexpected_error)


def render_error(status: int, title: str, message: str):
    return render_template("errors/error.html", title=title, message=message, status=status), status


# The resident form's two steps: a refused send there brings the form back with the text (intake.views).
RESIDENT_FORM_STEPS = ("intake.new_comment", "intake.submit")


def _on_resident_form() -> bool:
    return request.method == "POST" and request.endpoint in RESIDENT_FORM_STEPS


def _csrf_error(error: CSRFError):
    if _on_resident_form():
        return recovered_form("csrf", 400)
    return render_error(400, *CSRF_MESSAGE)


def _http_error(error: HTTPException):
    if error.code is None or error.code < 400:
        return error
    if error.code == 429 and _on_resident_form():
        response, status = recovered_form("rate", 429)
        return response, status, {k: v for k, v in error.get_headers() if k == "Retry-After"}
    title, message = MESSAGES.get(error.code, MESSAGES[400 if error.code < 500 else 500])
    response, status = render_error(error.code, title, message)
    kept = {k: v for k, v in error.get_headers() if k in ("Allow", "Retry-After")}
    return response, status, kept


def _database_error(error: DBAPIError):
    """Locked SQLite, a restarting PostgreSQL: undo the half-done work, ask to try again."""
    log.warning("database error, rolled back: %s", error.orig)
    discard_transaction()
    if committed_in_this_request():
        return render_error(503, *BUSY_AFTER_COMMIT_MESSAGE)
    if request.method in ("GET", "HEAD"):
        return render_error(503, *BUSY_PAGE_MESSAGE)
    return render_error(503, *BUSY_MESSAGE)


def _unexpected_error(error: Exception):
    log.exception("unhandled error")
    discard_transaction()
    return render_error(500, *MESSAGES[500])
