"""The manager's week as Block Kit: who is behind and why (blockers and notes quoted: it goes up the line only),
who has not checked in, what was achieved, the objectives' roll-ups, and one line per report with *Comment*."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence

from slack_sdk.models.blocks import Block, HeaderBlock, Option, PlainTextObject, StaticSelectElement

from bot import ids
from bot.blocks.common import MAX_BLOCKS, Message, button, clip, context, escape, section
from bot.blocks.digests import Formats, blocker_line
from bot.blocks.objectives import rollup_line
from bot.blocks.standing import measure_text, status_label
from bot.blocks.teams import mention, text_only
from bot.rules.digest_math import DigestGoal
from bot.rules.progress import ACTIVE_ORDER, Status
from bot.services.manager_week import ManagerWeek
from prompts import fmt_date, t

QUOTE_CHARS = 280
SECTION_CHARS = 3000  # Slack's limit for a section's text
BEHIND = (Status.OFF_TRACK, Status.AT_RISK)
MENU_OPTIONS = 100  # Slack's limit for a static select


def latest_said(goals: Sequence[DigestGoal]) -> tuple[DigestGoal | None, str]:
    """The goal with the newest check-in among `goals`, and what its owner said: the blocker, then the note."""
    answered = [g for g in goals if g.last is not None]
    if not answered:
        return None, ""
    newest = max(answered, key=lambda g: (g.last.on if g.last else g.id, g.id))
    last = newest.last
    blocker = " ".join((last.blocker or "").split()) if last else ""
    note = " ".join((last.note or "").split()) if last else ""
    if blocker and note and blocker.casefold() not in note.casefold():
        return newest, f"{blocker} — {note}"
    return newest, note or blocker  # a reply's note holds its blocker when the blocker was read from it


def report_line(lang: str, owner: str, goals: Sequence[DigestGoal]) -> str:
    """One report: how their active goals stand (counted by status), their last check-in and what they said."""
    active = [g for g in goals if not g.standing.closed]
    counts = Counter(g.status for g in active)
    statuses = ", ".join(f"{counts[s]} {t(lang, f'pace.{s}')}" for s in sorted(counts, key=lambda s: ACTIVE_ORDER[s]))
    newest, said = latest_said(goals)
    if newest is None or newest.last is None:
        last = t(lang, "week.no_checkin_yet")
    else:
        last = t(lang, "week.last_checkin", date=fmt_date(lang, newest.last.on, "short"), id=newest.id)
    line = t(lang, "week.report_line", person=mention(owner), statuses=statuses or t(lang, "week.no_active"),
             last=last)
    if said:
        line += "\n>" + escape(clip(said, QUOTE_CHARS))
    return line


def _report_blocks(lang: str, people: Sequence[tuple[str, list[DigestGoal]]], room: int,
                   names: dict[str, str]) -> list[Block]:
    """A section per report with a *Comment* button, within `room` blocks; the rest share one line and a menu."""
    if not people:
        return []
    blocks: list[Block] = [section(t(lang, "week.reports_label"))]
    room -= 1
    fits = people if len(people) <= room else people[: max(room - 1, 0)]
    for owner, goals in fits:
        line = section(report_line(lang, owner, goals))
        line.accessory = button(t(lang, "week.comment"), ids.ACTION_WEEK_COMMENT, value=owner)
        blocks.append(line)
    rest = people[len(fits):]
    if rest:
        listed = ", ".join(mention(owner) for owner, _ in rest)
        more = section(t(lang, "week.more_reports", people=listed))
        more.accessory = StaticSelectElement(
            action_id=ids.ACTION_WEEK_COMMENT_PICK, placeholder=PlainTextObject(text=clip(t(lang, "week.comment"), 150)),
            options=[Option(value=owner, text=PlainTextObject(text=clip("@" + names.get(owner, owner), 75)))
                     for owner, _ in rest[:MENU_OPTIONS]])
        blocks.append(more)
    return blocks


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
    quoted = {s.id for s in behind}
    blockers = [s for s in view.blockers if s.id not in quoted]  # a goal behind has its blocker quoted there
    if blockers:
        fmt = Formats(lang)
        lines = [blocker_line(fmt, s, mention(s.owner)) for s in blockers]
        blocks.append(section(clip(t(lang, "digest.blockers_label") + "\n" + "\n".join(lines), SECTION_CHARS)))
    if view.missing:
        blocks.append(section(t(lang, "week.missing", people=", ".join(mention(p) for p in view.missing))))
    elif view.asked and not view.skipped:  # a skipped week is not a check-in
        blocks.append(section(t(lang, "week.everyone_checked_in")))
    if view.skipped:
        lines = []
        for s in view.skipped:
            line = t(lang, "week.skipped_line", user=mention(s.owner), title=escape(clip(s.title, 200)))
            reason = " ".join((s.skip_reason or "").split())
            if reason:
                line += "\n>" + escape(clip(reason, QUOTE_CHARS))
            lines.append(line)
        blocks.append(section(clip(t(lang, "week.skipped_label") + "\n" + "\n".join(lines), SECTION_CHARS)))
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
    reports = _report_blocks(lang, view.people, MAX_BLOCKS - len(blocks) - 1, view.names)
    blocks.extend(reports)
    if reports:  # the hint is about the Comment buttons: none, no hint
        blocks.append(context(t(lang, "week.comment_hint")))
    return Message(text=t(lang, "week.fallback", date=date), blocks=blocks)
