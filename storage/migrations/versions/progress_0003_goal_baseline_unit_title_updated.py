"""The unit of a goal's starting point, and when its title was last brought in line with its numbers.

A growth goal ("+15% sales") grows from an amount in a currency: goals.baseline_unit. Existing goals get NULL:
their starting point is in the target's unit, as before. goals.title_updated_at: when the title was rewritten
to match an edit (or reworded); NULL for existing goals, whose titles are their original wording.

Revision ID: progress_0003
Revises: durable_0003
Create Date: 2026-12-01 15:45:00.000000

"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision: str = 'progress_0003'
down_revision: str | Sequence[str] | None = 'durable_0003'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Add goals.baseline_unit and goals.title_updated_at."""
    with op.batch_alter_table('goals', schema=None) as batch_op:
        batch_op.add_column(sa.Column('baseline_unit', sa.String(length=16), nullable=True))
        batch_op.add_column(sa.Column('title_updated_at', sa.DateTime(timezone=True), nullable=True))


def downgrade() -> None:
    """Drop goals.title_updated_at and goals.baseline_unit."""
    with op.batch_alter_table('goals', schema=None) as batch_op:
        batch_op.drop_column('title_updated_at')
        batch_op.drop_column('baseline_unit')
