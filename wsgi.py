"""Entry point for gunicorn: `gunicorn wsgi:app`."""

import gc

from comment_portal import create_app

app = create_app()
# What is loaded by now (Flask, SQLAlchemy, scikit-learn... ~180,000 objects) lives as long as the
# worker: frozen, it is no longer scanned by each full garbage collection (~0.1 s every few
# hundred requests, about 2 % of a worker's time under load).
gc.freeze()
