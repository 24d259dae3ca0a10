"""What several benchmarks share: a private PostgreSQL schema per run, and a child's peak memory."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
import uuid
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]


def postgres_schema(url: str, prefix: str = "goalbot_bench") -> tuple[str, Callable[[], None]]:
    """A private schema for the run (other people's tables on the shared server are never touched); returns
    its URL (search_path set through the connection options) and a function that drops it."""
    from sqlalchemy import create_engine, text

    schema = f"{prefix}_{uuid.uuid4().hex[:8]}"
    admin = create_engine(url)
    with admin.begin() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))

    def drop() -> None:
        with admin.begin() as conn:
            conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()

    separator = "&" if "?" in url else "?"
    return f"{url}{separator}options=-csearch_path%3D{schema}", drop


def old_code(ref: str, into: str) -> str:
    """The code of git commit `ref`, extracted (not checked out) into `into`; returns its root."""
    archive = subprocess.run(["git", "-C", str(ROOT), "archive", ref, "bot", "storage", "prompts", "slackfake"],
                             check=True, capture_output=True).stdout
    subprocess.run(["tar", "-x", "-C", into], input=archive, check=True)
    return into


class Child:
    """A benchmark's child process measuring one tree's code: the script again with --child and --code-root (so
    it imports that tree's bot/storage/prompts, never this one's), one JSON order a line, one JSON answer a line."""

    def __init__(self, label: str, script: str, root: str, args: Sequence[str]) -> None:
        self.label = label
        self.process = subprocess.Popen(
            [sys.executable, script, "--child", "--code-root", root, *args],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, cwd=root, env={**os.environ, "PYTHONPATH": root})
        self.ask(None)

    def ask(self, order: dict[str, Any] | None) -> dict[str, Any]:
        """Send one order (None: wait until ready) and read its answer."""
        assert self.process.stdin is not None and self.process.stdout is not None
        if order is not None:
            self.process.stdin.write(json.dumps(order) + "\n")
            self.process.stdin.flush()
        answer = self.process.stdout.readline()
        if not answer:
            raise RuntimeError(f"the {self.label} child stopped")
        result: dict[str, Any] = json.loads(answer)
        return result

    def close(self) -> None:
        """Let the child finish."""
        assert self.process.stdin is not None
        self.process.stdin.close()
        self.process.wait(timeout=60)


def load_average() -> str:
    """The machine's 1-minute load average, as printed next to every figure (the machine is shared)."""
    return f"{os.getloadavg()[0]:.1f}"


def counting_fake(team_id: str, users: Sequence[tuple[str, str]]) -> tuple[Any, Callable[[], int]]:
    """The fake Web API, started, with these (user id, locale) people in Rome, and a function that says how
    many answers (messages, ephemerals, response_url posts, updates) it has received so far."""
    from slackfake.web_api import FakeSlackWebAPI

    fake = FakeSlackWebAPI(team_id=team_id, record_calls=False, validate=True)
    fake.start()
    for user_id, locale in users:
        fake.add_user(user_id, name=user_id.lower(), tz="Europe/Rome", locale=locale)
    seen = [0]
    lock = threading.Lock()

    def count(kind: str, _payload: dict[str, Any]) -> None:
        if kind in ("message", "ephemeral", "response", "update"):
            with lock:
                seen[0] += 1

    def answers() -> int:
        with lock:
            return seen[0]

    fake.subscribe(count)
    return fake, answers
