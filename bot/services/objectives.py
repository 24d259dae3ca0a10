"""Company and team objectives rolled up from the goals aligned to them (bot.rules.objectives), for every screen
that shows them: `/goal objectives`, the App Home, the manager's week and the channel digest."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session

from bot.rules.objectives import AlignedGoal, ObjectiveFacts, Rollup, rollups
from bot.rules.progress import Kind, gain
from bot.rules.visibility import GoalView, Visibility
from bot.services.goal_rows import DIGEST_COLUMNS, WeekCache, row_goal
from storage.models import Objective
from storage.repositories import aligned_rows

_UTC = ZoneInfo("UTC")


def objective_rollups(session: Session, team_id: str, rows: Sequence[Objective], today: date, *,
                      counted: Callable[[GoalView], bool] | None = None) -> list[Rollup]:
    """Roll the objectives up from their aligned goals, each goal's status the progress model's on `today`.

    One query, whatever the number of goals (the digest's reading of a goal: its latest values, not every
    check-in). `counted`: which goals the screen may count (a channel's digest: its members' public goals, as the
    visibility policy says), so a roll-up never adds up what its readers may not see.
    """
    if not rows:
        return []
    facts = [ObjectiveFacts(row.id, row.title, row.unit, row.target) for row in rows]
    week_start = today - timedelta(days=today.weekday())
    weeks: WeekCache = {}
    aligned = []
    for row in aligned_rows(session, team_id, [row.id for row in rows], week_start):
        objective_id, visibility = row[DIGEST_COLUMNS], row[DIGEST_COLUMNS + 1]
        # By name: the digest's columns grow (baseline_unit came after baseline), positions would shift.
        owner, unit, direction, baseline, current, state = (row.user_id, row.unit, row.direction, row.baseline,
                                                            row.current, row.status)
        if counted is not None and not counted(GoalView(owner, Visibility(visibility))):
            continue
        goal = row_goal(row[:DIGEST_COLUMNS], _UTC, today=today, weeks=weeks, notes=False)
        numbers = goal.standing.numbers
        money = gain(numbers) if numbers.kind is Kind.GROWTH else None
        aligned.append(AlignedGoal(goal.id, objective_id, unit, direction, baseline, current, str(goal.status),
                                   state, money=(money[0], money[2]) if money is not None else None))
    return rollups(facts, aligned)


