"""The edit modal's submission: checked while Slack waits (errors shown next to the field), saved after the ack."""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from slack_bolt import Ack, App
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot import ids
from bot.blocks import edit as edit_blocks
from bot.blocks.common import clip, escape, section
from bot.deps import Deps
from bot.listeners.support import make_turn, reply, report_failure
from bot.services import goals_admin as admin
from bot.services.home import refresh_home
from bot.services.profiles import valid_tz
from prompts import normalize_lang, t
from storage.repositories import get_user_pref

log = logging.getLogger(__name__)


def _who(body: dict[str, Any]) -> tuple[str, str]:
    user = body.get("user") or {}
    team_id = (body.get("team") or {}).get("id") or user.get("team_id") or (body.get("view") or {}).get("team_id")
    return str(team_id or ""), str(user.get("id") or "")


def _stored_profile(deps: Deps, team_id: str, user_id: str) -> tuple[str, str]:
    """Language and time zone from the database only: Slack waits for the answer, so no users.info here."""
    with deps.sessions() as session:
        pref = get_user_pref(session, team_id, user_id)
        lang = normalize_lang((pref.lang or pref.slack_locale) if pref else None, deps.settings.default_lang)
        return lang, valid_tz(pref.tz if pref else None, deps.settings.default_tz)


def _read(session: Any, body: dict[str, Any], lang: str, tz: str, now: datetime,
          lock: bool = False) -> tuple[Any, admin.EditPlan, dict[str, Any], dict[str, Any]]:
    """The goal, the plan read from the submitted form, the form and the modal's metadata."""
    team_id, user_id = _who(body)
    view = body.get("view") or {}
    meta = edit_blocks.read_metadata(view)
    form = edit_blocks.form_values(((view.get("state") or {}).get("values")) or {})
    goal_id = meta.get("goal_id")
    goal = admin.owned_goal(session, team_id, user_id, goal_id if isinstance(goal_id, int) else None, lock=lock)
    plan = admin.read_edit(goal, form, lang=lang, now=now, tz=tz, today=now.astimezone(ZoneInfo(tz)).date(),
                           initial=meta.get("initial") or {},
                           accepted=tuple(meta.get("accepted") or ()))
    return goal, plan, form, meta


def validate_edit(deps: Deps) -> Callable[..., None]:
    """The ack half: errors go back next to their field; a realism warning is shown once before it is kept."""

    def ack_edit_goal(ack: Ack, body: dict[str, Any]) -> None:
        team_id, user_id = _who(body)
        lang = deps.settings.default_lang
        try:
            lang, tz = _stored_profile(deps, team_id, user_id)
            with deps.sessions() as session:
                goal, plan, form, meta = _read(session, body, lang, tz, deps.clock())
                if plan.errors:
                    shown = set(meta.get("fields") or edit_blocks.EDIT_FIELDS) | {"reason"}
                    errors: dict[str, str] = {}
                    for name, message in plan.errors.items():
                        block = edit_blocks.block_id_of(name if name in shown else "reason")
                        errors[block] = (errors[block] + " " + message) if block in errors else message
                    ack(response_action="errors", errors=errors)
                    return
                if plan.warnings:
                    accepted = [*meta.get("accepted", []), *(code for code, _ in plan.warnings)]
                    view = edit_blocks.edit_modal(
                        lang, goal, initial=meta.get("initial") or {}, fields=meta.get("fields") or (),
                        typed=form, warnings=plan.warnings, accepted=accepted, metrics=admin.metric_codes(),
                        kind=meta.get("kind") or "edit", card=meta.get("card"))
                    ack(response_action="update", view=view)
                    return
        except admin.GoalRefused as refusal:
            ack(response_action="errors", errors={ids.BLOCK_EDIT_REASON: refusal.text(lang)})
            return
        except Exception:  # noqa: BLE001 - Slack must get an answer; the person sees it next to the reason
            log.exception("checking the edit modal failed")
            ack(response_action="errors", errors={ids.BLOCK_EDIT_REASON: t(lang, "errors.internal")})
            return
        ack()

    return ack_edit_goal


def save_edit(deps: Deps) -> Callable[..., None]:
    """The lazy half: save the change with its revisions, confirm in the DM, refresh the Home."""

    def lazy_save_edit(body: dict[str, Any], client: WebClient) -> None:
        team_id, user_id = _who(body)
        lang = deps.settings.default_lang
        try:
            turn = make_turn(deps, client, team_id=team_id, user_id=user_id, channel_id=None)
            lang = turn.lang
            with deps.sessions() as session:
                try:
                    goal, plan, _form, meta = _read(session, body, lang, turn.tz, turn.now, lock=True)
                except admin.GoalRefused:
                    return  # answered by the ack already
                # Bolt runs this after every ack: errors and first-time warnings went back to the modal, and a
                # repeated submission of a change already saved has nothing left to change.
                if not plan.ok or plan.warnings or not plan.changes:
                    return
                revisions = admin.apply_edit(session, goal, plan, by=user_id, at=turn.now, today=turn.today)
                session.commit()
                message = edit_blocks.edit_saved(lang, goal, revisions, today=turn.today)
                card_text = t(lang, "review.card_done", id=goal.id, title=escape(clip(goal.title, 300)))
            view = body.get("view") or {}
            reply(deps, client, turn, user_id, [message], key=f"edit:{view.get('id')}:{view.get('hash')}")
            card = meta.get("card")
            if card:
                try:
                    client.chat_update(channel=card[0], ts=card[1], text=card_text,
                                       blocks=[section(card_text).to_dict()])
                except SlackApiError as error:  # cosmetic: the change is saved
                    log.warning("could not close the review card: %s", error.response.get("error"))
            refresh_home(deps, client, team_id, user_id)
        except Exception as error:  # noqa: BLE001 - after the ack the only way to answer is to report it
            report_failure(client, user_id, lang, error)

    return lazy_save_edit


def register(app: App, deps: Deps) -> None:
    """Bind the edit modal's submission."""
    app.view(ids.VIEW_EDIT_GOAL)(ack=validate_edit(deps), lazy=[save_edit(deps)])
