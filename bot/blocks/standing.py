"""How every screen shows a goal's standing: the progress model's answer (bot.rules.progress), rendered.

Nothing here computes progress, pace or status: a stored goal is mapped to the model's plain numbers
(`numbers_of`), the model answers (`standing_of`), and these functions put its answer into words.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from functools import partial
from typing import Any

from bot.blocks.common import clip, escape
from bot.rules.progress import (
    CURRENCIES,
    Forecast,
    GoalNumbers,
    Kind,
    NoForecast,
    Standing,
    Status,
    growth_target_amount,
    kind_of,
    progress_bar,
    projection,
    reached_amount,
    standing,
    target_in_range,
)
from bot.rules.titles import title_is_original as original_wording
from prompts import at_amount, fmt_amount, fmt_date, fmt_number, phrase, t, the_amount, tn, unit_name

__all__ = [
    "bar",
    "forecast_line",
    "history_of",
    "measure_text",
    "numbers_of",
    "overridden",
    "percent",
    "status_label",
    "standing_of",
    "title_is_original",
    "title_text",
    "value_of_target",
]

TITLE_LIMIT = 300
# Enum members as module names: on Python 3.11 each `Enum.MEMBER` lookup takes a slow path (bot.rules.progress).


def history_of(goal: Any) -> tuple[tuple[date, float], ...]:
    """The goal's recorded values as (week, value), oldest first; skipped and unanswered weeks left out."""
    points = [(c.week_start, float(c.value)) for c in (getattr(goal, "checkins", None) or [])
              if c.value is not None and c.status == "answered"]
    return tuple(sorted(points))


def overridden(goal: Any) -> bool:
    """Whether the owner closed the goal as achieved against its numbers (an "override" revision)."""
    return any(r.field == "override" for r in (getattr(goal, "revisions", None) or []))


def numbers_of(goal: Any) -> GoalNumbers:
    """A stored goal (any object with the Goal model's attributes) as the model's plain numbers."""
    kind = kind_of(goal.direction, goal.unit, goal.metric)
    return GoalNumbers(
        kind=kind, target=float(goal.target), baseline=None if goal.baseline is None else float(goal.baseline),
        current=None if goal.current is None else float(goal.current), start=goal.start_date,
        deadline=goal.deadline, unit=goal.unit, closed_as=None if goal.status == "active" else goal.status,
        override=overridden(goal), history=history_of(goal),
        base_amount=float(goal.baseline) if kind is Kind.GROWTH and goal.baseline else None,
        base_unit=getattr(goal, "baseline_unit", None) if kind is Kind.GROWTH else None,
        ceiling=goal.direction == "keep_below",
    )


def standing_of(goal: Any, today: date) -> Standing:
    """The model's standing of a stored goal on `today`."""
    return standing(numbers_of(goal), today)


def status_key(item: Standing) -> str:
    """The catalog key of the status as every screen names it; a goal achieved only by the owner's override is
    "achieved by decision", never a plain 🏆 its numbers did not earn."""
    if item.status is Status.ACHIEVED and item.numbers.override:
        return "pace.achieved_override"
    return f"pace.{item.status}"


def status_label(lang: str, item: Standing) -> str:
    """The status as every screen names it: "🟢 on track", "🏆 achieved", "⚪ not started"…"""
    return t(lang, status_key(item))


def percent(lang: str, fraction: float) -> str:
    """A fraction as a whole percentage, the way the language writes it: 0.4 → "40%"."""
    return fmt_amount(lang, float(round(fraction * 100)), "%")


def bar(item: Standing) -> str:
    """The progress bar towards the target (a MAINTAIN goal has none on any screen: there is no distance to fill)."""
    return progress_bar(item.progress)


def _count_unit(unit: str | None) -> bool:
    return bool(unit) and unit not in CURRENCIES and unit != "%"


def value_of_target(lang: str, value: float | None, target: float, unit: str | None, *, down: bool = False,
                    amount: Callable[[float | None, str | None], str] | None = None,
                    number: Callable[[float | None], str] | None = None) -> str:
    """"0 of 12 clients", "€0 of €250,000", "4% of 10%": the unit named once, in the target's plural form;
    `down` (a REDUCE goal): "now 6.4%, down to 5%", never "6.4% of 5%". `amount` and `number` write the values
    as prompts.fmt_amount and fmt_number do (the digest passes its per-digest Formats: Babel costs ~20 µs a value)."""
    amount = amount or partial(fmt_amount, lang)
    number = number or partial(fmt_number, lang)
    if _count_unit(unit):
        if down:
            return t(lang, "measure.down_to_count", current=number(value),
                     target_to=phrase(lang, "to", target, None, number(target)),
                     unit=unit_name(lang, str(unit), target))
        return t(lang, "measure.of_count", current=number(value), target=number(target),
                 unit=unit_name(lang, str(unit), target))
    if down:
        return t(lang, "measure.down_to", current=amount(value, unit),
                 target_to=phrase(lang, "to", target, unit, amount(target, unit)))
    return t(lang, "measure.of", current=amount(value, unit), target=amount(target, unit))


def measure_text(lang: str, item: Standing) -> str:
    """Where the goal stands, from its structured fields: "0 of 12 clients by 30 June 2027" (no percentages
    of a floor for MAINTAIN goals: "held at or above 90% so far")."""
    g = item.numbers
    deadline = fmt_date(lang, g.deadline)
    if g.kind is Kind.MAINTAIN:
        floor_at = at_amount(lang, g.target, g.unit)
        kind = "keep_below" if g.ceiling else "maintain"
        if g.current is None:
            return t(lang, f"measure.{kind}_none", floor_at=floor_at, date=deadline)
        key = f"measure.{kind}_held" if item.held else f"measure.{kind}_below"
        return t(lang, key, current=fmt_amount(lang, g.current, g.unit), floor_at=floor_at, date=deadline,
                 weeks=tn(lang, "count.weeks_below", item.weeks_below))
    if g.kind is Kind.GROWTH:
        growth = fmt_amount(lang, item.value or 0.0, "%")
        text = t(lang, "measure.growth", current=growth, target=fmt_amount(lang, g.target, "%"), date=deadline)
        amount = growth_target_amount(g)
        if amount is not None and g.base_amount is not None:
            # Where the growth stands in money, beside where it has to get: "6% of +15%" alone is not a figure a
            # manager checks against the books.
            reached = reached_amount(g, item.value or 0.0)
            key = "measure.growth_amount_now" if reached is not None else "measure.growth_amount"
            text += " " + t(lang, key, amount=fmt_amount(lang, round(amount), g.base_unit),
                            target=fmt_amount(lang, g.target, "%"), base=fmt_amount(lang, g.base_amount, g.base_unit),
                            now=fmt_amount(lang, round(reached[0]), reached[1]) if reached is not None else "")
        return text
    if g.kind is Kind.REDUCE:
        text = t(lang, "measure.reduce", pair=value_of_target(lang, item.value, g.target, g.unit, down=True),
                 date=deadline)
        if g.baseline is not None:
            text += " " + t(lang, "measure.from", start=fmt_amount(lang, g.baseline, g.unit))
        return text
    text = t(lang, "measure.reach", pair=value_of_target(lang, item.value, g.target, g.unit), date=deadline)
    if g.baseline not in (None, 0):
        text += " " + t(lang, "measure.from", start=fmt_amount(lang, g.baseline, g.unit))
    return text


def progress_text(lang: str, item: Standing) -> str:
    """The bar and the percentage done."""
    if item.progress is None:
        return bar(item)
    return f"{bar(item)} {percent(lang, max(item.progress, 0.0))}"


def expected_text(lang: str, item: Standing) -> str | None:
    """"completed 0%, expected 5% by now" — only for an active goal with a distance to cover."""
    if item.closed or item.progress is None or item.numbers.kind is Kind.MAINTAIN:
        return None
    if item.status in (Status.ACHIEVED, Status.OVERDUE, Status.MISSED):
        return None
    done = float(round(max(item.progress, 0.0) * 100))
    return t(lang, "standing.expected", done_at=at_amount(lang, done, "%"),
             expected_the=the_amount(lang, float(round(item.expected * 100)), "%"))


def forecast_line(lang: str, item: Standing) -> str:
    """One mrkdwn line on where the goal is heading, or why there is no forecast."""
    g = item.numbers
    if item.closed:
        return t(lang, "forecast.closed")
    if item.status is Status.ACHIEVED:
        return t(lang, "forecast.achieved")
    if item.overdue:
        return t(lang, "forecast.overdue", date=fmt_date(lang, g.deadline))
    if g.kind is Kind.MAINTAIN:
        return t(lang, "forecast.keep_below" if g.ceiling else "forecast.maintain")
    result: Forecast | None = item.forecast
    if result is None:  # the model says why: too few values, too uneven, too old, or the last day
        if item.quiet == NoForecast.STALE and g.history:
            return t(lang, "forecast.stale", date=fmt_date(lang, g.history[-1][0]))
        if item.forecast_from is not None:  # "after three weeks" read false to someone on their third check-in
            return t(lang, "forecast.not_enough_until", date=fmt_date(lang, item.forecast_from))
        if item.quiet == NoForecast.TOO_SHORT:
            return t(lang, "forecast.too_short", date=fmt_date(lang, g.deadline))
        return t(lang, f"forecast.{item.quiet or NoForecast.NOT_ENOUGH}")
    unit = "%" if g.kind is Kind.GROWTH else g.unit
    deadline = fmt_date(lang, g.deadline)
    if result.reach is not None:
        return t(lang, "forecast.reach", date=fmt_date(lang, result.reach), deadline=deadline)
    low, high = projection(result.low, unit), projection(result.high, unit)
    if low == high:
        return t(lang, "forecast.at", value=fmt_amount(lang, low, unit), deadline=deadline,
                 target_of=phrase(lang, "of", g.target, unit))
    # A count's unit once, after the second number: "between 2 and 11 clients", not "2 clients and 11 clients".
    low_text = fmt_number(lang, low) if _count_unit(unit) else fmt_amount(lang, low, unit)
    key = "forecast.between_target" if target_in_range(g, result) else "forecast.between"
    return t(lang, key, low=low_text, high=fmt_amount(lang, high, unit), deadline=deadline,
             target_of=phrase(lang, "of", g.target, unit))


def title_text(lang: str, goal: Any, limit: int = TITLE_LIMIT) -> str:
    """The owner's words, escaped; marked as the original wording once the goal's numbers were edited."""
    title = escape(clip(goal.title or goal.subject or "", limit))
    if title_is_original(goal):
        return t(lang, "standing.original_title", title=title)
    return title


def title_is_original(goal: Any) -> bool:
    """Whether the goal's title is marked as the original wording (bot.rules.titles)."""
    return original_wording(getattr(goal, "adjusted_at", None), getattr(goal, "title_updated_at", None),
                            reversed_words=bool(getattr(goal, "title_reversed", False)))
