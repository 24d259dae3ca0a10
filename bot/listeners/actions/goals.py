"""Buttons of the goal conversation: the summary card's Confirm / Edit / Cancel and the part chooser."""

from __future__ import annotations

from typing import Any

from slack_bolt import App
from slack_sdk import WebClient
from sqlalchemy.orm import Session

from bot import ids
from bot.blocks.common import Message, context, section
from bot.deps import Deps
from bot.listeners.support import ack_now, make_turn, reply, report_failure, run_in_session
from bot.services import conversation


def _conversation_action(deps: Deps, button: str) -> Any:
    """A lazy listener for a card button: act on the card's own conversation, close the card, post the answer."""

    def lazy_action(body: dict[str, Any], client: WebClient) -> None:
        user_id = body["user"]["id"]
        team_id = (body.get("team") or {}).get("id") or body["user"].get("team_id", "")
        channel = (body.get("container") or {}).get("channel_id") or (body.get("channel") or {}).get("id") or user_id
        action = body["actions"][0]
        lang = deps.settings.default_lang
        try:
            turn = make_turn(deps, client, team_id=team_id, user_id=user_id, channel_id=channel)
            lang = turn.lang
            current: list[bool] = []

            def work(session: Session) -> list[Message]:
                messages, is_current = conversation.press(session, turn, button, str(action.get("value") or ""))
                current[:] = [is_current]
                return messages

            messages = run_in_session(deps, work)
            message_ts = (body.get("container") or {}).get("message_ts")
            if message_ts and messages and current == [True]:
                _close_card(client, channel, message_ts, body, action)
            reply(deps, client, turn, channel, messages, key=f"act:{body.get('trigger_id') or action.get('action_ts')}")
        except Exception as error:  # noqa: BLE001 - report, never leave the click unanswered
            report_failure(client, channel, lang, error)

    return lazy_action


def _close_card(client: WebClient, channel: str, ts: str, body: dict[str, Any], action: dict[str, Any]) -> None:
    """Replace the card's buttons with what was chosen, so it cannot be clicked twice."""
    original = (body.get("message") or {}).get("blocks") or []
    kept = [b for b in original if b.get("type") != "actions"]
    label = (action.get("text") or {}).get("text") or action.get("value") or ""
    blocks = kept + [context(f"→ {label}").to_dict()] if kept else [section(f"→ {label}").to_dict()]
    try:
        client.chat_update(channel=channel, ts=ts, text=(body.get("message") or {}).get("text") or label,
                           blocks=blocks[:50])
    except Exception:  # noqa: BLE001 - a stale card is cosmetic; the choice itself is saved
        pass


def register(app: App, deps: Deps) -> None:
    """Bind the button listeners."""
    for action_id, button in ((ids.ACTION_CONFIRM, "confirm"), (ids.ACTION_CANCEL, "cancel"),
                              (ids.ACTION_EDIT, "edit"), (ids.ACTION_CHOICE, "choice")):
        app.action(action_id)(ack=ack_now, lazy=[_conversation_action(deps, button)])
