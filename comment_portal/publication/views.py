"""Redactions before publication and the exports (under /review)."""

from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from .. import masking, personal_scan
from ..audit import record_personal_data_view
from ..auth.decorators import STAFF_ROLES, role_required
from ..consultations import current_consultation
from ..extensions import db
from ..models import Comment, Consultation, Redaction, RedactionStatus
from ..review.forms import parse_comment_number
from ..timeutil import tokyo_today
from . import exports, redactions
from .forms import DecisionForm, ManualForm
from .redactions import RedactionError

bp = Blueprint("publication", __name__)
PER_PAGE = 50
STATUS_FILTERS = {"proposed": RedactionStatus.PROPOSED, "accepted": RedactionStatus.ACCEPTED,
                  "rejected": RedactionStatus.REJECTED, "all": None}


@bp.context_processor
def _helpers() -> dict:
    return {"redaction_labels": redactions.STATUS_LABELS, "kind_label": redactions.kind_label}


def _consultation() -> Consultation:
    consultation = current_consultation()
    if consultation is None:
        abort(404)
    return consultation


def _page_number() -> int:
    raw = request.values.get("page", "1")
    return int(raw) if raw.isascii() and raw.isdigit() and 0 < int(raw) < 1_000_000 else 1


def _status_filter() -> str:
    status = request.values.get("status", "proposed")
    return status if status in STATUS_FILTERS else "proposed"


def _flash_errors(form) -> None:
    for errors in form.errors.values():
        for message in errors:
            flash(message, "error")


@bp.get("/redactions", endpoint="redactions")
@role_required(*STAFF_ROLES)
def list_redactions():
    consultation = _consultation()
    status = _status_filter()
    page = db.paginate(redactions.redaction_query(consultation, STATUS_FILTERS[status]),
                       page=_page_number(), per_page=PER_PAGE, error_out=False)
    shown = render_template(
        "publication/redactions.html", consultation=consultation, page=page, status=status,
        items=[redactions.in_context(r) for r in page.items], counts=redactions.counts(consultation),
        unscanned=personal_scan.unscanned_count(consultation),
        form=DecisionForm(formdata=None),
    )
    if page.items:  # the personal data itself, in context
        record_personal_data_view(current_user, None, sorted({r.comment_id for r in page.items}),
                                  "publication.redactions")
        db.session.commit()
    return shown


@bp.post("/redactions/<int:redaction_id>")
@role_required(*STAFF_ROLES)
def decide(redaction_id: int):
    redaction = db.get_or_404(Redaction, redaction_id)
    form = DecisionForm()
    if form.validate_on_submit():
        if form.decision.data == "accept":
            redactions.accept(redaction, current_user)
            flash(f"「{redaction.original}」を伏せることにしました。")
        else:
            redactions.reject(redaction, current_user, form.note.data or "")
            flash(f"「{redaction.original}」は伏せずに公表します。")
        db.session.commit()
    else:
        _flash_errors(form)
    if request.form.get("back") == "comment":
        return redirect(url_for(".comment_redactions", comment_id=redaction.comment_id), code=303)
    return redirect(url_for(".redactions", status=_status_filter(), page=_page_number()), code=303)


@bp.get("/redactions/open")
@role_required(*STAFF_ROLES)
def open_comment():
    number = parse_comment_number(request.args.get("number"))
    comment = db.session.get(Comment, number) if number is not None else None
    if comment is None:
        flash("その番号の意見は見つかりません。「#」の後の数字を入力してください。", "error")
        return redirect(url_for(".redactions"), code=303)
    return redirect(url_for(".comment_redactions", comment_id=comment.id), code=303)


@bp.route("/redactions/comments/<int:comment_id>", methods=["GET", "POST"])
@role_required(*STAFF_ROLES)
def comment_redactions(comment_id: int):
    comment = db.get_or_404(Comment, comment_id)
    form = ManualForm()
    if request.method == "POST":
        if form.validate_on_submit():
            start, end = form.selected_range()
            try:
                added = redactions.add_manual(comment, current_user, form.reason.data, form.text.data or "",
                                              start, end)
            except RedactionError as error:
                flash(str(error), "error")
            else:
                db.session.commit()
                flash(f"{len(added)}か所を伏せました。" if added else "その箇所はすでに伏せています。")
                return redirect(url_for(".comment_redactions", comment_id=comment.id), code=303)
        else:
            _flash_errors(form)
        status = 422
    else:
        status = 200
        record_personal_data_view(current_user, None, [comment.id], "publication.comment_redactions")
        db.session.commit()
    return render_template(
        "publication/comment.html", comment=comment, form=form, decision_form=DecisionForm(formdata=None),
        segments=redactions.segments(comment), published=masking.comment_text(comment),
    ), status


# --- Exports -----------------------------------------------------------------------------------


def _download(body, mimetype: str, filename: str) -> Response:
    response = Response(body, mimetype=mimetype)
    response.headers["Content-Disposition"] = f"attachment; filename={filename}"
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.get("/exports", endpoint="exports")
@role_required(*STAFF_ROLES)
def exports_page():
    consultation = _consultation()
    return render_template("publication/exports.html", consultation=consultation,
                           table=exports.publication_table(consultation), counts=redactions.counts(consultation))


@bp.get("/export.csv")
@role_required(*STAFF_ROLES)
def export_csv():
    # Built whole rather than streamed: a streamed body outlives the request's database session.
    return _download(exports.export_csv(_consultation()), "text/csv; charset=utf-8",
                     f"opinions-{tokyo_today():%Y%m%d}.csv")


@bp.get("/export/publication.xlsx")
@role_required(*STAFF_ROLES)
def export_xlsx():
    table = exports.publication_table(_consultation())
    return _download(exports.publication_xlsx(table),
                     "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                     f"publication-{tokyo_today():%Y%m%d}.xlsx")


@bp.get("/export/publication")
@role_required(*STAFF_ROLES)
def publication_page():
    consultation = _consultation()
    return render_template("publication/table.html", consultation=consultation,
                           table=exports.publication_table(consultation))


@bp.get("/export/training.jsonl")
@role_required(*STAFF_ROLES)
def export_training():
    return _download(exports.training_jsonl(_consultation()), "application/x-ndjson; charset=utf-8",
                     f"training-{tokyo_today():%Y%m%d}.jsonl")
