"""How a company or team objective stands, rolled up from the goals aligned to it.

With a measure (an additive unit and a target) the objective's progress is the sum of its goals' gains in that
unit; without one, it is how many aligned goals are on track. A goal's status comes in as a parameter (the
progress model's status, bot.rules.progress), so this module does not judge progress itself.

Pure: no Slack, no database, no clock.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from bot.rules.goals import read_measure
from bot.rules.progress import ADDITIVE_UNITS
from bot.rules.statuses import GoalStatus

__all__ = [
    "AlignedGoal", "ObjectiveDraft", "ObjectiveFacts", "Rollup", "gain", "is_measured", "pick_objective", "read_objective", "rollup",
    "rollups",
]

ON_TRACK = frozenset({"on_track", "achieved"})
# A dropped goal no longer serves the objective; a missed one still counted, honestly, as not on track.
COUNTED_STATES = frozenset({GoalStatus.ACTIVE, GoalStatus.ACHIEVED, GoalStatus.DONE, GoalStatus.MISSED})


@dataclass(frozen=True)
class ObjectiveFacts:
    """An objective as stored: its title and, when it has one, its measure."""

    id: int
    title: str
    unit: str | None = None
    target: float | None = None


@dataclass(frozen=True)
class AlignedGoal:
    """What the roll-up needs of a goal aligned to an objective."""

    id: int
    objective_id: int
    unit: str | None
    direction: str
    baseline: float | None
    current: float | None
    status: str | None  # the progress model's status (bot.rules.progress.Status): on_track, at_risk, achieved…
    state: str = "active"  # active, achieved, missed, done, dropped
    # A growth goal's gain in the currency of its starting amount ("+15% on €80,000" at +6%: 4,800, "EUR"), from
    # the progress model (bot.rules.progress.gain): its own unit is a percentage, which adds up to nothing.
    money: tuple[float, str] | None = None


@dataclass(frozen=True)
class Rollup:
    """An objective's standing: gains toward its measure, or aligned goals on track, and what was not counted."""

    objective: ObjectiveFacts
    measured: bool
    goals: int  # aligned goals that count (not dropped)
    on_track: int
    gained: float | None  # measured: the sum of gains in the objective's unit; else None
    fraction: float | None  # measured: gained / target; else on_track / goals (None with no goals)
    not_added: int  # measured: aligned goals whose gain cannot add up (another unit, or not a growth goal)
    # Aligned goals with nothing recorded yet: counted, not on track, and said apart ("2 of 3 on track" read as a
    # fall when a new goal was aligned).
    not_started: int = 0


def is_measured(objective: ObjectiveFacts) -> bool:
    """True when the objective has a target in a unit whose values add up across people."""
    return objective.unit in ADDITIVE_UNITS and objective.target is not None and objective.target > 0


def gain(goal: AlignedGoal) -> float:
    """How much a growth goal has added since its baseline (nothing checked in yet is nothing gained)."""
    if goal.money is not None:
        return goal.money[0]
    if goal.current is None:
        return 0.0
    return goal.current - (goal.baseline if goal.baseline is not None else 0.0)


def rollup(objective: ObjectiveFacts, goals: Iterable[AlignedGoal]) -> Rollup:
    """Roll the aligned goals up into the objective's standing."""
    counted = [g for g in goals if g.objective_id == objective.id and g.state in COUNTED_STATES]
    on_track = sum(1 for g in counted if g.status in ON_TRACK)
    not_started = sum(1 for g in counted if g.status == "not_started")
    if is_measured(objective):
        adding = [g for g in counted if (g.money[1] == objective.unit if g.money is not None
                                         else g.unit == objective.unit and g.direction == "increase")]
        gained = sum(gain(g) for g in adding)
        assert objective.target is not None  # is_measured
        return Rollup(objective, True, len(counted), on_track, gained, gained / objective.target,
                      len(counted) - len(adding), not_started)
    fraction = on_track / len(counted) if counted else None
    return Rollup(objective, False, len(counted), on_track, None, fraction, 0, not_started)


def rollups(objectives: Sequence[ObjectiveFacts], goals: Iterable[AlignedGoal]) -> list[Rollup]:
    """Roll up every objective from one pass over the aligned goals, in the objectives' order."""
    by_objective: dict[int, list[AlignedGoal]] = {}
    for goal in goals:
        by_objective.setdefault(goal.objective_id, []).append(goal)
    return [rollup(objective, by_objective.get(objective.id, [])) for objective in objectives]


@dataclass(frozen=True)
class ObjectiveDraft:
    """An objective as typed: the words verbatim, and the measure read from them when they carry an amount."""

    title: str
    unit: str | None
    target: float | None


def read_objective(text: str, lang: str) -> ObjectiveDraft:
    """Read `/goal objective add` text; an amount with a unit ("€2M new ARR") is its measure, a bare year is not."""
    title = text.strip()
    measure = read_measure(title, lang)
    if measure.unit is None or measure.target is None or measure.relative or measure.unit not in ADDITIVE_UNITS:
        # "Reduce churn to under 5%": rates do not add up across people, so no measure (said "goals in the same
        # unit add up toward it" before, and then counted none); its goals are counted by how many are on track.
        return ObjectiveDraft(title, None, None)
    return ObjectiveDraft(title, measure.unit, measure.target)


def pick_objective(text: str, options: Sequence[Sequence[Any]]) -> tuple[int, str] | None:
    """The objective an answer to the Relevant step names: its number ("2", "#2") or its exact title; else None."""
    answer = text.strip().lstrip("#").strip()
    for option in options:
        objective_id, title = int(option[0]), str(option[1])
        if answer == str(objective_id) or answer.casefold() == title.strip().casefold():
            return objective_id, title
    return None
