"""Company and team objectives rolled up from the goals aligned to them (bot.rules.objectives), for every screen
that shows them: `/goal objectives`, the App Home, the manager's week and the channel digest."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date

from sqlalchemy.orm import Session

from bot.blocks.standing import standing_of
from bot.rules.objectives import AlignedGoal, ObjectiveFacts, Rollup, rollups
from storage.models import Goal, Objective
from storage.teams import aligned_goals


def objective_rollups(session: Session, team_id: str, rows: Sequence[Objective], today: date, *,
                      counted: Callable[[Goal], bool] | None = None) -> list[Rollup]:
    """Roll the objectives up from their aligned goals, each goal's status the progress model's on `today`.

    `counted`: which goals the screen may count (a channel's digest: its members' public goals, as the visibility
    policy says), so a roll-up never adds up what its readers may not see.
    """
    goals = aligned_goals(session, team_id, [row.id for row in rows])
    facts = [ObjectiveFacts(row.id, row.title, row.unit, row.target) for row in rows]
    aligned = [AlignedGoal(g.id, g.objective_id, g.unit, g.direction, g.baseline, g.current,
                           str(standing_of(g, today).status), g.status)
               for g in goals if g.objective_id is not None and (counted is None or counted(g))]
    return rollups(facts, aligned)
