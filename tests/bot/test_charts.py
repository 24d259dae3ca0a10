"""The digest's chart drawn by matplotlib: a PNG for each kind of team, in English and Italian.

The digest tests elsewhere upload a stand-in (tests/bot/conftest.py) unless marked `draws_chart`; here every
branch of the drawing runs: more units than the chart shows, no totals at all, goals in every pace.
"""

from __future__ import annotations

import struct
from datetime import date

import pytest

from bot.blocks.digests import DigestView
from bot.charts import MAX_TOTALS, team_progress_png
from bot.rules.digest_math import DigestGoal, LastCheckIn
from bot.rules.progress import GoalNumbers, Kind, Status, standing
from bot.services.digests import digest_view

TODAY, WEEK = date(2026, 11, 27), date(2026, 11, 23)
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
UNITS = ("EUR", "USD", "GBP", "CHF", "clients", "deals", "meetings", "accounts", "demos", "%")  # 8 add up


def goal(n: int, *, kind: Kind = Kind.REACH, unit: str | None = "EUR", current: float = 40.0,
         target: float = 100.0, closed_as: str | None = None) -> DigestGoal:
    numbers = GoalNumbers(kind=kind, target=target, baseline=0.0, current=current, start=date(2026, 9, 1),
                          deadline=date(2026, 12, 31), unit=unit, closed_as=closed_as,
                          history=((date(2026, 10, 5), current / 2), (date(2026, 11, 2), current)))
    last = LastCheckIn(week_start=WEEK, on=WEEK, value=current, mood="on_track", note=None, blocker=None)
    return DigestGoal(id=n, owner=f"U{n % 4}", title=f"Goal {n}", adjusted=False, standing=standing(numbers, TODAY),
                      last=last, checked_in=True, skipped=False)


def size(png: bytes) -> tuple[int, int]:
    """Width and height from the PNG's IHDR chunk."""
    width, height = struct.unpack(">II", png[16:24])
    return width, height


def every_pace_and_more_units_than_shown() -> DigestView:
    goals = [goal(n, unit=UNITS[n % len(UNITS)], current=float(n * 11 % 130)) for n in range(30)]
    goals += [goal(40, current=100.0, closed_as="achieved"), goal(41, current=0.0)]
    return digest_view(goals, lang="en", week_start=WEEK, today=TODAY)


def only_goals_without_a_total() -> DigestView:
    goals = [goal(1, kind=Kind.MAINTAIN, unit="%", current=92.0, target=90.0)]
    return digest_view(goals, lang="it", week_start=WEEK, today=TODAY)


@pytest.mark.parametrize("view", [every_pace_and_more_units_than_shown(), only_goals_without_a_total()],
                         ids=["every-pace-en", "no-totals-it"])
def test_the_chart_is_a_png_that_matplotlib_drew_at_the_size_slack_shows(view: DigestView) -> None:
    png = team_progress_png(view)
    assert png.startswith(PNG_SIGNATURE) and b"Matplotlib" in png[:200]
    assert size(png) == (1100, 420)  # 11 x 4.2 inches at 100 dpi


def test_the_views_cover_every_branch_of_the_drawing() -> None:
    full, bare = every_pace_and_more_units_than_shown(), only_goals_without_a_total()
    assert len(full.totals) > MAX_TOTALS and not bare.totals
    assert {g.status for g in full.goals} >= {Status.ON_TRACK, Status.OFF_TRACK, Status.ACHIEVED}
