"""goals.title_reversed: the title's words go the other way from the goal since it was set

"increase churn rate to 5%" saved as a reduction after the owner answered that they meant bringing churn down:
the words say the opposite of the numbers, and screens mark them as the original wording until reworded.
Existing goals get false: their words were saved the way they were read.

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-02 12:50:06.412820

"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision: str = '0011'
down_revision: str | Sequence[str] | None = '0010'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Add goals.title_reversed: a plain ADD COLUMN on both databases. A batch operation would recreate `goals` on
    SQLite, and its DROP, with foreign keys on, would cascade away every check-in."""
    op.add_column('goals', sa.Column('title_reversed', sa.Boolean(), server_default=sa.false(), nullable=False))


def downgrade() -> None:
    """Drop goals.title_reversed."""
    with op.batch_alter_table('goals', schema=None) as batch_op:
        batch_op.drop_column('title_reversed')
