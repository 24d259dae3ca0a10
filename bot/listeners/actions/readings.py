"""Undo and Correct on a recorded reading: each button carries the reading's id; the answer goes in the thread.

Correct opens its modal straight after the ack, while the trigger id is fresh (stored profile, no users.info).
"""

from __future__ import annotations

import logging
from typing import Any

from slack_bolt import App, Respond
from slack_sdk import WebClient

from bot import ids
from bot.blocks import checkins as checkin_blocks
from bot.context import RequestContext
from bot.deps import Deps
from bot.listeners.actions.checkins import click_of
from bot.listeners.support import lazy_listener, reply
from bot.middleware import ack_if_needed
from bot.services import checkin_readings as service
from bot.services.checkin_readings import ReadingAnswer
from prompts import t

log = logging.getLogger(__name__)


def answer_press(deps: Deps, client: WebClient, ctx: RequestContext, body: dict[str, Any], answer: ReadingAnswer,
                 respond: Respond | None) -> None:
    """Post the answer in the check-in's recorded thread; an answer for someone else's press only to them."""
    if answer.private and respond is not None:
        respond(text=answer.messages[0].text, response_type="ephemeral", replace_original=False)
        return
    key = f"reading-act:{body.get('trigger_id') or body['actions'][0].get('action_ts')}"
    reply(deps, client, ctx, answer.channel or ctx.user_id, answer.messages, thread_ts=answer.thread_ts, key=key,
          changes_goals=answer.changed)


def _close_buttons(client: WebClient, body: dict[str, Any], label: str) -> None:
    """Replace the answer's Undo and Correct with what was done, so the taken-back reading shows as such."""
    container = body.get("container") or {}
    message = body.get("message") or {}
    channel, ts = container.get("channel_id"), container.get("message_ts") or message.get("ts")
    if not channel or not ts:
        return
    try:
        client.chat_update(channel=channel, ts=ts, text=message.get("text") or label,
                           blocks=checkin_blocks.chosen_blocks(message.get("blocks") or [], label))
    except Exception:  # noqa: BLE001 - stale buttons are cosmetic: a press on them is refused by the service
        log.warning("could not close the buttons of %s in %s", ts, channel)


def register(app: App, deps: Deps) -> None:
    """Bind Undo and Correct."""

    @lazy_listener(deps)
    def undo_reading(ctx: RequestContext, body: dict[str, Any], client: WebClient, respond: Respond | None) -> None:
        click = click_of(body, ctx.user_id)
        answer = service.undo(deps, ctx, click.checkin_id, channel=click.channel, message_ts=click.message_ts,
                              thread_ts=click.thread_ts)
        if answer.changed:
            _close_buttons(client, body, t(ctx.lang, "reading.closed_undone"))
        answer_press(deps, client, ctx, body, answer, respond)

    @lazy_listener(deps, fresh_profile=False)
    def correct_reading(ctx: RequestContext, body: dict[str, Any], client: WebClient,
                        respond: Respond | None) -> None:
        click = click_of(body, ctx.user_id)
        opened = service.correction_modal(deps, ctx, click.checkin_id, channel=click.channel,
                                          message_ts=click.message_ts, thread_ts=click.thread_ts)
        if isinstance(opened, ReadingAnswer):
            answer_press(deps, client, ctx, body, opened, respond)
            return
        client.views_open(trigger_id=body["trigger_id"], view=opened)

    app.action(ids.ACTION_READING_UNDO)(ack=ack_if_needed, lazy=[undo_reading])
    app.action(ids.ACTION_READING_CORRECT)(ack=ack_if_needed, lazy=[correct_reading])
