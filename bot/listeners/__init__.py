"""One package per Slack surface; every listener module is bound here, in one visible list."""

from __future__ import annotations

from collections.abc import Callable

from slack_bolt import App

from bot.deps import Deps
from bot.listeners import commands
from bot.listeners.actions import checkins as checkin_buttons
from bot.listeners.actions import goals as goal_buttons
from bot.listeners.actions import manage as manage_buttons
from bot.listeners.actions import readings as reading_buttons
from bot.listeners.actions import teams as team_buttons
from bot.listeners.events import edits, home, lifecycle, messages
from bot.listeners.views import checkins as checkin_modal
from bot.listeners.views import manage as edit_modal
from bot.listeners.views import readings as correct_modal

LISTENERS: tuple[Callable[[App, Deps], None], ...] = (
    commands.register,  # /goal and its subcommands (bot/listeners/commands/registry.py)
    edits.register,  # message.im edits and deletions (message_changed, message_deleted): bound before messages
    messages.register,  # message.im
    home.register,  # app_home_opened
    lifecycle.register,  # app_uninstalled, tokens_revoked, user_change
    goal_buttons.register,
    manage_buttons.register,
    checkin_buttons.register,
    reading_buttons.register,  # Undo, Correct
    team_buttons.register,  # the manager's week: Comment, and its form
    edit_modal.register,
    checkin_modal.register,
    correct_modal.register,
)


def register_listeners(app: App, deps: Deps) -> None:
    """Bind every listener to the app."""
    for register in LISTENERS:
        register(app, deps)
