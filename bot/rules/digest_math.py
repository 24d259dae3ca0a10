"""The team digest's arithmetic: its weekly schedule, each goal's standing, totals per unit, who needs help.

Pure functions: no Slack, no database, no clock (`now`, `today` and time zones are parameters).
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from bot.rules.forecast import MIN_SPAN_DAYS, Forecast
from bot.rules.pace import expected_fraction, is_achieved, pace_status, progress_fraction

__all__ = [
    "ChannelRef",
    "GoalFacts",
    "GoalStanding",
    "LastCheckIn",
    "Total",
    "TrendSums",
    "due_week",
    "most_at_risk",
    "parse_channel",
    "parse_schedule",
    "scheduled_moment",
    "shifted_sums",
    "standing",
    "totals_per_unit",
    "trend_forecast",
    "week_monday",
]

# Units whose values add up across people; rates (%) and unit-less numbers of different metrics do not.
ADDITIVE_UNITS = frozenset({"EUR", "USD", "GBP", "CHF", "clients", "deals", "accounts", "meetings"})
PACE_ORDER = {"off_track": 0, "at_risk": 1, "on_track": 2, "achieved": 3}

_WEEKDAYS: dict[str, int] = {
    "monday": 0, "mon": 0, "lunedi": 0, "lun": 0,
    "tuesday": 1, "tue": 1, "tues": 1, "martedi": 1, "mar": 1,
    "wednesday": 2, "wed": 2, "mercoledi": 2, "mer": 2,
    "thursday": 3, "thu": 3, "thurs": 3, "giovedi": 3, "gio": 3,
    "friday": 4, "fri": 4, "venerdi": 4, "ven": 4,
    "saturday": 5, "sat": 5, "sabato": 5, "sab": 5,
    "sunday": 6, "sun": 6, "domenica": 6, "dom": 6,
}
_TIME = re.compile(r"^(?P<h>\d{1,2})(?:[:.](?P<m>\d{2}))?\s*(?P<ampm>am|pm)?$", re.IGNORECASE)
_ESCAPED_CHANNEL = re.compile(r"^<#(?P<id>[CGD][A-Z0-9]+)(?:\|(?P<name>[^>]*))?>$")
_CHANNEL_ID = re.compile(r"^[CG][A-Z0-9]{2,}$")
_CHANNEL_NAME = re.compile(r"^#(?P<name>[a-z0-9][a-z0-9._\-]{0,79})$", re.IGNORECASE)


# --- schedule -----------------------------------------------------------------


def week_monday(day: date) -> date:
    """The Monday of the week `day` falls in."""
    return day - timedelta(days=day.weekday())


def scheduled_moment(week_start: date, *, weekday: int, hhmm: str, tz: str) -> datetime:
    """The aware instant of a weekly `weekday HH:MM` slot in the week starting on `week_start`, in `tz`."""
    hours, minutes = (int(part) for part in hhmm.split(":"))
    local = datetime.combine(week_start + timedelta(days=weekday), time(hours, minutes), tzinfo=ZoneInfo(tz))
    return local


def due_week(
    now: datetime, *, tz: str, weekday: int, hhmm: str, created_at: datetime | None = None
) -> date | None:
    """The Monday of the local week whose digest is due at `now`, or None when this week's slot is still ahead.

    Only the current local week counts: after downtime that crossed into a new week, last week's digest is
    not sent late. A subscription made after this week's slot starts with next week's digest.
    """
    local_now = now.astimezone(ZoneInfo(tz))
    monday = week_monday(local_now.date())
    slot = scheduled_moment(monday, weekday=weekday, hhmm=hhmm, tz=tz)
    if now < slot:
        return None
    if created_at is not None and created_at > slot:
        return None
    return monday


def _fold(word: str) -> str:
    """Lower-case without accents, so 'Venerdì' and 'venerdi' read the same."""
    return "".join(c for c in unicodedata.normalize("NFD", word.lower()) if unicodedata.category(c) != "Mn")


def parse_schedule(text: str) -> tuple[int | None, str | None] | None:
    """Read '[weekday] [HH:MM]' in English or Italian; None when a word is neither (missing parts stay None)."""
    weekday: int | None = None
    hhmm: str | None = None
    words = [w for w in re.split(r"\s+", text.strip()) if w and _fold(w) not in ("at", "alle", "ore", "h")]
    for word in words:
        folded = _fold(word).rstrip(",.;")
        if folded in _WEEKDAYS and weekday is None:
            weekday = _WEEKDAYS[folded]
            continue
        match = _TIME.match(folded)
        if match and hhmm is None:
            hours, minutes = int(match["h"]), int(match["m"] or 0)
            if match["ampm"]:
                if not 1 <= hours <= 12:
                    return None
                hours = hours % 12 + (12 if match["ampm"].lower() == "pm" else 0)
            if hours > 23 or minutes > 59:
                return None
            hhmm = f"{hours:02d}:{minutes:02d}"
            continue
        return None
    return weekday, hhmm


@dataclass(frozen=True, slots=True)
class ChannelRef:
    """A channel named in command text: its id when Slack escaped it (or it was typed as an id), else its name."""

    id: str | None
    name: str | None


def parse_channel(word: str) -> ChannelRef | None:
    """Read `<#C123|name>`, `<#C123>`, `#name` or a bare channel id; None when it is no channel."""
    word = word.strip()
    match = _ESCAPED_CHANNEL.match(word)
    if match:
        return ChannelRef(id=match["id"], name=match["name"] or None)
    match = _CHANNEL_NAME.match(word)
    if match:
        return ChannelRef(id=None, name=match["name"].lower())
    if _CHANNEL_ID.match(word):
        return ChannelRef(id=word, name=None)
    return None


# --- one goal's standing ----------------------------------------------------------


@dataclass(slots=True)  # not frozen: built for every goal of a digest, and frozen doubles the cost
class GoalFacts:
    """What the database says about one goal, as plain values."""

    id: int
    owner: str
    title: str
    unit: str | None
    direction: str
    baseline: float | None
    target: float
    current: float | None
    start: date
    deadline: date
    status: str
    adjusted: bool
    closed_on: date | None = None  # local date the goal was closed as achieved/done


@dataclass(slots=True)  # not frozen: built for every goal of a digest, and frozen doubles the cost
class LastCheckIn:
    """The latest answered check-in of a goal."""

    week_start: date
    on: date  # the local day it was answered (the week's Monday when unknown)
    value: float | None
    mood: str | None
    note: str | None
    blocker: str | None


@dataclass(slots=True)  # not frozen: built for every goal of a digest, and frozen doubles the cost
class GoalStanding:
    """One goal as the digest shows it: where it is, where it should be, where it is heading."""

    facts: GoalFacts
    value: float | None
    progress: float
    expected: float
    pace: str
    forecast: Forecast
    last: LastCheckIn | None
    checked_in_this_week: bool
    achieved_this_week: bool

    @property
    def shortfall(self) -> float:
        """How far behind the expected progress the goal is (negative when ahead)."""
        return self.expected - self.progress


def _display_value(facts: GoalFacts) -> float | None:
    if facts.current is not None:
        return facts.current
    if facts.baseline is not None:
        return facts.baseline
    return None if facts.direction == "maintain" else 0.0


def standing(
    facts: GoalFacts, outlook: Forecast, last: LastCheckIn | None, *, today: date, week_start: date,
) -> GoalStanding:
    """Compute a goal's progress, pace and this week's check-in state on `today`; `outlook` is its forecast."""
    value = _display_value(facts)
    progress = progress_fraction(baseline=facts.baseline, target=facts.target, current=value,
                                 direction=facts.direction)
    expected = expected_fraction(start=facts.start, deadline=facts.deadline, today=today)
    closed_achieved = facts.status in ("achieved", "done")
    if closed_achieved:
        pace = "achieved"
    else:
        pace = pace_status(baseline=facts.baseline, target=facts.target, current=facts.current,
                           direction=facts.direction, start=facts.start, deadline=facts.deadline, today=today)
    checked_in = last is not None and last.week_start >= week_start
    if closed_achieved:
        achieved_now = facts.closed_on is not None and facts.closed_on >= week_start
    else:
        # Reached with a check-in this week: the first week the goal reads as achieved.
        achieved_now = checked_in and is_achieved(
            baseline=facts.baseline, target=facts.target, current=facts.current, direction=facts.direction,
            today=today, deadline=facts.deadline)
    return GoalStanding(facts=facts, value=value, progress=progress, expected=expected, pace=pace,
                        forecast=outlook, last=last, checked_in_this_week=checked_in,
                        achieved_this_week=achieved_now)


# --- the trend, from sums ---------------------------------------------------------------------------------------------


@dataclass(slots=True)  # not frozen: built for every goal of a digest, and frozen doubles the cost
class TrendSums:
    """Least-squares sums over a goal's check-ins, x being days since the goal's start and y the value.

    `reached_x` is the first x whose value met the target; `last_x` the latest x. The database computes these
    so a year of weekly check-ins per goal never has to be read row by row.
    """

    n: int = 0
    sx: float = 0.0
    sy: float = 0.0
    sxx: float = 0.0
    sxy: float = 0.0
    first_x: float | None = None
    last_x: float | None = None
    reached_x: float | None = None


def shifted_sums(
    *, n: int, sd: float, sy: float, sdd: float, sdy: float, first_d: float | None, last_d: float | None,
    reached_d: float | None, offset: float,
) -> TrendSums:
    """Sums over days counted from some day zero, re-based to days since the goal's start (`offset` days later)."""

    def shift(value: float | None) -> float | None:
        return None if value is None else value - offset

    return TrendSums(n=n, sx=sd - n * offset, sy=sy, sxx=sdd - 2 * offset * sd + n * offset * offset,
                     sxy=sdy - offset * sy, first_x=shift(first_d), last_x=shift(last_d), reached_x=shift(reached_d))


_NO_FORECAST = Forecast(projected_at_deadline=None, reach_date=None, rate_per_week=None)


def trend_forecast(
    sums: TrendSums, *, baseline: float | None, start: date, deadline: date, target: float, direction: str,
) -> Forecast:
    """The same line bot.rules.forecast.forecast fits through (start, baseline) and the check-ins, from sums."""
    n, sx, sy, sxx, sxy = sums.n, sums.sx, sums.sy, sums.sxx, sums.sxy
    if baseline is not None:
        n, sy = n + 1, sy + baseline  # the point (0, baseline) adds nothing to the x sums
    if n < 2 or sums.last_x is None:
        return _NO_FORECAST
    # As forecast() measures it: from the baseline's day (the start) or else the first check-in, to the last.
    first = 0.0 if baseline is not None else sums.first_x
    if first is None or sums.last_x - first < MIN_SPAN_DAYS:
        return _NO_FORECAST  # less than a week of history is noise, not a trend (and one day has no slope)
    x_mean, y_mean = sx / n, sy / n
    slope = (sxy - sx * y_mean) / (sxx - sx * x_mean)
    intercept = y_mean - slope * x_mean
    projected = intercept + slope * (deadline - start).days
    if direction == "maintain":
        return Forecast(projected_at_deadline=projected, reach_date=None, rate_per_week=slope * 7)
    return Forecast(projected_at_deadline=projected, rate_per_week=slope * 7,
                    reach_date=_reach_date(sums, slope, intercept, baseline=baseline, start=start, target=target,
                                           direction=direction))


def _reach_date(
    sums: TrendSums, slope: float, intercept: float, *, baseline: float | None, start: date, target: float,
    direction: str,
) -> date | None:
    if baseline is not None and (baseline >= target if direction == "increase" else baseline <= target):
        return start
    if sums.reached_x is not None:
        return start + timedelta(days=int(sums.reached_x))  # already there: the first check-in that got there
    towards = slope > 0 if direction == "increase" else slope < 0
    if not towards or math.isclose(slope, 0.0, abs_tol=1e-12) or sums.last_x is None:
        return None
    crossing = start + timedelta(days=math.ceil((target - intercept) / slope - 1e-9))
    # A line crossing before the last check-in, which was still short, means "any day now", not the past.
    return max(crossing, start + timedelta(days=int(sums.last_x) + 1))


# --- the team ------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Total:
    """The team's sum for one unit: where the goals stand against their targets."""

    unit: str
    current: float
    target: float
    goals: int


def totals_per_unit(standings: Iterable[GoalStanding]) -> list[Total]:
    """Sum current values and targets per additive unit (money per currency, counts per kind), biggest first.

    Only goals that grow a number add up: a "reduce" or "stay above" goal's target is no share of a team total.
    """
    sums: dict[str, list[float]] = {}
    for item in standings:
        unit = item.facts.unit
        if unit not in ADDITIVE_UNITS or item.facts.direction != "increase":
            continue
        entry = sums.setdefault(unit, [0.0, 0.0, 0])
        entry[0] += item.value or 0.0
        entry[1] += item.facts.target
        entry[2] += 1
    totals = [Total(unit=u, current=c, target=t, goals=int(n)) for u, (c, t, n) in sums.items()]
    return sorted(totals, key=lambda total: (-total.goals, total.unit))


def most_at_risk(standings: Iterable[GoalStanding], limit: int = 5) -> list[GoalStanding]:
    """Goals off track, then at risk, each furthest behind its expected progress first."""
    behind = [s for s in standings if s.pace in ("off_track", "at_risk")]
    behind.sort(key=lambda s: (PACE_ORDER[s.pace], -s.shortfall, s.facts.id))
    return behind[:limit]
