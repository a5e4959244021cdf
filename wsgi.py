"""Entry point for gunicorn: `gunicorn wsgi:app`."""

import gc
import sys

from comment_portal import InsecureConfigError, create_app, require_secret_key

try:
    app = create_app()
    # Whatever the mode: a server reachable by others must never sign sessions with a known key.
    require_secret_key(app)
except InsecureConfigError as error:
    print(f"comment_portal: refusing to serve: {error}", file=sys.stderr)
    sys.exit(3)  # gunicorn's "worker failed to boot": the master stops instead of restarting workers forever
# What is loaded by now (Flask, SQLAlchemy, scikit-learn... ~180,000 objects) lives as long as the
# worker: frozen, it is no longer scanned by each full garbage collection (~0.1 s every few
# hundred requests, about 2 % of a worker's time under load).
gc.freeze()
