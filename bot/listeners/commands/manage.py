"""`/goal edit`, `/goal done`, `/goal drop`, `/goal history` and `/goal export`: adjusting, closing, exporting.

`/goal edit` opens the edit modal (one active goal, or `/goal edit 3`), offers a pick of goals when there are
several, or applies a typed edit at once: `/goal edit 3 target 12 because two deals slipped` (fields: target,
deadline, metric, unit, baseline — Italian: obiettivo, scadenza, metrica, unità, partenza; the reason after
"because"/"perché" is required). `/goal done [id] [note]` and `/goal drop [id] [note]` close a goal; a leading
number is always read as the goal id. `/goal export [json] [#channel]` uploads a CSV (or JSON) to the DM.
"""

from __future__ import annotations

import logging
from typing import Any

from slack_bolt import Respond
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.blocks.common import escape, text_message
from bot.blocks.teams import refusal_text, text_only
from bot.context import RequestContext
from bot.deps import Deps
from bot.listeners.commands.teams import resolve_people
from bot.listeners.support import ephemeral
from bot.rules.commands import SUBCOMMANDS, Command
from bot.rules.digest_math import parse_channel
from bot.rules.mentions import parse_person
from bot.rules.statuses import GoalStatus
from bot.rules.visibility import Decision, ReadPath, notes_shown
from bot.services import export as exports
from bot.services import goal_actions, teams
from bot.services import goals_admin as admin
from bot.services.home import refresh_home
from bot.services.profiles import dm_channel
from prompts import t, tn

log = logging.getLogger(__name__)


def open_modal(client: WebClient, trigger_id: str | None, view: dict[str, Any], lang: str,
               failed_key: str = "manage.edit.modal_failed") -> str | None:
    """Open a modal; on failure the text to tell the person (the trigger may have expired), else None."""
    try:
        client.views_open(trigger_id=trigger_id or "", view=view)
    except SlackApiError as error:
        code = str(error.response.get("error") or "error")
        log.warning("views.open failed: %s", code)
        return t(lang, failed_key, error=escape(code))
    return None


def edit_goal(deps: Deps, client: WebClient, ctx: RequestContext, command: Command, body: dict[str, Any],
              respond: Respond) -> None:
    """Open the edit modal (picking the goal first when there are several), or apply a typed edit."""
    start = goal_actions.edit_command(deps, ctx, admin.read_text_edit(command.args))
    if start.view is not None:
        problem = open_modal(client, body.get("trigger_id"), start.view, ctx.lang)
        if problem:
            ephemeral(respond, text_message(problem))
        return
    if start.message is not None:
        ephemeral(respond, start.message)
    if start.saved:
        refresh_home(deps, client, ctx.team_id, ctx.user_id)


def _close(deps: Deps, client: WebClient, ctx: RequestContext, command: Command, respond: Respond,
           status: GoalStatus) -> None:
    goal_id, note = admin.split_leading_id(command.args)
    closing = goal_actions.close(deps, ctx, goal_id, status, note=note, pick_key=f"manage.close.pick_{status}")
    ephemeral(respond, closing.message)
    if closing.closed:
        refresh_home(deps, client, ctx.team_id, ctx.user_id)


def close_done(deps: Deps, client: WebClient, ctx: RequestContext, command: Command, body: dict[str, Any],
               respond: Respond) -> None:
    """`/goal done [id] [note]`: close a goal as achieved (reached, or by override with the note as the why)."""
    _close(deps, client, ctx, command, respond, GoalStatus.DONE)


def close_missed(deps: Deps, client: WebClient, ctx: RequestContext, command: Command, body: dict[str, Any],
                 respond: Respond) -> None:
    """`/goal missed [id] [note]`: close a goal as missed, honestly."""
    _close(deps, client, ctx, command, respond, GoalStatus.MISSED)


def close_dropped(deps: Deps, client: WebClient, ctx: RequestContext, command: Command, body: dict[str, Any],
                  respond: Respond) -> None:
    """`/goal drop [id] [note]`: close a goal as dropped."""
    _close(deps, client, ctx, command, respond, GoalStatus.DROPPED)


def show_history(deps: Deps, client: WebClient, ctx: RequestContext, command: Command, body: dict[str, Any],
                 respond: Respond) -> None:
    """Every change to one of the person's goals (closed ones too)."""
    goal_id, _ = admin.split_leading_id(command.args)
    ephemeral(respond, goal_actions.history(deps, ctx, goal_id))


def export_goals(deps: Deps, client: WebClient, ctx: RequestContext, command: Command, body: dict[str, Any],
                 respond: Respond) -> None:
    """Upload the person's goals and check-ins (or a digest channel's team's) as CSV or JSON to the DM."""
    lang = ctx.lang
    words = command.args.split()
    fmt = "json" if any(w.lower() == "json" for w in words) else "csv"
    rest = [w for w in words if w.lower() not in ("json", "csv")]
    ref = parse_channel(rest[0]) if len(rest) == 1 else None
    person = parse_person(rest[0]) if len(rest) == 1 and ref is None else None
    team = len(rest) == 1 and SUBCOMMANDS.get(rest[0].lower()) == "team"
    if len(rest) > 1 or (rest and ref is None and person is None and not team):
        ephemeral(respond, text_message(t(lang, "export.usage")))
        return
    if team:  # a manager's reports, whatever channel they are in
        reports, goals = teams.reports_goals(deps.sessions, ctx)
        if not reports:
            ephemeral(respond, text_message(t(lang, "team.empty")))
            return
        scope, comment = "team", tn(lang, "export.reports_comment", len(goals))
    elif person is not None:  # one person's, for whoever may see them (themselves, up their line, an admin)
        people = resolve_people(deps, client, ctx, [person], respond)
        if people is None:
            return
        [owner] = people
        theirs = teams.goals_of(deps.sessions, ctx, owner)
        if isinstance(theirs, Decision):
            ephemeral(respond, text_only(refusal_text(lang, theirs)))
            return
        if not theirs:
            ephemeral(respond, text_message(t(lang, "others.empty", person=f"<@{owner}>")))
            return
        goals, scope = theirs, owner
        comment = tn(lang, "export.person_comment", len(goals), person=f"<@{owner}>")
    elif ref is not None:
        typed_here = ref.name is not None and ref.name == str(body.get("channel_name") or "").lower()
        found = goal_actions.team_export(deps, client, ctx, ref, typed_here=typed_here)
        if found.refusal is not None or found.channel_id is None:
            ephemeral(respond, text_message(found.refusal or ""))
            return
        goals, scope = found.goals, found.channel_id
        comment = tn(lang, "export.team_comment", len(goals), channel=f"<#{found.channel_id}>")
    else:
        goals = goal_actions.goals_of(deps, ctx)
        if not goals:
            ephemeral(respond, text_message(t(lang, "manage.no_goals")))
            return
        scope, comment = ctx.user_id, tn(lang, "export.comment", len(goals))
    content = exports.render(goals, fmt, managers=teams.managers_of(deps.sessions, ctx.team_id),
                             with_notes=notes_shown(ReadPath.EXPORT if ref is None else ReadPath.CHANNEL_EXPORT),
                             today=ctx.today)
    try:
        channel = dm_channel(deps, client, ctx)
        client.files_upload_v2(channel=channel, content=content.encode("utf-8"),
                               filename=exports.filename(scope, ctx.now, fmt),
                               title=t(lang, "export.title"), initial_comment=comment)
    except SlackApiError as error:
        code = str(error.response.get("error") or "error")
        log.warning("export upload for %s failed: %s", ctx.user_id, code)
        ephemeral(respond, text_message(t(lang, "export.failed", error=escape(code))))
        return
    except OSError as error:
        log.warning("export upload for %s failed: %s", ctx.user_id, error)
        ephemeral(respond, text_message(t(lang, "export.failed", error=type(error).__name__)))
        return
    if ctx.channel_id != channel:
        ephemeral(respond, text_message(t(lang, "export.sent")))
