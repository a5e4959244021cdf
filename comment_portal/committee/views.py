"""The committee's pages: the digest, the lists behind its links, the printable report and the CSV."""

from flask import Blueprint, Response, abort, render_template, request

from ..auth.decorators import COMMITTEE_ROLES, role_required
from ..consultations import current_consultation
from ..models import Consultation
from ..timeutil import tokyo_today
from . import charts
from .digest import UNREVIEWED_MARK
from .export import digest_csv
from .listing import cached_digest, listing

bp = Blueprint("committee", __name__)


@bp.context_processor
def _helpers() -> dict:
    return {"render_chart": charts.render_chart, "unreviewed_mark": UNREVIEWED_MARK}


def _consultation() -> Consultation:
    consultation = current_consultation()
    if consultation is None:
        abort(404)
    return consultation


def _number(name: str) -> int | None:
    raw = request.args.get(name, "")
    return int(raw) if raw.isascii() and raw.isdigit() and len(raw) < 10 else None


def _asked_list() -> dict | None:
    """The list a digest link asks for (?policy= with phrase=, theme= or group=), or None."""
    keys = ("phrase", "theme", "group")
    if "policy" not in request.args or not any(k in request.args for k in keys):
        return None
    phrase = request.args.get("phrase")
    return {"policy_code": request.args.get("policy", ""), "page": _number("page") or 1,
            "phrase": phrase[:100] if phrase is not None else None, "theme": _number("theme"),
            "group": _number("group")}


@bp.get("", endpoint="digest")
@role_required(*COMMITTEE_ROLES)
def digest():
    consultation = _consultation()
    summary = cached_digest(consultation)
    asked = _asked_list()
    if asked is not None:
        found = listing(consultation, summary, **asked)
        if found is not None:
            return render_template("committee/list.html", digest=summary, listing=found, args=asked)
        return render_template("committee/digest.html", digest=summary, charts=charts.digest_charts(summary),
                               not_found=True), 404
    return render_template("committee/digest.html", digest=summary, charts=charts.digest_charts(summary))


@bp.get("/print", endpoint="print_view")
@role_required(*COMMITTEE_ROLES)
def print_view():
    summary = cached_digest(_consultation())
    return render_template("committee/print.html", digest=summary, charts=charts.digest_charts(summary))


@bp.get("/digest.csv", endpoint="digest_csv")
@role_required(*COMMITTEE_ROLES)
def digest_csv_view():
    consultation = _consultation()
    body = digest_csv(consultation, cached_digest(consultation))
    response = Response(body, mimetype="text/csv; charset=utf-8")
    response.headers["Content-Disposition"] = f"attachment; filename=committee-digest-{tokyo_today():%Y%m%d}.csv"
    response.headers["Cache-Control"] = "no-store"
    return response
