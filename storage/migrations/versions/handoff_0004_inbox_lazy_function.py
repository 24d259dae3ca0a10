"""The inbox holds the work after every ack in HTTP mode: the lazy function to run and who holds it

Revision ID: handoff_0004
Revises: progress_0003
Create Date: 2026-12-01 19:10:00

"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = 'handoff_0004'
down_revision: str | Sequence[str] | None = 'progress_0003'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Add inbox_events.lazy_function and inbox_events.claimed_by."""
    with op.batch_alter_table('inbox_events', schema=None) as batch_op:
        batch_op.add_column(sa.Column('lazy_function', sa.String(length=128), nullable=True))
        batch_op.add_column(sa.Column('claimed_by', sa.String(length=64), nullable=True))


def downgrade() -> None:
    """Drop them."""
    with op.batch_alter_table('inbox_events', schema=None) as batch_op:
        batch_op.drop_column('claimed_by')
        batch_op.drop_column('lazy_function')
