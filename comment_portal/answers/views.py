"""Splitting letters into opinions, answers and their approval, paper entries (under /review)."""

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from .. import background, labels, suggestions
from ..audit import record_personal_data_view
from ..auth.decorators import APPROVER_ROLES, STAFF_ROLES, role_required
from ..consultations import current_consultation
from ..extensions import db
from ..models import OUTCOME_LABELS, Answer, AnswerStatus, Channel, Comment, Outcome, Submission, User
from ..receipts import normalise_receipt_number
from ..timeutil import tokyo_today
from . import paper, publishing, responses, splitting
from .forms import AnswerForm, ApproveForm, PaperForm, PublishForm, SendBackForm, SplitForm, to_int

bp = Blueprint("answers", __name__)


@bp.context_processor
def _labels():
    return {"labels": labels, "outcome_labels": OUTCOME_LABELS}


def _consultation():
    consultation = current_consultation()
    if consultation is None:
        abort(404)
    return consultation


# --- Splitting and provenance ----------------------------------------------------------------

@bp.route("/submissions/<int:submission_id>/split", methods=["GET", "POST"])
@role_required(*STAFF_ROLES)
def split(submission_id: int):
    submission = db.get_or_404(Submission, submission_id)
    text = splitting.source_text(submission)
    if request.method == "GET":
        form = SplitForm(submission.consultation, formdata=None, data={"pieces": _current_rows(submission, text)})
        return _split_page(submission, text, form)
    form = SplitForm(submission.consultation)
    if request.form.get("action") == "add_row":
        form.validate_on_submit()  # checks CSRF; range messages wait for the save
        form.messages = []
        form.add_row()
        return _split_page(submission, text, form)
    if not form.validate_on_submit():
        return _split_page(submission, text, form), 422
    try:
        result = splitting.split_submission(submission, form.parsed, current_user)
    except splitting.SplitError as error:
        db.session.rollback()
        form.messages = list(error.messages)
        return _split_page(submission, text, form), 422
    db.session.commit()
    for comment in result.changed:  # a new text or section: a fresh suggestion (new pieces get theirs below)
        suggestions.suggest(comment)
    background.request_processing([c.id for c in submission.comments])
    flash(f"{len(submission.comments)}件の意見に分けて保存しました。", "success")
    return redirect(url_for(".receipt", receipt=submission.receipt_number), code=303)


def _current_rows(submission: Submission, text: str) -> list[dict]:
    rows = []
    for comment in submission.comments:
        start, end = splitting.comment_range(comment, len(text))
        rows.append({"start": str(start), "end": str(end), "section": comment.section.code if comment.section else ""})
    return rows + [{"start": "", "end": "", "section": ""}] * 2


def _split_page(submission: Submission, text: str, form: SplitForm):
    return render_template(
        "answers/split.html", submission=submission, text=text, form=form,
        sentences=splitting.sentences(text), previews=[_preview(row.form, text) for row in form.pieces],
    )


def _preview(row, text: str) -> str:
    start, end = to_int(row.start.data), to_int(row.end.data)
    return text[start:end] if start is not None and end is not None and start < end <= len(text) else ""


@bp.get("/receipts")
@role_required(*STAFF_ROLES)
def receipt_search():
    query = request.args.get("number", "").strip()
    if not query:
        return render_template("answers/receipt_search.html", number="")
    number = normalise_receipt_number(query)
    if db.session.scalar(select(Submission.id).filter_by(receipt_number=number)) is None:
        return render_template("answers/receipt_search.html", number=query, not_found=number), 404
    return redirect(url_for(".receipt", receipt=number))


@bp.get("/receipts/<receipt>")
@role_required(*STAFF_ROLES)
def receipt(receipt: str):
    number = normalise_receipt_number(receipt)
    if number != receipt:
        return redirect(url_for(".receipt", receipt=number))
    submission = db.session.scalar(select(Submission).filter_by(receipt_number=number))
    if submission is None:
        return render_template("answers/receipt_search.html", number=receipt, not_found=number), 404
    text = splitting.source_text(submission)
    entered_by = db.session.get(User, submission.entered_by_id) if submission.entered_by_id else None
    page = render_template("answers/receipt.html", submission=submission, text=text, entered_by=entered_by,
                           segments=splitting.segments(text, submission.comments))
    record_personal_data_view(current_user, submission, [c.id for c in submission.comments], "answers.receipt")
    db.session.commit()
    return page


# --- Answers and approval --------------------------------------------------------------------

@bp.route("/comments/<int:comment_id>/answer", methods=["GET", "POST"])
@role_required(*STAFF_ROLES)
def answer(comment_id: int):
    comment = db.get_or_404(Comment, comment_id)
    existing = comment.answer
    if request.method == "GET":
        form = AnswerForm(formdata=None, obj=existing)
        if existing and existing.outcome:
            form.outcome.data = existing.outcome.value
        page = _answer_page(comment, form)
        shown = existing.comments if existing else [comment]
        record_personal_data_view(current_user, None, [c.id for c in shown], "answers.answer")
        db.session.commit()
        return page
    form = AnswerForm()
    if not form.validate_on_submit():
        return _answer_page(comment, form), 422
    data = responses.AnswerInput(
        summary=form.summary.data or "", response=form.response.data or "",
        outcome=Outcome(form.outcome.data) if form.outcome.data else None,
        attach_ids=form.attach_ids(), detach_ids=tuple(form.detach.data or ()),
    )
    try:
        saved = responses.save_answer(comment, current_user, data)
        if form.action.data == "submit":
            responses.submit_for_approval(saved, current_user)
    except responses.AnswerError as error:
        db.session.rollback()
        form.other_ids.errors = [*form.other_ids.errors, str(error)]
        return _answer_page(comment, form, error=str(error)), 422
    db.session.commit()
    flash("承認に回しました。" if form.action.data == "submit" else "回答を保存しました。", "success")
    return redirect(url_for(".answer", comment_id=comment.id), code=303)


def _answer_page(comment: Comment, form: AnswerForm, error: str | None = None):
    members = comment.answer.comments if comment.answer else [comment]
    candidates = [c for c in responses.related_comments(comment) if c not in members]
    return render_template("answers/answer.html", comment=comment, answer=comment.answer, form=form,
                           members=members, candidates=candidates, error=error)


@bp.get("/answers")
@role_required(*STAFF_ROLES)
def index():
    consultation = _consultation()
    groups = [(status, responses.answers_with_status(consultation, status)) for status in labels.ANSWER_ORDER]
    return render_template("answers/index.html", groups=groups)


@bp.get("/approvals")
@role_required(*APPROVER_ROLES)
def approvals():
    consultation = _consultation()
    pending = responses.answers_with_status(consultation, AnswerStatus.PENDING)
    page = _approvals_page(consultation, pending)
    shown = [c.id for answer in pending for c in answer.comments]
    if shown:  # each pending answer is shown with its opinions' full text
        record_personal_data_view(current_user, None, shown, "answers.approvals")
        db.session.commit()
    return page


def _approvals_page(consultation=None, pending=None, send_back_form: SendBackForm | None = None,
                    failed_id: int | None = None, publish_form: PublishForm | None = None):
    consultation = consultation or _consultation()
    if pending is None:
        pending = responses.answers_with_status(consultation, AnswerStatus.PENDING)
    return render_template(
        "answers/approvals.html", pending=pending, approve_form=ApproveForm(), may_approve=responses.may_approve,
        send_back_form=send_back_form or SendBackForm(formdata=None), failed_id=failed_id,
        consultation=consultation, publishing=publishing.preview(consultation),
        published_by=publishing.published_by(consultation), publish_form=publish_form or PublishForm(formdata=None),
    )


@bp.post("/answers/<int:answer_id>/approve")
@role_required(*APPROVER_ROLES)
def approve(answer_id: int):
    answer = db.get_or_404(Answer, answer_id)
    form = ApproveForm()
    if not form.validate_on_submit():
        abort(400)
    try:
        responses.approve(answer, current_user, form.seen_version)
    except responses.AnswerError as error:
        db.session.commit()  # only the audit event of a refused approval, if any
        flash(str(error), "error")
        return redirect(url_for(".approvals"), code=303)
    db.session.commit()
    flash(f"回答#{answer.id}を承認しました。", "success")
    return redirect(url_for(".approvals"), code=303)


@bp.post("/answers/<int:answer_id>/return")
@role_required(*APPROVER_ROLES)
def send_back(answer_id: int):
    answer = db.get_or_404(Answer, answer_id)
    form = SendBackForm()
    if not form.validate_on_submit():
        return _approvals_page(send_back_form=form, failed_id=answer.id), 422
    try:
        responses.send_back(answer, current_user, form.note.data)
    except responses.AnswerError as error:
        db.session.rollback()
        flash(str(error), "error")
        return redirect(url_for(".approvals"), code=303)
    db.session.commit()
    flash(f"回答#{answer.id}を差し戻しました。", "success")
    return redirect(url_for(".approvals"), code=303)


@bp.post("/results/publish")
@role_required(*APPROVER_ROLES)
def publish_results():
    return _change_publication(publishing.publish,
                               "結果を公表しました。どなたでも「意見募集の結果」のページで見られます。")


@bp.post("/results/unpublish")
@role_required(*APPROVER_ROLES)
def unpublish_results():
    return _change_publication(publishing.unpublish,
                               "結果の公表を取り下げました。公開ページには「まだ公表していません」と表示されます。")


def _change_publication(change, done_message: str):
    consultation = _consultation()
    form = PublishForm()
    if not form.validate_on_submit():
        return _approvals_page(publish_form=form), 422
    try:
        change(consultation, current_user)
    except responses.AnswerError as error:
        db.session.rollback()
        flash(str(error), "error")
        return redirect(url_for(".approvals", _anchor="results-publication"), code=303)
    db.session.commit()
    flash(done_message, "success")
    return redirect(url_for(".approvals", _anchor="results-publication"), code=303)

# --- Paper, fax, e-mail and counter entries ----------------------------------------------------

@bp.route("/paper/new", methods=["GET", "POST"])
@role_required(*STAFF_ROLES)
def paper_new():
    consultation = _consultation()
    if request.method == "GET":
        form = PaperForm(consultation, formdata=None)
        form.submission_token.data = paper.new_token()
        form.received_on.data = tokyo_today().isoformat()
        form.channel.data = Channel.POST.value
        return render_template("answers/paper_new.html", form=form, consultation=consultation)
    form = PaperForm(consultation)
    if not form.validate_on_submit():
        return render_template("answers/paper_new.html", form=form, consultation=consultation), 422
    data = paper.PaperInput(
        body=form.body.data, section_code=form.section.data or None, name=form.name.data or "",
        attribute=form.attribute.data, email=form.email.data or "", channel=Channel(form.channel.data),
        received_on=form.received_date,
    )
    try:
        submission = paper.enter_submission(consultation, data, current_user, form.submission_token.data, tokyo_today())
        db.session.commit()
    except paper.PaperEntryError as error:
        db.session.rollback()
        form.received_on.errors = [*form.received_on.errors, str(error)]
        return render_template("answers/paper_new.html", form=form, consultation=consultation), 422
    except IntegrityError:  # the same form sent twice at once: the other request stored it
        db.session.rollback()
        submission = paper.find_by_token(form.submission_token.data)
        if submission is None:
            raise
    background.request_processing([c.id for c in submission.comments])
    return redirect(url_for(".paper_done", receipt=submission.receipt_number), code=303)


@bp.get("/paper/<receipt>")
@role_required(*STAFF_ROLES)
def paper_done(receipt: str):
    submission = db.session.scalar(select(Submission).filter_by(receipt_number=receipt))
    if submission is None or submission.channel is Channel.WEB:
        abort(404)
    return render_template("answers/paper_done.html", submission=submission)
