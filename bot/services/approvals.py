"""Approval: when a report's manager has turned it on, a goal the report sets alone waits for the manager.

Confirming the summary card then opens a proposal to the manager instead of an active goal; the manager
approves it (`/goal accept N`) or asks for changes (`/goal counter N … because …`), as in bot.services.proposals.

The manager is told in the same transaction, through the outbox (`tell_through_outbox`): the DM goes once the
change commits, exactly once, in the manager's own language. The conversation tells a proposal's manager the same
way when the report confirms or drops the goal agreed (bot.services.conversation).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from bot.blocks.common import Message, draft_title, section
from bot.delivery.outbox import enqueue
from prompts import normalize_lang, t
from storage.repositories import get_user_pref
from storage.teams import approval_required, create_proposal, get_manager


def tell_through_outbox(session: Session, *, key: str, team_id: str, person: str, fallback_lang: str,
                        render: Callable[[str], Message], now: datetime) -> str:
    """Queue a DM to `person` in their stored language, in the caller's transaction, under the idempotency `key`
    (queued once, however often asked); return the key, for the listener to send it at once after the commit
    (bot.listeners.support.send_notices), or the outbox's delivery sends it."""
    pref = get_user_pref(session, team_id, person)
    lang = normalize_lang((pref.lang or pref.slack_locale) if pref is not None else None, fallback_lang)
    enqueue(session, key=key, kind="reply", team_id=team_id, channel=person, payload=render(lang).payload(), now=now)
    return key


def hold_for_approval(session: Session, *, team_id: str, user_id: str, lang: str, draft: dict[str, Any],
                      now: Any) -> list[Message] | None:
    """Open a proposal to the person's manager when their team needs approval; None when it does not."""
    manager = get_manager(session, team_id, user_id)
    if manager is None or not approval_required(session, team_id, manager):
        return None
    proposal = create_proposal(session, team_id, owner_id=user_id, manager_id=manager, origin="rep",
                               actor_id=user_id, draft=draft, now=now)

    def ask(manager_lang: str) -> Message:
        text = t(manager_lang, "proposal.approval.requested", id=proposal.id, person=f"<@{user_id}>",
                 title=draft_title(manager_lang, draft))
        return Message(text=text, blocks=[section(text)])

    # Through the outbox: the manager's DM is delivered after this transaction commits, and exactly once.
    queued = tell_through_outbox(session, key=f"approval:{proposal.id}", team_id=team_id, person=manager,
                                 fallback_lang=lang, render=ask, now=now)
    text = t(lang, "proposal.approval.awaiting", id=proposal.id, person=f"<@{manager}>",
             title=draft_title(lang, draft))
    return [Message(text=text, blocks=[section(text)], notices=(queued,))]
