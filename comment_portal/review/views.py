"""Staff triage: the queue at /review, the comment view, decisions and bulk actions."""

from flask import Blueprint

bp = Blueprint("review", __name__)
