"""Personal-data scan state on opinions; answer versions, last editor and the approved version

Revision ID: a3c9e1d47b62
Revises: 7c1f3a9e5b20
Create Date: 2026-12-02 05:30:00

Existing opinions start unscanned (their text stays with staff until `flask scan-personal-data`
or `flask init` scans them); existing answers start at version 1, last edited by their writer.
"""
from alembic import op
import sqlalchemy as sa


revision = 'a3c9e1d47b62'
down_revision = '7c1f3a9e5b20'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('comment', schema=None) as batch_op:
        batch_op.add_column(sa.Column('personal_scanned_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.create_index('ix_comment_consultation_scanned_at', ['consultation_id', 'personal_scanned_at'],
                              unique=False)
    with op.batch_alter_table('answer', schema=None) as batch_op:
        batch_op.add_column(sa.Column('last_edited_by_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('version', sa.Integer(), nullable=False, server_default='1'))
        batch_op.add_column(sa.Column('approved_version', sa.Integer(), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_answer_last_edited_by_id_user'), 'user',
                                    ['last_edited_by_id'], ['id'])
    op.execute("UPDATE answer SET last_edited_by_id = written_by_id")
    op.execute("UPDATE answer SET approved_version = version WHERE status = 'approved'")


def downgrade():
    with op.batch_alter_table('answer', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_answer_last_edited_by_id_user'), type_='foreignkey')
        batch_op.drop_column('approved_version')
        batch_op.drop_column('version')
        batch_op.drop_column('last_edited_by_id')
    with op.batch_alter_table('comment', schema=None) as batch_op:
        batch_op.drop_index('ix_comment_consultation_scanned_at')
        batch_op.drop_column('personal_scanned_at')
