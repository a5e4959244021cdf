"""flask commands: init, create-user, unlock, reclassify, scan-personal-data, load-demo and the rest."""

import os
import secrets
from contextlib import contextmanager
from datetime import timedelta
from pathlib import Path

import click
from flask import Flask, current_app
from flask_migrate import upgrade
from sqlalchemy import select

import classifier

from . import background, backups, demo, personal_scan, privacy, suggestions
from .audit import record
from .auth import signin
from .auth.passwords import password_problem
from .consultations import (
    DEFAULT_CONSULTATION,
    ConsultationError,
    current_consultation,
    load_consultation,
    set_period,
)
from .extensions import db
from .models import Consultation, Role, User
from .timeutil import format_date, format_tokyo, tokyo_today

DEFAULT_PERIOD_DAYS = 30


@contextmanager
def reported_as_cli_error(*errors: type[Exception]):
    """Undo the session and show a domain error as a plain command-line message (exit 1)."""
    try:
        yield
    except errors as exc:
        db.session.rollback()
        raise click.ClickException(str(exc)) from exc


def register(app: Flask) -> None:
    for command in (init, load_consultation_command, set_period_command, create_user, reclassify,
                    retrain, activate_model, list_models, backup_command, restore_command,
                    purge_personal_data_command, load_demo, scan_personal_data, unlock_command):
        app.cli.add_command(command)


@click.command("init")
@click.option("--create-admin", "admin_login", default=None,
              help="Also create this admin account, with a printed random password, if it does not exist.")
def init(admin_login: str | None) -> None:
    """Create or upgrade the database, load the default consultation, build the default model."""
    upgrade()
    consultation = load_consultation(DEFAULT_CONSULTATION)
    if consultation.opens_on is None:
        today = tokyo_today()
        set_period(consultation, today, today + timedelta(days=DEFAULT_PERIOD_DAYS - 1))
    click.echo(f"意見募集: {consultation.title}")
    click.echo(f"期間: {format_date(consultation.opens_on)}から{format_date(consultation.closes_on)}まで")
    if suggestions.active_model_version() is None:
        click.echo("Building the default classifier model…")
        version = suggestions.build_default_model()
        click.echo(f"Model {version.version} is active.")
    scanned, _added = background.scan_all()
    if scanned:
        click.echo(f"Scanned {scanned} opinion(s) left unscanned for personal data.")
    if admin_login:
        _create_admin_once(admin_login)


def _create_admin_once(login: str) -> None:
    if db.session.scalar(select(User).filter_by(login=login)):
        click.echo(f"Admin account '{login}' already exists (password unchanged).")
        return
    password = secrets.token_urlsafe(12)
    user = User(login=login, role=Role.ADMIN)
    user.set_password(password)
    db.session.add(user)
    db.session.commit()
    click.echo(f"Created admin account '{login}' with password: {password}")


@click.command("load-consultation")
@click.argument("path", type=click.Path(exists=True, path_type=Path))
def load_consultation_command(path: Path) -> None:
    """Load or update a consultation from a directory holding consultation.toml."""
    with reported_as_cli_error(ConsultationError):
        consultation = load_consultation(path)
    click.echo(
        f"Loaded {consultation.slug}: {len(consultation.sections)} sections, "
        f"{len(consultation.policies)} policies."
    )


@click.command("set-period")
@click.option("--opens", required=True, type=click.DateTime(["%Y-%m-%d"]), help="First day (Asia/Tokyo).")
@click.option("--closes", required=True, type=click.DateTime(["%Y-%m-%d"]), help="Last day, inclusive.")
@click.option("--consultation", "slug", default=None, help="Slug; default: the configured one.")
def set_period_command(opens, closes, slug) -> None:
    """Change the comment period."""
    consultation = _consultation(slug)
    with reported_as_cli_error(ConsultationError):
        set_period(consultation, opens.date(), closes.date())
    click.echo(f"期間: {format_date(consultation.opens_on)}から{format_date(consultation.closes_on)}まで")


def _consultation(slug: str | None) -> Consultation:
    consultation = (
        db.session.scalar(select(Consultation).filter_by(slug=slug)) if slug else current_consultation()
    )
    if consultation is None:
        raise click.ClickException("no such consultation; run `flask init` or `flask load-consultation` first")
    return consultation


@click.command("create-user")
@click.argument("login")
@click.option("--role", required=True, type=click.Choice([r.value for r in Role]))
def create_user(login: str, role: str) -> None:
    """Create an account (or reset its password and role). Password: prompt or COMMENT_PORTAL_PASSWORD."""
    password = os.environ.get("COMMENT_PORTAL_PASSWORD") or click.prompt(
        "Password", hide_input=True, confirmation_prompt=True
    )
    problem = password_problem(password, login)
    if problem:
        raise click.ClickException(f"this password may not be used: {problem}")
    user = db.session.scalar(select(User).filter_by(login=login)) or User(login=login)
    user.role, user.active = Role(role), True
    user.set_password(password)
    db.session.add(user)
    db.session.flush()
    unlocked = signin.unlock(user)  # a new password is a fresh start
    db.session.commit()
    click.echo(f"User {login} ({role}) saved." + (" Its sign-in locks were cleared." if unlocked else ""))


@click.command("unlock")
@click.argument("login")
def unlock_command(login: str) -> None:
    """Clear the sign-in lock-out of an account (every client address), e.g. after the owner called."""
    user = db.session.scalar(select(User).filter_by(login=login))
    if user is None:
        raise click.ClickException(f"no account '{login}'")
    removed = signin.unlock(user)
    record(None, "user.unlock", user, None, {"locks_cleared": removed})
    db.session.commit()
    click.echo(f"Account '{login}': {removed} lock(s) or failure count(s) cleared.")


@click.command("reclassify")
def reclassify() -> None:
    """Suggest a policy for every comment that has none (e.g. after a crash or a missing model)."""
    done, failed = suggestions.reclassify_unclassified()
    click.echo(f"Classified {done} comment(s); {failed} still unclassified.")
    if failed:
        raise SystemExit(1)



@click.command("scan-personal-data")
@click.option("--pending-only", is_flag=True,
              help="Only the opinions never scanned (e.g. left by a crash), not a rescan of everything.")
def scan_personal_data(pending_only: bool) -> None:
    """Scan every opinion for personal data again (after a detector change); also catches up unscanned ones.

    New finds become proposals for staff; decided masks stay; undecided proposals the detector no longer
    makes are withdrawn. Opinions never scanned stay hidden outside staff until this or the background scan.
    """
    scanned, added = background.scan_all(rescan=not pending_only)
    left = len(personal_scan.unscanned_ids())
    click.echo(f"Scanned {scanned} opinion(s) for personal data; {added} new proposal(s) for staff to decide; "
               f"{left} still unscanned.")
    if left:
        raise SystemExit(1)


@click.command("load-demo")
def load_demo() -> None:
    """Load the team's ~200 sample opinions, reviewed, answered and published (once; not in production)."""
    if current_app.config["ENV"] == "production":
        raise click.ClickException("the demo data is for trying the system out; it is never loaded in production")
    result = demo.load_demo(_consultation(None))
    for login, password in result.accounts:
        shown = f"password {password}" if password else "exists (password unchanged)"
        click.echo(f"Demo account '{login}': {shown}")
    if result.already_loaded:
        click.echo(f"Demo data is already loaded ({result.already_loaded} submissions); nothing was added.")
        return
    if result.period_moved:
        opens, closes = result.period_moved
        click.echo(f"Comment period moved to {opens}..{closes} (closed) so that the demo dates fit.")
    click.echo(
        f"Loaded {result.submissions} demo submissions: {result.confirmed} confirmed, {result.excluded} excluded, "
        f"{result.answers} answers ({result.approved} approved), {result.masks} masks accepted; "
        "results published at /results."
    )


@click.command("retrain")
@click.option("--force", is_flag=True, help="Activate the new model even if it scores worse.")
@click.option("--cv", "folds", default=5, show_default=True, help="Folds for cross-validation.")
def retrain(force: bool, folds: int) -> None:
    """Train on the seed + staff-confirmed comments; activate it when it is not worse."""
    result = suggestions.retrain(force=force, folds=folds)
    click.echo(f"Confirmed comments used: {result.confirmed}")
    click.echo(_metrics_line(f"candidate {result.version.version} ({folds}-fold CV)", result.candidate_metrics))
    click.echo(_metrics_line(f"active    {result.active_version or '(none)'}", result.active_metrics))
    if result.activated:
        click.echo(f"Activated {result.version.version}; {result.resuggested} unreviewed comment(s) re-suggested.")
    else:
        click.echo(f"Kept {result.active_version}: the candidate scored worse (use --force to activate it anyway).")


def _metrics_line(title: str, metrics: dict | None) -> str:
    if not metrics:
        return f"{title}: no confirmed comments to evaluate on"
    confident = metrics.get("confident_accuracy")
    return (
        f"{title}: accuracy {metrics['accuracy']:.3f}, top-2 {metrics['top2_accuracy']:.3f}, "
        f"macro-F1 {metrics['macro_f1']:.3f}, confident accuracy "
        f"{'n/a' if confident is None else f'{confident:.3f}'} at coverage {metrics['coverage']:.2f}"
    )


@click.command("activate-model")
@click.argument("version")
def activate_model(version: str) -> None:
    """Make a stored model version active again (roll back a retrain)."""
    try:
        row = suggestions.activate(version)
    except LookupError as exc:
        raise click.ClickException(f"no model version {version}; see `flask models`") from exc
    except classifier.ModelLoadError as exc:
        raise click.ClickException(f"model {version} cannot be loaded: {exc}") from exc
    click.echo(f"Model {row.version} is active.")


@click.command("models")
def list_models() -> None:
    """List stored model versions; * marks the active one."""
    for row in suggestions.all_versions():
        accuracy = (row.metrics.get("candidate_cv") or {}).get("accuracy")
        shown = "" if accuracy is None else f"  cv-accuracy {accuracy:.3f}"
        click.echo(f"{'*' if row.active else ' '} {row.version}  {format_tokyo(row.trained_at)}{shown}")


@click.command("backup")
@click.argument("path", type=click.Path(dir_okay=False, path_type=Path))
def backup_command(path: Path) -> None:
    """Write a consistent copy of the database to PATH (safe while the portal serves requests)."""
    with reported_as_cli_error(backups.BackupError):
        backups.backup(db.engine, path)
    click.echo(f"Backup written to {path}")


@click.command("restore")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
def restore_command(path: Path, yes: bool) -> None:
    """Replace the whole database with the backup at PATH (stop the portal first)."""
    if not yes:
        click.confirm(f"Replace the database {db.engine.url.render_as_string()} with {path}?", abort=True)
    db.session.remove()
    with reported_as_cli_error(backups.BackupError):
        backups.restore(db.engine, path)
    click.echo(f"Restored from {path}")


@click.command("purge-personal-data")
@click.option("--consultation", "slug", required=True, help="Slug of a closed consultation.")
def purge_personal_data_command(slug: str) -> None:
    """Remove names, e-mail addresses and IP hashes of a closed consultation after the retention period."""
    consultation = _consultation(slug)
    retention = current_app.config["PERSONAL_DATA_RETENTION_DAYS"]
    with reported_as_cli_error(privacy.PurgeRefused):
        count = privacy.purge_personal_data(consultation, retention)
    click.echo(f"Removed personal data from {count} submission(s) of {slug}; opinions and results are kept.")
