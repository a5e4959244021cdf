"""Entry point for gunicorn: `gunicorn wsgi:app`."""

from comment_portal import create_app

app = create_app()
