"""The edit modal's submission: checked while Slack waits (errors shown next to the field), saved after the ack."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from slack_bolt import Ack, App, BoltContext, Respond
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot import ids
from bot.blocks.common import section
from bot.context import RequestContext, caller_of
from bot.deps import Deps, submission_key
from bot.listeners.support import lazy_listener, reply
from bot.listeners.views.fields import accepted_by_ack
from bot.services import goal_actions
from bot.services.home import refresh_home
from bot.services.profiles import stored_context
from prompts import t

log = logging.getLogger(__name__)


def validate_edit(deps: Deps) -> Callable[..., None]:
    """The ack half: errors go back next to their field; a realism warning is shown once before it is kept."""

    def ack_edit_goal(ack: Ack, body: dict[str, Any], context: BoltContext) -> None:
        lang = deps.settings.default_lang
        try:
            # Language and time zone from the database only: Slack waits for the answer, so no users.info here.
            ctx = stored_context(deps, caller_of(context))
            lang = ctx.lang
            check = goal_actions.check_edit_form(deps, ctx, body.get("view") or {})
        except Exception:  # Slack must get an answer; the person sees it next to the reason
            log.exception("checking the edit modal failed")
            deps.verdicts.give(submission_key(body), accepted=False)
            ack(response_action="errors", errors={ids.BLOCK_EDIT_REASON: t(lang, "errors.internal")})
            return
        # The verdict goes to the lazy half before the ack: nothing may run after ack() (Bolt 1.30).
        deps.verdicts.give(submission_key(body), accepted=not check.errors and check.view is None)
        if check.errors:
            ack(response_action="errors", errors=check.errors)
        elif check.view is not None:
            ack(response_action="update", view=check.view)
        else:
            ack()

    return ack_edit_goal


def save_edit(deps: Deps) -> Callable[..., None]:
    """The lazy half: save the change with its revisions, confirm in the DM, refresh the Home."""

    @lazy_listener(deps, accept=accepted_by_ack(deps))
    def edit_modal(ctx: RequestContext, body: dict[str, Any], client: WebClient, respond: Respond | None) -> None:
        view = body.get("view") or {}
        saved = goal_actions.save_edit_form(deps, ctx, view)
        if saved is None:
            return
        reply(deps, client, ctx, ctx.user_id, [saved.message], key=f"edit:{view.get('id')}:{view.get('hash')}")
        if saved.card:
            try:
                client.chat_update(channel=saved.card[0], ts=saved.card[1], text=saved.card_text,
                                   blocks=[section(saved.card_text).to_dict()])
            except SlackApiError as error:  # cosmetic: the change is saved
                log.warning("could not close the review card: %s", error.response.get("error"))
        refresh_home(deps, client, ctx.team_id, ctx.user_id)

    return edit_modal


def register(app: App, deps: Deps) -> None:
    """Bind the edit modal's submission."""
    app.view(ids.VIEW_EDIT_GOAL)(ack=validate_edit(deps), lazy=[save_edit(deps)])
