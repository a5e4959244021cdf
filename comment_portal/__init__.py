"""パブリックコメント受付・分類システム: the Flask application factory."""

import hashlib
import hmac
import logging
import os
from pathlib import Path

from flask import Flask

from . import config as default_config
from .extensions import cache, csrf, db, limiter, login_manager, migrate

MIGRATIONS_DIR = Path(__file__).resolve().parent.parent / "migrations"
# A random SECRET_KEY kept in the instance folder by `make run` (used when none is configured).
SECRET_KEY_FILE = "secret_key"


class InsecureConfigError(RuntimeError):
    """Production mode refuses to start with an unsafe setting."""


def create_app(test_config: dict | None = None) -> Flask:
    """Build the app: config → extensions → blueprints → CLI. No side effects."""
    from .request import PortalRequest
    from .security import DatabaseIdConverter

    app = Flask(__name__, instance_relative_config=True)
    app.request_class = PortalRequest
    app.url_map.converters["int"] = DatabaseIdConverter  # before any route is added
    _configure(app, test_config)
    _trust_proxies(app)
    _init_extensions(app)
    _register_blueprints(app)
    _register_template_helpers(app)
    from . import cli, errors, security

    errors.register(app)
    security.register(app)
    cli.register(app)
    return app


def _configure(app: Flask, test_config: dict | None) -> None:
    app.config.from_object(default_config.Defaults)
    app.config.from_pyfile("config.py", silent=True)
    for key, env in (("SQLALCHEMY_DATABASE_URI", "DATABASE_URL"), ("SECRET_KEY", "SECRET_KEY"),
                     ("REDIS_URL", "REDIS_URL")):
        if os.environ.get(env):
            app.config[key] = os.environ[env]
    app.config.from_prefixed_env("COMMENT_PORTAL")
    if app.config.get("SECRET_KEY") == default_config.DEFAULT_SECRET_KEY:
        app.config["SECRET_KEY"] = _instance_secret(app) or default_config.DEFAULT_SECRET_KEY
    if test_config:
        app.config.from_mapping(test_config)
    if app.config["REDIS_URL"] and app.config["RATELIMIT_STORAGE_URI"] == "memory://":
        app.config["RATELIMIT_STORAGE_URI"] = app.config["REDIS_URL"]
    _resolve_instance_paths(app)
    _engine_options(app)
    if app.config["IP_HASH_KEY"] is None:
        app.config["IP_HASH_KEY"] = hmac.new(
            app.config["SECRET_KEY"].encode(), b"ip-hash", hashlib.sha256
        ).hexdigest()
    logging.getLogger("comment_portal").setLevel(logging.INFO)
    if app.config["ENV"] == "production":
        _harden_for_production(app)
        _warn_about_per_process_limits(app)


def _trust_proxies(app: Flask) -> None:
    """Behind a reverse proxy, take the client address and scheme from its headers."""
    counts = {key: int(app.config[f"PROXY_FIX_X_{key.upper()}"]) for key in ("for", "proto", "host")}
    if any(counts.values()):
        from werkzeug.middleware.proxy_fix import ProxyFix

        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=counts["for"], x_proto=counts["proto"], x_host=counts["host"])


def _resolve_instance_paths(app: Flask) -> None:
    uri = app.config["SQLALCHEMY_DATABASE_URI"]
    if uri.startswith("sqlite:///") and not uri.startswith("sqlite:////") and ":memory:" not in uri:
        relative = uri.removeprefix("sqlite:///")
        app.config["SQLALCHEMY_DATABASE_URI"] = f"sqlite:///{Path(app.instance_path) / relative}"
    Path(app.instance_path).mkdir(parents=True, exist_ok=True)
    app.config["MODEL_DIR"] = str(Path(app.instance_path) / app.config["MODEL_DIR"])


def _engine_options(app: Flask) -> None:
    uri = app.config["SQLALCHEMY_DATABASE_URI"]
    options = app.config["SQLALCHEMY_ENGINE_OPTIONS"] = dict(app.config.get("SQLALCHEMY_ENGINE_OPTIONS") or {})
    if uri.startswith("sqlite"):
        options.setdefault("connect_args", {"timeout": app.config["SQLITE_BUSY_TIMEOUT_SECONDS"]})
    else:
        # A pooled connection cut by a database restart is replaced before use, so the first
        # request after the restart does not fail. (A SQLite file has no connection to lose.)
        options.setdefault("pool_pre_ping", True)


def _instance_secret(app: Flask) -> str | None:
    """The key `make run` keeps in instance/secret_key (created once, reused), if there is one."""
    path = Path(app.instance_path) / SECRET_KEY_FILE
    return (path.read_text(encoding="ascii").strip() or None) if path.is_file() else None


def require_secret_key(app: Flask) -> None:
    """Refuse a missing, default or short SECRET_KEY (anyone who knows it can forge a sign-in)."""
    secret = app.config.get("SECRET_KEY") or ""
    if secret == default_config.DEFAULT_SECRET_KEY or len(secret) < 32:
        raise InsecureConfigError(
            "SECRET_KEY is missing, the development default, or shorter than 32 characters: anyone who "
            "knows it can forge a staff sign-in. Set a long random SECRET_KEY in the environment "
            "(python3 -c 'import secrets; print(secrets.token_hex(32))'), or let `make instance/secret_key` "
            "(part of `make run` and `make serve`) create a random one in the instance folder."
        )


def _harden_for_production(app: Flask) -> None:
    require_secret_key(app)
    if app.debug:
        raise InsecureConfigError("debug mode must be off in production")
    app.config.update(SESSION_COOKIE_SECURE=True, REMEMBER_COOKIE_SECURE=True)


def _warn_about_per_process_limits(app: Flask) -> None:
    """Without Redis each gunicorn worker counts requests on its own (docs/operations.md)."""
    if app.config["RATELIMIT_ENABLED"] and app.config["RATELIMIT_STORAGE_URI"] == "memory://":
        logging.getLogger("comment_portal").warning(
            "REDIS_URL is not set: rate limits (sign-in, submissions, receipt look-ups) are counted per worker "
            "process, so N workers allow N times the configured rate. Set REDIS_URL to share them "
            "(sign-in lock-outs are kept in the database and are shared either way)."
        )


def _init_extensions(app: Flask) -> None:
    db.init_app(app)
    migrate.init_app(app, db, directory=str(MIGRATIONS_DIR))
    csrf.init_app(app)
    limiter.init_app(app)
    # No context processor: it loads the user on every page; templates call signed_in_user() instead.
    login_manager.init_app(app, add_context_processor=False)
    _init_cache(app)
    from . import database

    database.register(app)


def _init_cache(app: Flask) -> None:
    if not app.config.get("CACHE_TYPE"):
        app.config["CACHE_TYPE"] = "RedisCache" if app.config["REDIS_URL"] else "SimpleCache"
    if app.config["CACHE_TYPE"] == "RedisCache":
        app.config.setdefault("CACHE_REDIS_URL", app.config["REDIS_URL"])
    cache.init_app(app)


def _register_blueprints(app: Flask) -> None:
    from .admin.views import bp as admin_bp
    from .answers.views import bp as answers_bp
    from .auth.two_factor_views import bp as two_factor_bp
    from .auth.views import bp as auth_bp
    from .committee.views import bp as committee_bp
    from .insights.views import bp as insights_bp
    from .intake.views import bp as intake_bp
    from .publication.views import bp as publication_bp
    from .results.views import bp as results_bp
    from .review.views import bp as review_bp

    app.register_blueprint(intake_bp)
    app.register_blueprint(auth_bp, url_prefix="/auth")
    app.register_blueprint(two_factor_bp, url_prefix="/auth/two-factor")
    for staff_bp in (review_bp, answers_bp, publication_bp, insights_bp):
        app.register_blueprint(staff_bp, url_prefix="/review")
    app.register_blueprint(admin_bp, url_prefix="/admin")
    app.register_blueprint(committee_bp, url_prefix="/committee")
    app.register_blueprint(results_bp, url_prefix="/results")


def _register_template_helpers(app: Flask) -> None:
    from . import templating

    templating.register(app)
