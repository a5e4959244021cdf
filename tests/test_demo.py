"""`flask load-demo`: the team's sample opinions, reviewed, answered, approved and published, once."""

import re
from collections import Counter
from datetime import timedelta

import pytest
from sqlalchemy import select

from comment_portal import demo
from comment_portal.consultations import current_consultation
from comment_portal.extensions import db
from comment_portal.masking import comment_text
from comment_portal.models import (
    Answer,
    AnswerStatus,
    AuditEvent,
    Comment,
    CommentStatus,
    Redaction,
    RedactionStatus,
    Role,
    Submission,
    Suggestion,
    User,
)
from comment_portal.timeutil import tokyo_today
from tests.factories import all_rows, count, login

OPINIONS = demo.read_opinions()


@pytest.fixture
def loaded(app):
    result = app.test_cli_runner().invoke(args=["load-demo"])
    assert result.exit_code == 0, result.output
    return result.output


def test_the_demo_file_is_what_the_loader_expects():
    assert len(OPINIONS) == 209
    assert {o.review for o in OPINIONS} == {"confirm", "leave", "offtopic"}
    assert all(o.summary for o in OPINIONS if o.approve is not None)
    campaigns = Counter(o.campaign for o in OPINIONS if o.campaign)
    assert all(sum(1 for o in OPINIONS if o.campaign == c and o.summary) == 1 for c in campaigns)


def test_load_demo_creates_submissions_decisions_answers_and_publishes(app, loaded):
    expected = Counter(o.review for o in OPINIONS)
    assert count(Submission) == count(Comment) == count(Suggestion) == 209
    statuses = Counter(c.status for c in all_rows(Comment))
    assert statuses == {CommentStatus.CONFIRMED: expected["confirm"], CommentStatus.EXCLUDED: expected["offtopic"],
                        CommentStatus.UNREVIEWED: expected["leave"]}
    answers = Counter(a.status for a in all_rows(Answer))
    assert answers == {AnswerStatus.APPROVED: sum(1 for o in OPINIONS if o.approve),
                       AnswerStatus.PENDING: sum(1 for o in OPINIONS if o.approve is False),
                       AnswerStatus.DRAFT: sum(1 for o in OPINIONS if o.summary and o.approve is None)}
    campaign_sizes = sorted(Counter(o.campaign for o in OPINIONS if o.campaign).values())
    shared = sorted(len(a.comments) for a in all_rows(Answer) if len(a.comments) > 1)
    assert shared == campaign_sizes  # campaign copies share the first copy's answer
    assert current_consultation().results_published_at is not None
    assert f"Loaded 209 demo submissions: {expected['confirm']} confirmed" in loaded
    # One load per test is slow (~4 s), so the same data is also checked for dates, audit and masks.
    _dates_channels_and_audit_trail_look_real()
    _personal_data_in_demo_texts_is_masked()


def _dates_channels_and_audit_trail_look_real():
    consultation = current_consultation()
    assert consultation.closes_on < tokyo_today()
    by_token = {s.submission_token: s for s in all_rows(Submission)}
    for index, opinion in enumerate(OPINIONS, start=1):
        submission = by_token[f"demo-{index:03d}"]
        assert submission.received_on == consultation.opens_on + timedelta(days=opinion.days_after_open)
        assert submission.channel.value == opinion.channel and submission.original_text == opinion.text
        assert re.fullmatch(r"[0-9A-Z]{4}-[0-9A-Z]{4}", submission.receipt_number)
    staff = db.session.scalar(select(User).filter_by(login="staff"))
    confirms = [e for e in all_rows(AuditEvent) if e.action == "comment.confirm"]
    assert len(confirms) == sum(1 for o in OPINIONS if o.review == "confirm")
    assert {e.user_id for e in confirms} == {staff.id}
    approver = db.session.scalar(select(User).filter_by(login="approver"))
    assert {e.user_id for e in all_rows(AuditEvent) if e.action in ("answer.approve", "results.publish")} == {
        approver.id}


def _personal_data_in_demo_texts_is_masked():
    masks = all_rows(Redaction)
    assert masks and all(r.status is RedactionStatus.ACCEPTED for r in masks)
    phone_comment = db.session.scalar(select(Comment).where(Comment.body.contains("0422-00-1234")))
    assert "0422-00-1234" not in comment_text(phone_comment) and "〇〇" in comment_text(phone_comment)


def test_demo_accounts_work_and_results_page_shows_the_published_table(app, loaded):
    passwords = dict(re.findall(r"Demo account '(\w+)': password (\S+)", loaded))
    assert set(passwords) == {"staff", "approver", "committee"}
    roles = {u.login: u.role for u in all_rows(User)}
    assert roles == {"staff": Role.STAFF, "approver": Role.APPROVER, "committee": Role.COMMITTEE}
    client = app.test_client()
    assert login(client, "approver", passwords["approver"]).status_code == 302
    assert "公表中です。" in client.get("/review/approvals").get_data(as_text=True)
    html = app.test_client().get("/results").get_data(as_text=True)
    approved = sum(1 for o in OPINIONS if o.approve)
    assert f'id="row-{approved}"' in html and f'id="row-{approved + 1}"' not in html
    for opinion in OPINIONS:
        assert opinion.name not in html and (not opinion.email or opinion.email not in html)


def test_running_load_demo_again_adds_nothing(app, loaded):
    before = (count(Submission), count(Comment), count(Answer), count(AuditEvent), count(User))
    again = app.test_cli_runner().invoke(args=["load-demo"])
    assert again.exit_code == 0, again.output
    assert "Demo data is already loaded (209 submissions); nothing was added." in again.output
    assert "exists (password unchanged)" in again.output
    assert (count(Submission), count(Comment), count(Answer), count(AuditEvent), count(User)) == before


def test_load_demo_refuses_to_run_in_production(tmp_path, model_dir):
    from tests.conftest import dispose_engines, make_app, reset_database

    app = make_app(tmp_path, ENV="production", SECRET_KEY="x" * 40)
    with app.app_context():
        reset_database(model_dir)
        result = app.test_cli_runner().invoke(args=["load-demo"])
        assert result.exit_code != 0 and "never loaded in production" in result.output
        assert count(Submission) == 0 and count(User) == 0
        db.session.remove()
        db.drop_all()
        dispose_engines()
