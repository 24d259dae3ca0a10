"""What every listener shares: the lazy-listener wrapper that answers even when the work fails, and replies."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Sequence
from typing import Any

from slack_bolt import BoltContext, Respond
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.blocks.common import Message
from bot.context import Caller, RequestContext, caller_of
from bot.delivery.direct import post_messages
from bot.delivery.sender import ReplyRefused, send_now
from bot.deps import Deps
from bot.services.home import refresh_home
from bot.services.profiles import resolve_context, stored_context
from bot.services.runner import finish_event, run_request
from prompts import t

log = logging.getLogger(__name__)

# Where to tell the person that something failed: (channel, thread ts); None means there is no one to tell.
Where = Callable[[dict[str, Any], Caller], tuple[str, str | None]]
Work = Callable[[RequestContext, dict[str, Any], WebClient, Respond | None], None]


def in_dm(body: dict[str, Any], caller: Caller) -> tuple[str, str | None]:
    """Report in the person's DM with the bot."""
    return caller.user_id, None


_PERSON_LOCKS: dict[tuple[str, str], threading.Lock] = {}
_PERSON_LOCKS_GUARD = threading.Lock()


def person_lock(team_id: str, user_id: str) -> threading.Lock:
    """The in-process lock that orders one person's requests (the database lock orders them across processes)."""
    with _PERSON_LOCKS_GUARD:
        return _PERSON_LOCKS.setdefault((team_id, user_id), threading.Lock())


def lazy_listener(
    deps: Deps, *, report_in: Where | None = in_dm, ephemeral: bool = False, fresh_profile: bool = True,
    accept: Callable[[dict[str, Any]], bool] | None = None,
) -> Callable[[Work], Callable[..., None]]:
    """Wrap the work done after the ack: build the request context once, and report any failure to the person.

    `ephemeral`: report through the slash command's response_url (ephemeral) rather than a message.
    `fresh_profile`: False where a trigger id is about to expire, so no users.info call runs first.
    `report_in=None`: no one to answer (the Home tab keeps its previous version); the failure is logged.
    `accept`: requests it refuses are ignored before any work (events Slack sends that are not for goalbot).
    """

    def decorate(work: Work) -> Callable[..., None]:
        def listener(body: dict[str, Any], client: WebClient, context: BoltContext,
                     respond: Respond | None = None) -> None:
            if accept is not None and not accept(body):
                finish_event(deps, body)
                return
            lang = deps.settings.default_lang
            caller: Caller | None = None
            try:
                caller = caller_of(context)
                known = caller

                def run() -> None:
                    nonlocal lang
                    ctx = (resolve_context(deps, client, known) if fresh_profile else stored_context(deps, known))
                    lang = ctx.lang
                    # One person's requests run one at a time in this process, transaction and replies together, so
                    # the answers reach Slack in the order the database applied them (other people are not held up).
                    with person_lock(known.team_id, known.user_id):
                        work(ctx, body, client, respond)

                # A connection that died before anything was committed: the whole request runs again, once.
                run_request(run)
            except Exception as error:  # after the ack the only way to answer is to report it
                if report_in is None or caller is None:
                    log.exception("handling a %s request failed", body.get("type") or body.get("command"))
                    finish_event(deps, body)
                    return
                channel, thread_ts = report_in(body, caller)
                report_failure(client, channel, lang, error, respond=respond if ephemeral else None,
                               thread_ts=thread_ts)
            # Handled, or told it failed: either way not to be handled again by a recovering process.
            finish_event(deps, body)

        # Bolt passes arguments by parameter name, and names lazy listeners by __name__: keep both our own.
        listener.__name__ = listener.__qualname__ = f"lazy_{work.__name__}"
        return listener

    return decorate


def reply(
    deps: Deps, client: WebClient, ctx: RequestContext, channel: str, messages: Sequence[Message], *, key: str,
    thread_ts: str | None = None, changes_goals: bool = False,
) -> None:
    """Post the messages; failures are retried, queued or reported, never dropped; then refresh the App Home."""
    post_messages(client, deps, team_id=ctx.team_id, channel=channel, messages=messages, key=key,
                  thread_ts=thread_ts)
    send_notices(deps, client, messages)
    if changes_goals or any(message.changes_goals for message in messages):
        refresh_home(deps, client, ctx.team_id, ctx.user_id)


def send_notices(deps: Deps, client: WebClient, messages: Sequence[Message] = (), keys: Sequence[str] = ()) -> None:
    """Send now what the service queued for other people with its answer (Message.notices, or their `keys`): the
    outbox rows it wrote in its transaction, committed by now. What Slack does not take now stays in the outbox
    for its delivery; a refusal is the outbox's to record, not the speaker's failure."""
    wanted = [*keys, *(key for message in messages for key in message.notices)]
    if not wanted:
        return
    try:
        sent = send_now(deps, client, wanted)
    except ReplyRefused as refused:
        log.error("a notice was refused by Slack: %s", refused)
        return
    if sent.queued:
        log.warning("%d notice(s) deferred to the outbox", sent.queued)


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


def ephemeral(respond: Respond, message: Message, *, replace: bool = False) -> None:
    """Answer only the person who typed the command, where they typed it; `replace`: in place of the ephemeral
    answer a button was pressed on (its outcome takes the question's place)."""
    payload = message.payload()
    respond(text=payload["text"], blocks=payload.get("blocks"), response_type="ephemeral", replace_original=replace)
