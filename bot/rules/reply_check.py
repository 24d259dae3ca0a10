"""Decide whether a check-in reply can be recorded, reading the parser's answer against the goal's model.

The reply parser (bot.rules.replies) says what numbers a reply holds; only the progress model knows what they
mean for this goal. This module takes both and decides: record a value, or ask back (with the candidates the
model computes). The rules:

* a currency that is not the goal's asks, without offering the amount as if it were in the goal's unit — except
  on a GROWTH goal whose starting amount is known in that currency: "€210,000" on +15% from €200,000 is +5%;
* a percentage on a goal that is not a rate is read as "% of the target" only when it can mean nothing else
  (a goal counted from zero); on a GROWTH goal "85%" may be 85% of the way, +85% or 85% of the start, so it asks;
* a value that would take the goal from short of its target to past it in one go is confirmed first; on a
  GROWTH goal whose starting amount is known, a bare number is offered as the amount it grew to as well, and
  read as that amount alone when it could not be a growth anyone meant ("160k" on +20% from €150,000 is
  €160,000, +6.7%, never +160,000%) while it is near the start; a percentage the same way the other round;
* a signed number without a unit ("+5") on a GROWTH goal whose starting amount is in a currency asks: points of
  growth, or money (with its thousands, when it is small beside the start, or as written); on one whose start is a
  count ("+20% on 50 clients") it asks too: that many more (offered first), or points of growth;
* a value the owner already confirmed (picked or typed back) is recorded as it is;
* a reply holding a number no goal can store (bot.rules.limits) is refused before any of that: neither recorded
  nor offered back as a reading.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from bot.rules.limits import storable_amount
from bot.rules.numbers import Amount
from bot.rules.progress import (
    CURRENCIES,
    GoalNumbers,
    Kind,
    Reading,
    grown_amount,
    growth_percent,
    is_jump,
    percent_readings,
)
from bot.rules.replies import ReplyReading, scale_in_doubt

__all__ = ["TOO_LARGE", "ReplyExamples", "Verdict", "judge", "reply_examples"]

TOO_LARGE = "too_large"  # the reason of a verdict refusing an unstorable number


@dataclass(frozen=True, slots=True)
class Verdict:
    """Record `value`, or ask back for `reason` offering `candidates` (each a value and what it would mean)."""

    value: float | None
    reason: str | None = None
    candidates: tuple[Reading, ...] = ()


def _same(a: float, b: float) -> bool:
    return math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-9)


def _count(g: GoalNumbers) -> bool:
    return bool(g.unit) and g.unit not in CURRENCIES and g.unit != "%"


def _percent_verdict(g: GoalNumbers, amount: Amount) -> Verdict | None:
    """What a lone "x%" means on this goal; None when the parser's reading stands (a rate goal)."""
    if g.unit == "%" and g.kind is not Kind.GROWTH:
        return None
    if amount.sign:
        return Verdict(None, "percent_of_what", ())
    meaning = percent_readings(g, amount.value)
    certain = meaning.certain
    if certain is not None:
        if _count(g) and not _same(certain.value, round(certain.value)):
            # Counts are whole: offer the two neighbours rather than "7.5 clients".
            return Verdict(None, "percent_of_what", (Reading(float(math.floor(certain.value)), "value"),
                                                     Reading(float(math.ceil(certain.value)), "value")))
        return Verdict(certain.value)
    reason = "growth_percent" if g.kind is Kind.GROWTH else "percent_of_what"
    return Verdict(None, reason, meaning.readings)


def judge(
    reading: ReplyReading, amounts: Sequence[Amount], g: GoalNumbers, *, confirmed: Sequence[float] = (),
) -> Verdict:
    """Record or ask: the parser's `reading` of a reply holding `amounts`, checked against the goal `g`."""
    if any(not storable_amount(a.value) for a in amounts):
        return Verdict(None, TOO_LARGE, ())
    grown = _growth_of_amount(g, amounts)
    if grown is not None:
        return _confirmed_or_jump(g, grown, confirmed)
    changed = _growth_of_change(g, amounts)
    if changed is not None:
        return _confirmed_or_jump(g, changed, confirmed)
    bare = _growth_of_bare_change(g, amounts)
    if bare is not None:
        return bare
    if any(a.unit in CURRENCIES and a.unit != g.unit for a in amounts):
        return Verdict(None, "unit_mismatch", ())
    percents = [a for a in amounts if a.unit == "%"]
    verdict: Verdict | None = None
    if len(percents) == 1 and len(amounts) == 1:
        verdict = _percent_verdict(g, percents[0])
    if verdict is None:
        if not reading.confident or reading.value is None:
            # Counts, amounts and rates never stand below zero: "slowing down two others" was offered back as
            # "Now at -2 clients". (A growth can: -5% is a shrinking quarter.)
            return Verdict(None, reading.reason or "no_number", tuple(
                Reading(c, "value") for c in reading.candidates if c >= 0 or g.kind is Kind.GROWTH))
        verdict = Verdict(reading.value)
    return _with_grown_to(g, amounts, _confirmed_or_jump(g, verdict, confirmed), confirmed)


_MAX_MEANT_GROWTH = 1000.0  # % : growing tenfold in one goal is beyond what anyone writes as "we're at N"
# A growth read from an amount keeps enough digits for that amount to come back to the cent: rounded to two,
# "siamo a 125k" on 120.000 € was stored as +4.17% and echoed as 125.004 €, an amount nobody typed.
GROWTH_DIGITS = 9
_NEAR_START = 10.0  # an amount within this factor of the starting amount, either way, can be the amount reached


def _with_grown_to(g: GoalNumbers, amounts: Sequence[Amount], verdict: Verdict, confirmed: Sequence[float]) -> Verdict:
    """A bare number that would take a GROWTH goal past its target in one go may be the amount it grew to:
    "siamo a 215.000" on +15% from 200.000 € is +7.5%, not 215,000%. When only one of the two readings is one
    a person could mean, it is the one taken (the amount still confirmed if it jumps); else both are offered."""
    if verdict.reason != "jump" or g.kind is not Kind.GROWTH or not g.base_amount:
        return verdict
    # The number the reading took, whatever counts stand beside it ("3 more deals, 225k now" was offered back as
    # "now at 225,000%").
    amount = next((a for a in amounts if _same(a.value, verdict.candidates[0].value)), None)
    if amount is None or amount.unit is not None or amount.sign:
        return verdict
    grown = _grown_to(g.base_amount, amount.value)
    as_amount = g.base_amount / _NEAR_START <= amount.value <= g.base_amount * _NEAR_START
    as_growth = amount.value <= _MAX_MEANT_GROWTH
    if as_growth and not as_amount:
        return verdict
    if as_amount and not as_growth:
        taken = _confirmed_or_jump(g, Verdict(grown.value), confirmed)
        return taken if taken.value is not None else Verdict(None, "jump", (grown,))
    return Verdict(None, verdict.reason, (grown, *verdict.candidates))


def _confirmed_or_jump(g: GoalNumbers, verdict: Verdict, confirmed: Sequence[float]) -> Verdict:
    """A value that would jump past the target in one go is confirmed first, unless the owner just did."""
    if verdict.value is None:
        return verdict
    value = verdict.value
    if any(_same(value, c) for c in confirmed):
        return verdict
    if is_jump(g, value):
        return Verdict(None, "jump", (Reading(value, "value"),))
    return verdict


def _growth_of_change(g: GoalNumbers, amounts: Sequence[Amount]) -> Verdict | None:
    """"+$1,000" on a GROWTH goal from $150,000: added to the latest amount or to the start? The same before any
    growth is recorded (+0.67%); after, both are offered. Before, it was refused as "not in the goal's unit (%)"."""
    if g.kind is not Kind.GROWTH or not g.base_amount or g.base_unit not in CURRENCIES or len(amounts) != 1:
        return None
    amount = amounts[0]
    # "+5.000" without its currency: no one means +5,000 points of growth, so it is money, as "+5.000 €" would be
    # (it was offered back as "now at 5,000%").
    in_money = amount.unit == g.base_unit or (amount.unit is None and amount.value > _MAX_MEANT_GROWTH)
    if not in_money or not amount.sign:
        return None
    change = amount.sign * amount.value
    latest = grown_amount(g.base_amount, g.current or 0.0)
    on_latest, on_start = _grown_to(g.base_amount, latest + change), _grown_to(g.base_amount, g.base_amount + change)
    if _same(on_latest.value, on_start.value):
        return Verdict(on_latest.value)
    return Verdict(None, "growth_change", (on_latest, on_start))


def _growth_of_bare_change(g: GoalNumbers, amounts: Sequence[Amount]) -> Verdict | None:
    """"+5" without a unit on a GROWTH goal from €200,000: five points of growth, €5,000 or €5 more? Asked back,
    each reading offered (it was recorded as +5 points of growth, though the card speaks in euros). The same on
    a GROWTH goal from a count ("+20% on 50 clients"): 5 more clients (first: what a check-in's "+5" says on any
    count) or five points of growth; a count has no thousands left out."""
    counted = g.base_unit is not None and g.base_unit not in CURRENCIES and g.base_unit != "%"
    if (g.kind is not Kind.GROWTH or not g.base_amount or (g.base_unit not in CURRENCIES and not counted)
            or len(amounts) != 1):
        return None
    amount = amounts[0]
    if amount.unit is not None or not amount.sign or amount.value > _MAX_MEANT_GROWTH:
        return None  # "+5%" and "+€5,000" say what they are; "+5.000" is money (_growth_of_change)
    change = amount.sign * amount.value
    growth = g.current or 0.0
    latest = grown_amount(g.base_amount, growth)
    points = Reading(round(growth + change, GROWTH_DIGITS), "growth_points", said=change)
    thousands = not counted and scale_in_doubt(amount.value, g.base_amount)
    added_readings = []
    for added in ([change * 1000] if thousands else []) + [change]:
        reached = latest + added
        if reached >= 0:  # an amount (or a count) cannot fall below nothing at all
            added_readings.append(Reading(_grown_to(g.base_amount, reached).value, "money_change", round(reached, 2),
                                          added))
    readings = [*added_readings, points] if counted else [points, *added_readings]
    return Verdict(None, "growth_bare_change_count" if counted else "growth_bare_change", tuple(readings))


def _growth_of_amount(g: GoalNumbers, amounts: Sequence[Amount]) -> Verdict | None:
    """A GROWTH goal's value for an amount in its starting amount's currency: the growth it means, in %.

    Counts beside it ("3 more deals, $225k now") say how, not where: the one amount in the currency is where the goal
    stands. Two such amounts ("2 deals for $10k, now at $225k") are asked back, each offered as the amount reached
    (they were refused as "not in the goal's unit", though written in the goal's own currency).
    """
    if g.kind is not Kind.GROWTH or not g.base_amount or g.base_unit not in CURRENCIES:
        return None
    money = [a for a in amounts if a.unit == g.base_unit]
    if not money or any(a.unit == "%" or a.unit in CURRENCIES for a in amounts if a.unit != g.base_unit):
        return None  # nothing in the goal's currency, or a percentage or another currency beside it: as before
    if len(money) == 1:
        if money[0].sign:
            return None  # a change ("+€10k") is asked as before: of what, the start or the latest value?
        return Verdict(round(growth_percent(g.base_amount, money[0].value), GROWTH_DIGITS))
    near = [a for a in money if not a.sign and g.base_amount / _NEAR_START <= a.value <= g.base_amount * _NEAR_START]
    return Verdict(None, "several_numbers", tuple(_grown_to(g.base_amount, a.value) for a in near))


def _grown_to(base: float, amount: float) -> Reading:
    """`amount` read as what a GROWTH goal starting from `base` has grown to (the amount offered to the cent)."""
    return Reading(round(growth_percent(base, amount), GROWTH_DIGITS), "grown_to", round(amount, 2))


@dataclass(frozen=True, slots=True)
class ReplyExamples:
    """Replies a check-in can suggest for one goal: each is recorded as meant, never asked back (see the tests)."""

    total: float  # a new total, written in `unit`
    unit: str | None  # the goal's unit; a GROWTH goal's starting currency ("$151,000" is a growth of 0.67%)
    step: float | None = None  # a change, written "+step"; None where "+x" would be asked back


def reply_examples(g: GoalNumbers) -> ReplyExamples | None:
    """What a check-in card suggests replying for this goal, near where it stands; None when no reply is sure.

    A generic "`7`, `+3` or `70%`" was a trap: "+3" on a $150,000 goal recorded $150,003, "70%" on a growth goal
    is asked back. So the examples are written in the goal's own unit and scale, one step past where it stands.
    """
    if g.kind is Kind.GROWTH:
        if not g.base_amount or g.base_unit not in CURRENCIES:
            return None  # a bare percentage or number on a growth goal can mean several things: nothing is sure
        now = grown_amount(g.base_amount, g.current or 0.0)
        step = _round_step(g.base_amount / 100)
        total = round(now / step) * step + step
        if is_jump(g, growth_percent(g.base_amount, total)):
            total = round(now, 2)  # an amount to the cent, as the person would type it
        return ReplyExamples(float(total), g.base_unit)
    start = g.start_value or 0.0
    now = g.current if g.current is not None else start
    if g.kind is Kind.MAINTAIN:
        if g.current is not None:
            return ReplyExamples(now, g.unit)
        # Nothing recorded yet: a value on the held side, not the line itself ("4.5%" under a 5% ceiling).
        step = _step(g.unit, g.target)
        inside = g.target - step if g.ceiling else g.target + step
        held = inside >= 0 and not (g.unit == "%" and inside > 100)
        return ReplyExamples(inside if held else g.target, g.unit)
    step = _step(g.unit, g.target - start)
    total = now + step if g.kind is Kind.REACH else now - step
    if total < 0 or is_jump(g, total):
        total, step = now, 0.0
    scale = max(abs(g.target), abs(now), abs(g.baseline or 0.0))
    money = g.unit in CURRENCIES
    if money and scale_in_doubt(total, scale):
        return None  # "€2" on a €150 goal is asked back ("€2 or €2,000?"): no total is sure to read as meant
    if step == 0:
        return ReplyExamples(now, g.unit)
    # From nothing yet, "+10,000" says the same as "10,000": one example is enough. A step too small for the
    # goal's scale ("+€1" on €150) is asked back like the total would be.
    signed = g.kind is Kind.REACH and g.unit != "%" and now != 0 and not (money and scale_in_doubt(step, scale))
    return ReplyExamples(total, g.unit, step if signed else None)


def _step(unit: str | None, span: float) -> float:
    """One step a person would type for a goal in `unit` spanning `span`: half a point, a round amount, or one."""
    if unit == "%":
        return 0.5
    if unit in CURRENCIES:
        return _round_step(abs(span) / 10)
    return 1.0


def _round_step(size: float) -> float:
    """The power of ten at or below `size` (at least 1): a step a person would type, like 1,000 or 10,000."""
    return float(10 ** math.floor(math.log10(size))) if size >= 1 else 1.0
