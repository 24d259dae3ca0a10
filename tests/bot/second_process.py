"""A second goalbot process for concurrency tests: its own interpreter, engine and Bolt app, the same database and Slack.

Run as `python -m tests.bot.second_process DATABASE_URL API_URL NOW_ISO`. It reads one JSON line of signed
requests ([body, headers] pairs) on stdin, says "ready", waits for "go", dispatches them all at once, waits until
its listeners are done and prints the HTTP statuses as one JSON line.
"""

from __future__ import annotations

import dataclasses
import json
import sys
import threading
from datetime import datetime

from bot.app import build_app
from bot.clock import FixedClock
from bot.runtime import make_deps
from slackfake import FAKE_BOT_TOKEN, FAKE_SIGNING_SECRET, SlackRequestFactory
from tests.bot.conftest import make_settings


def main(database_url: str, api_url: str, now: str) -> None:
    """Serve the requests given on stdin as another process would."""
    settings = dataclasses.replace(make_settings(database_url), api_url=api_url, bot_token=FAKE_BOT_TOKEN,
                                   signing_secret=FAKE_SIGNING_SECRET, app_token=None)
    deps = make_deps(settings, FixedClock(datetime.fromisoformat(now)), migrate=False)
    app = build_app(deps)
    requests = json.loads(sys.stdin.readline())
    statuses: list[int] = [0] * len(requests)
    gate = threading.Barrier(len(requests) + 1)

    def send(index: int, body: str, headers: dict[str, str]) -> None:
        gate.wait()
        statuses[index] = app.dispatch(SlackRequestFactory.bolt_request(body, headers)).status

    threads = [threading.Thread(target=send, args=(i, body, headers)) for i, (body, headers) in enumerate(requests)]
    for thread in threads:
        thread.start()
    print("ready", flush=True)
    sys.stdin.readline()  # "go"
    gate.wait()
    for thread in threads:
        thread.join()
    if not deps.executor.wait_idle(60):
        raise SystemExit("the second process was still working after 60 s")
    deps.executor.shutdown(wait=True)
    print(json.dumps(statuses), flush=True)


if __name__ == "__main__":
    main(*sys.argv[1:4])
