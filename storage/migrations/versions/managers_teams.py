"""Managers, teams and company objectives: reporting lines, goalbot admins, objectives, a goal's objective and
visibility, manager comments on check-ins, goal proposals with their negotiation history, approval settings.

Existing goals keep working: they get no objective, public visibility, and no manager until someone adds one.

Revision ID: managers_0002
Revises: shell_0002
Create Date: 2026-12-01 12:29:49.811024

"""
from collections.abc import Sequence
from typing import Union

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision: str = 'managers_0002'
down_revision: str | Sequence[str] | None = 'shell_0002'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Add the team tables and the goal's objective and visibility."""
    op.create_table('goalbot_admins',
    sa.Column('team_id', sa.String(length=32), nullable=False),
    sa.Column('user_id', sa.String(length=32), nullable=False),
    sa.Column('added_by', sa.String(length=32), nullable=False),
    sa.Column('added_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('team_id', 'user_id')
    )
    op.create_table('manager_settings',
    sa.Column('team_id', sa.String(length=32), nullable=False),
    sa.Column('manager_id', sa.String(length=32), nullable=False),
    sa.Column('approval_required', sa.Boolean(), nullable=False),
    sa.Column('updated_by', sa.String(length=32), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('team_id', 'manager_id')
    )
    op.create_table('objectives',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('team_id', sa.String(length=32), nullable=False),
    sa.Column('title', sa.Text(), nullable=False),
    sa.Column('unit', sa.String(length=16), nullable=True),
    sa.Column('target', sa.Float(), nullable=True),
    sa.Column('owner_id', sa.String(length=32), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_index('ix_objectives_team', 'objectives', ['team_id', 'active'], unique=False)
    op.create_table('reporting_lines',
    sa.Column('team_id', sa.String(length=32), nullable=False),
    sa.Column('user_id', sa.String(length=32), nullable=False),
    sa.Column('manager_id', sa.String(length=32), nullable=False),
    sa.Column('set_by', sa.String(length=32), nullable=False),
    sa.Column('set_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('team_id', 'user_id')
    )
    op.create_index('ix_reporting_lines_manager', 'reporting_lines', ['team_id', 'manager_id'], unique=False)
    op.create_table('goal_proposals',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('team_id', sa.String(length=32), nullable=False),
    sa.Column('owner_id', sa.String(length=32), nullable=False),
    sa.Column('manager_id', sa.String(length=32), nullable=False),
    sa.Column('origin', sa.String(length=16), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('awaiting', sa.String(length=32), nullable=False),
    sa.Column('draft', sa.JSON(), nullable=False),
    sa.Column('goal_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('reminded_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['goal_id'], ['goals.id'], ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_index('ix_goal_proposals_manager', 'goal_proposals', ['team_id', 'manager_id', 'status'], unique=False)
    op.create_index('ix_goal_proposals_owner', 'goal_proposals', ['team_id', 'owner_id', 'status'], unique=False)
    op.create_table('checkin_comments',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('checkin_id', sa.Integer(), nullable=False),
    sa.Column('author_id', sa.String(length=32), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('message_ts', sa.String(length=32), nullable=True),
    sa.ForeignKeyConstraint(['checkin_id'], ['checkins.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_index('ix_checkin_comments_checkin_id', 'checkin_comments', ['checkin_id'], unique=False)
    op.create_table('proposal_events',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('proposal_id', sa.Integer(), nullable=False),
    sa.Column('actor_id', sa.String(length=32), nullable=False),
    sa.Column('action', sa.String(length=32), nullable=False),
    sa.Column('draft', sa.JSON(), nullable=True),
    sa.Column('reason', sa.Text(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['proposal_id'], ['goal_proposals.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_index('ix_proposal_events_proposal_id', 'proposal_events', ['proposal_id'], unique=False)

    # Plain ALTER TABLE ADD COLUMN on every backend, never batch mode: that would recreate `goals` on SQLite,
    # and dropping the old table with foreign keys on would cascade away its check-ins and revisions.
    op.add_column('goals', sa.Column('objective_id', sa.Integer(), nullable=True))
    op.add_column('goals', sa.Column('visibility', sa.String(length=16), server_default='public', nullable=False))
    op.create_index('ix_goals_objective_id', 'goals', ['objective_id'], unique=False)
    op.add_column('user_prefs', sa.Column('slack_admin', sa.Boolean(), nullable=True))


def downgrade() -> None:
    """Remove them again; goals lose their objective link and visibility."""
    # ALTER TABLE … DROP COLUMN in place (SQLite 3.35+), for the same reason as in upgrade().
    op.execute('ALTER TABLE user_prefs DROP COLUMN slack_admin')
    op.drop_index('ix_goals_objective_id', table_name='goals')
    op.execute('ALTER TABLE goals DROP COLUMN visibility')
    op.execute('ALTER TABLE goals DROP COLUMN objective_id')
    op.drop_index('ix_proposal_events_proposal_id', table_name='proposal_events')
    op.drop_table('proposal_events')
    op.drop_index('ix_checkin_comments_checkin_id', table_name='checkin_comments')
    op.drop_table('checkin_comments')
    op.drop_index('ix_goal_proposals_owner', table_name='goal_proposals')
    op.drop_index('ix_goal_proposals_manager', table_name='goal_proposals')
    op.drop_table('goal_proposals')
    op.drop_index('ix_reporting_lines_manager', table_name='reporting_lines')
    op.drop_table('reporting_lines')
    op.drop_index('ix_objectives_team', table_name='objectives')
    op.drop_table('objectives')
    op.drop_table('manager_settings')
    op.drop_table('goalbot_admins')
