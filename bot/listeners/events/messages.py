"""message.im events: the next conversation answer, a check-in reply in a thread, or a pointer to /goal."""

from __future__ import annotations

from typing import Any

from slack_bolt import App, Respond
from slack_sdk import WebClient

from bot.context import Caller, RequestContext
from bot.delivery.direct import ReplyTo, deliver_replies
from bot.deps import Deps
from bot.listeners.support import lazy_listener, reply, send_notices
from bot.middleware import ack_if_needed
from bot.services import conversation
from bot.services.checkin_replies import answer_thread_reply
from bot.services.home import refresh_home

# Typed messages (and files with a comment) are input; edits, deletions and joins are not.
HANDLED_SUBTYPES = (None, "file_share", "thread_broadcast")


def is_user_message(event: dict[str, Any]) -> bool:
    """True for a person's own new message in a DM with the bot."""
    return (
        event.get("channel_type") == "im"
        and event.get("subtype") in HANDLED_SUBTYPES
        and not event.get("bot_id")
        and bool(event.get("user"))
    )


def in_thread(body: dict[str, Any], caller: Caller) -> tuple[str, str | None]:
    """Report in the DM, in the thread the message was typed in."""
    event = body.get("event") or {}
    return str(event.get("channel") or caller.user_id), event.get("thread_ts")


def register(app: App, deps: Deps) -> None:
    """Bind the DM message listener."""

    @lazy_listener(deps, report_in=in_thread, accept=lambda body: is_user_message(body.get("event") or {}))
    def dm_message(ctx: RequestContext, body: dict[str, Any], client: WebClient, respond: Respond | None) -> None:
        event = body["event"]
        channel, text, thread_ts = event["channel"], event.get("text") or "", event.get("thread_ts")
        key = f"evt:{body.get('event_id') or event.get('ts')}"
        if thread_ts and thread_ts != event.get("ts"):
            answered = answer_thread_reply(
                deps, ctx, channel=channel, thread_ts=str(thread_ts), ts=str(event["ts"]), text=text,
                reply_to=ReplyTo(channel, f"checkin-reply:{channel}:{event['ts']}", str(thread_ts)))
            if answered.is_checkin:
                if answered.keys:
                    deliver_replies(client, deps, answered.keys, channel=channel)
                    refresh_home(deps, client, ctx.team_id, ctx.user_id)
                return
        event_id = body.get("event_id")
        if not event_id:  # not from the Events API (no inbox row to answer once against)
            messages = conversation.answer(deps, ctx, text)
            reply(deps, client, ctx, channel, messages, key=key)
            return
        done = conversation.answer_message(deps, ctx, text, event_id=str(event_id), reply_to=ReplyTo(channel, key))
        deliver_replies(client, deps, done.keys, channel=channel)
        send_notices(deps, client, keys=done.notices)
        if done.changed:
            refresh_home(deps, client, ctx.team_id, ctx.user_id)

    app.event("message")(ack=ack_if_needed, lazy=[dm_message])
