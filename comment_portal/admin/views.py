"""Admin: model versions and retraining from the UI (/admin)."""

from flask import Blueprint

bp = Blueprint("admin", __name__)
