"""request fingerprints (replay guard), workspace install state, scheduler heartbeat

Revision ID: edge_0002
Revises: managers_0002
Create Date: 2026-12-01 13:00:00

"""
from collections.abc import Sequence
from typing import Union

import sqlalchemy as sa
from alembic import op

revision: str = 'edge_0002'
down_revision: str | Sequence[str] | None = 'managers_0002'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Upgrade schema."""
    op.create_table('request_fingerprints',
    sa.Column('fingerprint', sa.String(length=64), nullable=False),
    sa.Column('received_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('fingerprint')
    )
    with op.batch_alter_table('request_fingerprints', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_request_fingerprints_received_at'), ['received_at'], unique=False)
    op.create_table('workspaces',
    sa.Column('team_id', sa.String(length=32), nullable=False),
    sa.Column('uninstalled_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('tokens_revoked_at', sa.DateTime(timezone=True), nullable=True),
    sa.PrimaryKeyConstraint('team_id')
    )
    op.create_table('scheduler_heartbeats',
    sa.Column('name', sa.String(length=32), nullable=False),
    sa.Column('holder', sa.String(length=128), nullable=False),
    sa.Column('ticked_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('name')
    )


def downgrade() -> None:
    """Downgrade schema."""
    op.drop_table('scheduler_heartbeats')
    op.drop_table('workspaces')
    with op.batch_alter_table('request_fingerprints', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_request_fingerprints_received_at'))
    op.drop_table('request_fingerprints')
