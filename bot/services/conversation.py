"""The SMART conversation: one step per letter, state in the database, replies as rendered messages."""

from __future__ import annotations

import dataclasses
import logging
import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy.orm import Session

from bot.blocks import edit as edit_blocks
from bot.blocks import goals as goal_blocks
from bot.blocks.common import Message, escape, text_message
from bot.context import RequestContext
from bot.delivery import inbox
from bot.delivery.direct import ReplyTo, queue_replies
from bot.deps import Deps
from bot.ids import is_dm_channel
from bot.rules.answers import (
    BaseAnswer,
    CloseReply,
    confidence_answer,
    only_a_level,
    read_base,
    read_close_reply,
    read_confidence,
    read_direction_choice,
    read_intent,
    read_measurable,
    read_specific,
    read_start,
)
from bot.rules.deadlines import resolve_deadline
from bot.rules.goals import (
    DEADLINE_NOTES,
    METRIC_UNITS,
    SMART_PARTS,
    ParsedGoal,
    ReadingNote,
    against_metric,
    deadline_notes,
    parse_goal,
    period_start,
    rate_period,
    rate_total,
)
from bot.rules.limits import MAX_AMOUNT, goal_amount
from bot.rules.numbers import find_amounts
from bot.rules.objectives import pick_objective
from bot.rules.progress import CURRENCIES, Kind, kind_of
from bot.rules.schedule import week_start
from bot.rules.smart import (
    BASE_STEP,
    START_STEP,
    TARGET_CODES,
    GoalDraft,
    SmartIssue,
    check_part,
    missing_parts,
    needs_base,
    needs_start,
)
from bot.rules.statuses import GoalStatus
from bot.rules.titles import DIRECTION_KEY, draft_words_reversed, retitle, title_is_original
from bot.services import goals_admin as admin
from bot.services.approvals import hold_for_approval, tell_through_outbox
from bot.services.checkin_schedule import first_checkin, local_moment
from bot.settings import Settings
from prompts import fmt_date, fmt_number, t, tn
from storage.db import in_transaction
from storage.models import Conversation, Goal, GoalProposal
from storage.repositories import asked_goals, delete_conversation, get_conversation
from storage.teams import get_objective, get_proposal, link_proposal_goal, list_objectives

CONFIRM = "confirm"
CURRENCY_SWITCH = "currency_switch"  # pending: a target typed in another currency than the goal's, asked back
# pending: a direction against the metric ("increase churn to 5%") asked back, {"meant": way, "typed": way}
DIRECTION = "direction"
# pending on a saved conversation: `/goal done N` asked whether a goal short of its numbers counts as achieved, and
# why; the DM's next messages answer it ("sì", then the reason), since the question itself names the goal.
CLOSE_REASON = "close_reason"
# pending: "8 meetings a week" asked back as the total it adds up to, {"rate", "per", "unit", "total"}; the target
# stays unset meanwhile, so a number a week is never saved as the goal's total.
RATE = "rate"
CHOOSE = "choose"  # picking which part to edit from the summary card
# The conversation ended with its goal saved (or sent for approval). The row stays until the next /goal, so a
# second "yes" or a second press on the card (a double tap) is told calmly that it is saved already.
SAVED = "saved"
PROPOSAL_KEY = "_proposal"  # in the draft: the goal proposal this conversation finishes, linked on confirm
OBJECTIVES_KEY = "_objectives"  # the workspace's objectives when the conversation began: [id, title] pairs
OBJECTIVE_KEY = "_objective"  # the objective chosen in the Relevant step, tied to the goal on confirm
FLAGS = ("_accepted", PROPOSAL_KEY, OBJECTIVES_KEY, OBJECTIVE_KEY, DIRECTION_KEY)
log = logging.getLogger(__name__)

# "Something else", typed rather than pressed, in either language.
_OTHER_WORDS = frozenset(t(lang, "ask.objective_other").casefold() for lang in ("en", "it"))
# "The total", typed rather than pressed, in either language.
_TOTAL_WORDS = frozenset({"total", "the total", "track the total", "in all", "totale", "il totale", "in tutto"})
MAX_TEXT = 1000  # a goal or answer longer than this is not a goal sentence; Slack messages allow far more


def draft_to_json(draft: GoalDraft) -> dict[str, Any]:
    """Serialize a draft for the conversation row."""
    data = dataclasses.asdict(draft)
    data["deadline"] = draft.deadline.isoformat() if draft.deadline else None
    return data


def draft_from_json(data: dict[str, Any]) -> GoalDraft:
    """Rebuild a draft from the conversation row."""
    values = dict(data)
    values["deadline"] = date.fromisoformat(values["deadline"]) if values.get("deadline") else None
    values["notes"] = tuple(ReadingNote(**note) for note in values.get("notes") or ())
    known = {f.name for f in dataclasses.fields(GoalDraft)}
    return GoalDraft(**{k: v for k, v in values.items() if k in known})


def current(session: Session, ctx: RequestContext) -> Conversation | None:
    """The person's conversation in progress (one whose goal was saved is over)."""
    convo = get_conversation(session, ctx.team_id, ctx.user_id)
    return None if convo is None or convo.step == SAVED else convo


def has_conversation(session: Session, ctx: RequestContext) -> bool:
    """True when the person is in the middle of setting a goal."""
    return current(session, ctx) is not None


def start(session: Session, ctx: RequestContext, text: str) -> list[Message]:
    """Begin a goal conversation (replacing any unfinished one), asking only for what `text` leaves out."""
    text = text.strip()
    lang = ctx.lang
    if len(text) > MAX_TEXT:
        return [Message(text=t(lang, "errors.too_long", limit=MAX_TEXT))]
    unfinished = current(session, ctx)
    if not text and unfinished is not None and _words_of(unfinished):
        return _resume(unfinished, ctx)
    out = _drop_unfinished(session, ctx, unfinished)
    if text:
        parsed = parse_goal(text, lang=lang, now=ctx.now, tz=ctx.tz, fiscal_year_start_month=ctx.fiscal_year_start)
        draft = GoalDraft.from_parsed(parsed)
        refused = _out_of_range(draft, lang)  # before the draft is stored: JSON has no Infinity
    else:
        parsed = None
        refused = None
        draft = GoalDraft(text="", type="other", subject=None, metric=None, unit=None, direction=None,
                          baseline=None, target=None, deadline=None)
    convo = Conversation(
        team_id=ctx.team_id, user_id=ctx.user_id, channel_id=ctx.channel_id, step="specific",
        draft=draft_to_json(draft), history=[], pending=None, started_at=ctx.now, updated_at=ctx.now,
        card_key=secrets.token_hex(8),
    )
    session.add(convo)
    _offer_objectives(session, ctx, convo)
    if not text:
        out.append(Message(text=t(lang, "goal.intro_empty")))
        convo.step = "what"
        out.append(Message(text=t(lang, "ask.what")))
        return out
    assert parsed is not None
    unusable = _unusable_deadline(parsed, draft, lang)  # before the echo: a dropped deadline is not "understood"
    rate = _set_rate_aside(parsed, draft)
    out.append(goal_blocks.understood(lang, draft))
    out.extend(unusable)
    convo.draft = _keep_flags(convo.draft, draft)
    if refused is not None:
        return out + _ask_again(convo, draft, refused, lang)
    if rate is not None:
        return out + _rate_question(convo, draft, ctx, rate)
    out.extend(_after_answer(convo, draft, ctx, answered=("specific", "measurable")))
    return out


def _set_rate_aside(parsed: ParsedGoal, draft: GoalDraft) -> dict[str, Any] | None:
    """ "8 meetings a week": the number is per week, not the goal's total; taken out of the draft (the question
    that follows says what it adds up to), never saved as the target."""
    if parsed.per is None or draft.target is None:
        return None
    rate = {"code": RATE, "rate": draft.target, "per": parsed.per, "unit": draft.unit}
    draft.target = None
    draft.unit = None
    draft.baseline = None
    return rate


def _rate_question(convo: Conversation, draft: GoalDraft, ctx: RequestContext, rate: dict[str, Any]) -> list[Message]:
    """Ask what a number a week adds up to by the deadline (a button for that total); with no deadline yet, ask for
    the total in words, with an example."""
    convo.step = "measurable"
    if draft.deadline is None:
        convo.pending = None
        return [goal_blocks.rate_without_deadline(ctx.lang, float(rate["rate"]), str(rate["per"]), rate["unit"]),
                _ask(convo, draft, ctx.lang)]
    start = period_start(draft.notes, ctx.today, draft.deadline)
    convo.pending = {**rate, "total": rate_total(float(rate["rate"]), str(rate["per"]), start, draft.deadline)}
    return [_ask(convo, draft, ctx.lang)]


def _rate_answer(convo: Conversation, draft: GoalDraft, ctx: RequestContext, text: str,
                 intent: str | None) -> list[Message]:
    """The typed answer to "8 meetings a week until 31 March is about 136 in all: track 136?": yes takes the total,
    another number is the total meant (read as the Measurable answer), anything else asks again."""
    if intent == "yes" or text.casefold().strip(" .!") in _TOTAL_WORDS:
        return choose_total(convo, draft, ctx)
    if not find_amounts(text, ctx.lang) or rate_period(text) is not None:
        return [_ask(convo, draft, ctx.lang)]  # a number a week again, or no number: asked again, never guessed
    convo.pending = None
    out = _answer_step(convo, draft, ctx, text, intent, RATE)
    return ([goal_blocks.measure_recorded(ctx.lang, draft)] if draft.target is not None else []) + out


def choose_total(convo: Conversation, draft: GoalDraft, ctx: RequestContext) -> list[Message]:
    """Track the total a number a week adds up to: the target, counted from zero, said back, then on."""
    pending = dict(convo.pending or {})
    convo.pending = None
    draft.target, draft.unit, draft.baseline = float(pending["total"]), pending["unit"], 0.0
    convo.draft = _keep_flags(convo.draft, draft)
    return [goal_blocks.measure_recorded(ctx.lang, draft),
            *_after_answer(convo, draft, ctx, answered=("measurable",))]


def _words_of(convo: Conversation) -> str:
    """The sentence a conversation's goal was started with ("" before one was typed)."""
    return str(convo.draft.get("text") or "").strip()


def _drop_unfinished(session: Session, ctx: RequestContext, unfinished: Conversation | None,
                     restarting: int | None = None) -> list[Message]:
    """End the person's unfinished conversation, and say so: a new one replaces it, and without a word they would
    believe the first goal was kept. A goal agreed in a proposal is the manager's news too, unless it is that very
    proposal (`restarting`) being set up again from its start."""
    dropped = _words_of(unfinished) if unfinished is not None else ""
    proposal = _agreed_proposal(session, ctx, unfinished)
    if proposal is not None and proposal.id == restarting:
        proposal = None
    notices = _tell_dropped(session, ctx, proposal, unfinished)
    delete_conversation(session, ctx.team_id, ctx.user_id)
    session.flush()
    if not dropped:
        return []
    if proposal is None:
        return [Message(text=t(ctx.lang, "goal.draft_dropped", title=escape(dropped)))]
    return [Message(text=t(ctx.lang, "proposal.draft_dropped", title=escape(dropped), id=proposal.id,
                           manager=f"<@{proposal.manager_id}>"), notices=notices)]


def _agreed_proposal(session: Session, ctx: RequestContext, convo: Conversation | None) -> GoalProposal | None:
    """The proposal a conversation finishes (a goal agreed with the person's manager), while no goal came of it."""
    proposal_id = convo.draft.get(PROPOSAL_KEY) if convo is not None and convo.step != SAVED else None
    if proposal_id is None:
        return None
    proposal = get_proposal(session, ctx.team_id, int(proposal_id))
    if proposal is None or proposal.owner_id != ctx.user_id or proposal.goal_id is not None:
        return None
    return proposal


def _tell_dropped(session: Session, ctx: RequestContext, proposal: GoalProposal | None,
                  convo: Conversation | None) -> tuple[str, ...]:
    """Tell the proposal's other side that the goal they agreed was dropped before it was confirmed: queued in this
    transaction, once per conversation (its card key), for the listener to send after the commit."""
    if proposal is None or convo is None or proposal.manager_id == ctx.user_id:
        return ()
    draft = dict(convo.draft)
    return (tell_through_outbox(
        session, key=f"proposal:{proposal.id}:dropped:{convo.card_key}", team_id=ctx.team_id,
        person=proposal.manager_id, fallback_lang=ctx.lang, now=ctx.now,
        render=lambda lang: goal_blocks.proposal_dropped(lang, proposal.id, ctx.user_id, draft)),)


def _resume(convo: Conversation, ctx: RequestContext) -> list[Message]:
    """A bare `/goal` (or the Home's "New goal") while a goal is half set up: its question again, not a blank
    start. People type `/goal` to find their way back to a conversation they lost sight of; dropping what they
    had answered would make them start over."""
    convo.updated_at = ctx.now
    return [Message(text=t(ctx.lang, "goal.draft_resumed", title=escape(_words_of(convo)))),
            _ask(convo, draft_from_json(convo.draft), ctx.lang)]


def _offer_objectives(session: Session, ctx: RequestContext, convo: Conversation) -> None:
    """Keep the workspace's objectives on the conversation, so the Relevant step offers them."""
    objectives = [[o.id, o.title] for o in list_objectives(session, ctx.team_id)]
    if objectives:
        convo.draft = {**convo.draft, OBJECTIVES_KEY: objectives}


def start_from_proposal(session: Session, ctx: RequestContext, draft_json: dict[str, Any],
                        proposal_id: int) -> list[Message]:
    """Begin the owner's conversation from a goal agreed with their manager; confirming it links the proposal."""
    dropped = _drop_unfinished(session, ctx, current(session, ctx), restarting=proposal_id)
    draft = draft_from_json(draft_json)
    convo = Conversation(
        team_id=ctx.team_id, user_id=ctx.user_id, channel_id=ctx.channel_id, step="specific",
        draft={**draft_to_json(draft), PROPOSAL_KEY: proposal_id, DIRECTION_KEY: draft_json.get(DIRECTION_KEY)},
        history=[], pending=None, started_at=ctx.now,
        updated_at=ctx.now, card_key=secrets.token_hex(8),
    )
    session.add(convo)
    _offer_objectives(session, ctx, convo)
    # The objective the owner picked before their manager approved stays picked, while it is still one.
    chosen = draft_json.get(OBJECTIVE_KEY)
    if chosen is not None and _offered(convo, chosen) is not None:
        convo.draft = {**convo.draft, OBJECTIVE_KEY: chosen}
    return [*dropped, goal_blocks.understood(ctx.lang, draft),
            *_after_answer(convo, draft, ctx, answered=("specific", "measurable"))]


def handle(session: Session, ctx: RequestContext, text: str, settings: Settings) -> list[Message] | None:
    """Answer a message typed during a conversation; None when there is no conversation in progress."""
    convo = get_conversation(session, ctx.team_id, ctx.user_id)
    if convo is None:
        return None
    lang = ctx.lang
    text = text.strip()
    if convo.step == SAVED:
        closing = _close_reason(session, ctx, convo, text) if _asked(convo, CLOSE_REASON) else None
        if closing is not None:
            return closing
        if len(text) <= MAX_TEXT and read_intent(text, lang) == "yes":
            return [Message(text=t(lang, "goal.already_saved"))]
        return None
    convo.updated_at = ctx.now
    if not text:
        return [Message(text=t(lang, "errors.empty")), _ask(convo, draft_from_json(convo.draft), lang)]
    if len(text) > MAX_TEXT:
        return [Message(text=t(lang, "errors.too_long", limit=MAX_TEXT))]
    intent = read_intent(text, lang)
    draft = draft_from_json(convo.draft)
    if intent == "cancel":
        return cancel(session, ctx)
    if intent == "back":
        return _back(convo, draft, lang)
    if convo.step == CONFIRM:
        if intent == "yes":
            return confirm(session, ctx, settings)
        return [Message(text=t(lang, "goal.confirm_hint"))]
    if _asked(convo, DIRECTION):
        return _direction_answer(convo, draft, ctx, text, intent)
    if _asked(convo, RATE):
        return _rate_answer(convo, draft, ctx, text, intent)
    if convo.pending and convo.pending.get("code") == CURRENCY_SWITCH and intent == "yes":
        # "Did you mean €1,500,000?" — yes: the target in the goal's currency, its starting point kept.
        before = (draft.target, draft.baseline, draft.unit)
        draft.target = float(convo.pending["target"])
        convo.pending = None
        return _measure_changed(convo, draft, ctx, before)
    if convo.pending and intent == "yes":
        accepted = list(convo.pending.get("accepted", [])) + [convo.pending["code"]]
        convo.pending = None
        draft_json = dict(convo.draft)
        draft_json["_accepted"] = accepted
        convo.draft = draft_json
        return _advance(convo, draft, ctx)
    awaiting = (convo.pending or {}).get("code")
    convo.pending = None
    return _answer_step(convo, draft, ctx, text, intent, awaiting)


def _asked(convo: Conversation, code: str) -> bool:
    return (convo.pending or {}).get("code") == code


def _direction_question(convo: Conversation, draft: GoalDraft, lang: str) -> Message | None:
    """Ask which way the goal goes when its words go against its metric ("increase churn to 5%", "ridurre la
    fidelizzazione"), unless the person already answered that for this metric and direction; None otherwise."""
    meant = against_metric(draft.metric, draft.direction)
    if meant is None or draft.target is None or convo.draft.get(DIRECTION_KEY) == [draft.metric, draft.direction]:
        return None
    convo.step = "measurable"  # the direction is part of the measure: "back" and a new number answer from there
    convo.pending = {"code": DIRECTION, "meant": meant, "typed": draft.direction}
    return goal_blocks.direction_question(lang, draft, meant, convo.card_key)


def _direction_answer(convo: Conversation, draft: GoalDraft, ctx: RequestContext, text: str,
                      intent: str | None) -> list[Message]:
    """The typed answer to "churn usually comes down: down to 5%, or really up?": the way named (yes, no, "giù",
    "really raise it"), a new measure (its way too, when it names one), or the question again."""
    pending = dict(convo.pending or {})
    chosen = read_direction_choice(text, ctx.lang, meant=str(pending["meant"]), typed=str(pending["typed"]))
    numbers = bool(find_amounts(text, ctx.lang))
    if chosen is None and not numbers:
        return [_ask(convo, draft, ctx.lang)]  # neither a way nor a number: asked again, never guessed
    if chosen is not None:
        _settle_direction(convo, draft, chosen)
        if not numbers:
            return _direction_recorded(convo, draft, ctx)
    # "down to 3%", "6%": a Measurable answer, read with the way chosen (a number alone is asked about again).
    convo.pending = None
    return _answer_step(convo, draft, ctx, text, intent, DIRECTION)


def _settle_direction(convo: Conversation, draft: GoalDraft, chosen: str) -> None:
    """Record the way chosen, and that the contradiction was answered (so "really raise it" is not asked again)."""
    convo.draft = {**convo.draft, DIRECTION_KEY: [draft.metric, (convo.pending or {}).get("typed")]}
    convo.pending = None
    draft.direction = chosen
    convo.draft = _keep_flags(convo.draft, draft)


def choose_direction(session: Session, ctx: RequestContext, direction: str | None) -> list[Message]:
    """A way's button under "churn usually comes down: down to 5%, or really up?": the goal goes that way."""
    convo = current(session, ctx)
    if convo is None:
        return [Message(text=t(ctx.lang, "goal.nothing_to_confirm"))]
    draft = draft_from_json(convo.draft)
    if not _asked(convo, DIRECTION) or direction not in ("increase", "decrease"):
        return [_ask(convo, draft, ctx.lang)]  # an older question's button: ask what is being asked now
    convo.updated_at = ctx.now
    _settle_direction(convo, draft, direction)
    return _direction_recorded(convo, draft, ctx)


def _direction_recorded(convo: Conversation, draft: GoalDraft, ctx: RequestContext) -> list[Message]:
    """Say the measure with the way chosen, then go on; when the numbers typed go the other way ("from 3% to 5%",
    brought down), the target check asks for another target instead of echoing a measure that cannot be."""
    numbers_fit = not any(i.code in TARGET_CODES for i in check_part("achievable", draft, today=ctx.today))
    said = [goal_blocks.measure_recorded(ctx.lang, draft)] if numbers_fit else []
    return [*said, *_after_answer(convo, draft, ctx, answered=("measurable",))]


def ask_close_reason(session: Session, ctx: RequestContext, goal_id: int) -> None:
    """Remember that `/goal done` asked why a goal short of its numbers counts as achieved, so that "yes" and the
    reason typed next in the DM answer it; a goal being set up keeps the DM's answers for itself."""
    convo = get_conversation(session, ctx.team_id, ctx.user_id)
    if convo is None:
        convo = Conversation(team_id=ctx.team_id, user_id=ctx.user_id, channel_id=None, step=SAVED, draft={},
                             history=[], started_at=ctx.now, updated_at=ctx.now, card_key=secrets.token_hex(8))
        session.add(convo)
    elif convo.step != SAVED:
        return
    convo.pending = {"code": CLOSE_REASON, "goal_id": goal_id, "asked_at": ctx.now.isoformat()}


def _close_reason(session: Session, ctx: RequestContext, convo: Conversation, text: str) -> list[Message] | None:
    """The DM's answer to "mark it as achieved anyway? Say why": "yes" asks for the reason, the reason closes the goal
    by the owner's decision (kept in its history), "no" leaves it active; None when the question no longer stands
    (asked too long ago, or the goal was closed meanwhile) and the message is read as any other."""
    pending = dict(convo.pending or {})
    lang = ctx.lang
    reply = read_close_reply(text, lang, asked_at=datetime.fromisoformat(str(pending["asked_at"])), now=ctx.now)
    try:
        goal = admin.owned_goal(session, ctx.team_id, ctx.user_id, int(pending["goal_id"]), lock=True)
    except admin.GoalRefused:
        reply = CloseReply.STALE
    if reply is CloseReply.STALE:
        convo.pending = None
        return None
    title = escape(goal.title or "")
    if reply is CloseReply.KEEP:
        convo.pending = None
        return [text_message(t(lang, "manage.close.override_kept", id=goal.id, title=title))]
    decision = admin.decide_achieved(lang, goal, today=ctx.today, note=text if reply is CloseReply.REASON else None)
    if decision.status is None:
        return [text_message(t(lang, "manage.close.override_why", id=goal.id, title=title))]
    try:
        admin.close_goal(session, goal, decision.status, by=ctx.user_id, at=ctx.now, note=text,
                         override=decision.override)
    except admin.GoalRefused as refusal:  # a reason too long for the history: said, and asked again
        return [text_message(refusal.text(lang))]
    convo.pending = None
    closed = edit_blocks.closed(lang, goal, override=decision.override)
    return [dataclasses.replace(closed, changes_goals=True)]


def read_card_value(value: str) -> tuple[str | None, str | None]:
    """(card key, SMART part) from a conversation button's value; a card from before card keys has no key."""
    head, _, tail = (value or "").partition(":")
    if tail:
        return head, tail
    if head in SMART_PARTS:
        return None, head
    return (head, None) if head and not head.startswith("goal_") else (None, None)


@dataclass(frozen=True)
class CardAnswer:
    """What a press on a conversation card did: the answer, where to post it, and whether to close the card."""

    messages: list[Message]
    channel: str
    close_card: bool


def press(session: Session, ctx: RequestContext, button: str, value: str, card_channel: str | None,
          settings: Settings) -> CardAnswer:
    """A press on a conversation card (confirm, edit, cancel, choice), answered where the conversation lives.

    A card belongs to one conversation: pressed after that conversation ended (cancelled or replaced by a new
    /goal), it changes nothing and says the card is no longer active; after its goal was saved, it says so.
    The channel the payload names is only checked against the one the conversation recorded, never used:
    a press that claims to come from elsewhere changes nothing and is answered in the person's DM.
    """
    card, part = read_card_value(value)
    convo = get_conversation(session, ctx.team_id, ctx.user_id)
    recorded = _dm_of(convo)
    home = recorded or ctx.user_id
    if card is not None and (convo is None or convo.card_key != card):
        return CardAnswer([Message(text=t(ctx.lang, "goal.card_inactive"))], ctx.user_id, close_card=False)
    if recorded is not None and card_channel != recorded:
        log.warning("a %s press by %s names channel %s, but the card is in %s: ignored", button, ctx.user_id,
                    card_channel, recorded)
        return CardAnswer([Message(text=t(ctx.lang, "errors.wrong_place"))], home, close_card=False)
    if convo is not None and convo.step == SAVED:
        return CardAnswer([Message(text=t(ctx.lang, "goal.already_saved"))], home, close_card=False)
    in_home = ctx.in_channel(home)
    close = recorded is not None  # a card whose place was never recorded is answered, but not edited
    if button == "confirm":
        return CardAnswer(confirm(session, in_home, settings), home, close_card=close)
    if button == "cancel":
        return CardAnswer(cancel(session, in_home), home, close_card=close)
    if button == "objective":
        return CardAnswer(choose_objective(session, in_home, part), home, close_card=close)
    if button == "objective_other":
        return CardAnswer(objective_in_words(session, in_home), home, close_card=close)
    if button == "direction":
        return CardAnswer(choose_direction(session, in_home, part), home, close_card=close)
    if button == "rate":
        return CardAnswer(_press_total(session, in_home), home, close_card=close)
    return CardAnswer(edit(session, in_home, part if button == "choice" else None), home, close_card=close)


def _press_total(session: Session, ctx: RequestContext) -> list[Message]:
    """The total's button under "8 meetings a week until 31 March is about 136 in all": the goal tracks 136."""
    convo = current(session, ctx)
    if convo is None:
        return [Message(text=t(ctx.lang, "goal.nothing_to_confirm"))]
    draft = draft_from_json(convo.draft)
    if not _asked(convo, RATE):
        return [_ask(convo, draft, ctx.lang)]  # an older question's button: ask what is being asked now
    convo.updated_at = ctx.now
    return choose_total(convo, draft, ctx)


def _dm_of(convo: Conversation | None) -> str | None:
    """The DM the conversation's cards are posted in, as recorded when it started.

    Conversations started before the DM was recorded hold the channel /goal was typed in (their cards went to
    the DM all the same): that is no place to check a press against, so None.
    """
    channel = convo.channel_id if convo is not None else None
    return channel if is_dm_channel(channel) else None


def confirm(session: Session, ctx: RequestContext, settings: Settings) -> list[Message]:
    """Save the drafted goal and end the conversation."""
    convo = current(session, ctx)
    lang = ctx.lang
    if convo is None:
        return [Message(text=t(lang, "goal.nothing_to_confirm"))]
    draft = draft_from_json(convo.draft)
    if convo.step != CONFIRM:
        return [Message(text=t(lang, "goal.not_ready")), _ask(convo, draft, lang)]
    assert draft.target is not None and draft.deadline is not None
    proposal_id = convo.draft.get(PROPOSAL_KEY)
    if proposal_id is None:  # a goal agreed in a proposal was approved already
        held = hold_for_approval(session, team_id=ctx.team_id, user_id=ctx.user_id, lang=lang,
                                 draft={**draft_to_json(draft), OBJECTIVE_KEY: convo.draft.get(OBJECTIVE_KEY),
                                        DIRECTION_KEY: convo.draft.get(DIRECTION_KEY)},
                                 now=ctx.now)
        if held is not None:
            _finish(convo, None, ctx)
            return held
    direction = draft.direction or "increase"
    growth = kind_of(direction, draft.unit, draft.metric) is Kind.GROWTH and draft.base_amount is not None
    # A growth goal's values are "% over the start" (none yet); its starting point is the amount it grows from.
    baseline, baseline_unit = (draft.base_amount, draft.base_unit) if growth else (draft.baseline, None)
    goal = Goal(
        team_id=ctx.team_id, user_id=ctx.user_id, title=draft.text or (draft.subject or ""), type=draft.type,
        subject=draft.subject, metric=draft.metric, unit=draft.unit, direction=direction, baseline=baseline,
        baseline_unit=baseline_unit, target=draft.target, current=None if growth else draft.baseline,
        start_date=period_start(draft.notes, ctx.today, draft.deadline),
        deadline=draft.deadline, confidence=draft.confidence, plan=draft.plan, relevance=draft.relevance,
        status=GoalStatus.ACTIVE, lang=lang, created_at=ctx.now, updated_at=ctx.now,
        objective_id=_still_active(session, ctx.team_id, convo.draft.get(OBJECTIVE_KEY)),
        title_reversed=draft_words_reversed(convo.draft, direction),
    )
    session.add(goal)
    session.flush()
    proposal = _agreed_proposal(session, ctx, convo)
    _finish(convo, goal.id, ctx)
    notices: tuple[str, ...] = ()
    if proposal_id is not None:
        link_proposal_goal(session, int(proposal_id), goal.id, now=ctx.now)
    if proposal is not None and proposal.manager_id != ctx.user_id:
        # The manager who proposed (or approved) it learns it is active: queued here, sent after the commit, once.
        notices = (tell_through_outbox(
            session, key=f"proposal:{proposal.id}:confirmed", team_id=ctx.team_id, person=proposal.manager_id,
            fallback_lang=lang, now=ctx.now,
            render=lambda their_lang: goal_blocks.proposal_confirmed(their_lang, proposal.id, ctx.user_id, goal,
                                                                     ctx.today)),)
    # The confirmation names the first check-in the planner will send, in the planner's own rule: a goal set after
    # this week's moment waits for next week's, and one for "next quarter" for its period (rules.schedule.goal_due).
    first = first_checkin(session, settings, team_id=ctx.team_id, user_id=ctx.user_id, tz=ctx.tz, now=ctx.now,
                          created_at=ctx.now, deadline=goal.deadline, start_date=goal.start_date)
    saved = goal_blocks.saved(lang, goal, first=None if first is None else local_moment(lang, first, ctx.tz),
                              later=goal.start_date > ctx.today)
    return [dataclasses.replace(saved, notices=notices)]


def _summary(convo: Conversation, draft: GoalDraft, lang: str, warnings: Sequence[SmartIssue] = ()) -> Message:
    """The summary card, with the objective picked and the words marked as the original wording when the saved
    goal's screens will mark them."""
    reversed_words = draft_words_reversed(convo.draft, draft.direction or "increase")
    marked = title_is_original(None, None, reversed_words=reversed_words)
    return goal_blocks.summary_card(lang, draft, warnings, convo.card_key, _chosen(convo), original=marked)


def _offered(convo: Conversation, objective_id: Any) -> tuple[int, str] | None:
    """The (id, title) of an objective this conversation offers, or None."""
    for option in convo.draft.get(OBJECTIVES_KEY) or []:
        if str(option[0]) == str(objective_id):
            return int(option[0]), str(option[1])
    return None


def _chosen(convo: Conversation) -> tuple[int, str] | None:
    """The objective picked in the Relevant step, as (id, title), for the summary card."""
    chosen = convo.draft.get(OBJECTIVE_KEY)
    return None if chosen is None else _offered(convo, chosen)


def _relevant_answer(convo: Conversation, draft: GoalDraft, ctx: RequestContext,
                     chosen: tuple[int, str] | None, text: str) -> list[Message]:
    """Record the Relevant letter: an objective (its title is the letter's words) or the person's own words."""
    draft.relevance = chosen[1] if chosen else text
    convo.draft = {**_keep_flags(convo.draft, draft), OBJECTIVE_KEY: chosen[0] if chosen else None}
    return _after_answer(convo, draft, ctx, answered=("relevant",))


def choose_objective(session: Session, ctx: RequestContext, objective_id: str | None) -> list[Message]:
    """An objective's button in the Relevant step: the goal serves it."""
    convo = current(session, ctx)
    if convo is None:
        return [Message(text=t(ctx.lang, "goal.nothing_to_confirm"))]
    draft = draft_from_json(convo.draft)
    chosen = _offered(convo, objective_id)
    if convo.step != "relevant" or chosen is None:
        return [_ask(convo, draft, ctx.lang)]  # an older question's button: ask what is being asked now
    convo.updated_at = ctx.now
    convo.pending = None
    return _relevant_answer(convo, draft, ctx, chosen, chosen[1])


def objective_in_words(session: Session, ctx: RequestContext) -> list[Message]:
    """"Something else" in the Relevant step: the person says it in their own words."""
    convo = current(session, ctx)
    if convo is None:
        return [Message(text=t(ctx.lang, "goal.nothing_to_confirm"))]
    if convo.step != "relevant":
        return [_ask(convo, draft_from_json(convo.draft), ctx.lang)]
    return [Message(text=t(ctx.lang, "ask.objective_typed"))]


def _still_active(session: Session, team_id: str, objective_id: Any) -> int | None:
    """The objective's id when it is still an active objective of the workspace (it may have been closed since)."""
    if objective_id is None:
        return None
    objective = get_objective(session, team_id, int(objective_id))
    return objective.id if objective is not None and objective.active else None


def _finish(convo: Conversation, goal_id: int | None, ctx: RequestContext) -> None:
    """Mark the conversation saved: over, but remembered so a repeated "yes" is answered calmly."""
    convo.step, convo.goal_id, convo.pending, convo.updated_at = SAVED, goal_id, None, ctx.now


def cancel(session: Session, ctx: RequestContext) -> list[Message]:
    """Drop the conversation in progress."""
    convo = current(session, ctx)
    if convo is None:
        return [Message(text=t(ctx.lang, "goal.nothing_to_cancel"))]
    proposal = _agreed_proposal(session, ctx, convo)
    notices = _tell_dropped(session, ctx, proposal, convo)
    session.delete(convo)
    if proposal is None:
        return [Message(text=t(ctx.lang, "goal.cancelled"))]
    return [Message(text=t(ctx.lang, "proposal.cancelled_agreed", id=proposal.id,
                           manager=f"<@{proposal.manager_id}>"), notices=notices)]


def edit(session: Session, ctx: RequestContext, part: str | None = None) -> list[Message]:
    """From the summary card: offer the parts to change, or jump to one."""
    convo = current(session, ctx)
    lang = ctx.lang
    if convo is None:
        return [Message(text=t(lang, "goal.nothing_to_confirm"))]
    draft = draft_from_json(convo.draft)
    if part is None:
        convo.history = list(convo.history) + [convo.step]
        convo.step = CHOOSE
        return [goal_blocks.choose_part(lang, convo.card_key)]
    if part not in SMART_PARTS:
        return [goal_blocks.choose_part(lang, convo.card_key)]
    if convo.step != CHOOSE:
        convo.history = list(convo.history) + [convo.step]
    convo.step = part
    convo.pending = None
    return [_ask(convo, draft, lang)]


def _keep_base(convo: Conversation, draft: GoalDraft, base: BaseAnswer, lang: str) -> Message:
    """Record a growth's starting amount on the draft, and say it back."""
    draft.base_amount, draft.base_unit = base.amount, base.unit
    convo.draft = _keep_flags(convo.draft, draft)
    return goal_blocks.base_recorded(lang, draft)


def _keep_start(convo: Conversation, draft: GoalDraft, value: float, lang: str) -> Message:
    """Record a reduction's value today on the draft, and say it back."""
    draft.baseline = value
    convo.draft = _keep_flags(convo.draft, draft)
    return goal_blocks.start_recorded(lang, draft)


def _level_at_specific(convo: Conversation, draft: GoalDraft, text: str, lang: str) -> list[Message]:
    """A number typed where "which product, segment or accounts?" was asked: the starting point the goal still
    needs (a growth's amount, a reduction's value today), recorded and said back; otherwise asked again."""
    if needs_base(draft):
        base = read_base(text, lang=lang, metric=draft.metric)
        if base.problem is None:
            return [_keep_base(convo, draft, base, lang), _ask(convo, draft, lang)]
    elif needs_start(draft) and draft.target is not None:
        start = read_start(text, lang=lang, unit=draft.unit, target=draft.target,
                           direction=draft.direction)
        if start.problem is None and start.value is not None:
            return [_keep_start(convo, draft, start.value, lang), _ask(convo, draft, lang)]
    return [Message(text=t(lang, "feedback.specific.a_level", text=escape(text))), _ask(convo, draft, lang)]


def _answer_step(
    convo: Conversation, draft: GoalDraft, ctx: RequestContext, text: str, intent: str | None, awaiting: str | None = None,
) -> list[Message]:
    lang = ctx.lang
    step = convo.step
    if step == "what":
        # The first answer to an empty /goal is the goal sentence itself.
        parsed = parse_goal(text, lang=lang, now=ctx.now, tz=ctx.tz, fiscal_year_start_month=ctx.fiscal_year_start)
        draft = GoalDraft.from_parsed(parsed)
        refused = _out_of_range(draft, lang)
        unusable = _unusable_deadline(parsed, draft, lang)
        rate = _set_rate_aside(parsed, draft)
        out = [goal_blocks.understood(lang, draft), *unusable]
        convo.draft = _keep_flags(convo.draft, draft)
        convo.history = []
        if refused is not None:
            return out + _ask_again(convo, draft, refused, lang)
        if rate is not None:
            return out + _rate_question(convo, draft, ctx, rate)
        return out + _after_answer(convo, draft, ctx, answered=("specific", "measurable"))
    if step == CHOOSE:
        return [goal_blocks.choose_part(lang, convo.card_key)]
    if step == "specific":
        if only_a_level(text, lang):
            # "we're at $200k" answers "from where?", not "what exactly?": never the goal's subject.
            return _level_at_specific(convo, draft, text, lang)
        early = confidence_answer(text, lang) if draft.confidence is None else None
        if early is not None:
            # "7 - upsell" answers the Achievable question, typed one step early: kept for it, never the subject.
            draft.confidence, draft.plan = early[0], early[1] or draft.plan
            convo.draft = _keep_flags(convo.draft, draft)
            return [goal_blocks.confidence_kept(lang, draft), _ask(convo, draft, lang)]
        updates = read_specific(text, lang=lang, draft=draft)
        # "reduce churn from 6% to 4%" says what and how much at once: the number is read too, not asked again.
        measured = read_measurable(text, lang=lang, draft=draft) if draft.target is None else {}
        _apply(draft, {**measured, **updates})
        if not draft.text:
            draft.text = text
        if measured:
            convo.draft = _keep_flags(convo.draft, draft)
            return _after_answer(convo, draft, ctx, answered=("specific", "measurable"))
    elif step == "measurable":
        updates = read_measurable(text, lang=lang, draft=draft)
        if not updates:
            return [Message(text=t(lang, "feedback.measurable.unreadable", text=escape(text))), _ask(convo, draft, lang)]
        per = rate_period(text)
        unit = updates.get("unit") or draft.unit
        if per is not None and updates.get("target") is not None and unit in METRIC_UNITS.values():
            # "8 a week" typed as the number: the total it adds up to is asked, never "8" taken as the total.
            draft.target = None
            convo.draft = _keep_flags(convo.draft, draft)
            return _rate_question(convo, draft, ctx, {"code": RATE, "rate": float(str(updates["target"])), "per": per,
                                                      "unit": unit})
        if _switches_currency(draft, updates, awaiting) and goal_amount(float(str(updates["target"]))):
            convo.pending = {"code": CURRENCY_SWITCH, "target": updates["target"], "unit": updates["unit"]}
            return [goal_blocks.currency_question(lang, draft, float(str(updates["target"])), str(updates["unit"]))]
        before = (draft.target, draft.baseline, draft.unit)
        _apply(draft, updates)
        refused = _out_of_range(draft, lang)
        if refused is not None:
            convo.draft = _keep_flags(convo.draft, draft)
            return _ask_again(convo, draft, refused, lang)
        if before[0] is not None:
            # A new answer replaces what was there (the target, maybe its starting point): say what it is now.
            return _measure_changed(convo, draft, ctx, before)
    elif step == BASE_STEP:
        base = read_base(text, lang=lang, metric=draft.metric)
        if base.problem is not None:
            return [goal_blocks.base_problem(lang, base.problem, base.amount, draft, text, limit=MAX_AMOUNT),
                    _ask(convo, draft, lang)]
        return [_keep_base(convo, draft, base, lang), *_after_answer(convo, draft, ctx, answered=(step,))]
    elif step == START_STEP:
        assert draft.target is not None  # needs_start asked for it because the target is known
        start = read_start(text, lang=lang, unit=draft.unit, target=draft.target,
                           direction=draft.direction)
        if start.problem is not None or start.value is None:
            return [goal_blocks.start_problem(lang, start.problem or "unreadable", start.value, draft, text),
                    _ask(convo, draft, lang)]
        return [_keep_start(convo, draft, start.value, lang), *_after_answer(convo, draft, ctx, answered=(step,))]
    elif step == "achievable":
        confidence, plan = read_confidence(text, lang)
        if awaiting == "no_plan" and draft.confidence is not None and (confidence is None or plan):
            confidence, plan = draft.confidence, text  # this answers "what's your plan?", numbers and all
        if confidence is None:
            return [Message(text=t(lang, "feedback.achievable.confidence_unreadable")), _ask(convo, draft, lang)]
        draft.confidence = confidence
        draft.plan = plan or draft.plan
    elif step == "relevant":
        if convo.draft.get(OBJECTIVES_KEY) and text.casefold() in _OTHER_WORDS:
            return [Message(text=t(lang, "ask.objective_typed"))]  # "something else" typed instead of pressed
        return _relevant_answer(convo, draft, ctx, pick_objective(text, convo.draft.get(OBJECTIVES_KEY) or []), text)
    elif step == "time_bound":
        result = resolve_deadline(text, lang=lang, now=ctx.now, tz=ctx.tz,
                                  fiscal_year_start_month=ctx.fiscal_year_start)
        if result.error == "past" and result.deadline is not None:
            return [Message(text=t(lang, "feedback.time_bound.deadline_past", date=fmt_date(lang, result.deadline)))]
        if result.error == "weekday_mismatch" and result.deadline is not None:
            return [goal_blocks.weekday_mismatch(lang, result.matched or text, result.deadline)]
        if result.deadline is None:
            return [Message(text=t(lang, "feedback.time_bound.unreadable", text=escape(text)))]
        draft.deadline = result.deadline
        draft.notes = (*(n for n in draft.notes if n.code not in DEADLINE_NOTES),
                       *(n for n in deadline_notes(result, result.matched) if n.code == "period"))
    convo.draft = _keep_flags(convo.draft, draft)
    return _after_answer(convo, draft, ctx, answered=(step,))


def _measure_changed(convo: Conversation, draft: GoalDraft, ctx: RequestContext,
                     before: tuple[float | None, float | None, str | None]) -> list[Message]:
    """Say what a changed Measurable answer recorded, with the goal sentence's number rewritten to match it.

    "from €100k to €1M" answered with "€150k": the sentence would still say €1M on the summary card. When the old
    number appears once in it, it is rewritten ("to €150k") and said; otherwise (or when the unit changed, so the
    words name another thing) the sentence stays as typed.
    """
    pairs = [(before[0], draft.target), (before[1], draft.baseline)]
    same_unit = before[2] == draft.unit
    rewritten = retitle(draft.text, lang=ctx.lang, changes=pairs) if draft.text and same_unit else None
    title = rewritten if rewritten not in (None, draft.text) else None
    if title is not None:
        draft.text = title
    convo.draft = _keep_flags(convo.draft, draft)
    return [goal_blocks.measure_recorded(ctx.lang, draft, title),
            *_after_answer(convo, draft, ctx, answered=("measurable",))]


def _switches_currency(draft: GoalDraft, updates: dict[str, Any], awaiting: str | None) -> bool:
    """Whether a new Measurable answer would move the goal to another currency without saying where it starts.

    "$1.5M" answering a warning about a goal from €100,000 would drop the starting point and switch currency:
    that is asked, never done silently. "from $110k to $1.5M" says both, and is taken as it is.
    """
    new_unit = updates.get("unit")
    if draft.unit not in CURRENCIES or new_unit not in CURRENCIES or new_unit == draft.unit:
        return False
    drops_start = draft.baseline is not None and updates.get("baseline", draft.baseline) is None
    return drops_start or (awaiting in TARGET_CODES and updates.get("baseline") is None)


def _out_of_range(draft: GoalDraft, lang: str) -> Message | None:
    """A target or starting point no goal can have (negative, not finite, beyond MAX_AMOUNT) is taken out of the
    draft before anything shows, computes with or stores it; the answer says why (None when both are fine)."""
    refused = [name for name in ("target", "baseline", "base_amount")
               if (value := getattr(draft, name)) is not None and not goal_amount(value)]
    for name in refused:
        setattr(draft, name, None)
    if not refused:
        return None
    said = "target" if refused[0] == "target" else "baseline"  # a growth goal's starting amount is its start
    return Message(text=t(lang, f"feedback.measurable.out_of_range_{said}", limit=fmt_number(lang, MAX_AMOUNT)))


def _ask_again(convo: Conversation, draft: GoalDraft, refused: Message, lang: str) -> list[Message]:
    """After a number out of range: why, and the Measurable question again (what else was understood is kept)."""
    convo.step = "measurable"
    convo.pending = None
    return [refused, _ask(convo, draft, lang)]


def _unusable_deadline(parsed: ParsedGoal, draft: GoalDraft, lang: str) -> list[Message]:
    """A deadline already gone, or a weekday that disagrees with its date, is dropped and asked again once the
    other questions are answered (the message says so: the next question is another one)."""
    if parsed.deadline is None or parsed.deadline_error not in ("past", "weekday_mismatch"):
        return []
    draft.deadline = None
    draft.notes = tuple(n for n in draft.notes if n.code not in DEADLINE_NOTES)
    if parsed.deadline_error == "past":
        return [Message(text=t(lang, "feedback.time_bound.deadline_past_later", date=fmt_date(lang, parsed.deadline)))]
    return [goal_blocks.weekday_mismatch(lang, parsed.deadline_phrase or parsed.text, parsed.deadline, later=True)]


def _after_answer(convo: Conversation, draft: GoalDraft, ctx: RequestContext, answered: tuple[str, ...]) -> list[Message]:
    """Check what was just answered; give feedback or move on to the next missing part."""
    lang = ctx.lang
    question = _direction_question(convo, draft, lang)
    if question is not None:
        # Before any check of the target: which way it goes decides what is checked (and whether a start is asked).
        convo.draft = _keep_flags(convo.draft, draft)
        return [question]
    accepted = set(convo.draft.get("_accepted", []))
    issues: list[SmartIssue] = []
    for part in answered:
        if part in missing_parts(draft, today=ctx.today):
            continue  # still unanswered: it will be asked, not criticised
        issues.extend(check_part(part, draft, today=ctx.today))
    if "measurable" in answered and draft.target is not None:
        issues.extend(i for i in check_part("achievable", draft, today=ctx.today) if i.code in TARGET_CODES)
    issues = [i for i in issues if i.code not in accepted]
    out: list[Message] = []
    if "time_bound" in answered and draft.deadline is not None and not any(i.part == "time_bound" for i in issues):
        out.append(Message(text=t(lang, "goal.deadline_confirmed", date=fmt_date(lang, draft.deadline))))
    blocking = [i for i in issues if i.blocking]
    if blocking:
        issue = blocking[0]
        convo.step = "measurable" if issue.code in TARGET_CODES else issue.part
        out.append(goal_blocks.feedback(lang, issue, draft))
        out.append(_ask(convo, draft, lang))
        return out
    if issues:
        issue = issues[0]
        convo.pending = {"code": issue.code, "part": issue.part}
        if issue.code in TARGET_CODES:
            convo.step = "measurable"
        out.append(goal_blocks.feedback(lang, issue, draft, warning=True))
        return out
    return out + _advance(convo, draft, ctx)


def _advance(convo: Conversation, draft: GoalDraft, ctx: RequestContext) -> list[Message]:
    """Move to the first part still missing, or to the summary card."""
    lang = ctx.lang
    remaining = missing_parts(draft, today=ctx.today)
    if convo.step not in ("what", CHOOSE) and (not convo.history or convo.history[-1] != convo.step):
        convo.history = list(convo.history) + [convo.step]
    if remaining:
        convo.step = remaining[0]
        return [_ask(convo, draft, lang)]
    convo.step = CONFIRM
    warnings = [i for i in _all_issues(draft, ctx) if not i.blocking]
    return [_summary(convo, draft, lang, warnings)]


def _all_issues(draft: GoalDraft, ctx: RequestContext) -> list[SmartIssue]:
    issues: list[SmartIssue] = []
    for part in SMART_PARTS:
        issues.extend(check_part(part, draft, today=ctx.today))
    return issues


def _back(convo: Conversation, draft: GoalDraft, lang: str) -> list[Message]:
    history = list(convo.history)
    while history and history[-1] == convo.step:
        history.pop()
    if not history:
        return [Message(text=t(lang, "goal.back_at_start")), _ask(convo, draft, lang)]
    convo.step = history.pop()
    convo.history = history
    convo.pending = None
    if convo.step == CONFIRM:
        return [_summary(convo, draft, lang)]
    if convo.step == CHOOSE:
        return [goal_blocks.choose_part(lang, convo.card_key)]
    return [_ask(convo, draft, lang)]


def _ask(convo: Conversation, draft: GoalDraft, lang: str) -> Message:
    if _asked(convo, DIRECTION) and draft.target is not None:
        return goal_blocks.direction_question(lang, draft, str((convo.pending or {})["meant"]), convo.card_key)
    if _asked(convo, RATE) and draft.deadline is not None:
        rate = dict(convo.pending or {})
        return goal_blocks.rate_question(lang, float(rate["rate"]), str(rate["per"]), float(rate["total"]),
                                         rate["unit"], draft.deadline, convo.card_key)
    if convo.step == CONFIRM:
        return _summary(convo, draft, lang)
    if convo.step == CHOOSE:
        return goal_blocks.choose_part(lang, convo.card_key)
    if convo.step == BASE_STEP:
        return goal_blocks.base_question(lang, draft)
    if convo.step == START_STEP:
        return goal_blocks.start_question(lang, draft)
    if convo.step == "relevant" and convo.draft.get(OBJECTIVES_KEY):
        return goal_blocks.question(lang, convo.step, draft, objectives=convo.draft[OBJECTIVES_KEY],
                                    card=convo.card_key)
    return goal_blocks.question(lang, convo.step, draft)


def _apply(draft: GoalDraft, updates: dict[str, Any]) -> None:
    for key, value in updates.items():
        if hasattr(draft, key):
            setattr(draft, key, value)


def _keep_flags(old: dict[str, Any], draft: GoalDraft) -> dict[str, Any]:
    """Serialize the draft, keeping the warnings the person already accepted and the proposal it finishes."""
    data = draft_to_json(draft)
    for flag in FLAGS:
        if flag in old:
            data[flag] = old[flag]
    return data


# --- the use cases, one unit of work each ----------------------------------------------------------------------


# Each runs under the person's lock (storage.db.lock_person): a double tap or two answers sent at once are
# applied one after the other, the second seeing what the first did, instead of colliding on the row.


def start_goal(deps: Deps, ctx: RequestContext, text: str) -> list[Message]:
    """`/goal [TEXT]` or the Home's "New goal": begin a conversation."""
    return in_transaction(deps.sessions, lambda session: start(session, ctx, text), person=_person(ctx))


def answer(deps: Deps, ctx: RequestContext, text: str) -> list[Message]:
    """A message typed in the DM: the conversation's answer, or what to do when none is in progress."""
    return in_transaction(deps.sessions, lambda session: handle(session, ctx, text, deps.settings) or outside(session, ctx, text),
                          person=_person(ctx))


def outside(session: Session, ctx: RequestContext, text: str) -> list[Message]:
    """A DM message with no conversation in progress: the greeting, or, when it holds a number while check-ins
    wait for an answer, where to put an update. It is not recorded from here: a number typed outside a check-in's
    thread may be anything ("I'd like to win 10 clients"), and only the thread says which goal it is about."""
    lang = ctx.lang
    if len(text) <= MAX_TEXT and find_amounts(text, lang):
        asked = asked_goals(session, ctx.team_id, ctx.user_id, week_from=week_start(ctx.today) - timedelta(weeks=1))
        waiting = [goal.title for goal in asked if goal.waiting]
        # With this week's check-ins answered already, a new figure still belongs in a thread (it replaces the week's
        # value there), not a greeting that ignores it.
        named, key = (waiting, "checkin.reply_in_thread") if waiting else ([g.title for g in asked],
                                                                          "checkin.update_in_thread")
        if named:
            titles = ", ".join(f"*{escape(title)}*" for title in named[:5])
            return [text_message(tn(lang, key, len(named), titles=titles))]
    return [text_message(t(lang, "goal.no_conversation"))]


@dataclass(frozen=True)
class Answered:
    """A DM message answered once: the replies' outbox keys (for deliver_replies), whether the person's goals
    changed, and the outbox keys of what other people are told (Message.notices), all committed together."""

    keys: list[str]
    changed: bool
    notices: list[str]


def answer_message(deps: Deps, ctx: RequestContext, text: str, *, event_id: str, reply_to: ReplyTo) -> Answered:
    """A DM message from the inbox, answered once: the conversation's change, the inbox row done and the replies
    queued in the outbox commit together; nothing to send when another handling of the same event already
    answered it."""

    def work(session: Session) -> Answered:
        if not inbox.finish(session, event_id, ctx.now):
            return Answered([], False, [])
        messages = handle(session, ctx, text, deps.settings) or outside(session, ctx, text)
        keys = queue_replies(session, deps, team_id=ctx.team_id, channel=reply_to.channel, messages=messages,
                             key=reply_to.key, thread_ts=reply_to.thread_ts)
        return Answered(keys, any(m.changes_goals for m in messages), [k for m in messages for k in m.notices])

    return in_transaction(deps.sessions, work, person=_person(ctx))


def cancel_goal(deps: Deps, ctx: RequestContext) -> list[Message]:
    """`/goal cancel`: end the conversation in progress."""
    return in_transaction(deps.sessions, lambda session: cancel(session, ctx), person=_person(ctx))


def press_card(deps: Deps, ctx: RequestContext, button: str, value: str, card_channel: str | None) -> CardAnswer:
    """A conversation card's button, in one unit of work: the answer and where it goes."""
    return in_transaction(deps.sessions, lambda session: press(session, ctx, button, value, card_channel, deps.settings),
                          person=_person(ctx))


def _person(ctx: RequestContext) -> tuple[str, str]:
    return ctx.team_id, ctx.user_id
