"""Sign-in lock-out per login and client address (replaces the per-account counters)

Revision ID: b81f2c6d9a14
Revises: a3c9e1d47b62
Create Date: 2026-12-02 05:50:00

"""
from alembic import op
import sqlalchemy as sa


revision = 'b81f2c6d9a14'
down_revision = 'a3c9e1d47b62'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'login_lock',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('account', sa.String(length=64), nullable=False),
        sa.Column('source', sa.String(length=64), nullable=False),
        sa.Column('failures', sa.Integer(), nullable=False),
        sa.Column('locked_until', sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_login_lock')),
        sa.UniqueConstraint('account', 'source', name=op.f('uq_login_lock_account')),
    )
    with op.batch_alter_table('login_lock', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_login_lock_account'), ['account'], unique=False)
    with op.batch_alter_table('user', schema=None) as batch_op:
        batch_op.drop_column('locked_until')
        batch_op.drop_column('failed_logins')


def downgrade():
    with op.batch_alter_table('user', schema=None) as batch_op:
        batch_op.add_column(sa.Column('failed_logins', sa.Integer(), nullable=False, server_default='0'))
        batch_op.add_column(sa.Column('locked_until', sa.DateTime(timezone=True), nullable=True))
    with op.batch_alter_table('login_lock', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_login_lock_account'))
    op.drop_table('login_lock')
