"""What OAuth mode adds to each request's ack path: the installed-workspace check (bot/edge/tenancy.py
InstalledTenancy, one find_bot) and Bolt's authorize from the installation store (one find_bot; auth.test is
cached by token after the first request), against single-token mode's check (a comparison in memory).

    .venv/bin/python bench/installs.py [--requests 2000] [--workspaces 500] [--database-url postgresql+psycopg://…]

Prints p50/p99 per request in milliseconds for each mode; nothing to meet, numbers to watch.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from pathlib import Path

from slack_bolt import BoltContext
from slack_sdk.oauth.installation_store import Installation

from bot.edge.payloads import Identity
from bot.edge.tenancy import Tenancy, tenancy_for
from bot.installs import authorize, installation_store, make_client
from bot.settings import Settings
from slackfake import FakeSlackWebAPI
from storage.db import make_engine
from storage.migrate import upgrade


def percentiles(samples: list[float]) -> str:
    """p50 and p99 in milliseconds."""
    ordered = sorted(samples)
    return (f"p50 {statistics.median(ordered) * 1000:.3f} ms, "
            f"p99 {ordered[int(len(ordered) * 0.99) - 1] * 1000:.3f} ms")


def main() -> None:
    """Install `--workspaces` workspaces, then time each mode's per-request checks."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=2000)
    parser.add_argument("--workspaces", type=int, default=500)
    parser.add_argument("--database-url", default=None)
    args = parser.parse_args()
    folder = tempfile.mkdtemp(prefix="goalbot-bench-installs-")
    url = args.database_url or f"sqlite:///{Path(folder) / 'installs.db'}"
    engine = make_engine(url)
    upgrade(engine)
    fake = FakeSlackWebAPI(record_calls=False).start()
    settings = Settings.from_env({"DATABASE_URL": url, "SLACK_API_URL": fake.base_url, "SLACK_CLIENT_ID": "1.2",
                                  "SLACK_CLIENT_SECRET": "s"}, env_file=None)
    store = installation_store(engine, "1.2")
    teams = [f"TB{n:07d}" for n in range(args.workspaces)]
    for team in teams:
        store.save(Installation(app_id="A0001", team_id=team, bot_token=f"xoxb-{team}", bot_id="B1",
                                bot_user_id="UBOT", user_id="U1"))
    installed = tenancy_for(settings, None, store)
    single = Tenancy(team_id=teams[0], app_id=None, enterprise_id=None, client=None)
    bolt_authorize = authorize(settings, store)
    client = make_client(None, fake.base_url)
    rows: dict[str, list[float]] = {"single-token tenancy": [], "OAuth tenancy (find_bot)": [],
                                    "OAuth tenancy + Bolt authorize": []}
    for number in range(args.requests):
        team = teams[number % len(teams)]
        identity = Identity(team_id=team, api_app_id="A0001", enterprise_id=None, user_id="U1")
        started = time.perf_counter()
        single.foreign(Identity(team_id=teams[0], api_app_id="A0001", enterprise_id=None, user_id="U1"))
        rows["single-token tenancy"].append(time.perf_counter() - started)
        started = time.perf_counter()
        assert installed.foreign(identity) is None
        rows["OAuth tenancy (find_bot)"].append(time.perf_counter() - started)
        context = BoltContext(client=client)
        started = time.perf_counter()
        installed.foreign(identity)
        result = bolt_authorize(context=context, enterprise_id=None, team_id=team, user_id="U1")
        rows["OAuth tenancy + Bolt authorize"].append(time.perf_counter() - started)
        assert result is not None and result.bot_token == f"xoxb-{team}"
    print(f"{engine.dialect.name}, {args.workspaces} workspaces installed, {args.requests} requests "
          "(the first request of each workspace also pays auth.test, then it is cached):")
    for name, samples in rows.items():
        print(f"  {name:32} {percentiles(samples)}")
    fake.stop()
    engine.dispose()


if __name__ == "__main__":
    main()
