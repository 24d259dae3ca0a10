"""message_changed and message_deleted in a DM: the owner edited or deleted a reply in a check-in's thread.

Slack sends both as `message` events with a subtype (message.im covers them). An edit is read again and updates
that week's check-in once; a deletion withdraws the reading the reply gave. Anything else is ignored.
"""

from __future__ import annotations

from typing import Any

from slack_bolt import App, Respond
from slack_sdk import WebClient

from bot.context import Caller, RequestContext
from bot.deps import Deps
from bot.listeners.support import lazy_listener, reply
from bot.middleware import ack_if_needed
from bot.services.checkin_readings import reread_edited_reply, withdraw_deleted_reply


def edited_reply(body: dict[str, Any]) -> bool:
    """True for a person's edit of their own reply in a thread of a DM with the bot."""
    event = body.get("event") or {}
    message = event.get("message") or {}
    return (event.get("channel_type") == "im" and bool(message.get("user")) and not message.get("bot_id")
            and bool(message.get("thread_ts")) and message.get("thread_ts") != message.get("ts"))


def deleted_reply(body: dict[str, Any]) -> bool:
    """True for the deletion of a person's message in a DM with the bot."""
    event = body.get("event") or {}
    previous = event.get("previous_message") or {}
    return (event.get("channel_type") == "im" and bool(event.get("deleted_ts")) and bool(previous.get("user"))
            and not previous.get("bot_id"))


def in_edited_thread(body: dict[str, Any], caller: Caller) -> tuple[str, str | None]:
    """Report in the thread of the edited or deleted reply."""
    event = body.get("event") or {}
    message = event.get("message") or event.get("previous_message") or {}
    return str(event.get("channel") or caller.user_id), message.get("thread_ts")


def register(app: App, deps: Deps) -> None:
    """Bind the two subtypes (before the plain message listener, which takes every other message)."""

    @lazy_listener(deps, report_in=in_edited_thread, accept=edited_reply)
    def reply_edited(ctx: RequestContext, body: dict[str, Any], client: WebClient, respond: Respond | None) -> None:
        event = body["event"]
        message = event["message"]
        channel, thread_ts = str(event["channel"]), str(message["thread_ts"])
        answer = reread_edited_reply(
            deps, ctx, channel=channel, thread_ts=thread_ts, ts=str(message["ts"]), text=message.get("text") or "",
            previous_text=(event.get("previous_message") or {}).get("text"),
            edited_ts=(message.get("edited") or {}).get("ts"))
        if answer.messages:
            reply(deps, client, ctx, channel, answer.messages, thread_ts=thread_ts, changes_goals=True,
                  key=f"reply-edit:{body.get('event_id') or event.get('event_ts')}")

    @lazy_listener(deps, report_in=in_edited_thread, accept=deleted_reply)
    def reply_deleted(ctx: RequestContext, body: dict[str, Any], client: WebClient, respond: Respond | None) -> None:
        event = body["event"]
        withdrawal = withdraw_deleted_reply(deps, ctx, channel=str(event["channel"]), ts=str(event["deleted_ts"]))
        if withdrawal is not None:
            reply(deps, client, ctx, withdrawal.channel, withdrawal.messages, thread_ts=withdrawal.thread_ts,
                  changes_goals=True, key=f"reply-delete:{body.get('event_id') or event.get('event_ts')}")

    app.event({"type": "message", "subtype": "message_changed"})(ack=ack_if_needed, lazy=[reply_edited])
    app.event({"type": "message", "subtype": "message_deleted"})(ack=ack_if_needed, lazy=[reply_deleted])
