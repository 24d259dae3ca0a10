"""Goals set together: a manager proposes a goal to a report, each side accepts or answers with a change and a
reason, and nothing becomes a goal until both agree; then the report walks the remaining SMART letters (how
confident they are and their plan are always their own) and confirming the card links the goal to the proposal."""

from __future__ import annotations

import json
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from sqlalchemy.orm import Session

from bot import ids
from bot.blocks.common import Message, text_message
from bot.blocks.goals import direction_question
from bot.context import RequestContext
from bot.rules import visibility as policy
from bot.rules.goals import against_metric, parse_goal
from bot.rules.smart import GoalDraft
from bot.rules.visibility import Decision
from bot.services import conversation
from bot.services.conversation import DIRECTION_KEY, OBJECTIVE_KEY, draft_to_json
from bot.services.goals_admin import GoalRefused
from bot.services.teams import load_org
from prompts import t
from storage.db import SessionFactory
from storage.models import GoalProposal
from storage.teams import create_proposal, get_proposal, open_proposals, record_proposal_event

MAX_REASON = 1000


class Action(StrEnum):
    """A step of a negotiation, as kept in its history."""

    PROPOSED = "proposed"
    CHANGE_PROPOSED = "change_proposed"  # the report answers with another version
    COUNTERED = "countered"  # the manager answers with another version
    ACCEPTED = "accepted"


@dataclass(frozen=True)
class ProposalNews:
    """What just happened to a proposal, for the listener to tell both sides."""

    proposal_id: int
    owner_id: str
    manager_id: str
    actor_id: str
    action: Action
    draft: dict[str, Any]
    reason: str | None

    @property
    def other(self) -> str:
        """The side who did not act: they are told."""
        return self.owner_id if self.actor_id == self.manager_id else self.manager_id

    @property
    def agreed(self) -> bool:
        """Both sides agree: the owner now sets the goal up."""
        return self.action is Action.ACCEPTED


def _draft_json(ctx: RequestContext, text: str) -> dict[str, Any]:
    """Read a goal sentence like `/goal TEXT` does; a deadline already past is left for the owner to give."""
    parsed = parse_goal(text, lang=ctx.lang, now=ctx.now, tz=ctx.tz, fiscal_year_start_month=ctx.fiscal_year_start)
    draft = GoalDraft.from_parsed(parsed)
    if parsed.deadline_error is not None:  # a deadline gone, or a weekday at odds with its date: the owner gives it
        draft.deadline = None
    return draft_to_json(draft)


def _with_the_why(new: dict[str, Any], before: dict[str, Any]) -> dict[str, Any]:
    """A changed version keeps the Relevant letter (and the company objective picked) of the version before, unless
    it says its own: a counter changes the numbers, not why the goal matters."""
    if new.get("relevance") or not before.get("relevance"):
        return new
    return {**new, "relevance": before["relevance"], OBJECTIVE_KEY: before.get(OBJECTIVE_KEY)}


def _news(proposal: GoalProposal, actor: str, action: Action, reason: str | None) -> ProposalNews:
    return ProposalNews(proposal.id, proposal.owner_id, proposal.manager_id, actor, action, dict(proposal.draft),
                        reason)


# Slack's limit on a button's value: a longer goal sentence is sent as typed, and its owner is asked at set-up.
MAX_BUTTON_VALUE = 2000


def _which_way(ctx: RequestContext, text: str, way: str | None,
               carried: dict[str, str | int]) -> dict[str, Any] | Message:
    """The draft of a version sent to the other side (a proposal, a change to one), read like `/goal TEXT`; when its
    words go against its metric ("increase churn rate to 5%"), the question the conversation asks its owner
    ("churn usually comes down: down to 5%, or really up?"), its buttons (ACTION_PROPOSE_DIRECTION) carrying
    `carried` with the way and the words, unless `way` is the way already picked (then recorded as answered, so the
    owner is not asked it again at set-up)."""
    draft_json = _draft_json(ctx, text)
    draft = conversation.draft_from_json(draft_json)
    meant = against_metric(draft.metric, draft.direction) if draft.target is not None else None
    if meant is None:
        return draft_json
    if way in ("increase", "decrease"):
        return {**draft_json, "direction": way, DIRECTION_KEY: [draft.metric, draft.direction]}

    def value_of(way: str) -> str:
        return json.dumps({**carried, "way": way, "text": text}, ensure_ascii=False)

    if len(value_of(meant)) > MAX_BUTTON_VALUE:
        return draft_json  # too long for a button: sent as typed, and its owner is asked at set-up
    return direction_question(ctx.lang, draft, meant, action=ids.ACTION_PROPOSE_DIRECTION, value_of=value_of)


def propose(sessions: SessionFactory, ctx: RequestContext, owner: str, text: str,
            way: str | None = None) -> Decision | ProposalNews | Message:
    """Propose a goal to a report (their manager's or an admin's call); the report is asked next.

    A goal whose words go against its metric ("increase churn rate to 5%") is asked back first, as the conversation
    asks its owner (the question is the answer, a Message); `way` is the way the manager then picked, recorded as
    answered so the report is not asked it again."""
    with sessions() as session:
        decision = policy.may_propose_goal(load_org(session, ctx.team_id), ctx.user_id, owner)
        if not decision:
            return decision
        words = " ".join(text.casefold().split())
        for waiting in open_proposals(session, ctx.team_id, owner):
            # The same words to the same person while the first is still open is a second send, not a second goal:
            # both were accepted once, and two goals counted twice (a tester's double "/goal for").
            if (waiting.manager_id, waiting.owner_id) == (ctx.user_id, owner) and \
                    " ".join(str(waiting.draft.get("text") or "").casefold().split()) == words:
                return text_message(t(ctx.lang, "proposal.already_open", id=waiting.id, person=f"<@{owner}>"))
        draft_json = _which_way(ctx, text, way, {"owner": owner})
        if isinstance(draft_json, Message):
            return draft_json
        proposal = create_proposal(session, ctx.team_id, owner_id=owner, manager_id=ctx.user_id, origin="manager",
                                   actor_id=ctx.user_id, draft=draft_json, now=ctx.now)
        session.commit()
        return _news(proposal, ctx.user_id, Action.PROPOSED, None)


def _open_for(session: Session, ctx: RequestContext, proposal_id: int) -> GoalProposal:
    """The proposal when it is the speaker's ctx to answer it, else GoalRefused saying why."""
    proposal = get_proposal(session, ctx.team_id, proposal_id)
    if proposal is None:
        raise GoalRefused("proposal.not_found", id=proposal_id)
    if ctx.user_id not in (proposal.owner_id, proposal.manager_id):
        raise GoalRefused("proposal.not_yours", id=proposal_id)
    if proposal.status != "open":
        raise GoalRefused("proposal.closed", id=proposal_id)
    if proposal.awaiting != ctx.user_id:
        raise GoalRefused("proposal.not_your_turn", id=proposal_id, person=f"<@{proposal.awaiting}>")
    return proposal


def counter(sessions: SessionFactory, ctx: RequestContext, proposal_id: int, text: str, reason: str,
            way: str | None = None) -> ProposalNews | Message:
    """Answer a proposal with another version and the reason for it; the other side is asked next.

    A version whose words go against its metric ("increase churn rate to 5%") is asked back first, as a proposal is
    (the question is the answer, a Message); `way` is the way then picked."""
    if not text:
        raise GoalRefused("proposal.usage")
    if not reason:
        raise GoalRefused("proposal.reason_needed", id=proposal_id)
    if len(reason) > MAX_REASON:
        raise GoalRefused("manage.edit.reason_too_long", limit=MAX_REASON)
    with sessions() as session:
        proposal = _open_for(session, ctx, proposal_id)
        draft_json = _which_way(ctx, text, way, {"proposal": proposal_id, "reason": reason})
        if isinstance(draft_json, Message):
            return draft_json
        action = Action.CHANGE_PROPOSED if ctx.user_id == proposal.owner_id else Action.COUNTERED
        record_proposal_event(session, proposal, actor_id=ctx.user_id, action=action, now=ctx.now,
                              draft=_with_the_why(draft_json, dict(proposal.draft)), reason=reason)
        session.commit()
        return _news(proposal, ctx.user_id, action, reason)


def accept(sessions: SessionFactory, ctx: RequestContext, proposal_id: int) -> ProposalNews:
    """Agree to the proposal as it stands; the owner then sets the goal up."""
    with sessions() as session:
        proposal = get_proposal(session, ctx.team_id, proposal_id)
        # The owner may pick an agreed proposal up again if they left its set-up unfinished.
        unfinished = (proposal is not None and proposal.status == "agreed" and proposal.goal_id is None
                      and proposal.owner_id == ctx.user_id)
        if not unfinished:
            proposal = _open_for(session, ctx, proposal_id)
            record_proposal_event(session, proposal, actor_id=ctx.user_id, action=Action.ACCEPTED, now=ctx.now,
                                  status="agreed")
            session.commit()
        assert proposal is not None
        return _news(proposal, ctx.user_id, Action.ACCEPTED, None)


def set_up_agreed(sessions: SessionFactory, owner_ctx: RequestContext, news: ProposalNews) -> list[Message]:
    """Start the owner's SMART conversation from the agreed draft: the letters still missing are theirs to give."""
    with sessions() as session:
        messages = conversation.start_from_proposal(session, owner_ctx, news.draft, news.proposal_id)
        session.commit()
        return messages


def history(sessions: SessionFactory, ctx: RequestContext, proposal_id: int) -> GoalProposal:
    """The proposal with every step, for its two sides and those who see the owner's goals."""
    with sessions() as session:
        proposal = get_proposal(session, ctx.team_id, proposal_id)
        if proposal is None:
            raise GoalRefused("proposal.not_found", id=proposal_id)
        party = ctx.user_id in (proposal.owner_id, proposal.manager_id)
        if not party and not policy.may_see_goal(load_org(session, ctx.team_id), ctx.user_id, proposal.owner_id):
            raise GoalRefused("proposal.not_yours", id=proposal_id)
        return proposal
