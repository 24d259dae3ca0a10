"""Approval: when a report's manager has turned it on, a goal the report sets alone waits for the manager.

Confirming the summary card then opens a proposal to the manager instead of an active goal; the manager
approves it (`/goal accept N`) or asks for changes (`/goal counter N … because …`), as in bot.services.proposals.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from bot.blocks.common import Message, draft_title, section
from bot.delivery.outbox import enqueue
from prompts import normalize_lang, t
from storage.repositories import get_user_pref
from storage.teams import approval_required, create_proposal, get_manager


def hold_for_approval(session: Session, *, team_id: str, user_id: str, lang: str, draft: dict[str, Any],
                      now: Any) -> list[Message] | None:
    """Open a proposal to the person's manager when their team needs approval; None when it does not."""
    manager = get_manager(session, team_id, user_id)
    if manager is None or not approval_required(session, team_id, manager):
        return None
    proposal = create_proposal(session, team_id, owner_id=user_id, manager_id=manager, origin="rep",
                               actor_id=user_id, draft=draft, now=now)
    title = draft_title(draft)
    pref = get_user_pref(session, team_id, manager)
    manager_lang = normalize_lang((pref.lang or pref.slack_locale) if pref is not None else None, lang)
    ask = t(manager_lang, "proposal.approval.requested", id=proposal.id, person=f"<@{user_id}>", title=title)
    # Through the outbox: the manager's DM is delivered after this transaction commits, and exactly once.
    enqueue(session, key=f"approval:{proposal.id}", kind="reply", team_id=team_id, channel=manager,
            payload=Message(text=ask, blocks=[section(ask)]).payload(), now=now)
    text = t(lang, "proposal.approval.awaiting", id=proposal.id, person=f"<@{manager}>", title=title)
    return [Message(text=text, blocks=[section(text)])]
