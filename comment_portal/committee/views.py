"""The committee's pages: the digest, the lists behind its links, the printable report and the CSV."""

from flask import Blueprint, Response, abort, render_template, request

from ..auth.decorators import COMMITTEE_ROLES, role_required
from ..consultations import current_consultation
from ..models import Consultation
from ..timeutil import tokyo_today
from . import charts
from .cache import Served, served_digest
from .digest import UNREVIEWED_MARK
from .export import digest_csv
from .listing import listing

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


def _pending():
    """While a large digest is computed and there is nothing older that may be shown."""
    response = render_template("committee/pending.html")
    return response, 200, {"Retry-After": "15", "Cache-Control": "no-store"}


def _page(template: str, served: Served, status: int = 200, **context):
    summary = served.digest
    return render_template(template, digest=summary, charts=charts.digest_charts(summary), stale=not served.current,
                           **context), status


@bp.get("", endpoint="digest")
@role_required(*COMMITTEE_ROLES)
def digest():
    consultation = _consultation()
    served = served_digest(consultation)
    if served.digest is None:
        return _pending()
    asked = _asked_list()
    if asked is None:
        return _page("committee/digest.html", served)
    found = listing(consultation, served.digest, **asked)
    if found is None:
        return _page("committee/digest.html", served, 404, not_found=True)
    return render_template("committee/list.html", digest=served.digest, listing=found, args=asked)


@bp.get("/print", endpoint="print_view")
@role_required(*COMMITTEE_ROLES)
def print_view():
    served = served_digest(_consultation())
    return _pending() if served.digest is None else _page("committee/print.html", served)


@bp.get("/digest.csv", endpoint="digest_csv")
@role_required(*COMMITTEE_ROLES)
def digest_csv_view():
    consultation = _consultation()
    served = served_digest(consultation)
    if not served.current:  # the rows are read now: only the current digest's groups fit them
        return _pending()
    body = digest_csv(consultation, served.digest)
    response = Response(body, mimetype="text/csv; charset=utf-8")
    response.headers["Content-Disposition"] = f"attachment; filename=committee-digest-{tokyo_today():%Y%m%d}.csv"
    response.headers["Cache-Control"] = "no-store"
    return response
