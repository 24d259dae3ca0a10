"""Rendering for goals set together: the proposal a report receives, a change answered with its reason, the
agreement, and the negotiation's history. User text is escaped; people are Slack mentions."""

from __future__ import annotations

from typing import Any
from zoneinfo import ZoneInfo

from bot.blocks.common import Message, clip, draft_title, escape, section
from bot.blocks.goals import understood
from bot.blocks.teams import mention, text_only
from bot.services.conversation import draft_from_json
from bot.services.proposals import Action, ProposalNews
from prompts import fmt_date, t
from storage.models import GoalProposal


def _with_draft(lang: str, head: str, draft: dict[str, Any], tail: str) -> Message:
    """A message that quotes the proposed goal and what goalbot understood of it."""
    body = understood(lang, draft_from_json(draft)).text
    return Message(text=head, blocks=[section(head), section(body), section(tail)])


def sent(lang: str, news: ProposalNews) -> Message:
    """To the one who proposed or answered: it went to the other side, and nothing is active yet."""
    key = "proposal.sent" if news.action is Action.PROPOSED else "proposal.counter_sent"
    return text_only(t(lang, key, id=news.proposal_id, person=mention(news.other), title=draft_title(lang, news.draft)))


def received(lang: str, news: ProposalNews) -> Message:
    """To the other side: the proposal or the change, with the reason, and how to answer."""
    params = {"id": news.proposal_id, "person": mention(news.actor_id), "title": draft_title(lang, news.draft)}
    if news.action is Action.PROPOSED:
        head = t(lang, "proposal.received", **params)
    else:
        head = t(lang, "proposal.change_received", reason=escape(clip(news.reason or "", 1000)), **params)
    return _with_draft(lang, head, news.draft, t(lang, "proposal.how_to_answer", id=news.proposal_id))


def accepted_for_actor(lang: str, news: ProposalNews) -> Message:
    """To the one who accepted: what happens next."""
    key = "proposal.you_accepted_owner" if news.actor_id == news.owner_id else "proposal.you_accepted_manager"
    return text_only(t(lang, key, id=news.proposal_id, person=mention(news.other)))


def accepted_for_other(lang: str, news: ProposalNews) -> Message:
    """To the other side: the proposal was accepted."""
    key = "proposal.accepted_by_owner" if news.actor_id == news.owner_id else "proposal.accepted_by_manager"
    return text_only(t(lang, key, id=news.proposal_id, person=mention(news.actor_id),
                       title=draft_title(lang, news.draft)))


def history(lang: str, proposal: GoalProposal, tz: str) -> Message:
    """Every step of the negotiation, oldest first."""
    lines = [t(lang, "proposal.history_header", id=proposal.id, person=mention(proposal.owner_id))]
    for event in proposal.events:
        when = fmt_date(lang, event.created_at.astimezone(ZoneInfo(tz)).date(), "short")
        lines.append(t(lang, f"proposal.event.{event.action}", when=when, person=mention(event.actor_id),
                       title=draft_title(lang, event.draft or {}), reason=escape(clip(event.reason or "", 500))))
    if proposal.goal_id is not None:
        lines.append(t(lang, "proposal.goal_linked", goal=proposal.goal_id))
    return text_only("\n".join(lines))
