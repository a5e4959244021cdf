"""No default secret in service: wsgi (and so gunicorn) refuses a missing, default or short SECRET_KEY in any mode."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from flask import Flask

from comment_portal import _instance_secret

ROOT = Path(__file__).resolve().parent.parent


def start_wsgi(tmp_path, **env) -> subprocess.CompletedProcess:
    """Import wsgi.py as gunicorn does, in a process of its own, with only these settings."""
    clean = {k: v for k, v in os.environ.items() if not k.startswith("COMMENT_PORTAL_") and k != "SECRET_KEY"}
    clean.update(DATABASE_URL=f"sqlite:///{tmp_path}/wsgi.db", **env)
    return subprocess.run([sys.executable, "-c", "import wsgi"], cwd=ROOT, env=clean, capture_output=True,
                          text=True, timeout=120)


@pytest.mark.parametrize("secret", ["too-short", "x" * 31])
@pytest.mark.parametrize("mode", ["development", "production"])
def test_wsgi_refuses_a_weak_secret_in_any_mode(tmp_path, secret, mode):
    started = start_wsgi(tmp_path, COMMENT_PORTAL_SECRET_KEY=secret, COMMENT_PORTAL_ENV=mode)
    assert started.returncode != 0
    assert "refusing to serve" in started.stderr and "SECRET_KEY" in started.stderr
    assert "Traceback" not in started.stderr  # a message an operator can act on, not a stack


def test_wsgi_serves_with_a_long_random_secret(tmp_path):
    started = start_wsgi(tmp_path, SECRET_KEY="k" * 64)
    assert started.returncode == 0, started.stderr


def test_a_key_kept_in_the_instance_folder_is_used_when_none_is_configured(tmp_path):
    app = Flask(__name__, instance_path=str(tmp_path))
    assert _instance_secret(app) is None
    (tmp_path / "secret_key").write_text("f" * 64 + "\n", encoding="ascii")
    assert _instance_secret(app) == "f" * 64
