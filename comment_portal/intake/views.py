"""Resident pages: the consultation, the draft, and the comment form (input → confirm → done)."""

import secrets
from dataclasses import replace

from flask import Blueprint, abort, current_app, redirect, render_template, request, session, url_for

from ..consultations import cached_consultation
from ..database import end_read_only_transaction
from ..extensions import limiter
from ..models import Consultation, PeriodState
from ..security import client_ip_hash
from ..submissions import CommentInput, PeriodClosedError, receipt_copy, sent_the_same, submit_web_comment
from ..timeutil import tokyo_today
from .forms import CommentForm

bp = Blueprint("intake", __name__)
RECEIPT_SESSION_KEY = "last_receipt"
RECEIPT_SHOWN_KEY = "receipt_shown"


def _consultation() -> Consultation:
    consultation = cached_consultation()
    if consultation is None:
        abort(404)
    return consultation


def _state(consultation: Consultation) -> PeriodState:
    return consultation.period_state(tokyo_today())


def _submit_limit() -> str:
    return current_app.config["SUBMIT_RATE_LIMIT"]


@bp.get("/")
def index():
    consultation = _consultation()
    return render_template("intake/index.html", consultation=consultation, state=_state(consultation))


@bp.get("/document")
def document():
    consultation = _consultation()
    return render_template("intake/document.html", consultation=consultation, state=_state(consultation))


def _new_form(consultation: Consultation, **kwargs) -> CommentForm:
    return CommentForm(consultation, current_app.config["BODY_MAX_CHARS"], **kwargs)


def _closed(consultation: Consultation, state: PeriodState, status: int):
    return render_template("intake/closed.html", consultation=consultation, state=state), status


@bp.route("/comments/new", methods=["GET", "POST"])
def new_comment():
    consultation = _consultation()
    state = _state(consultation)
    if state is not PeriodState.OPEN:
        return _closed(consultation, state, 200 if request.method == "GET" else 403)
    if request.method == "GET":
        form = _new_form(consultation, formdata=None)
        form.submission_token.data = secrets.token_hex(16)
        requested = request.args.get("section", "")
        form.section.data = requested if consultation.section_by_code(requested) else ""
        return _form_page(consultation, form)
    form = _new_form(consultation)
    if request.form.get("action") == "edit":
        form.validate_on_submit()  # checks CSRF; messages stay hidden while editing
        return _form_page(consultation, form, show_errors=False)
    if form.website.data:
        abort(400)
    if not form.validate_on_submit():
        return _form_page(consultation, form), 422
    return render_template("intake/confirm.html", consultation=consultation, form=form)


def _form_page(consultation: Consultation, form: CommentForm, show_errors: bool = True, notice: str | None = None):
    return render_template(
        "intake/form.html", consultation=consultation, form=form, show_errors=show_errors,
        body_max_chars=current_app.config["BODY_MAX_CHARS"], notice=notice,
    )


RECOVERY_NOTICES = {
    "csrf": "画面を開いてから時間がたったため、または通信の都合で、送信を受け付けられませんでした。"
            "入力した内容はそのまま残っています。内容を確かめて、もう一度「入力内容を確認する」を押してください。",
    "rate": "短い時間に送信が集中したため、受け付けられませんでした。入力した内容はそのまま残っています。"
            "1分ほど待ってから、もう一度「入力内容を確認する」を押してください。",
    "sent": "この入力画面からは、すでに意見を送信済みです（受付番号 {receipt}）。"
            "いま入力した内容は、まだ送信していません。"
            "新しい意見として送る場合は、内容を確かめて「入力内容を確認する」を押してください。",
}


def recovered_form(reason: str, status: int, **values):
    """The resident's form again, with what they typed and a notice: a refused send never loses the text.

    Used for an expired or missing CSRF token or session, a rate limit, and a form sent a second time.
    """
    consultation = _consultation()
    form = _new_form(consultation, meta={"csrf": True})
    form.validate()  # fills the fields; its messages stay hidden
    if reason in ("sent", "csrf") or not form.submission_token.data:
        form.submission_token.data = secrets.token_hex(16)
    return _form_page(consultation, form, show_errors=False, notice=RECOVERY_NOTICES[reason].format(**values)), status


@bp.post("/comments/confirm")
@limiter.limit(_submit_limit)
def submit():
    consultation = _consultation()
    state = _state(consultation)
    if state is not PeriodState.OPEN:
        return _closed(consultation, state, 403)
    form = _new_form(consultation)
    if form.website.data:
        abort(400)
    if not form.validate_on_submit():
        return _form_page(consultation, form), 422
    data = CommentInput(
        body=form.body.data, section_code=form.section.data or None, name=form.name.data or "",
        attribute=form.attribute.data, email=form.email.data or "", consent=True,
    )
    try:
        submission = submit_web_comment(consultation, data, form.submission_token.data, client_ip_hash())
    except PeriodClosedError as closed:
        return _closed(consultation, closed.state, 403)
    if submission.replayed and not sent_the_same(submission, data):
        # Back from the completion page, edited, sent again: the new text is not silently dropped.
        return recovered_form("sent", 409, receipt=submission.receipt_number)
    session[RECEIPT_SESSION_KEY] = submission.receipt_number
    return redirect(url_for(".done"), code=303)


@bp.get("/comments/done")
def done():
    receipt = session.get(RECEIPT_SESSION_KEY)
    copy = receipt_copy(receipt) if receipt else None
    end_read_only_transaction()
    if copy is None:
        return redirect(url_for(".index"))
    # The name and e-mail are shown once, right after sending; a later visit (reload, someone else at a
    # shared computer using Back) shows the receipt and the opinion without them.
    first_view = session.get(RECEIPT_SHOWN_KEY) != receipt
    session[RECEIPT_SHOWN_KEY] = receipt
    if not first_view:
        copy = replace(copy, name="", email="")
    page = render_template("intake/done.html", consultation=_consultation(), copy=copy, personal_hidden=not first_view)
    response = current_app.make_response(page)
    response.headers["Cache-Control"] = "no-store"
    return response
