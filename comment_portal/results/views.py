"""Public: the published result table and the receipt lookup. No login, no personal data."""

from flask import Blueprint, abort, current_app, make_response, render_template, request

from ..consultations import current_consultation
from ..extensions import limiter
from ..publication.table import publication_table
from ..timeutil import tokyo_today
from . import lookup

bp = Blueprint("results", __name__)


def _lookup_limit() -> str:
    return current_app.config["RESULTS_LOOKUP_RATE_LIMIT"]


def _not_a_lookup() -> bool:
    return not request.args.get("receipt", "").strip()


@bp.get("")
@limiter.limit(_lookup_limit, exempt_when=_not_a_lookup)
def index():
    consultation = current_consultation()
    if consultation is None:
        abort(404)
    if consultation.results_published_at is None:
        return render_template("results/not_published.html", consultation=consultation)
    table = publication_table(consultation)
    entered = request.args.get("receipt", "").strip()
    found = lookup.look_up(consultation, table, entered) if entered else None
    response = make_response(render_template("results/index.html", consultation=consultation, table=table,
                                             entered=entered[: lookup.MAX_INPUT_CHARS], found=found,
                                             published_on=tokyo_today(consultation.results_published_at)))
    if entered:
        response.headers["Cache-Control"] = "no-store"  # the page names the resident's receipt
    return response
