"""Splitting letters into opinions, answers and their approval, paper entries (under /review)."""

from flask import Blueprint

bp = Blueprint("answers", __name__)
