"""Progress and how far to trust the model: the dashboard (under /review)."""

from flask import Blueprint

bp = Blueprint("insights", __name__)
