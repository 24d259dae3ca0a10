"""message.im events: the next conversation answer, a check-in reply in a thread, or a pointer to /goal."""

from __future__ import annotations

import logging
from typing import Any

from slack_bolt import App
from slack_sdk import WebClient

from bot.blocks.common import text_message
from bot.deps import Deps
from bot.listeners.support import make_turn, reply, report_failure, run_in_session
from bot.services import checkins, conversation
from bot.services.home import refresh_home
from prompts import t

log = logging.getLogger(__name__)
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


def on_message(deps: Deps) -> Any:
    """Handle a DM: a check-in reply in a thread, the next conversation answer, or a pointer to /goal."""

    def handle_message_event(body: dict[str, Any], event: dict[str, Any], client: WebClient) -> None:
        if not is_user_message(event):
            return
        team_id = body.get("team_id") or event.get("team") or ""
        user_id, channel = event["user"], event["channel"]
        text = event.get("text") or ""
        thread_ts = event.get("thread_ts")
        lang = deps.settings.default_lang
        try:
            turn = make_turn(deps, client, team_id=team_id, user_id=user_id, channel_id=channel)
            lang = turn.lang
            key = f"evt:{body.get('event_id') or event.get('ts')}"
            if thread_ts and thread_ts != event.get("ts"):
                if checkins.handle_thread_reply(deps, client, turn, event):
                    refresh_home(deps, client, turn.team_id, turn.user_id)
                    return
            messages = run_in_session(deps, lambda session: conversation.handle(session, turn, text) or [])
            if not messages:
                messages = [text_message(t(lang, "goal.no_conversation"))]
            reply(deps, client, turn, channel, messages, key=key)
        except Exception as error:  # noqa: BLE001 - Slack already has its ack; the person still gets an answer
            report_failure(client, channel, lang, error, thread_ts=thread_ts)

    return handle_message_event


def register(app: App, deps: Deps) -> None:
    """Bind the DM message listener."""
    app.event("message")(on_message(deps))
