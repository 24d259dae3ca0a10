"""The App Home tab: each person's dashboard of goals, progress, forecast, next check-in and recent check-ins."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from typing import Any

from slack_sdk.models.blocks import Block, DividerBlock, HeaderBlock
from slack_sdk.models.views import View

from bot import ids
from bot.blocks.common import actions, button, clip, context, escape, section
from bot.blocks.edit import adjusted_line
from bot.blocks.forecast import forecast_line, goal_forecast
from bot.blocks.goals import goal_line
from prompts import fmt_amount, fmt_date, t

VIEW_LIMIT = 100
BLOCKS_PER_GOAL = 5
RECENT_CHECKINS = 3
CLOSED_SHOWN = 5
_PACE_RANK = {"off_track": 0, "at_risk": 1, None: 2, "on_track": 3, "achieved": 4}


def most_relevant_first(goals: Sequence[Any]) -> list[Any]:
    """Active goals needing attention first (off track, at risk), then by nearest deadline; closed ones last."""
    active = sorted((g for g in goals if g.status == "active"),
                    key=lambda g: (_PACE_RANK.get(g.pace, 2), g.deadline, g.id))
    closed = sorted((g for g in goals if g.status != "active"),
                    key=lambda g: (g.closed_at or g.updated_at), reverse=True)
    return active + closed


def _recent_checkins(lang: str, goal: Any) -> str:
    answered = [c for c in goal.checkins if c.status == "answered"]
    answered.sort(key=lambda c: c.week_start, reverse=True)
    if not answered:
        return t(lang, "home.no_checkins")
    parts = []
    for checkin in answered[:RECENT_CHECKINS]:
        value = fmt_amount(lang, checkin.value, goal.unit) if checkin.value is not None else ""
        mood = t(lang, f"home.mood.{checkin.mood}") if checkin.mood in ("on_track", "at_risk", "blocked") else ""
        note = escape(clip(checkin.note or checkin.blocker or "", 80))
        detail = " ".join(part for part in (value, mood) if part)
        parts.append(t(lang, "home.checkin", date=fmt_date(lang, checkin.week_start, "short"), detail=detail or "–")
                     + (f" — _{note}_" if note else ""))
    return t(lang, "home.recent", checkins=" · ".join(parts))


def _goal_blocks(lang: str, goal: Any) -> list[Block]:
    line = section(goal_line(lang, goal))
    line.accessory = button(t(lang, "home.edit"), ids.ACTION_HOME_EDIT, value=str(goal.id))
    outlook = forecast_line(lang, goal, goal_forecast(goal))
    adjusted = adjusted_line(lang, goal)
    return [
        line,
        context(outlook + (f"\n{adjusted}" if adjusted else "")),
        context(_recent_checkins(lang, goal)),
        actions(button(t(lang, "home.checkin_goal"), ids.ACTION_HOME_CHECKIN, value=str(goal.id)),
                block_id=f"home_goal:{goal.id}"),
        DividerBlock(),
    ]


def _closed_line(lang: str, goal: Any) -> str:
    when = fmt_date(lang, goal.closed_at.date(), "short") if goal.closed_at else "–"
    text = t(lang, "home.closed_line", id=goal.id, title=escape(clip(goal.title, 200)),
             status=t(lang, f"status.{goal.status}"), date=when)
    if goal.closed_note:
        text += f" — _{escape(clip(goal.closed_note, 200))}_"
    return text


def next_checkin_text(lang: str, next_at: datetime | None, tz: Any, paused_until: date | None,
                      today: date) -> str:
    """"Next check-in: Monday 30 November, 09:00", with the pause when there is one."""
    if next_at is None:
        return t(lang, "home.no_schedule")
    local = next_at.astimezone(tz)
    text = t(lang, "home.next_checkin", date=fmt_date(lang, local.date(), "weekday"), time=local.strftime("%H:%M"))
    if paused_until is not None and paused_until > today:
        text = t(lang, "home.paused", date=fmt_date(lang, paused_until)) + " " + text
    return text


def home_view(
    lang: str, goals: Sequence[Any], *, schedule_text: str, can_check_in: bool = True,
) -> dict[str, Any]:
    """The Home tab for one person, at most 100 blocks; a context line says how many goals did not fit."""
    ordered = most_relevant_first(goals)
    active = [g for g in ordered if g.status == "active"]
    all_closed = [g for g in ordered if g.status != "active"]
    closed = all_closed[:CLOSED_SHOWN]
    blocks: list[Block] = [HeaderBlock(text=clip(t(lang, "home.header"), 150))]
    if active:
        at_risk = sum(1 for g in active if g.pace in ("at_risk", "off_track"))
        summary = t(lang, "home.summary", count=len(active))
        if at_risk:
            summary += " · " + t(lang, "home.summary_at_risk", count=at_risk)
        blocks.append(section(summary))
    else:
        blocks.append(section(t(lang, "home.empty")))
    blocks.append(context(schedule_text))
    buttons = [button(t(lang, "home.new_goal"), ids.ACTION_HOME_NEW_GOAL, style="primary")]
    if active and can_check_in:
        buttons.append(button(t(lang, "home.checkin_all"), ids.ACTION_HOME_CHECKIN, value="all"))
    blocks.append(actions(*buttons, block_id="home_top"))
    blocks.append(DividerBlock())
    # Keep room for the closed goals' header and lines, and for the "not shown" line.
    reserve = (1 + len(closed) if closed else 0) + 1
    shown = 0
    for goal in active:
        if len(blocks) + BLOCKS_PER_GOAL + reserve > VIEW_LIMIT:
            break
        blocks.extend(_goal_blocks(lang, goal))
        shown += 1
    if closed:
        blocks.append(section(t(lang, "home.closed_header")))
        blocks.extend(context(_closed_line(lang, g)) for g in closed)
    left_out = len(active) - shown + len(all_closed) - len(closed)
    if left_out:
        blocks.append(context(t(lang, "home.more", count=left_out)))
    view = View(type="home", callback_id="home", blocks=blocks[:VIEW_LIMIT])
    return view.to_dict()
