"""Buttons of the check-in card (Update progress, On track, At risk, Blocked, Skip) and of a question back.

Every answer goes in the check-in's thread. Update opens the modal straight after the ack, while the trigger id
is fresh (with the stored profile: no users.info first); the other buttons record on the check-in.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any

from slack_bolt import App, Respond
from slack_sdk import WebClient

from bot import ids
from bot.blocks import checkins as blocks
from bot.context import RequestContext
from bot.deps import Deps
from bot.listeners.support import lazy_listener, reply
from bot.middleware import ack_if_needed
from bot.rules.limits import row_id
from bot.rules.statuses import Mood
from bot.services import checkin_buttons as service

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Click:
    """Where a check-in button was clicked: the channel, the message, and the thread that message belongs to."""

    channel: str
    message_ts: str | None
    thread_ts: str | None
    checkin_id: int | None
    value: str


def click_of(body: dict[str, Any], user_id: str) -> Click:
    """Read the clicked message's place and the check-in id its button carries ("12", or "12:7.0")."""
    container = body.get("container") or {}
    channel = container.get("channel_id") or (body.get("channel") or {}).get("id") or user_id
    message = body.get("message") or {}
    message_ts = container.get("message_ts") or message.get("ts")
    value = str(body["actions"][0].get("value") or "")
    head = value.split(":", 1)[0]
    return Click(channel=str(channel), message_ts=message_ts, thread_ts=message.get("thread_ts") or message_ts,
                 checkin_id=row_id(head), value=value)


def checkin_button(deps: Deps, button: str) -> Any:
    """A lazy listener: press `button` on the clicked check-in and answer in its thread."""

    @lazy_listener(deps)
    def checkin_click(ctx: RequestContext, body: dict[str, Any], client: WebClient, respond: Respond | None) -> None:
        click = click_of(body, ctx.user_id)
        action = body["actions"][0]
        answer = service.press(deps, ctx, button=button, checkin_id=click.checkin_id, value=click.value,
                               channel=click.channel, message_ts=click.message_ts, thread_ts=click.thread_ts)
        place = answer.place
        if button == service.PICK and click.message_ts and answer.changed and place.thread_ts == click.thread_ts:
            _close_question(client, place.channel, click.message_ts, body, action)
        reply(deps, client, ctx, place.channel, answer.messages, thread_ts=place.thread_ts,
              changes_goals=answer.changed, key=f"checkin-act:{body.get('trigger_id') or action.get('action_ts')}")

    return checkin_click


def _close_question(client: WebClient, channel: str, ts: str, body: dict[str, Any], action: dict[str, Any]) -> None:
    """Replace a question's buttons with the reading chosen, so it cannot be clicked twice."""
    message = body.get("message") or {}
    label = (action.get("text") or {}).get("text") or ""
    try:
        client.chat_update(channel=channel, ts=ts, text=message.get("text") or label,
                           blocks=blocks.chosen_blocks(message.get("blocks") or [], f"→ {label}"))
    except Exception:  # noqa: BLE001 - a stale question is cosmetic; the value itself is saved
        log.warning("could not close the question %s in %s", ts, channel)


def open_update_modal(deps: Deps) -> Any:
    """Update progress: open the modal at once (a trigger id lives three seconds)."""

    @lazy_listener(deps, fresh_profile=False)
    def update_progress(ctx: RequestContext, body: dict[str, Any], client: WebClient,
                        respond: Respond | None) -> None:
        click = click_of(body, ctx.user_id)
        opening = service.update_modal(deps, ctx, click.checkin_id, channel=click.channel,
                                       message_ts=click.message_ts, thread_ts=click.thread_ts)
        if opening.view is None:
            reply(deps, client, ctx, opening.place.channel, opening.messages, thread_ts=opening.place.thread_ts,
                  key=f"checkin-open:{body.get('trigger_id')}")
            return
        client.views_open(trigger_id=body["trigger_id"], view=opening.view)

    return update_progress


# Each button of the check-in card and of a question back, bound once to what it presses.
BUTTONS: dict[str, str] = {
    ids.ACTION_CHECKIN_ON_TRACK: Mood.ON_TRACK,
    ids.ACTION_CHECKIN_AT_RISK: Mood.AT_RISK,
    ids.ACTION_CHECKIN_BLOCKED: Mood.BLOCKED,
    ids.ACTION_CHECKIN_SKIP: service.SKIP,
    ids.ACTION_CHECKIN_PICK: service.PICK,
}


def register(app: App, deps: Deps) -> None:
    """Bind the check-in buttons."""
    app.action(ids.ACTION_CHECKIN_UPDATE)(ack=ack_if_needed, lazy=[open_update_modal(deps)])
    for action_id, button in BUTTONS.items():
        app.action(action_id)(ack=ack_if_needed, lazy=[checkin_button(deps, button)])
