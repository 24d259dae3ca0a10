"""`goalbot serve --http` told to stop (SIGTERM, as a deploy or systemd does) stops every process it started, even
while they are still starting."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from slackfake import FAKE_BOT_TOKEN, FAKE_SIGNING_SECRET
from tests.bot.test_inbox_crash import free_port

ROOT = Path(__file__).resolve().parents[2]


def children(pid: int) -> set[int]:
    """The processes `pid` has started and not yet reaped (Linux)."""
    try:
        return {int(child) for child in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()}
    except FileNotFoundError:
        return set()


def describe(pid: int) -> str:
    """What a process that did not stop was doing: web or after-ack (niced), its signal masks, where it waits."""
    try:
        status = dict(line.split(":\t", 1) for line in Path(f"/proc/{pid}/status").read_text().splitlines()
                      if ":\t" in line)
        nice = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[16]
        wchan = Path(f"/proc/{pid}/wchan").read_text()
    except FileNotFoundError:
        return f"{pid}: gone"
    return (f"{pid}: nice {nice}, threads {status.get('Threads', '?').strip()}, SigBlk {status.get('SigBlk', '').strip()}, "
            f"SigCgt {status.get('SigCgt', '').strip()}, SigPnd {status.get('ShdPnd', '').strip()}, wchan {wchan}")


def alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return Path(f"/proc/{pid}/stat").read_text().split()[2] != "Z"


@pytest.mark.one_database  # what is checked is the processes, not the statements
# The race is one of timing: three tries a run (STOP_ATTEMPTS=40 with -n 8 and four CPU hogs showed it in 3 tries
# of 40 with only the signals held across the fork, and 0 of 80 with the whole fix).
@pytest.mark.parametrize("attempt", range(int(os.environ.get("STOP_ATTEMPTS", "3"))))
def test_serve_told_to_stop_while_its_processes_start_stops_them_all(database_url: str, attempt: int) -> None:
    env = {**os.environ, "DATABASE_URL": database_url, "SLACK_BOT_TOKEN": FAKE_BOT_TOKEN,
           "SLACK_SIGNING_SECRET": FAKE_SIGNING_SECRET, "SLACK_API_URL": "http://127.0.0.1:9/api/",
           "GOALBOT_LOG_LEVEL": "WARNING"}
    env.pop("SLACK_APP_TOKEN", None)
    server = subprocess.Popen([sys.executable, "-m", "bot", "serve", "--http", "--host", "127.0.0.1", "--port",
                               str(free_port()), "--workers", "2", "--after-ack", "1", "--no-scheduler"],
                              cwd=ROOT, env=env, text=True, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    started: set[int] = set()
    deadline = time.monotonic() + 60
    # Stopped the moment its first process exists: the others are not started yet, and that one is still
    # building its app. A process that ran the parent's handler (copied by the fork) served on for ever, and
    # `serve` waited on it; a process started after the stop was never told to stop.
    while not started and time.monotonic() < deadline and server.poll() is None:
        time.sleep(0.002)
        started = children(server.pid)
    assert started, "goalbot serve started no process"
    server.send_signal(signal.SIGTERM)
    try:
        _, errors = server.communicate(timeout=30)
    except subprocess.TimeoutExpired:
        stuck = children(server.pid)
        said = [describe(pid) for pid in stuck]
        server.kill()
        for pid in stuck:
            os.kill(pid, signal.SIGKILL)
        pytest.fail(f"goalbot serve did not stop within 30 s; still running: {said}")
    assert "Traceback" not in errors
    assert not [pid for pid in started if alive(pid)]  # serve reaps each one before it ends
