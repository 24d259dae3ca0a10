"""Project a goal's trend to its deadline with a least-squares line over its check-ins."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from statistics import StatisticsError, linear_regression

__all__ = ["Forecast", "forecast"]


@dataclass(frozen=True)
class Forecast:
    """Where the trend leads: value at the deadline, the day it meets the target, and the weekly rate."""

    projected_at_deadline: float | None
    reach_date: date | None  # None when never reached at this pace, or for maintain goals
    rate_per_week: float | None


_NOTHING = Forecast(projected_at_deadline=None, reach_date=None, rate_per_week=None)


# Four days of history projected over six months is noise, not a trend: wait for a week of evidence.
MIN_SPAN_DAYS = 7


def forecast(
    history: Sequence[tuple[date, float]],
    *,
    baseline: float | None,
    start: date,
    deadline: date,
    target: float,
    direction: str,
) -> Forecast:
    """Fit a line through (start, baseline) and the check-ins; under two points or a week of history gives None."""
    points = sorted(history)
    if baseline is not None:
        points = [(start, baseline), *points]
    if len(points) < 2 or (points[-1][0] - points[0][0]).days < MIN_SPAN_DAYS:
        return _NOTHING
    xs = [float((day - start).days) for day, _ in points]
    ys = [float(value) for _, value in points]
    try:
        slope, intercept = linear_regression(xs, ys)
    except StatisticsError:
        return _NOTHING  # every point on the same day: no trend to speak of
    projected = intercept + slope * (deadline - start).days
    result = Forecast(projected_at_deadline=projected, reach_date=None, rate_per_week=slope * 7)
    if direction == "maintain":
        return result
    return Forecast(
        projected_at_deadline=projected,
        reach_date=_reach_date(points, slope, intercept, start=start, target=target, direction=direction),
        rate_per_week=slope * 7,
    )


def _reach_date(
    points: list[tuple[date, float]], slope: float, intercept: float, *, start: date, target: float, direction: str
) -> date | None:
    def reached(value: float) -> bool:
        return value >= target if direction == "increase" else value <= target

    for day, value in points:
        if reached(value):
            return day  # already there: the first check-in that got there
    towards = slope > 0 if direction == "increase" else slope < 0
    if not towards or math.isclose(slope, 0.0, abs_tol=1e-12):
        return None
    # The target is met on the first whole day at or after the crossing; tolerance absorbs float noise.
    crossing = start + timedelta(days=math.ceil((target - intercept) / slope - 1e-9))
    last_day = points[-1][0]
    # A line crossing before the last check-in, which was still short, means "any day now", not the past.
    return max(crossing, last_day + timedelta(days=1))
