"""Approval reminders: a goal set alone that has waited two working days for the manager is recalled to them
once per round (bot.rules.approvals), in their language; queued under `approval-reminder:<proposal>:<round>`."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from slack_sdk import WebClient

from bot.blocks.common import Message, draft_title, section
from bot.delivery.outbox import enqueue
from bot.deps import Deps
from bot.jobs.manager_weeks import zone_and_lang
from bot.rules.approvals import reminder_due
from prompts import t
from storage.repositories import user_prefs_of
from storage.teams import approvals_waiting

KIND = "approval_reminder"


def plan_approval_reminders(deps: Deps, client: WebClient, now: datetime) -> int:
    """Queue a reminder for every approval that has waited too long; how many queued."""
    queued = 0
    with deps.sessions() as session:
        waiting = approvals_waiting(session)
        prefs = user_prefs_of(session, [p.manager_id for p in waiting])
        for proposal in waiting:
            tz, lang = zone_and_lang(prefs.get((proposal.team_id, proposal.manager_id)), deps.settings)
            zone = ZoneInfo(tz)
            asked_on = proposal.updated_at.astimezone(zone).date()
            if not reminder_due(asked_on, now.astimezone(zone).date(), reminded=False):
                continue
            title = draft_title(lang, proposal.draft)
            text = t(lang, "proposal.approval.reminder", id=proposal.id, person=f"<@{proposal.owner_id}>",
                     title=title)
            key = f"approval-reminder:{proposal.id}:{proposal.updated_at.isoformat()}"
            queued += enqueue(session, key=key, kind=KIND, team_id=proposal.team_id, channel=proposal.manager_id,
                              payload=Message(text=text, blocks=[section(text)]).payload(), now=now,
                              ref_id=proposal.id)
            proposal.reminded_at = now
        session.commit()
    return queued
