"""A session version per user: logout, a new password, a new role or deactivation end every session

Revision ID: c4e7a9d2b518
Revises: b81f2c6d9a14
Create Date: 2026-12-02 06:00:00

"""
from alembic import op
import sqlalchemy as sa


revision = 'c4e7a9d2b518'
down_revision = 'b81f2c6d9a14'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('user', schema=None) as batch_op:
        batch_op.add_column(sa.Column('session_version', sa.Integer(), nullable=False, server_default='1'))


def downgrade():
    with op.batch_alter_table('user', schema=None) as batch_op:
        batch_op.drop_column('session_version')
