"""The local Slack workspace for tests: the real app, signed requests, the fake Web API, a fixed clock."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import pytest

from bot.clock import FixedClock, VirtualTimer
from bot.local.workspace import LocalWorkspace
from bot.settings import Settings

NOW = datetime(2026, 11, 26, 10, 0, tzinfo=UTC)


def make_settings(database_url: str, **overrides: str) -> Settings:
    """Settings for a test run: no .env file, the given database."""
    env = {"DATABASE_URL": database_url, "GOALBOT_DEFAULT_TZ": "Europe/Rome", "GOALBOT_DEFAULT_LANG": "en",
           # Tests move the clock, not the delivery timer the history budget counts on: a roomy budget keeps
           # storms of uncertain sends checkable (the 1-a-minute default has a test of its own).
           "GOALBOT_SLACK_HISTORY_CALLS_PER_MINUTE": "6000"}
    env.update(overrides)
    return Settings.from_env(env, env_file=None)


@pytest.fixture
def clock() -> FixedClock:
    """The test's clock: Thursday 26 November 2026, 10:00 UTC, until a test moves it."""
    return FixedClock(NOW)


@pytest.fixture
def timer() -> VirtualTimer:
    """Elapsed time for delivery: pacing, Retry-After and backoff pass at once instead of being slept."""
    return VirtualTimer()


@pytest.fixture
def workspace(database_url: str, clock: FixedClock, timer: VirtualTimer) -> Iterator[LocalWorkspace]:
    """A workspace with an English (Rome) and an Italian (Milan) account executive."""
    ws = LocalWorkspace(make_settings(database_url), clock=clock)
    ws.deps.timer = timer
    ws.add_user("U1", name="anna", tz="Europe/Rome", locale="en-US")
    ws.add_user("U2", name="marco", tz="Europe/Rome", locale="it-IT")
    yield ws
    ws.close()


def restart(database_url: str, clock: FixedClock, started: list[LocalWorkspace]) -> LocalWorkspace:
    """A new process on the same database, talking to the same Slack workspace (the old one stops working)."""
    started[-1].deps.executor.shutdown(wait=True)
    ws = LocalWorkspace(make_settings(database_url), clock=clock, fake=started[-1].fake)
    ws.deps.timer = started[-1].deps.timer
    started.append(ws)
    return ws


def all_text(message: dict[str, Any]) -> str:
    """Everything a person can read in a message: fallback text and every text in its blocks."""
    parts = [message.get("text") or ""]

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            for key, value in node.items():
                if key == "text" and isinstance(value, str):
                    parts.append(value)
                else:
                    walk(value)
        elif isinstance(node, list):
            for item in node:
                walk(item)

    walk(message.get("blocks") or [])
    return "\n".join(parts)


def dm_texts(ws: LocalWorkspace, user: str) -> list[str]:
    """The bot's messages in the person's DM, oldest first, as readable text."""
    return [all_text(m) for m in ws.fake.dm_messages(user) if m.get("user") == ws.fake.bot_user_id]


def last_bot_message(ws: LocalWorkspace, user: str) -> dict[str, Any]:
    """The bot's latest message in the person's DM."""
    messages = [m for m in ws.fake.dm_messages(user) if m.get("user") == ws.fake.bot_user_id]
    assert messages, "the bot has not written to this person"
    return messages[-1]
