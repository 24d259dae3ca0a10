"""The manager's week as Block Kit: who is behind and why (blockers and notes quoted: it goes up the line only),
who has not checked in, what was achieved, and the objectives' roll-ups."""

from __future__ import annotations

from slack_sdk.models.blocks import Block, HeaderBlock

from bot.blocks.common import Message, clip, context, escape, section
from bot.blocks.standing import measure_text, status_label
from bot.blocks.teams import mention, rollup_line, text_only
from bot.rules.progress import Status
from bot.services.manager_week import ManagerWeek
from prompts import fmt_date, t

QUOTE_CHARS = 280
BEHIND = (Status.OFF_TRACK, Status.AT_RISK)


def manager_week(lang: str, week: ManagerWeek) -> Message:
    """The weekly message to a manager about their reports."""
    if not week.reports:
        return text_only(t(lang, "team.empty"))
    view = week.view
    date = fmt_date(lang, view.week_start)
    blocks: list[Block] = [HeaderBlock(text=clip(t(lang, "week.header", date=date), 150))]
    behind = [g for _, goals in view.people for g in goals if not g.standing.closed and g.status in BEHIND]
    if behind:
        lines = []
        for s in behind:
            line = t(lang, "week.behind_line", pace=status_label(lang, s.standing), user=mention(s.owner),
                     id=s.id, title=escape(clip(s.title, 200)), measure=measure_text(lang, s.standing))
            said = " ".join(((s.last.blocker or s.last.note or "") if s.last else "").split())
            if said:
                line += "\n>" + escape(clip(said, QUOTE_CHARS))
            lines.append(line)
        blocks.append(section(t(lang, "week.behind_label") + "\n" + "\n".join(lines)))
    elif view.people:  # with nobody's goal to judge, the line of who has none says it all
        blocks.append(section(t(lang, "week.nobody_behind")))
    if view.missing:
        blocks.append(section(t(lang, "week.missing", people=", ".join(mention(p) for p in view.missing))))
    elif view.people:
        blocks.append(section(t(lang, "week.everyone_checked_in")))
    with_goals = {owner for owner, _ in view.people}
    without = [report for report in week.reports if report not in with_goals]
    if without:
        blocks.append(section(t(lang, "week.no_goals", people=", ".join(mention(p) for p in without))))
    if view.achieved:
        lines = [t(lang, "week.achieved_line", user=mention(s.owner), title=escape(clip(s.title, 200)))
                 for s in view.achieved]
        blocks.append(section(t(lang, "week.achieved_label") + "\n" + "\n".join(lines)))
    if week.objectives:
        lines = [rollup_line(lang, result) for result in week.objectives]
        blocks.append(section(t(lang, "week.objectives_label") + "\n" + "\n".join(lines)))
    blocks.append(context(t(lang, "week.comment_hint")))
    return Message(text=t(lang, "week.fallback", date=date), blocks=blocks)
