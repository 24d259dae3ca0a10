"""Progress and pace of a goal, aware of whether it should go up, down, or hold a floor.

Thresholds, with `p` the progress fraction and `e` the expected fraction (share of the period elapsed):

* increase / decrease goals
  - achieved:  p >= 1
  - on_track:  p >= e - ON_TRACK_SLACK                      (5 points of slack for lumpy weeks)
  - at_risk:   p >= AT_RISK_SHARE * e - AT_RISK_SLACK        (three quarters of the pace, less 10 points)
  - off_track: anything lower, and any goal not achieved once the deadline has passed
* maintain goals (the target is a floor to stay at or above)
  - achieved:  today >= deadline and current >= target       (holding a floor is only done at the end)
  - on_track:  current >= target
  - at_risk:   current below target by at most MAINTAIN_TOLERANCE of the target (relative)
  - off_track: further below
  - with no check-in yet the baseline stands in for the current value; with neither, at_risk
    (nothing confirms the floor holds, nothing says it broke)
"""

from __future__ import annotations

import math
from datetime import date

__all__ = [
    "STATUSES",
    "ON_TRACK_SLACK",
    "AT_RISK_SHARE",
    "AT_RISK_SLACK",
    "MAINTAIN_TOLERANCE",
    "progress_fraction",
    "expected_fraction",
    "pace_status",
    "is_achieved",
    "progress_bar",
]

STATUSES = ("achieved", "on_track", "at_risk", "off_track")

ON_TRACK_SLACK = 0.05
AT_RISK_SHARE = 0.75
# The extra slack keeps the first couple of weeks of a quarter from reading as off track.
AT_RISK_SLACK = 0.10
MAINTAIN_TOLERANCE = 0.05

_DIRECTIONS = ("increase", "maintain", "decrease")


def progress_fraction(*, baseline: float | None, target: float, current: float | None, direction: str) -> float:
    """Return 0 at the baseline and 1 at the target (beyond 1 past it, negative when moving away)."""
    _check_direction(direction)
    if current is None:
        return 0.0
    if direction == "maintain":
        if current >= target:
            return 1.0
        return current / target if target > 0 else 0.0
    start = baseline if baseline is not None else 0.0
    if math.isclose(target, start):
        # No distance to cover: done once the value sits on the right side of the target.
        reached = current >= target if direction == "increase" else current <= target
        return 1.0 if reached else 0.0
    return (current - start) / (target - start)


def expected_fraction(*, start: date, deadline: date, today: date) -> float:
    """Return the share of the goal's period elapsed on `today`, clamped to 0..1."""
    total = (deadline - start).days
    if total <= 0:
        return 1.0 if today >= deadline else 0.0
    return min(1.0, max(0.0, (today - start).days / total))


def is_achieved(
    *,
    baseline: float | None,
    target: float,
    current: float | None,
    direction: str,
    today: date | None = None,
    deadline: date | None = None,
) -> bool:
    """Return whether the goal is done; a maintain goal only counts once `today` reaches `deadline`."""
    _check_direction(direction)
    if current is None:
        return False
    if direction == "maintain":
        return today is not None and deadline is not None and today >= deadline and current >= target
    return progress_fraction(baseline=baseline, target=target, current=current, direction=direction) >= 1.0


def pace_status(
    *,
    baseline: float | None,
    target: float,
    current: float | None,
    direction: str,
    start: date,
    deadline: date,
    today: date,
) -> str:
    """Return one of STATUSES for the goal on `today` (thresholds in the module docstring)."""
    if is_achieved(
        baseline=baseline, target=target, current=current, direction=direction, today=today, deadline=deadline
    ):
        return "achieved"
    if direction == "maintain":
        if current is None:
            current = baseline
        if current is None:
            return "at_risk"
        if current >= target:
            return "on_track"
        return "at_risk" if target - current <= MAINTAIN_TOLERANCE * abs(target) else "off_track"
    if today > deadline:
        return "off_track"
    progress = progress_fraction(baseline=baseline, target=target, current=current, direction=direction)
    expected = expected_fraction(start=start, deadline=deadline, today=today)
    if progress >= expected - ON_TRACK_SLACK:
        return "on_track"
    if progress >= AT_RISK_SHARE * expected - AT_RISK_SLACK:
        return "at_risk"
    return "off_track"


def progress_bar(fraction: float, width: int = 10) -> str:
    """Return a text bar like "▰▰▰▰▱▱▱▱▱▱"; it only fills completely at 100%."""
    if width <= 0:
        return ""
    clamped = 0.0 if math.isnan(fraction) else min(1.0, max(0.0, fraction))
    # Floor (with a hair of tolerance for float noise) so 99% never looks finished.
    filled = math.floor(clamped * width + 1e-9)
    return "▰" * filled + "▱" * (width - filled)


def _check_direction(direction: str) -> None:
    if direction not in _DIRECTIONS:
        raise ValueError(f"direction must be one of {_DIRECTIONS}, got {direction!r}")
