"""Buttons of the check-in card (Update progress, On track, At risk, Blocked, Skip) and of a question back.

Every answer goes in the check-in's thread. Update opens the modal straight after the ack, while the trigger id
is fresh; the other buttons record on the check-in in a lazy listener.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from slack_bolt import Ack, App
from slack_sdk import WebClient
from sqlalchemy.orm import Session

from bot import ids
from bot.blocks import checkins as blocks
from bot.blocks.common import Message, text_message
from bot.deps import Deps
from bot.listeners.support import ack_now, make_turn, reply, report_failure
from bot.services import checkins as service
from bot.services.conversation import Turn
from bot.rules.limits import row_id
from prompts import t
from storage.models import CheckIn

log = logging.getLogger(__name__)

Work = Callable[[Session, CheckIn, Turn, str], list[Message]]



def where(body: dict[str, Any]) -> tuple[str, str, str, str | None, str | None]:
    """Who clicked, in which team and channel, on which message, and the thread that message belongs to."""
    user_id = body["user"]["id"]
    team_id = (body.get("team") or {}).get("id") or body["user"].get("team_id", "")
    channel = (body.get("container") or {}).get("channel_id") or (body.get("channel") or {}).get("id") or user_id
    message = body.get("message") or {}
    message_ts = (body.get("container") or {}).get("message_ts") or message.get("ts")
    return user_id, team_id, channel, message_ts, message.get("thread_ts") or message_ts


def checkin_id_of(value: str) -> int | None:
    """The check-in id a button carries ("12", or "12:7.0" for a picked reading)."""
    head = (value or "").split(":", 1)[0]
    return row_id(head)


def _checkin_action(deps: Deps, work: Work) -> Callable[..., None]:
    """A lazy listener: run `work` on the clicked check-in and answer in its thread."""

    def lazy_checkin_action(body: dict[str, Any], client: WebClient) -> None:
        user_id, team_id, channel, message_ts, thread_ts = where(body)
        action = body["actions"][0]
        lang = deps.settings.default_lang
        try:
            turn = make_turn(deps, client, team_id=team_id, user_id=user_id, channel_id=channel)
            lang = turn.lang
            checkin_id = checkin_id_of(str(action.get("value") or ""))
            with deps.sessions() as session:
                checkin = service.owned_checkin(session, checkin_id, turn) if checkin_id is not None else None
                if checkin is None:
                    messages = [text_message(t(lang, "checkin.modal.gone"))]
                else:
                    if action.get("action_id") != ids.ACTION_CHECKIN_PICK:
                        service.remember_message(checkin, channel, message_ts)
                    messages = work(session, checkin, turn, str(action.get("value") or ""))
                session.commit()
            if action.get("action_id") == ids.ACTION_CHECKIN_PICK and message_ts:
                _close_question(client, channel, message_ts, body, action)
            reply(deps, client, turn, channel, messages, thread_ts=thread_ts, changes_goals=checkin is not None,
                  key=f"checkin-act:{body.get('trigger_id') or action.get('action_ts')}")
        except Exception as error:  # noqa: BLE001 - report, never leave the click unanswered
            report_failure(client, channel, lang, error, thread_ts=thread_ts)

    return lazy_checkin_action


def _close_question(client: WebClient, channel: str, ts: str, body: dict[str, Any], action: dict[str, Any]) -> None:
    """Replace a question's buttons with the reading chosen, so it cannot be clicked twice."""
    message = body.get("message") or {}
    label = (action.get("text") or {}).get("text") or ""
    try:
        client.chat_update(channel=channel, ts=ts, text=message.get("text") or label,
                           blocks=blocks.chosen_blocks(message.get("blocks") or [], f"→ {label}"))
    except Exception:  # noqa: BLE001 - a stale question is cosmetic; the value itself is saved
        log.warning("could not close the question %s in %s", ts, channel)


def _pick(session: Session, checkin: CheckIn, turn: Turn, value: str) -> list[Message]:
    try:
        picked = float(value.split(":", 1)[1])
    except (IndexError, ValueError):
        return [text_message(t(turn.lang, "checkin.modal.gone"))]
    return service.pick_value(session, checkin, turn, picked)


def open_update_modal(deps: Deps) -> Callable[..., None]:
    """Update progress: ack, then open the modal at once (a trigger id lives three seconds)."""

    def update_progress(ack: Ack, body: dict[str, Any], client: WebClient) -> None:
        ack()
        user_id, team_id, channel, message_ts, thread_ts = where(body)
        lang = deps.settings.default_lang
        try:
            with deps.sessions() as session:
                lang = service.stored_lang(session, team_id, user_id, deps.settings.default_lang)
                checkin_id = checkin_id_of(str(body["actions"][0].get("value") or ""))
                checkin = session.get(CheckIn, checkin_id) if checkin_id is not None else None
                if checkin is None or checkin.goal.user_id != user_id:
                    client.chat_postMessage(channel=channel, thread_ts=thread_ts, text=t(lang, "checkin.modal.gone"))
                    return
                service.remember_message(checkin, channel, message_ts)
                view = blocks.update_modal(lang, checkin.goal, {"checkin": checkin.id, "channel": channel,
                                                                "thread_ts": thread_ts})
                session.commit()
            client.views_open(trigger_id=body["trigger_id"], view=view)
        except Exception as error:  # noqa: BLE001 - after the ack, an error must become an answer
            report_failure(client, channel, lang, error, thread_ts=thread_ts)

    return update_progress


def register(app: App, deps: Deps) -> None:
    """Bind the check-in buttons."""
    app.action(ids.ACTION_CHECKIN_UPDATE)(open_update_modal(deps))
    for action_id, mood in ((ids.ACTION_CHECKIN_ON_TRACK, "on_track"), (ids.ACTION_CHECKIN_AT_RISK, "at_risk"),
                            (ids.ACTION_CHECKIN_BLOCKED, "blocked")):
        app.action(action_id)(ack=ack_now, lazy=[_checkin_action(
            deps, lambda session, checkin, turn, value, mood=mood: service.set_mood(session, checkin, turn, mood))])
    app.action(ids.ACTION_CHECKIN_SKIP)(ack=ack_now, lazy=[_checkin_action(
        deps, lambda session, checkin, turn, value: service.skip_week(session, checkin, turn, deps.settings))])
    app.action(ids.ACTION_CHECKIN_PICK)(ack=ack_now, lazy=[_checkin_action(deps, _pick)])

