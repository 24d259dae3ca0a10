"""When a person first opened the Home tab: the Home is published after changes only for those who did

Revision ID: 0010
Revises: handoff_0004
Create Date: 2026-12-02 12:55:55.365449

"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0010'
down_revision: str | Sequence[str] | None = 'handoff_0004'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Add user_prefs.home_opened_at (empty for everyone: the next open of the Home sets it)."""
    with op.batch_alter_table('user_prefs', schema=None) as batch_op:
        batch_op.add_column(sa.Column('home_opened_at', sa.DateTime(timezone=True), nullable=True))


def downgrade() -> None:
    """Drop it."""
    with op.batch_alter_table('user_prefs', schema=None) as batch_op:
        batch_op.drop_column('home_opened_at')
