"""Staff triage: the queue at /review, the comment view, decisions and bulk actions."""

import math

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import select

from .. import labels
from ..audit import record_personal_data_view
from ..auth.decorators import STAFF_ROLES, role_required
from ..consultations import current_consultation
from ..extensions import db
from ..models import Comment, Consultation, ExclusionReason
from . import decisions, display
from .decisions import DecisionError
from .forms import BulkForm, DecisionForm, MemoForm, parse_comment_number
from .queries import QueueFilter, count_select, load_comments, neighbour, parse_filter, queue_select

bp = Blueprint("review", __name__)
PER_PAGE = 50
# The queue counts its matches exactly up to a multiple of this (see _paginate).
COUNT_STEP = 10_000


@bp.context_processor
def _helpers() -> dict:
    return {"labels": labels, "display": display}


def _consultation() -> Consultation:
    consultation = current_consultation()
    if consultation is None:
        abort(404)
    return consultation


def _page_number(notices: list[str] | None = None) -> int:
    raw = request.args.get("page", "1")
    if raw.isascii() and raw.isdigit() and 0 < int(raw) < 1_000_000:
        return int(raw)
    if notices is not None:
        notices.append("ページ番号が正しくないため、最初のページを表示しています。")
    return 1


def _queue_args(filters: QueueFilter) -> dict[str, str]:
    """What carries the queue's state from page to page: its filters, sort and page."""
    args = filters.to_args()
    if _page_number() > 1:
        args["page"] = str(_page_number())
    return args


def _back_to(comment_id: int, args: dict):
    return redirect(url_for(".comment", comment_id=comment_id, **args), code=303)


def _flash_form_errors(form) -> None:
    for errors in form.errors.values():
        for message in errors:
            flash(message, "error")


@bp.get("")
@role_required(*STAFF_ROLES)
def queue():
    consultation = _consultation()
    filters, notices = parse_filter(request.args, consultation)
    number = _page_number(notices)
    page = _paginate(filters, consultation.id, number)
    if not page.items and page.pages and number > page.pages:
        notices.append(f"{number}ページはないため、最後のページを表示しています。")
        page = _paginate(filters, consultation.id, page.pages)
    args = filters.to_args()
    shown = render_template(
        "review/queue.html", consultation=consultation, filters=filters, notices=notices, page=page,
        comments=load_comments(page.items), args=args,
        item_args=args | ({"page": str(page.page)} if page.page > 1 else {}), bulk_form=BulkForm(formdata=None),
    )
    if page.items:  # the residents' unmasked words of this page
        record_personal_data_view(current_user, None, list(page.items), "review.queue")
        db.session.commit()
    return shown


def _paginate(filters: QueueFilter, consultation_id: int, number: int):
    """A page of comment ids, and how many there are: exactly up to a bound that grows with the page number.

    Beyond it the page says 「10,000件以上」: a count of every match would read the whole table each time.
    """
    page = db.paginate(queue_select(filters, consultation_id), page=number, per_page=PER_PAGE,
                       max_per_page=PER_PAGE, error_out=False, count=False)
    bound = max(COUNT_STEP, math.ceil(number * PER_PAGE / COUNT_STEP) * COUNT_STEP)
    counted = db.session.scalar(count_select(filters, consultation_id, bound + 1))
    page.total = counted
    page.at_least = bound if counted > bound else None  # 「{bound}件以上」; links go one page past it
    return page


@bp.post("/bulk")
@role_required(*STAFF_ROLES)
def bulk():
    consultation = _consultation()
    filters, _ = parse_filter(request.args, consultation)
    back = redirect(url_for(".queue", **_queue_args(filters)), code=303)
    form = BulkForm()
    if not form.validate_on_submit():
        _flash_form_errors(form)
        return back
    try:
        message = _apply_bulk(form)
    except DecisionError as error:
        db.session.rollback()
        flash(str(error), "error")
        return back
    db.session.commit()
    flash(message, "info")
    return back


def _apply_bulk(form: BulkForm) -> str:
    ids, action = form.ids.data, form.action.data
    if action == "offtopic":
        return f"{decisions.bulk_exclude(ids, current_user):,}件を対象外にしました。"
    if action == "confirm":
        done = decisions.bulk_confirm(ids, current_user, form.policy.data)
        return f"{done:,}件を確定しました（{labels.policy_label(form.policy.data)}）。"
    done = decisions.bulk_confirm_suggestions(ids, current_user)
    skipped = len(ids) - done
    extra = f"分類の提案がない{skipped:,}件は確定していません。" if skipped else ""
    return f"{done:,}件を確定しました。{extra}"


@bp.get("/comments/<int:comment_id>")
@role_required(*STAFF_ROLES)
def comment(comment_id: int):
    item = db.get_or_404(Comment, comment_id)
    filters, _ = parse_filter(request.args, item.consultation)
    page = _comment_page(item, filters, MemoForm(formdata=None, memo=item.memo))
    record_personal_data_view(current_user, item.submission, [item.id], "review.comment")
    db.session.commit()
    return page


def _comment_page(item: Comment, filters: QueueFilter, memo_form: MemoForm):
    latest = item.latest_suggestion
    duplicates = db.session.scalars(
        select(Comment.id).where(Comment.duplicate_of_id == item.id).order_by(Comment.id)
    ).all()
    return render_template(
        "review/comment.html", comment=item, consultation=item.consultation, args=_queue_args(filters),
        previous_id=neighbour(filters, item, forward=False), next_id=neighbour(filters, item),
        body=display.highlight(item.body, latest.terms if latest else []),
        scores=display.score_rows(item.consultation, latest), first=item.first_suggestion, latest=latest,
        siblings=[c for c in item.submission.comments if c.id != item.id], duplicates=duplicates,
        decision_form=DecisionForm(formdata=None), memo_form=memo_form,
    )


@bp.post("/comments/<int:comment_id>/decision")
@role_required(*STAFF_ROLES)
def decide(comment_id: int):
    item = db.get_or_404(Comment, comment_id)
    filters, _ = parse_filter(request.args, item.consultation)
    args = _queue_args(filters)
    form = DecisionForm()
    if not form.validate_on_submit():
        _flash_form_errors(form)
        return _back_to(item.id, args)
    following = neighbour(filters, item)  # before the decision moves the comment in the order
    try:
        message, moves_on = _apply_decision(form, item)
    except DecisionError as error:
        db.session.rollback()
        flash(str(error), "error")
        return _back_to(item.id, args)
    db.session.commit()
    flash(message, "info")
    if not moves_on:
        return _back_to(item.id, args)
    if following is None:
        flash("この条件で表示する次の意見はありません。一覧に戻りました。", "info")
        return redirect(url_for(".queue", **args), code=303)
    return _back_to(following, args)


def _apply_decision(form: DecisionForm, item: Comment) -> tuple[str, bool]:
    """Carry out the chosen action; returns the message and whether to open the next comment."""
    action, secondary, number = form.action.data, form.secondary.data or [], f"#{item.id}"
    if action in ("suggestion", "confirm"):
        policy = _chosen_policy(form, item)
        decisions.confirm(item, current_user, policy, secondary)
        return f"{number} を「{labels.policy_label(policy)}」で確定しました。", True
    if action in ("offtopic", "spam"):
        reason = ExclusionReason(action)
        decisions.exclude(item, current_user, reason)
        return f"{number} を対象外（{labels.EXCLUSION_LABELS[reason]}）にしました。", True
    if action == "duplicate":
        decisions.mark_duplicate(item, current_user, parse_comment_number(form.duplicate_of.data))
        return f"{number} を #{item.duplicate_of_id} と同じ内容として記録しました。", False
    if action == "unlink":
        decisions.mark_duplicate(item, current_user, None)
        return f"{number} の「同じ内容」の記録を外しました。", False
    decisions.reopen(item, current_user)
    return f"{number} を未確認に戻しました。", False


def _chosen_policy(form: DecisionForm, item: Comment) -> str:
    if form.action.data == "confirm":
        if not form.policy.data:
            raise DecisionError("確定する基本施策を選んでください。")
        return form.policy.data
    suggestion = item.latest_suggestion
    if suggestion is None:
        raise DecisionError("この意見には分類の提案がありません。基本施策を選んで確定してください。")
    return suggestion.policy_code


@bp.post("/comments/<int:comment_id>/memo")
@role_required(*STAFF_ROLES)
def memo(comment_id: int):
    item = db.get_or_404(Comment, comment_id)
    filters, _ = parse_filter(request.args, item.consultation)
    form = MemoForm()
    if not form.validate_on_submit():
        return _comment_page(item, filters, form), 422
    decisions.set_memo(item, current_user, form.memo.data or "")
    db.session.commit()
    flash("内部メモを保存しました。", "info")
    return _back_to(item.id, _queue_args(filters))
