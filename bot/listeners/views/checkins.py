"""The Update progress modal: the number is checked inside the ack (errors shown under the field), then recorded.

The ack half reads the value against the goal and answers `response_action: errors` with a localized message
when it cannot be read with confidence, so the modal stays open; the lazy half records the check-in and answers
in the check-in's thread.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from slack_bolt import Ack, App
from slack_sdk import WebClient

from bot import ids
from bot.deps import Deps
from bot.listeners.support import make_turn, reply, report_failure
from bot.services import checkins as service
from prompts import t
from storage.models import CheckIn


def _fields(body: dict[str, Any]) -> tuple[dict[str, Any], str, str | None]:
    """The modal's metadata, the value typed and the note."""
    view = body.get("view") or {}
    try:
        metadata = json.loads(view.get("private_metadata") or "{}")
    except ValueError:
        metadata = {}
    values = (view.get("state") or {}).get("values") or {}
    value = ((values.get(ids.BLOCK_CHECKIN_VALUE) or {}).get(ids.INPUT_CHECKIN_VALUE) or {}).get("value") or ""
    note = ((values.get(ids.BLOCK_CHECKIN_NOTE) or {}).get(ids.INPUT_CHECKIN_NOTE) or {}).get("value")
    return metadata if isinstance(metadata, dict) else {}, str(value), note


def validate_submission(deps: Deps) -> Callable[..., None]:
    """The ack half: keep the modal open with a localized error when the number cannot be read."""

    def ack_checkin_modal(ack: Ack, body: dict[str, Any]) -> None:
        user_id = body["user"]["id"]
        team_id = (body.get("team") or {}).get("id") or body["user"].get("team_id", "")
        metadata, value, _note = _fields(body)
        try:
            with deps.sessions() as session:
                lang = service.stored_lang(session, team_id, user_id, deps.settings.default_lang)
                checkin = session.get(CheckIn, int(metadata.get("checkin") or 0))
                if checkin is None or checkin.goal.user_id != user_id or checkin.goal.status in service.NOT_RECORDING:
                    ack(response_action="errors", errors={ids.BLOCK_CHECKIN_VALUE: t(lang, "checkin.modal.gone")})
                    return
                _, error = service.read_modal_value(value, lang, checkin.goal)
        except Exception:  # noqa: BLE001 - let the lazy half record and report; never leave the modal hanging
            ack()
            return
        if error:
            ack(response_action="errors", errors={ids.BLOCK_CHECKIN_VALUE: error})
            return
        ack()

    return ack_checkin_modal


def record_submission(deps: Deps) -> Callable[..., None]:
    """The lazy half: record the value and note, and answer in the check-in's thread."""

    def lazy_checkin_modal(body: dict[str, Any], client: WebClient) -> None:
        user_id = body["user"]["id"]
        team_id = (body.get("team") or {}).get("id") or body["user"].get("team_id", "")
        metadata, value, note = _fields(body)
        channel = str(metadata.get("channel") or user_id)
        thread_ts = metadata.get("thread_ts")
        lang = deps.settings.default_lang
        try:
            turn = make_turn(deps, client, team_id=team_id, user_id=user_id, channel_id=channel)
            lang = turn.lang
            with deps.sessions() as session:
                checkin = service.owned_checkin(session, int(metadata.get("checkin") or 0), turn)
                if checkin is None:
                    return  # the ack already said so under the field
                goal = checkin.goal
                if goal.status in service.NOT_RECORDING or service.read_modal_value(value, lang, goal)[0] is None:
                    return  # refused in the ack: the modal stayed open with the reason
                messages = service.record_modal(session, checkin, turn, value, note)
                if not thread_ts:  # opened from elsewhere (the App Home): answer in the check-in's own thread
                    channel, thread_ts = service.thread_of(session, checkin, channel)
                session.commit()
            reply(deps, client, turn, channel, messages, thread_ts=thread_ts, changes_goals=True,
                  key=f"checkin-modal:{(body.get('view') or {}).get('id') or body.get('trigger_id')}")
        except Exception as error:  # noqa: BLE001 - the modal is closed: answer in the DM instead
            report_failure(client, channel, lang, error, thread_ts=thread_ts)

    return lazy_checkin_modal


def register(app: App, deps: Deps) -> None:
    """Bind the check-in modal."""
    app.view(ids.VIEW_CHECKIN)(ack=validate_submission(deps), lazy=[record_submission(deps)])

