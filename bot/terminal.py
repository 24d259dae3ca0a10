"""The language of the terminal goalbot's command line runs in (the shell's people, the operator's messages)."""

from __future__ import annotations

import os

__all__ = ["terminal_lang", "terminal_locale"]


def terminal_locale() -> str | None:
    """The terminal's language as a Slack locale, for the people the shell creates without one: it stands in for
    the language of a Slack profile, so someone whose terminal speaks Italian is answered in Italian from the first
    `/goal`. POSIX order: LC_ALL, then LC_MESSAGES, then LANG; None leaves the workspace default."""
    for variable in ("LC_ALL", "LC_MESSAGES", "LANG"):
        value = os.environ.get(variable)
        if value:
            return "it-IT" if value.lower().startswith("it") else None
    return None


def terminal_lang() -> str:
    """The catalog language for a message to whoever runs the command: Italian in an Italian terminal, else English."""
    return "it" if terminal_locale() == "it-IT" else "en"
