"""What a goal's number means: the one model of progress, pace, status, forecast, totals and closing.

Every screen (check-in card and thread answer, `/goal list`, App Home, the edit list, reviews, the digest and
its chart, exports) asks this module and renders what it says; nothing else computes progress or status.

The four kinds of goal (from the seed article's goal types):

* REACH     a count or amount from a starting point up to a target: 10 new clients, €200k → €260k.
            Progress is (value − start) / (target − start); a goal with no recorded start counts from zero
            only when it counts new things (clients, deals, amounts closed): its start *is* zero.
* GROWTH    "+15% sales of product X": values are the growth so far, in percent over the starting period,
            so the start is 0% and the target is +15%. With the starting amount known (`base_amount`), the
            target is also base × 1.15 and both are shown.
* REDUCE    churn down to 3%, at-risk accounts down to 2: progress is (start − value) / (start − target);
            without a recorded start there is no distance to measure, and the status says so.
* MAINTAIN  retention ≥ 90% for a year: "held so far" — every recorded value at or above the floor. A week
            below the floor is a miss, never "92% of 90%"; it is achieved only at the deadline, held. A ceiling
            ("keep churn below 3%", direction keep_below) is the same with the sides swapped: held at or under it.

Status of an active goal, with p the progress and e the expected progress (share of the period elapsed):
  not_started      no value recorded yet (nothing says it is behind or ahead)
  needs_baseline   a REDUCE goal without a starting point
  achieved         the numbers reach the target (MAINTAIN: held until the deadline)
  overdue          the deadline passed short of the target and the owner has not reviewed it yet: "missed" is
                   the owner's word at the review (they may extend or adjust), never the model's verdict on an
                   active goal (MAINTAIN: a recorded value fell below the floor and the deadline passed)
  on_track         p ≥ e − ON_TRACK_SLACK
  at_risk          p ≥ AT_RISK_SHARE · e − AT_RISK_SLACK (MAINTAIN: held now, but a week fell below)
  off_track        lower (MAINTAIN: below the floor now)
Closed goals: achieved only when the numbers say so or the owner overrode them (recorded in the history);
a goal closed as achieved/done whose numbers fall short and has no override reads as missed; dropped is dropped.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from enum import StrEnum
from itertools import combinations

__all__ = [
    "ADDITIVE_UNITS",
    "MAINTAIN_DIRECTIONS",
    "AT_RISK_SHARE",
    "AT_RISK_SLACK",
    "Forecast",
    "GoalNumbers",
    "Kind",
    "ON_TRACK_SLACK",
    "Standing",
    "Status",
    "Total",
    "can_close_as_achieved",
    "expected_progress",
    "forecast",
    "gain",
    "grown_amount",
    "target_in_range",
    "NoForecast",
    "STALE_DAYS",
    "growth_percent",
    "growth_target_amount",
    "is_reached",
    "kind_of",
    "progress",
    "progress_bar",
    "standing",
    "status",
    "projection",
    "team_totals",
    "percent_readings",
]

ON_TRACK_SLACK = 0.05
AT_RISK_SHARE = 0.75
# The extra slack keeps the first couple of weeks of a quarter from reading as off track.
AT_RISK_SLACK = 0.10
# A forecast needs this much evidence: three values over three weeks. Fewer is noise, not a trend.
MIN_POINTS = 3
MIN_SPAN_DAYS = 21
# A pace read from values older than this says nothing about now: no forecast until the next value.
STALE_DAYS = 28
# The most recent values a forecast looks at: the trend that matters is the recent one.
TREND_POINTS = 6
# A jump from below to past the target covering more than this share of the whole way is confirmed first.
JUMP_SHARE = 0.5

# Units whose values add up across people; rates (%) and unit-less numbers of different metrics do not.
ADDITIVE_UNITS = frozenset({"EUR", "USD", "GBP", "CHF", "clients", "deals", "accounts", "meetings"})
CURRENCIES = frozenset({"EUR", "USD", "GBP", "CHF"})
# The directions of a level to hold: at or above a floor ("maintain"), or at or under a ceiling ("keep_below").
MAINTAIN_DIRECTIONS = frozenset({"maintain", "keep_below"})
# Metrics that are themselves rates: "+5%" on them is percentage points, not growth over a starting amount.
RATE_METRICS = frozenset({"retention_rate", "renewal_rate", "churn_rate", "nps", "conversion_rate", "win_rate"})


class Kind(StrEnum):
    """What kind of number a goal is about."""

    REACH = "reach"
    GROWTH = "growth"
    REDUCE = "reduce"
    MAINTAIN = "maintain"


class Status(StrEnum):
    """Where a goal stands, by its numbers (and, once closed, by how it was closed)."""

    NOT_STARTED = "not_started"
    NEEDS_BASELINE = "needs_baseline"
    ON_TRACK = "on_track"
    AT_RISK = "at_risk"
    OFF_TRACK = "off_track"
    ACHIEVED = "achieved"
    OVERDUE = "overdue"
    MISSED = "missed"
    DROPPED = "dropped"


# The kinds as module names, for the model's hot paths: on Python 3.11, EnumType defines __getattr__, which sends
# every attribute lookup on an enum class (Kind.REDUCE) through a slow path, ~100 ns against ~12 ns for a global,
# and a digest asks some fifty thousand of them.
_REACH, _GROWTH, _REDUCE, _MAINTAIN = Kind.REACH, Kind.GROWTH, Kind.REDUCE, Kind.MAINTAIN

ACTIVE_ORDER = {Status.OVERDUE: 0, Status.OFF_TRACK: 1, Status.AT_RISK: 2, Status.NEEDS_BASELINE: 3,
                Status.NOT_STARTED: 4, Status.ON_TRACK: 5, Status.MISSED: 6, Status.ACHIEVED: 7, Status.DROPPED: 8}


def kind_of(direction: str, unit: str | None, metric: str | None) -> Kind:
    """The kind of a stored goal, from its direction, unit and metric."""
    if direction in MAINTAIN_DIRECTIONS:
        return _MAINTAIN
    if direction == "decrease":
        return _REDUCE
    if unit == "%" and metric not in RATE_METRICS and metric is not None:
        return _GROWTH  # "+15% sales": a share of where the sales started, not a rate
    return _REACH


@dataclass(slots=True)  # not frozen: built for every goal of a digest, and frozen doubles the cost
class GoalNumbers:
    """A goal's numbers as plain values: what the model reads (no database object crosses into rules)."""

    # The digest's row_goal builds it with positional arguments (thousands a build): keep the fields' order.

    kind: Kind
    target: float
    baseline: float | None
    current: float | None  # the latest recorded value; None before the first check-in
    start: date
    deadline: date
    unit: str | None = None
    closed_as: str | None = None  # None while active; else achieved, done, missed or dropped
    override: bool = False  # closed as achieved by the owner's explicit override (kept in the history)
    history: tuple[tuple[date, float], ...] = ()  # recorded values, oldest first (skipped weeks left out)
    base_amount: float | None = None  # GROWTH: the starting amount the percentage grows from, when known
    base_unit: str | None = None  # GROWTH: that amount's unit (a currency or a count), when known
    below_count: int | None = None  # MAINTAIN: values below the floor, when counted elsewhere than `history`
    ceiling: bool = False  # MAINTAIN: the target is a ceiling to stay at or under ("keep churn below 3%")

    @property
    def start_value(self) -> float | None:
        """Where progress is measured from: the recorded start, zero for REACH and GROWTH without one."""
        if self.kind is _GROWTH:
            return 0.0  # growth values are "percent over the start": the start is 0% by definition
        if self.baseline is not None:
            return float(self.baseline)
        return 0.0 if self.kind is _REACH else None


def is_reached(g: GoalNumbers, value: float | None = None) -> bool:
    """Whether `value` (default: the current one) is on the target's side of it (MAINTAIN: at or above)."""
    value = g.current if value is None else value
    if value is None:
        return False
    if g.kind is _REDUCE or g.ceiling:
        return value <= g.target + 1e-9
    return value >= g.target - 1e-9


def progress(g: GoalNumbers, value: float | None = None) -> float | None:
    """0 at the start and 1 at the target (beyond 1 past it, negative moving away); None when unmeasurable.

    MAINTAIN goals have no distance to cover: None (their standing says "held so far" instead).
    """
    return _progress(g, g.current if value is None else value, g.start_value)


def _progress(g: GoalNumbers, value: float | None, start: float | None) -> float | None:
    """progress() with the goal's start value already read (standing() reads it once for everything)."""
    if g.kind is _MAINTAIN or value is None or start is None:
        return None
    distance = g.target - start if g.kind is not _REDUCE else start - g.target
    if math.isclose(distance, 0.0, abs_tol=1e-12) or distance < 0:
        return 1.0 if is_reached(g, value) else 0.0  # no way to go (or the wrong way): reached or not
    moved = value - start if g.kind is not _REDUCE else start - value
    return moved / distance


def expected_progress(g: GoalNumbers, today: date) -> float:
    """The share of the goal's period elapsed on `today`, 0..1: where steady progress would be now."""
    total = (g.deadline - g.start).days
    if total <= 0:
        return 1.0 if today >= g.deadline else 0.0
    return min(1.0, max(0.0, (today - g.start).days / total))


def _values(g: GoalNumbers) -> list[float]:
    values = [v for _, v in g.history]
    if g.current is not None and (not values or values[-1] != g.current):
        values.append(g.current)
    return values


def held(g: GoalNumbers) -> bool | None:
    """MAINTAIN: True when every recorded value held the floor, False when one fell below, None with none."""
    if not _values(g):
        return None
    return weeks_below(g) == 0


def weeks_below(g: GoalNumbers) -> int:
    """MAINTAIN: how many recorded values fell below the floor."""
    if g.below_count is not None:
        return g.below_count + (1 if g.current is not None and not is_reached(g, g.current)
                                and (not g.history or g.history[-1][1] != g.current) else 0)
    return sum(1 for v in _values(g) if not is_reached(g, v))


def can_close_as_achieved(g: GoalNumbers, today: date) -> bool:
    """Whether the numbers alone say the goal is achieved (else closing it so needs the owner's override)."""
    if g.kind is _MAINTAIN:
        return today >= g.deadline and held(g) is True
    # Reached means one thing everywhere: the current value is on the target's side of it (is_reached).
    return g.current is not None and (g.start_value is not None or g.kind is _REDUCE) and is_reached(g)


def status(g: GoalNumbers, today: date) -> Status:
    """The goal's status on `today` (thresholds in the module docstring)."""
    start = g.start_value
    return _status(g, today, _progress(g, g.current, start), expected_progress(g, today), start)


def _status(g: GoalNumbers, today: date, p: float | None, e: float, start: float | None) -> Status:
    """status() with the goal's progress `p`, expected progress `e` on `today` and start value already computed
    (standing() needs them too: a digest computes them once per goal, not twice)."""
    if g.closed_as is not None:
        if g.closed_as == "dropped":
            return Status.DROPPED
        if g.closed_as in ("achieved", "done"):
            # The numbers at closing, not the click, decide — unless the owner overrode them on the record.
            reached = can_close_as_achieved(g, max(today, g.deadline))
            return Status.ACHIEVED if reached or g.override else Status.MISSED
        return Status.MISSED
    # Values recorded that never left the start ("flat, the budget is frozen": 0 of 20) are not progress either: they
    # read "🟢 on track" the week after the card said "⚪ not started", to someone who had just said they were stuck.
    unmoved = (g.current is not None and g.current == start and not is_reached(g)
               and (not g.history or (g.kind is not _MAINTAIN and all(value == start for _, value in g.history))))
    if g.current is None or unmoved:
        # Nothing recorded yet (a growth goal without a value, a reach goal saved at its start: alike). While no
        # progress is due it is "not started"; once some is, standing still at the start is behind, as the numbers
        # say: "0 of 10 with most of its time gone" is off track, not merely not started.
        if g.kind is _MAINTAIN or start is None or e <= ON_TRACK_SLACK:
            return Status.NOT_STARTED
        p = 0.0
    if g.kind is _MAINTAIN:
        now_held = is_reached(g, g.current)
        ever_below = held(g) is False
        if today > g.deadline or (today == g.deadline and not ever_below):
            return Status.ACHIEVED if not ever_below else Status.OVERDUE
        if not now_held:
            return Status.OFF_TRACK
        return Status.AT_RISK if ever_below else Status.ON_TRACK
    if g.kind is _REDUCE and start is None:
        if is_reached(g):
            return Status.ACHIEVED
        return Status.OVERDUE if today > g.deadline else Status.NEEDS_BASELINE
    if p is None:
        return Status.NOT_STARTED
    if is_reached(g):
        return Status.ACHIEVED
    if today > g.deadline:
        return Status.OVERDUE
    if p >= e - ON_TRACK_SLACK:
        return Status.ON_TRACK
    if p >= AT_RISK_SHARE * e - AT_RISK_SLACK:
        return Status.AT_RISK
    return Status.OFF_TRACK


# --- forecast ---------------------------------------------------------------------------------------------------


@dataclass(slots=True)  # not frozen: built for every goal of a digest, and frozen doubles the cost
class Forecast:
    """Where the recent trend leads: a range at the deadline and, when it gets there, the day the target is met.

    `low`/`high` bracket the value at the deadline between the slower and the faster half of the trends seen;
    `reach` is the day the median trend meets the target (None when it does not before the deadline).
    """

    # forecast() builds it with positional arguments: keep the fields' order.

    low: float
    high: float
    likely: float
    reach: date | None
    per_week: float


def _theil_sen(points: Sequence[tuple[float, float]]) -> tuple[float, float, float] | None:
    """The median, lower- and upper-quartile pairwise slopes (Theil–Sen); None without a slope."""
    # combinations: every pair once, in the order the formula needs, without index arithmetic (a digest fits
    # ~2,000 of these); the slopes are the same floats as the textbook double loop's.
    slopes = sorted([(y2 - y1) / (x2 - x1) for (x1, y1), (x2, y2) in combinations(points, 2) if x2 != x1])
    if not slopes:
        return None
    n = len(slopes)
    mid = slopes[n // 2] if n % 2 else (slopes[n // 2 - 1] + slopes[n // 2]) / 2
    return mid, slopes[n // 4], slopes[(3 * n) // 4 if n > 1 else 0]


class NoForecast(StrEnum):
    """Why a goal has no forecast today, so the screen says the true reason."""

    NOT_ENOUGH = "not_enough"  # fewer than MIN_POINTS values over MIN_SPAN_DAYS
    UNCERTAIN = "uncertain"  # enough values, but a pace too uneven to project
    STALE = "stale"  # no value for more than STALE_DAYS, or the pace says the target should be reached already
    LAST_DAY = "last_day"  # the deadline is today: nothing left to project
    # Three weeks of values cannot fit before the deadline: "from 23 December I'll say" on a goal due the 20th
    # promised a forecast that could never come.
    TOO_SHORT = "too_short"


def forecast(g: GoalNumbers, today: date) -> Forecast | None:
    """A forecast from enough recent history with a robust (Theil–Sen) trend, or None when it would be a guess.

    None (NoForecast says which, on Standing.quiet): a closed or MAINTAIN goal, the deadline's day or later, no
    value for STALE_DAYS, fewer than MIN_POINTS values over MIN_SPAN_DAYS, a trend so spread that its range is
    wider than the whole way to the target, or a pace that should have reached it already.
    """
    outlook = _outlook(g, today, g.start_value)
    return outlook if isinstance(outlook, Forecast) else None


def _outlook(g: GoalNumbers, today: date, start: float | None) -> Forecast | NoForecast:
    """forecast() with the goal's start value already read; where it has none, why (Standing.quiet)."""
    deadline = g.deadline
    if g.closed_as is not None or g.kind is _MAINTAIN or start is None:
        return NoForecast.NOT_ENOUGH  # no distance to project (the screens say closed, held or no start first)
    if today >= deadline:
        return NoForecast.LAST_DAY
    history = g.history
    if history and (today - history[-1][0]).days > STALE_DAYS:
        return NoForecast.STALE  # "reached around 7 December" read on 7 January from November's values
    recent = history[-TREND_POINTS:]
    begin = g.start
    origin = begin.toordinal()
    # (days since the start, value): whole days are exact in a float, so the arithmetic is the same as with dates
    # (ordinals: no timedelta per value); the values are floats already (GoalNumbers.history).
    points = [(float(day.toordinal() - origin), value) for day, value in recent]
    if _trend_has_start(g, recent):
        points.insert(0, (0.0, float(start)))
    if len(points) < MIN_POINTS or points[-1][0] - points[0][0] < MIN_SPAN_DAYS:
        return NoForecast.NOT_ENOUGH
    fit = _theil_sen(points)
    if fit is None:
        return NoForecast.UNCERTAIN
    slope, slow, fast = fit
    at_deadline = float((deadline - begin).days)
    last_x, last_y = points[-1]
    # Projected from the latest value, so the range starts where the goal is, not where the line passes.
    likely = last_y + slope * (at_deadline - last_x)
    slower, faster = last_y + slow * (at_deadline - last_x), last_y + fast * (at_deadline - last_x)
    ends = (faster, slower) if faster < slower else (slower, faster)  # sorted(), without building a list
    distance = abs(g.target - start)
    if distance > 0 and ends[1] - ends[0] > distance and not (is_reached(g, ends[0]) and is_reached(g, ends[1])):
        # A range wider than the whole goal is not a forecast anyone should plan on, unless even its slow end
        # gets there: a steady climb far from its deadline (150k → 180k in four weeks, target 200k in June) is on
        # course at any of its paces, and "too uneven to project" said the opposite of what the numbers show.
        return NoForecast.UNCERTAIN
    reach: date | None = None
    if not is_reached(g, last_y):
        towards = slope > 1e-12 if g.kind is not _REDUCE else slope < -1e-12
        if towards:
            days = (g.target - last_y) / slope
            # Compared in days before any date is made: a near-flat pace puts the day past any calendar.
            if last_x + days - 1e-9 <= at_deadline:
                reach = g.start + timedelta(days=int(last_x) + math.ceil(days - 1e-9))
                reach = reach if reach <= g.deadline else None
            if reach is not None and reach < today:
                return NoForecast.STALE  # the pace says it should be there by now, and it is not: nothing to project
    return Forecast(ends[0], ends[1], likely, reach, slope * 7)  # low, high, likely, reach, per_week (positional)


# --- one goal, everything a screen shows ----------------------------------------------------------------------------


@dataclass(slots=True)  # not frozen: built for every goal of a digest, and frozen doubles the cost
class Standing:
    """Everything a screen shows about one goal on one day, computed once."""

    # standing() builds it with positional arguments: keep the fields' order.

    numbers: GoalNumbers
    status: Status
    progress: float | None  # None for MAINTAIN and for goals without a measurable start
    expected: float
    value: float | None  # the value to show as "now" (the start before the first check-in)
    forecast: Forecast | None
    held: bool | None  # MAINTAIN only
    weeks_below: int  # MAINTAIN only
    overdue: bool  # active and past the deadline
    quiet: NoForecast | None = None  # why there is no forecast (None when there is one)
    # NOT_ENOUGH while the values cannot span three weeks yet: the first day they can (forecast_from).
    forecast_from: date | None = None

    @property
    def closed(self) -> bool:
        """Whether the goal is no longer active."""
        return self.numbers.closed_as is not None

    @property
    def shortfall(self) -> float:
        """How far behind its expected progress the goal is (negative when ahead; 0 when unmeasurable)."""
        return self.expected - self.progress if self.progress is not None else 0.0

    @property
    def percent(self) -> int | None:
        """Progress as a whole percentage, never below 0 (None when there is no progress to show)."""
        if self.progress is None:
            return None
        return max(0, round(self.progress * 100))


def standing(g: GoalNumbers, today: date) -> Standing:
    """The goal's standing on `today`."""
    maintain = g.kind is _MAINTAIN
    start = g.start_value
    current = g.current
    value = current if current is not None else (start if not maintain else None)
    measured = _progress(g, current, start)
    expected = expected_progress(g, today)
    shown = measured if current is not None else (0.0 if start is not None and not maintain else None)
    # Positional, in the fields' order (numbers, status, progress, expected, value, forecast, held, weeks_below,
    # overdue, quiet): a digest builds thousands, and each keyword costs ~30 ns.
    outlook = _outlook(g, today, start)
    projected, quiet = (outlook, None) if isinstance(outlook, Forecast) else (None, outlook)
    due = forecast_from(g, today) if quiet is NoForecast.NOT_ENOUGH and start is not None and not maintain \
        and g.closed_as is None else None
    if due is not None and due >= g.deadline:  # a forecast needs a value before the deadline's day
        quiet, due = NoForecast.TOO_SHORT, None
    return Standing(
        g, _status(g, today, measured, expected, start), shown, expected, value, projected,
        held(g) if maintain else None, weeks_below(g) if maintain else 0, g.closed_as is None and today > g.deadline,
        quiet, due,
    )


def forecast_from(g: GoalNumbers, today: date) -> date | None:
    """While too few values allow a forecast: the first day the values can span MIN_SPAN_DAYS (three weeks from
    the trend's first point, the start while the history is short), if it is still to come; None when what is
    missing is values, not time (weeks skipped)."""
    recent = g.history[-TREND_POINTS:]
    due = (g.start if _trend_has_start(g, recent) else recent[0][0]) + timedelta(days=MIN_SPAN_DAYS)
    return due if due > today else None


def _trend_has_start(g: GoalNumbers, recent: Sequence[tuple[date, float]]) -> bool:
    """Whether the start is one of the trend's points: while the history is short, and before its first value."""
    return len(g.history) <= TREND_POINTS and (not recent or recent[0][0] > g.start)


def target_in_range(g: GoalNumbers, result: Forecast) -> bool:
    """Whether the target lies within a forecast's range (whichever way the goal goes): the pace may still get
    there, so "below the target" would be false even though the likely value falls short."""
    low, high = sorted((result.low, result.high))
    return low <= g.target <= high


def grown_amount(base: float, percent: float) -> float:
    """The amount `base` becomes after growing by `percent`: 200,000 up 15% is 230,000."""
    return base * (1 + percent / 100)


def reached_amount(g: GoalNumbers, value: float) -> tuple[float, str] | None:
    """The amount a GROWTH goal with a starting amount in a currency stands at when it has grown `value` %, to the
    cent (a growth's last digits are not money)."""
    if g.kind is not _GROWTH or not g.base_amount or g.base_unit not in CURRENCIES:
        return None
    return round(grown_amount(g.base_amount, value), 2), str(g.base_unit)


def reached_change(g: GoalNumbers, value: float, change: float) -> float | None:
    """How much a GROWTH goal's amount moved when its growth moved by `change` points to `value`, to the cent
    (None without a starting amount in a currency): "+$5,000" is what the person counted, "+2.5 points" is not."""
    now, before = reached_amount(g, value), reached_amount(g, value - change)
    if now is None or before is None:
        return None
    return round(now[0] - before[0], 2)


def growth_percent(base: float, amount: float) -> float:
    """How much `amount` has grown over `base`, in percent: 230,000 over 200,000 is 15."""
    return (amount / base - 1) * 100


def growth_target_amount(g: GoalNumbers) -> float | None:
    """GROWTH with a known starting amount: the amount the target means (base × (1 + target%))."""
    if g.kind is not _GROWTH or g.base_amount is None:
        return None
    return grown_amount(g.base_amount, g.target)


# --- the team ----------------------------------------------------------------------------------------------------


def gain(g: GoalNumbers) -> tuple[float, float, str] | None:
    """(gained so far, gain needed, unit) of a REACH goal in an additive unit, or of a GROWTH goal in the currency
    of its starting amount ("+15% on €80,000": €4,800 of €12,000 at +6%); None for any other goal."""
    if g.kind is _GROWTH:
        # Its percentage is no amount, but the money it stands for is: left out, the team's euro total said
        # "1 goal" beside two euro goals.
        target = reached_amount(g, g.target)
        if target is None or g.base_amount is None:
            return None
        now = reached_amount(g, g.current) if g.current is not None else None
        base = g.base_amount
        return (now[0] - base if now is not None else 0.0), target[0] - base, target[1]
    if g.kind is not _REACH or g.unit not in ADDITIVE_UNITS:
        return None
    start = g.start_value or 0.0
    current = g.current if g.current is not None else start
    return current - start, g.target - start, str(g.unit)


@dataclass(frozen=True, slots=True)
class Total:
    """The team's sum for one unit: gained so far against the gain needed, over its active goals."""

    unit: str
    gained: float
    needed: float
    goals: int
    closed: int = 0  # closed goals in this unit, counted apart and left out of the sums

    @property
    def share(self) -> float:
        """Gained over needed (0 when nothing is needed)."""
        return self.gained / self.needed if self.needed > 0 else 0.0


def team_totals(goals: Iterable[GoalNumbers]) -> list[Total]:
    """Σ(current − start) of Σ(target − start) per additive unit over active REACH goals (and GROWTH goals, in the
    currency of their starting amount); most goals first."""
    sums: dict[str, list[float]] = {}
    for g in goals:
        found = gain(g)
        if found is None:
            continue
        gained, needed, unit = found
        entry = sums.setdefault(unit, [0.0, 0.0, 0, 0])
        if g.closed_as is not None:
            entry[3] += 1
            continue
        entry[0] += gained
        entry[1] += needed
        entry[2] += 1
    # A unit with closed goals only has nothing left to add up: "+€0 of €0 needed (0%) · 0 goals" says nothing.
    totals = [Total(unit=u, gained=a, needed=b, goals=int(n), closed=int(c)) for u, (a, b, n, c) in sums.items()
              if n]
    return sorted(totals, key=lambda total: (-total.goals, total.unit))


# --- reading a percentage against the goal ------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Reading:
    """One meaning a number could have for this goal: the value it records and what it means."""

    value: float
    # of_target, of_the_way, growth, growth_of_the_way, growth_of_start, growth_points, value, grown_to, money_change
    meaning: str
    amount: float | None = None  # grown_to, money_change: the amount reached, in the starting amount's unit
    # The percentage the reply named (growth_points, money_change: the signed change read), so a choice can say it.
    said: float | None = None


@dataclass(frozen=True, slots=True)
class PercentMeaning:
    """What "x%" means on this goal: one reading when it can mean nothing else, else the candidates."""

    readings: tuple[Reading, ...] = field(default_factory=tuple)

    @property
    def certain(self) -> Reading | None:
        """The only reading, when there is exactly one."""
        return self.readings[0] if len(self.readings) == 1 else None


def percent_readings(g: GoalNumbers, percent: float) -> PercentMeaning:
    """The values "x%" could stand for on this goal, without duplicates, most natural first."""
    share = percent / 100
    found: list[Reading] = []

    def add(value: float, meaning: str) -> None:
        value = round(value, 6)
        if value < 0 and g.kind is not _GROWTH:
            return
        if all(not math.isclose(value, r.value, rel_tol=1e-9, abs_tol=1e-9) for r in found):
            found.append(Reading(value, meaning, said=percent))

    if g.unit == "%" and g.kind is not _GROWTH:
        add(percent, "value")  # a rate goal: the percentage is the value itself
        return PercentMeaning(tuple(found))
    if g.kind is _GROWTH:
        add(share * g.target, "growth_of_the_way")  # "85%" of the way to +15%
        add(percent, "growth")  # up 85% on the start
        add(percent - 100, "growth_of_start")  # at 85% of where it started
        return PercentMeaning(tuple(found))
    if g.kind is _MAINTAIN:
        return PercentMeaning(())
    start = g.start_value
    if g.kind is _REACH:
        if start is not None:
            add(start + share * (g.target - start), "of_the_way")
        add(share * g.target, "of_target")
    elif start is not None:  # REDUCE: only "of the way" has a meaning
        add(start - share * (start - g.target), "of_the_way")
    return PercentMeaning(tuple(found))


def is_jump(g: GoalNumbers, value: float) -> bool:
    """Whether recording `value` takes the goal from short of its target to past it in one go (to confirm)."""
    if g.kind is _MAINTAIN or is_reached(g):
        return False
    after = progress(g, value)
    before = progress(g) if g.current is not None else 0.0
    if after is None or before is None:
        return False
    return after >= 1.0 - 1e-9 and after - before > JUMP_SHARE


def estimate(value: float, unit: str | None) -> float:
    """An estimate or a team sum as precise as it is worth showing: whole amounts and counts, one decimal for rates."""
    return round(value, 1) if unit == "%" else float(round(value))


def projection(value: float, unit: str | None) -> float:
    """A forecast's value as precise as a projection is: money to the thousand (to the hundred under ten thousand),
    as estimate() otherwise. "between €372,286 and €545,000" claimed a precision no pace has."""
    if unit in CURRENCIES:
        step = 1000.0 if abs(value) >= 10_000 else 100.0 if abs(value) >= 1_000 else 1.0
        return float(round(value / step) * step)
    return estimate(value, unit)


def progress_bar(fraction: float | None, width: int = 10) -> str:
    """A text bar like "▰▰▰▰▱▱▱▱▱▱"; it only fills completely at 100% (empty when unmeasurable)."""
    if width <= 0:
        return ""
    if fraction is None or math.isnan(fraction):
        return "▱" * width
    clamped = min(1.0, max(0.0, fraction))
    # Floor (with a hair of tolerance for float noise) so 99% never looks finished.
    filled = math.floor(clamped * width + 1e-9)
    return "▰" * filled + "▱" * (width - filled)
