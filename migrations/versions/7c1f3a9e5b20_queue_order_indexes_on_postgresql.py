"""Queue order indexes on PostgreSQL; latest review per consultation

The staff queue sorts least certain first: unreviewed before the rest, then unclassified (NULL probability)
first, then by id. With a million opinions PostgreSQL sorted every row for each page; these indexes hold
that order, with the filter columns included so that filtered pages and counts read the index alone.
SQLite cannot index NULLS FIRST and sorts NULLs first by itself: nothing to do there.
On both, (consultation_id, reviewed_at) answers the committee digest's data version without a table scan.

Revision ID: 7c1f3a9e5b20
Revises: d5e87175e27d
Create Date: 2026-11-25 22:10:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '7c1f3a9e5b20'
down_revision = 'd5e87175e27d'
branch_labels = None
depends_on = None


def _postgresql() -> bool:
    return op.get_bind().dialect.name == "postgresql"


def upgrade():
    op.create_index('ix_comment_consultation_reviewed_at', 'comment', ['consultation_id', 'reviewed_at'],
                    unique=False)
    if not _postgresql():
        return
    op.create_index('ix_comment_queue_order', 'comment',
                    ['consultation_id', sa.text("(status <> 'unreviewed')"),
                     sa.text('suggestion_probability NULLS FIRST'), 'id'], unique=False,
                    postgresql_include=['status', 'suggested_policy', 'confirmed_policy'])
    op.create_index('ix_comment_queue_status_order', 'comment',
                    ['consultation_id', 'status', sa.text('suggestion_probability NULLS FIRST'), 'id'],
                    unique=False, postgresql_include=['suggested_policy', 'confirmed_policy'])


def downgrade():
    if _postgresql():
        op.drop_index('ix_comment_queue_status_order', table_name='comment')
        op.drop_index('ix_comment_queue_order', table_name='comment')
    op.drop_index('ix_comment_consultation_reviewed_at', table_name='comment')
