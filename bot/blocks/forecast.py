"""The forecast line shown wherever a goal appears: check-in replies, digests, the App Home, `/goal list`.

Use it as::

    from bot.blocks.forecast import forecast_line, goal_forecast
    line = forecast_line(lang, goal, goal_forecast(goal))

`goal` is any object with the Goal model's attributes (target, unit, deadline, direction, baseline, start_date,
current, checkins); nothing here touches the database, Slack or the clock.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from bot.rules.forecast import Forecast, forecast
from prompts import fmt_amount, fmt_date, t

__all__ = ["checkin_history", "goal_forecast", "forecast_line"]


def checkin_history(goal: Any) -> list[tuple[date, float]]:
    """The goal's answered check-ins as (day, value), dated by the answer (else the week) and oldest first."""
    points: list[tuple[date, float]] = []
    for checkin in getattr(goal, "checkins", None) or []:
        if checkin.value is None or checkin.status == "skipped":
            continue
        day = checkin.answered_at.date() if checkin.answered_at is not None else checkin.week_start
        points.append((day, float(checkin.value)))
    return sorted(points)


def goal_forecast(goal: Any, history: list[tuple[date, float]] | None = None) -> Forecast:
    """The goal's forecast from its check-in history (or the history given); growth goals start from zero."""
    baseline = goal.baseline
    if baseline is None and goal.direction != "maintain":
        baseline = 0.0  # same convention as the progress bar: "+15%" and "10 new clients" start at nothing
    return forecast(
        checkin_history(goal) if history is None else history,
        baseline=None if baseline is None else float(baseline),
        start=goal.start_date,
        deadline=goal.deadline,
        target=float(goal.target),
        direction=goal.direction,
    )


def _rounded(value: float, unit: str | None) -> float:
    # A projection is an estimate: whole currency amounts and one decimal elsewhere avoid false precision.
    return float(round(value)) if unit and unit.isupper() else round(value, 1)


def _reached(goal: Any) -> bool:
    if goal.current is None:
        return False
    return bool(goal.current >= goal.target if goal.direction != "decrease" else goal.current <= goal.target)


def _rate(lang: str, goal: Any, result: Forecast) -> str:
    if result.rate_per_week is None:
        return ""
    sign = "+" if result.rate_per_week >= 0 else "−"
    rate = fmt_amount(lang, _rounded(abs(result.rate_per_week), goal.unit), goal.unit)
    return t(lang, "manage.forecast.rate", rate=sign + rate)


def forecast_line(lang: str, goal: Any, result: Forecast) -> str:
    """One mrkdwn line: projected value at the deadline and the day the target is met at this pace."""
    if result.projected_at_deadline is None:
        return t(lang, "manage.forecast.not_enough")
    projected = fmt_amount(lang, _rounded(result.projected_at_deadline, goal.unit), goal.unit)
    deadline = fmt_date(lang, goal.deadline)
    rate = _rate(lang, goal, result)
    if goal.direction == "maintain":
        return t(lang, "manage.forecast.maintain", projected=projected, deadline=deadline, rate=rate)
    if result.reach_date is None:
        return t(lang, "manage.forecast.never", projected=projected, deadline=deadline, rate=rate)
    reach = fmt_date(lang, result.reach_date)
    if _reached(goal) and result.reach_date <= goal.deadline:
        return t(lang, "manage.forecast.reached", date=reach)
    if result.reach_date > goal.deadline:
        return t(lang, "manage.forecast.late", projected=projected, deadline=deadline, reach=reach, rate=rate)
    return t(lang, "manage.forecast.on_time", projected=projected, deadline=deadline, reach=reach, rate=rate)
