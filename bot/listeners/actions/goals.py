"""Buttons of the goal conversation: the summary card's Confirm / Edit / Cancel, the part chooser, the
Relevant step's company objectives ("something else" to say it in one's own words), and the way a metric should
go when the goal's words went against it."""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from typing import Any

from slack_bolt import App, Respond
from slack_sdk import WebClient

from bot import ids
from bot.blocks.common import context, section
from bot.context import RequestContext
from bot.deps import Deps
from bot.listeners.support import lazy_listener, reply
from bot.middleware import ack_if_needed
from bot.services import conversation

Step = Callable[[Deps, RequestContext, dict[str, Any], str | None], conversation.CardAnswer]


def _card_channel(body: dict[str, Any]) -> str | None:
    """The channel the payload says the card is in: checked by the service against what it recorded, never used."""
    channel = (body.get("container") or {}).get("channel_id")
    return str(channel) if channel else None


def conversation_button(deps: Deps, step: Step) -> Callable[..., None]:
    """A lazy listener for a card button: run the step, mark the card as answered, post the result."""

    @lazy_listener(deps)
    def card_button(ctx: RequestContext, body: dict[str, Any], client: WebClient, respond: Respond | None) -> None:
        action = body["actions"][0]
        claimed = _card_channel(body)
        answer = step(deps, ctx, action, claimed)
        message_ts = (body.get("container") or {}).get("message_ts")
        if message_ts and answer.messages and answer.close_card and claimed == answer.channel:
            _close_card(client, answer.channel, message_ts, body, action)
        reply(deps, client, ctx, answer.channel, answer.messages,
              key=f"act:{body.get('trigger_id') or action.get('action_ts')}")

    return card_button


def _close_card(client: WebClient, channel: str, ts: str, body: dict[str, Any], action: dict[str, Any]) -> None:
    """Replace the card's buttons with what was chosen, so it cannot be clicked twice."""
    original = (body.get("message") or {}).get("blocks") or []
    kept = [b for b in original if b.get("type") != "actions"]
    label = (action.get("text") or {}).get("text") or action.get("value") or ""
    blocks = kept + [context(f"→ {label}").to_dict()] if kept else [section(f"→ {label}").to_dict()]
    with contextlib.suppress(Exception):  # a stale card is cosmetic; the choice itself is saved
        client.chat_update(channel=channel, ts=ts, text=(body.get("message") or {}).get("text") or label,
                           blocks=blocks[:50])


# Each button of the conversation, bound once.
def _press(button: str) -> Step:
    return lambda deps, ctx, action, channel: conversation.press_card(deps, ctx, button,
                                                                      str(action.get("value") or ""), channel)


BUTTONS: dict[str, Step] = {
    ids.ACTION_CONFIRM: _press("confirm"),
    ids.ACTION_CANCEL: _press("cancel"),
    ids.ACTION_EDIT: _press("edit"),
    ids.ACTION_CHOICE: _press("choice"),
    ids.ACTION_OBJECTIVE: _press("objective"),
    ids.ACTION_OBJECTIVE_OTHER: _press("objective_other"),
    ids.ACTION_DIRECTION: _press("direction"),
    ids.ACTION_RATE: _press("rate"),
}


def register(app: App, deps: Deps) -> None:
    """Bind the button listeners."""
    for action_id, step in BUTTONS.items():
        app.action(action_id)(ack=ack_if_needed, lazy=[conversation_button(deps, step)])
