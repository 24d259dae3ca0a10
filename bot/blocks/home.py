"""The App Home tab: each person's dashboard of goals, progress, forecast, next check-in and recent check-ins."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from slack_sdk.models.blocks import Block, DividerBlock, HeaderBlock
from slack_sdk.models.views import View

from bot import ids
from bot.blocks.common import actions, button, clip, context, escape, section
from bot.blocks.edit import adjusted_line
from bot.blocks.goals import goal_line
from bot.blocks.objectives import rollup_line
from bot.blocks.standing import forecast_line, measure_text, standing_of, status_label
from bot.rules.digest_math import DigestGoal
from bot.rules.objectives import Rollup
from bot.rules.progress import ACTIVE_ORDER, Standing, Status
from bot.rules.schedule import NextCheckIn
from prompts import fmt_amount, fmt_date, t, tn

VIEW_LIMIT = 100
BLOCKS_PER_GOAL = 5
RECENT_CHECKINS = 3
CLOSED_SHOWN = 5


def most_relevant_first(goals: Sequence[Any], standings: dict[int, Standing]) -> list[Any]:
    """Active goals needing attention first (off track, at risk), then by nearest deadline; closed ones last."""
    active = sorted((g for g in goals if g.status == "active"),
                    key=lambda g: (ACTIVE_ORDER[standings[g.id].status], g.deadline, g.id))
    closed = sorted((g for g in goals if g.status != "active"),
                    key=lambda g: (g.closed_at or g.updated_at), reverse=True)
    return active + closed


def _recent_checkins(lang: str, goal: Any) -> str:
    answered = [c for c in goal.checkins if c.status in ("answered", "skipped")]
    answered.sort(key=lambda c: c.week_start, reverse=True)
    if not answered:
        return t(lang, "home.no_checkins")
    parts = []
    for checkin in answered[:RECENT_CHECKINS]:
        value = fmt_amount(lang, checkin.value, goal.unit) if checkin.value is not None else ""
        if checkin.status == "skipped":
            value = t(lang, "home.skipped")
        mood = t(lang, f"home.mood.{checkin.mood}") if checkin.mood in ("on_track", "at_risk", "blocked") else ""
        note = escape(clip(checkin.note or checkin.blocker or "", 80))
        detail = " ".join(part for part in (value, mood) if part)
        parts.append(t(lang, "home.checkin", date=fmt_date(lang, checkin.week_start, "short"), detail=detail or "–")
                     + (f" — _{note}_" if note else ""))
    return t(lang, "home.recent", checkins=" · ".join(parts))


def _goal_blocks(lang: str, goal: Any, item: Standing, today: date) -> list[Block]:
    line = section(goal_line(lang, goal, today))
    line.accessory = button(t(lang, "home.edit"), ids.ACTION_HOME_EDIT, value=str(goal.id))
    outlook = forecast_line(lang, item)
    adjusted = adjusted_line(lang, goal)
    return [
        line,
        context(outlook + (f"\n{adjusted}" if adjusted else "")),
        context(_recent_checkins(lang, goal)),
        actions(button(t(lang, "home.checkin_goal"), ids.ACTION_HOME_CHECKIN, value=str(goal.id)),
                block_id=f"home_goal:{goal.id}"),
        DividerBlock(),
    ]


def _closed_line(lang: str, goal: Any, item: Standing) -> str:
    when = fmt_date(lang, goal.closed_at.date(), "short") if goal.closed_at else "–"
    text = t(lang, "home.closed_line", id=goal.id, title=escape(clip(goal.title, 200)),
             status=status_label(lang, item), date=when)
    if goal.closed_note:
        text += f" — _{escape(clip(goal.closed_note, 200))}_"
    return text


def next_checkin_text(lang: str, upcoming: NextCheckIn | None, tz: Any, paused_until: date | None,
                      today: date, *, has_goals: bool = True) -> str:
    """"Next check-in: Monday 30 November, 09:00" (or "due now"), with the pause when there is one."""
    if not has_goals:
        return t(lang, "home.no_schedule")
    if upcoming is None:
        return t(lang, "home.no_more_checkins")
    if upcoming.due_now:
        text = t(lang, "home.next_checkin_now")
    else:
        local = upcoming.at.astimezone(tz)
        text = t(lang, "home.next_checkin", date=fmt_date(lang, local.date(), "weekday"),
                 time=local.strftime("%H:%M"))
    if paused_until is not None and paused_until > today:
        text = t(lang, "home.paused", date=fmt_date(lang, paused_until)) + " " + text
    return text


@dataclass(frozen=True)
class TeamMember:
    """One of a manager's reports on their Home: who, and their active goals as the progress model reads them."""

    user_id: str
    goals: list[DigestGoal]


def _team_goal_line(lang: str, item: DigestGoal) -> str:
    last = (t(lang, "home.team.last", date=fmt_date(lang, item.last.on, "short")) if item.last is not None
            else t(lang, "home.team.no_checkin"))
    return t(lang, "home.team.goal", id=item.id, title=escape(clip(item.title, 150)),
             measure=measure_text(lang, item.standing), status=status_label(lang, item.standing), last=last)


def team_blocks(lang: str, team: Sequence[TeamMember], room: int) -> list[Block]:
    """The manager's section: each report with their goals, status and last check-in, within `room` blocks."""
    if not team or room < 3:
        return []
    blocks: list[Block] = [section(t(lang, "home.team.header"))]
    shown = team[: room - 2] if len(team) > room - 1 else team
    for member in shown:
        person = t(lang, "home.team.report", person=f"<@{member.user_id}>")
        lines = [_team_goal_line(lang, item) for item in member.goals] or [t(lang, "home.team.no_goals")]
        blocks.append(section(person + "\n" + "\n".join(lines)))
    if len(shown) < len(team):
        blocks.append(context(tn(lang, "home.team.more", len(team) - len(shown))))
    return blocks


def objective_blocks(lang: str, objectives: Sequence[Rollup]) -> list[Block]:
    """The objectives the person owns, with their roll-ups, in one section."""
    if not objectives:
        return []
    return [section(t(lang, "home.objectives_header") + "\n" + "\n".join(rollup_line(lang, r) for r in objectives))]


def home_view(
    lang: str, goals: Sequence[Any], *, schedule_text: str, today: date, can_check_in: bool = True,
    team: Sequence[TeamMember] = (), objectives: Sequence[Rollup] = (),
) -> dict[str, Any]:
    """The Home tab for one person, at most 100 blocks; a context line says how many goals did not fit.

    A manager also finds their team (each report's goals, status and last check-in) and the objectives they own
    with their roll-ups, after their own active goals.
    """
    standings = {g.id: standing_of(g, today) for g in goals}
    ordered = most_relevant_first(goals, standings)
    active = [g for g in ordered if g.status == "active"]
    all_closed = [g for g in ordered if g.status != "active"]
    closed = all_closed[:CLOSED_SHOWN]
    blocks: list[Block] = [HeaderBlock(text=clip(t(lang, "home.header"), 150))]
    if active:
        at_risk = sum(1 for g in active if standings[g.id].status in (Status.AT_RISK, Status.OFF_TRACK))
        summary = tn(lang, "home.summary", len(active))
        if at_risk:
            summary += " · " + tn(lang, "home.summary_at_risk", at_risk)
        blocks.append(section(summary))
    else:
        blocks.append(section(t(lang, "home.empty")))
    blocks.append(context(schedule_text))
    buttons = [button(t(lang, "home.new_goal"), ids.ACTION_HOME_NEW_GOAL, style="primary")]
    if active and can_check_in:
        buttons.append(button(t(lang, "home.checkin_all"), ids.ACTION_HOME_CHECKIN, value="all"))
    blocks.append(actions(*buttons, block_id="home_top"))
    blocks.append(DividerBlock())
    managing = objective_blocks(lang, objectives)
    team_room = min(len(team) + 2, 30) if team else 0  # a big team gets a line saying who is not shown
    # Keep room for the closed goals' header and lines, the "not shown" line, the team and the objectives.
    reserve = (1 + len(closed) if closed else 0) + 1 + team_room + len(managing) + (1 if team or managing else 0)
    shown = 0
    for goal in active:
        if len(blocks) + BLOCKS_PER_GOAL + reserve > VIEW_LIMIT:
            break
        blocks.extend(_goal_blocks(lang, goal, standings[goal.id], today))
        shown += 1
    if team or managing:
        if not isinstance(blocks[-1], DividerBlock):
            blocks.append(DividerBlock())
        blocks.extend(team_blocks(lang, team, team_room))
        blocks.extend(managing)
        blocks.append(DividerBlock())
    if closed:
        blocks.append(section(t(lang, "home.closed_header")))
        blocks.extend(context(_closed_line(lang, g, standings[g.id])) for g in closed)
    left_out = len(active) - shown + len(all_closed) - len(closed)
    if left_out:
        blocks.append(context(tn(lang, "home.more", left_out)))
    view = View(type="home", callback_id="home", blocks=blocks[:VIEW_LIMIT])
    return view.to_dict()
