"""The local Slack workspace for tests: the real app, signed requests, the fake Web API, a fixed clock."""

from __future__ import annotations

import struct
import zlib
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import pytest

import bot.services.digests
from bot.blocks.digests import DigestView
from bot.clock import FixedClock, VirtualTimer
from bot.local.workspace import LocalWorkspace
from bot.settings import Settings
from prompts import t

NOW = datetime(2026, 11, 26, 10, 0, tzinfo=UTC)


def make_settings(database_url: str, **overrides: str) -> Settings:
    """Settings for a test run: no .env file, the given database."""
    env = {"DATABASE_URL": database_url, "GOALBOT_DEFAULT_TZ": "Europe/Rome", "GOALBOT_DEFAULT_LANG": "en",
           # Tests move the clock, not the delivery timer the history budget counts on: a roomy budget keeps
           # storms of uncertain sends checkable (the 1-a-minute default has a test of its own).
           "GOALBOT_SLACK_HISTORY_CALLS_PER_MINUTE": "6000"}
    env.update(overrides)
    return Settings.from_env(env, env_file=None)


def _png_chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


# A valid one-pixel PNG that says what it is: what the digest uploads in tests that do not look at the picture.
CHART_STAND_IN = (b"\x89PNG\r\n\x1a\n" + _png_chunk(b"IHDR", struct.pack(">IIBBBBB", 1, 1, 8, 0, 0, 0, 0))
                  + _png_chunk(b"tEXt", b"Software\x00goalbot tests: chart not drawn")
                  + _png_chunk(b"IDAT", zlib.compress(b"\x00\xff")) + _png_chunk(b"IEND", b""))


def chart_stand_in(view: DigestView, *, dpi: int = 100) -> bytes:
    """The digest's chart in tests not marked `draws_chart`: the upload, not the drawing (tests/bot/test_charts.py)."""
    assert view.people, "goalbot draws a chart only for a digest with people in it"
    return CHART_STAND_IN


@pytest.fixture(autouse=True)
def charts_drawn_where_looked_at(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> None:
    """Digests upload a stand-in PNG unless the test is marked `draws_chart`: matplotlib's drawing took ~0.25 s of
    CPU per digest, some 50 digests in the suite, and most of those tests check the message, the thread and the
    upload, never the picture. The drawing itself is tested on its own and in the digest tests that look at it."""
    if request.node.get_closest_marker("draws_chart") is None:
        monkeypatch.setattr(bot.services.digests, "team_progress_png", chart_stand_in)


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


def say_goal(ws: LocalWorkspace, user: str, sentence: str, *answers: str) -> None:
    """`/goal SENTENCE`, then each answer typed in the DM, as the person would set a goal."""
    ws.command(sentence, user=user)
    for answer in answers:
        ws.say(answer, user=user)


def saved_next(lang: str) -> str:
    """The words every saved goal's what-next line starts with (the first check-in's moment follows them)."""
    return t(lang, "goal.saved_next", first="\0").split("\0")[0]


def dm_texts(ws: LocalWorkspace, user: str) -> list[str]:
    """The bot's messages in the person's DM, oldest first, as readable text."""
    return [all_text(m) for m in ws.fake.dm_messages(user) if m.get("user") == ws.fake.bot_user_id]


def last_bot_message(ws: LocalWorkspace, user: str) -> dict[str, Any]:
    """The bot's latest message in the person's DM."""
    messages = [m for m in ws.fake.dm_messages(user) if m.get("user") == ws.fake.bot_user_id]
    assert messages, "the bot has not written to this person"
    return messages[-1]
