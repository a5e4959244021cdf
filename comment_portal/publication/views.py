"""Redactions before publication and the exports (under /review)."""

from flask import Blueprint

bp = Blueprint("publication", __name__)
