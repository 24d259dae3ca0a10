"""The /goal subcommands: every canonical name (bot.rules.commands.SUBCOMMANDS) bound to its handler, once."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from slack_bolt import Respond
from slack_sdk import WebClient

from bot.context import RequestContext
from bot.deps import Deps
from bot.listeners.commands import checkins, digests, goals, manage, proposals, teams
from bot.rules.commands import Command

Handler = Callable[[Deps, WebClient, RequestContext, Command, dict[str, Any], Respond], None]

HANDLERS: dict[str, Handler] = {
    "new": goals.new_goal,
    "goal": goals.new_goal,  # several words that are no subcommand: the goal itself
    "help": goals.show_help,
    "list": goals.show_list,
    "lang": goals.set_language,
    "cancel": goals.cancel_goal,
    "unknown": goals.unknown,
    "names_someone": goals.names_someone,  # goal text that starts with a @person: asked, not set
    "checkin": checkins.checkin_now,
    "checkin-time": checkins.checkin_time,
    "pause": checkins.pause,
    "resume": checkins.resume,
    "digest": digests.digest_command,
    "edit": manage.edit_goal,
    "done": manage.close_done,
    "missed": manage.close_missed,
    "drop": manage.close_dropped,
    "history": manage.show_history,
    "export": manage.export_goals,
    "admin": teams.admin_command,
    "team": teams.team_command,
    "objective": teams.objective_command,
    "objectives": teams.objectives_command,
    "align": teams.align_command,
    "private": teams.visibility_command,
    "public": teams.visibility_command,
    "comment": teams.comment_command,
    "for": proposals.propose_command,
    "accept": proposals.accept_command,
    "counter": proposals.counter_command,
    "proposal": proposals.history_command,
}
