"""What every listener shares: resolving who is speaking, and answering even when the work fails."""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence

from slack_bolt import Ack
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from bot.blocks.common import Message
from bot.delivery.direct import post_messages
from bot.deps import Deps
from bot.services.conversation import Turn
from bot.services.home import refresh_home
from bot.services.profiles import resolve_profile
from prompts import t
from storage.repositories import upsert_user_pref

log = logging.getLogger(__name__)


def ack_now(ack: Ack) -> None:
    """Acknowledge at once; the work happens after the ack (bot.middleware.ack_early usually got there first)."""
    ack()


def make_turn(deps: Deps, client: WebClient | None, *, team_id: str, user_id: str, channel_id: str | None) -> Turn:
    """Resolve the speaker's language and time zone (refreshing from Slack at most daily)."""
    now = deps.clock()
    settings = deps.settings
    with deps.sessions() as session:
        profile = resolve_profile(session, client, team_id=team_id, user_id=user_id, now=now,
                                  default_lang=settings.default_lang, default_tz=settings.default_tz)
        session.commit()
    return Turn(team_id=team_id, user_id=user_id, channel_id=channel_id, lang=profile.lang, tz=profile.tz, now=now,
                fiscal_year_start=settings.fiscal_year_start)


def dm_channel(deps: Deps, client: WebClient, team_id: str, user_id: str) -> str:
    """Return the bot's DM channel with the person (opened once, then remembered)."""
    with deps.sessions() as session:
        pref = upsert_user_pref(session, team_id, user_id)
        if pref.dm_channel:
            return pref.dm_channel
        channel = str(client.conversations_open(users=user_id)["channel"]["id"])
        pref.dm_channel = channel
        session.commit()
        return channel


def run_in_session(deps: Deps, work: Callable[[Session], list[Message]]) -> list[Message]:
    """Run service work in one transaction: committed when it returns, rolled back when it raises.

    Two requests from one person at once (a double-typed command) can collide on a unique key; the loser
    runs again and sees the winner's row, instead of answering "something went wrong".
    """
    for attempt in (1, 2):
        with deps.sessions() as session:
            try:
                messages = work(session)
                session.commit()
                return messages
            except IntegrityError:
                session.rollback()
                if attempt == 2:
                    raise
    raise AssertionError("unreachable")


def reply(
    deps: Deps, client: WebClient, turn: Turn, channel: str, messages: Sequence[Message], *, key: str,
    thread_ts: str | None = None, changes_goals: bool = False,
) -> None:
    """Post the messages; failures are retried, queued or reported, never dropped; then refresh the App Home."""
    post_messages(client, deps, team_id=turn.team_id, channel=channel, messages=messages, key=key,
                  thread_ts=thread_ts)
    if changes_goals or any(message.changes_goals for message in messages):
        refresh_home(deps, client, turn.team_id, turn.user_id)


def report_failure(
    client: WebClient, channel: str, lang: str, error: BaseException, *, respond: Callable[..., object] | None = None,
    thread_ts: str | None = None,
) -> None:
    """Tell the person something went wrong (nothing they typed was lost) instead of going silent."""
    log.exception("handling a request failed", exc_info=error)
    text = t(lang, "errors.internal")
    try:
        if respond is not None:
            respond(text=text, response_type="ephemeral", replace_original=False)
        else:
            client.chat_postMessage(channel=channel, text=text, thread_ts=thread_ts)
    except (SlackApiError, OSError):
        log.exception("could not report the failure to %s either", channel)
