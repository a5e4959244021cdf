"""flask commands an operator runs: init, load-consultation, set-period, reclassify."""

from datetime import date, timedelta

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade
from sqlalchemy import MetaData, select, text

from comment_portal.consultations import current_consultation
from comment_portal.extensions import db
from comment_portal.models import Consultation, ModelVersion, Suggestion, User
from comment_portal.models.base import in_dialect
from comment_portal.timeutil import tokyo_today
from tests.conftest import dispose_engines, durable_database_url, make_app
from tests.factories import all_rows, form_data, stored_counts


@pytest.fixture
def empty_app(tmp_path):
    """An app on a database with no tables at all, as on a fresh machine."""
    app = make_app(tmp_path, SQLALCHEMY_DATABASE_URI=durable_database_url(tmp_path))
    with app.app_context():
        _drop_everything()
        yield app
        db.session.remove()
        _drop_everything()
        dispose_engines()


def _drop_everything():
    db.drop_all()
    with db.engine.begin() as conn:
        conn.execute(text("DROP TABLE IF EXISTS alembic_version"))


def _models_on(dialect_name: str) -> MetaData:
    """The models' schema as created on that dialect: without the indexes declared for another one alone."""
    metadata = MetaData()
    for table in db.metadata.sorted_tables:
        elsewhere = {index.name for index in table.indexes if not in_dialect(index, dialect_name)}
        copy = table.to_metadata(metadata)
        copy.indexes -= {index for index in copy.indexes if index.name in elsewhere}
    return metadata


def test_migrations_build_exactly_the_schema_of_the_models(empty_app):
    upgrade()
    with db.engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"compare_type": True})
        assert compare_metadata(context, _models_on(conn.dialect.name)) == []
    downgrade(revision="base")
    upgrade()


def test_upgrading_keeps_stored_comments_and_records_their_full_text(empty_app):
    upgrade(revision="0be54f020df7")
    with db.engine.begin() as conn:
        conn.execute(text(
            "INSERT INTO consultation (id, slug, title, plan_title, organisation, summary, eligibility, "
            "publication_policy, name_required, attributes, created_at) "
            "VALUES (1, 's', 't', '', '', '', '', '', true, '[]', '2026-01-01 00:00:00+00')"))
        conn.execute(text(
            "INSERT INTO submission (id, consultation_id, receipt_number, channel, submitted_at, received_on, "
            "name, attribute, email, consent) "
            "VALUES (1, 1, 'AAAA-BBBB', 'web', '2026-01-01 00:00:00+00', '2026-01-01', '', '', '', true)"))
        conn.execute(text(
            "INSERT INTO comment (id, submission_id, consultation_id, body, status, created_at) "
            "VALUES (1, 1, 1, '会議室を増やしてください', 'unreviewed', '2026-01-01 00:00:00+00')"))
    upgrade()
    with db.engine.connect() as conn:
        assert conn.execute(text("SELECT original_text FROM submission")).scalar() == "会議室を増やしてください"
        assert conn.execute(text("SELECT source_start, source_end FROM comment")).one() == (0, 12)


def test_init_creates_everything_a_newcomer_needs(empty_app):
    runner = empty_app.test_cli_runner()
    result = runner.invoke(args=["init", "--create-admin", "admin"])
    assert result.exit_code == 0, result.output
    consultation = current_consultation()
    today = tokyo_today()
    assert consultation.opens_on == today and consultation.closes_on == today + timedelta(days=29)
    assert f"{today.year}年{today.month}月{today.day}日" in result.output
    assert len(consultation.sections) == 23 and [p.code for p in consultation.policies] == ["1", "2", "3", "4", "other"]
    assert db.session.scalar(select(ModelVersion).filter_by(active=True)) is not None
    admin = db.session.scalar(select(User).filter_by(login="admin"))
    password = result.output.split("password: ")[1].split()[0]
    assert admin.check_password(password)
    again = runner.invoke(args=["init", "--create-admin", "admin"])
    assert again.exit_code == 0 and "already exists" in again.output
    assert len(all_rows(ModelVersion)) == 1 and current_consultation().opens_on == today


def test_a_comment_after_init_gets_a_suggestion_from_the_default_model(empty_app):
    assert empty_app.test_cli_runner().invoke(args=["init"]).exit_code == 0
    client = empty_app.test_client()
    assert client.post("/comments/confirm", data=form_data(client)).status_code == 303
    assert stored_counts() == (1, 1, 1)
    assert all_rows(Suggestion)[0].model_version.startswith("default-")


def test_set_period_changes_the_period(app):
    result = app.test_cli_runner().invoke(args=["set-period", "--opens", "2027-01-05", "--closes", "2027-02-04"])
    assert result.exit_code == 0, result.output
    consultation = current_consultation()
    assert (consultation.opens_on, consultation.closes_on) == (date(2027, 1, 5), date(2027, 2, 4))
    assert "2027年1月5日" in result.output


def test_set_period_refuses_a_reversed_period(app):
    before = current_consultation().closes_on
    result = app.test_cli_runner().invoke(args=["set-period", "--opens", "2027-02-05", "--closes", "2027-01-04"])
    assert result.exit_code != 0
    assert current_consultation().closes_on == before


def test_load_consultation_loads_a_new_one_without_code_changes(app, tmp_path):
    (tmp_path / "consultation.toml").write_text(
        '''slug = "next-plan"
title = "次の計画（素案）"
attributes = ["市内在住", "その他"]
opens = "2027-04-01"
closes = "2027-04-30"
[[policies]]
code = "1"
title = "施策1"
[[policies]]
code = "other"
title = "その他"
[[sections]]
code = "1"
heading = "はじめに"
body = "本文"
''',
        encoding="utf-8",
    )
    result = app.test_cli_runner().invoke(args=["load-consultation", str(tmp_path)])
    assert result.exit_code == 0, result.output
    loaded = db.session.scalar(select(Consultation).filter_by(slug="next-plan"))
    assert loaded.opens_on == date(2027, 4, 1) and loaded.sections[0].heading == "はじめに"


def test_load_consultation_reports_a_broken_file_and_changes_nothing(app, tmp_path):
    (tmp_path / "consultation.toml").write_text('slug = "broken"\ntitle = "x"\n', encoding="utf-8")
    result = app.test_cli_runner().invoke(args=["load-consultation", str(tmp_path)])
    assert result.exit_code != 0 and "missing" in result.output
    assert db.session.scalar(select(Consultation).filter_by(slug="broken")) is None


def test_reclassify_suggests_for_comments_left_unclassified(app):
    for version in all_rows(ModelVersion):
        version.active = False
    db.session.commit()
    client = app.test_client()
    client.post("/comments/confirm", data=form_data(client))
    assert stored_counts() == (1, 1, 0)
    all_rows(ModelVersion)[0].active = True
    db.session.commit()
    result = app.test_cli_runner().invoke(args=["reclassify"])
    assert result.exit_code == 0 and "Classified 1" in result.output
    assert stored_counts() == (1, 1, 1)
