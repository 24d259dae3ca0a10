"""Check-in readings: every value recorded on a check-in, with the reply it was read from, kept after an undo,
a correction, an edit or a deletion in Slack.

Existing check-ins get no readings: their value stands as it is; buttons appear on readings recorded from now on.

Revision ID: corrections_0002
Revises: edge_0002
Create Date: 2026-12-01 13:20:00.000000

"""
from collections.abc import Sequence
from typing import Union

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision: str = 'corrections_0002'
down_revision: str | Sequence[str] | None = 'edge_0002'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Add the check-in readings table."""
    op.create_table('checkin_readings',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('checkin_id', sa.Integer(), nullable=False),
    sa.Column('value', sa.Float(), nullable=False),
    sa.Column('previous_value', sa.Float(), nullable=True),
    sa.Column('previous_status', sa.String(length=16), nullable=False),
    sa.Column('replaces_id', sa.Integer(), nullable=True),
    sa.Column('source', sa.String(length=16), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('text', sa.Text(), nullable=True),
    sa.Column('message_channel', sa.String(length=32), nullable=True),
    sa.Column('message_ts', sa.String(length=32), nullable=True),
    sa.Column('created_by', sa.String(length=32), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('ended_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['checkin_id'], ['checkins.id'], ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['replaces_id'], ['checkin_readings.id'], ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('checkin_readings', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_checkin_readings_checkin_id'), ['checkin_id'], unique=False)
        batch_op.create_index('ix_checkin_readings_message', ['message_channel', 'message_ts'], unique=False)


def downgrade() -> None:
    """Drop the check-in readings table."""
    with op.batch_alter_table('checkin_readings', schema=None) as batch_op:
        batch_op.drop_index('ix_checkin_readings_message')
        batch_op.drop_index(batch_op.f('ix_checkin_readings_checkin_id'))

    op.drop_table('checkin_readings')
