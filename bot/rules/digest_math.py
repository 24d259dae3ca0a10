"""The team digest's rules: its weekly schedule, its channel, and which goals it headlines (the numbers are the
progress model's, bot.rules.progress).

Pure functions: no Slack, no database, no clock (`now`, `today` and time zones are parameters).
"""

from __future__ import annotations

import heapq
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

from bot.rules.progress import ACTIVE_ORDER, Standing, Status

__all__ = [
    "ChannelRef",
    "DigestGoal",
    "LastCheckIn",
    "HEADLINE",
    "MORE",
    "achieved_this_week",
    "due_week",
    "headline_counts",
    "most_at_risk",
    "parse_channel",
    "parse_schedule",
    "scheduled_moment",
    "week_monday",
]

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
# Enum members as module names: on Python 3.11 each `Enum.MEMBER` lookup takes a slow path (bot.rules.progress).
_ACHIEVED, _BEHIND = Status.ACHIEVED, (Status.OFF_TRACK, Status.AT_RISK)


# --- schedule -----------------------------------------------------------------


@lru_cache(maxsize=64)  # a digest asks it for each of its thousands of goals, on the same day
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


# --- one goal in a digest ------------------------------------------------------------------------------------------


@dataclass(slots=True)  # not frozen: built for every goal of a digest, and frozen doubles the cost
class LastCheckIn:
    """The latest answered check-in of a goal."""

    # bot.services.goal_rows.row_goal builds it with positional arguments: keep the fields' order.

    week_start: date
    on: date  # the local day it was answered (the week's Monday when unknown)
    value: float | None
    mood: str | None
    note: str | None
    blocker: str | None


@dataclass(slots=True)  # not frozen: built for every goal of a digest, and frozen doubles the cost
class DigestGoal:
    """One goal as the digest shows it: who, what, the model's standing, and this week's check-in."""

    # bot.services.goal_rows.row_goal builds it with positional arguments: keep the fields' order.

    id: int
    owner: str
    title: str
    adjusted: bool
    standing: Standing
    last: LastCheckIn | None
    checked_in: bool  # this week's check-in was answered
    skipped: bool  # this week's check-in was skipped on purpose ("skip this week")
    closed_on: date | None = None
    asked: bool = True  # a check-in was asked this week: a goal set after it, or due later, is not "missing"
    original_title: bool = False  # the title's words no longer say what the numbers do (bot.rules.titles)
    skip_reason: str | None = None  # this week skipped with a reason typed ("I'm on PTO"), where notes may be shown

    @property
    def status(self) -> Status:
        """The model's status."""
        return self.standing.status

    @property
    def unanswered(self) -> bool:
        """This week's check-in went out and is neither answered nor skipped: the one "not checked in" rule (a goal
        set after Monday's check-in was read as "⏳ not checked in this week" on its digest line)."""
        return self.asked and not self.checked_in and not self.skipped


def achieved_this_week(item: DigestGoal, week_start: date) -> bool:
    """A real achievement this week: the numbers reached it (no override), closed or first checked in so."""
    if item.standing.status is not _ACHIEVED or item.standing.numbers.override:
        return False
    if item.closed_on is not None:
        return item.closed_on >= week_start
    return item.last is not None and item.last.week_start >= week_start


# The headline's places: each goal the digest shows is counted in exactly one, so the counts add up to its goals.
# HEADLINE is always said; MORE only when some goal is there (closed this week other than achieved, past its
# deadline awaiting review, without a starting point, achieved earlier or by decision).
HEADLINE = ("on_track", "at_risk", "off_track", "not_started", "achieved")
MORE = ("overdue", "needs_baseline", "reached_before", "by_decision", "missed", "dropped")


def headline_counts(goals: Iterable[DigestGoal], week_start: date) -> dict[str, int]:
    """How many of the digest's goals are in each place of its headline (HEADLINE, then MORE)."""
    counts = dict.fromkeys(HEADLINE + MORE, 0)
    for item in goals:
        status = item.standing.status
        if achieved_this_week(item, week_start):
            place = "achieved"
        elif status is _ACHIEVED:
            place = "by_decision" if item.standing.numbers.override else "reached_before"
        else:
            place = str(status)
        counts[place] += 1
    return counts


def most_at_risk(goals: Iterable[DigestGoal], limit: int = 5) -> list[DigestGoal]:
    """Active goals off track, then at risk, each furthest behind its expected progress first."""
    behind = [g for g in goals if g.standing.status in _BEHIND and not g.standing.closed]
    # The first `limit` of the sorted list (nsmallest is documented as sorted(…, key)[:n]), without sorting them all.
    return heapq.nsmallest(limit, behind,
                           key=lambda g: (ACTIVE_ORDER[g.standing.status], -g.standing.shortfall, g.id))
