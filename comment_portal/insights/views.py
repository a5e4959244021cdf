"""Progress and how far to trust the model: the dashboard (under /review)."""

from flask import Blueprint, abort, render_template

from ..auth.decorators import STAFF_ROLES, role_required
from ..consultations import current_consultation
from ..labels import policy_label
from . import stats

bp = Blueprint("insights", __name__)


def percent(value: float | None) -> str:
    return "—" if value is None else f"{value * 100:.0f}%"


def kappa(value: float | None) -> str:
    return "—" if value is None else f"{value:.2f}"


@bp.get("/dashboard")
@role_required(*STAFF_ROLES)
def dashboard():
    consultation = current_consultation()
    if consultation is None:
        abort(404)
    return render_template("insights/dashboard.html", consultation=consultation, stats=stats.dashboard(consultation),
                           percent=percent, kappa=kappa, policy_label=policy_label)
