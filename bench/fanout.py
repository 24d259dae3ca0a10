"""Weekly fan-out benchmark: plan check-ins for N goal owners, then deliver them through the outbox.

    .venv/bin/python bench/fanout.py                      # 10,000 owners, SQLite, 5,000 posts/min
    .venv/bin/python bench/fanout.py --database postgresql+psycopg://postgres@127.0.0.1:5432/test
    .venv/bin/python bench/fanout.py --owners 2000 --goals-per-owner 3
    .venv/bin/python bench/fanout.py --source outbox      # goalbot only delivers: its memory is the engine's

The parent process runs the fake Slack Web API (slackfake/web_api.py) with per-channel and
workspace-wide limits plus random 429s and 500s; a child process is goalbot: it runs the real check-in
planner (bot/jobs/checkins.py) and then the real delivery (`run_job(..., "outbox")`), and reports its own
peak RSS. Keeping the fake out of the measured process keeps both the time and the memory honest.

Minimum time: the fake's workspace bucket starts full (Slack counts per-minute windows, so a minute's budget
may go at once) and refills at W/60 per second, so N posts need at least (N - W) / (W / 60) seconds; a
channel with k posts needs (k - burst) seconds at one per second. The minimum is the larger of the two.
Target: delivery within 1.2x of it, 0 duplicates, 0 lost, peak RSS under 200 MB.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))  # bench/_support.py

MONDAY = datetime(2026, 11, 30, 10, 0, tzinfo=UTC)  # 11:00 in Rome: every owner's Monday 09:00 has come
TEAM = "T0001"


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--owners", type=int, default=10_000, help="goal owners (one DM each)")
    parser.add_argument("--goals-per-owner", type=int, default=1, help="check-ins per DM (exercises the per-channel limit)")
    parser.add_argument("--workspace-per-minute", type=int, default=5_000,
                        help="the fake's (and goalbot's) chat.postMessage budget per minute")
    parser.add_argument("--per-channel-per-second", type=float, default=1.0)
    parser.add_argument("--burst", type=int, default=1, help="per-channel burst the fake allows")
    parser.add_argument("--inject-429", type=float, default=0.01, help="share of posts answered 429 at random")
    parser.add_argument("--inject-500", type=float, default=0.01, help="share of posts answered 500 at random")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--source", choices=("checkins", "outbox"), default="checkins",
                        help="checkins: the real check-in planner plans in the goalbot process (default); "
                             "outbox: the messages are enqueued beforehand, so goalbot only delivers")
    parser.add_argument("--database", default=None, help="PostgreSQL URL (default: a temporary SQLite file)")
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--api-url", default=None, help=argparse.SUPPRESS)
    return parser.parse_args(argv)


# ---------------------------------------------------------------------------------------------- the goalbot side


def child(args: argparse.Namespace) -> None:
    """The measured process: plan with the real check-in planner, deliver with the real engine, report."""
    from bot.app import make_client
    from bot.clock import FixedClock
    from bot.delivery.outbox import pending_count
    from bot.jobs.registry import PLANNERS
    from bot.jobs.runner import run_job
    from bot.runtime import make_deps
    from bot.settings import Settings
    from slackfake import FAKE_BOT_TOKEN

    settings = Settings.from_env({
        "DATABASE_URL": args.database, "SLACK_API_URL": args.api_url, "GOALBOT_DEFAULT_TZ": "Europe/Rome",
        "GOALBOT_CHECKIN_AT": "monday 09:00", "GOALBOT_LOG_LEVEL": "WARNING",
        "GOALBOT_SLACK_POSTS_PER_MINUTE": str(args.workspace_per_minute),
    }, env_file=None)
    deps = make_deps(settings, FixedClock(MONDAY), migrate=False)
    client = make_client(FAKE_BOT_TOKEN, settings.api_url)
    started = time.monotonic()
    if args.source == "checkins":
        planned = PLANNERS["checkins"](deps, client, MONDAY)
    else:
        with deps.sessions() as session:
            planned = pending_count(session)
    plan_seconds = time.monotonic() - started
    rss_after_plan = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps({"event": "planned", "planned": planned}), flush=True)
    started = time.monotonic()
    summary = run_job(deps, client, "outbox", now=MONDAY)
    deliver_seconds = time.monotonic() - started
    print(json.dumps({
        "event": "done", "planned": planned, "plan_seconds": plan_seconds, "deliver_seconds": deliver_seconds,
        "summary": summary, "rss_after_plan_mb": rss_after_plan,
        "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    }), flush=True)


# ---------------------------------------------------------------------------------------------- the Slack side


def seed(database_url: str, owners: int, goals_per_owner: int, source: str) -> None:
    """Migrate and fill the database: owners with a known time zone, each with active goals (or, for
    --source outbox, their check-in messages already in the outbox)."""
    from sqlalchemy import insert

    from bot.delivery.outbox import enqueue
    from storage.db import make_engine, make_session_factory
    from storage.migrate import upgrade
    from storage.models import Goal, UserPref

    engine = make_engine(database_url)
    upgrade(engine)
    sessions = make_session_factory(engine)
    created = MONDAY - timedelta(days=30)
    prefs: list[dict[str, Any]] = []
    goals: list[dict[str, Any]] = []
    for n in range(1, owners + 1):
        user = f"U{n:05d}"
        # A known zone (as after the owner's first chat): the planner makes no users.info call.
        prefs.append({"team_id": TEAM, "user_id": user, "tz": "Europe/Rome", "lang": "en",
                      "profile_fetched_at": created})
        for g in range(goals_per_owner):
            goals.append({
                "team_id": TEAM, "user_id": user, "title": f"acquire {10 + g} new clients in the next six months",
                "type": "count", "subject": "clients", "metric": "clients", "unit": None, "direction": "increase",
                "baseline": 0.0, "target": float(10 + g), "current": float(g), "start_date": date(2026, 10, 31),
                "deadline": date(2027, 4, 30), "confidence": 7, "status": "active", "lang": "en",
                "created_at": created, "updated_at": created,
            })
    with sessions() as session:
        session.execute(insert(UserPref), prefs)
        session.execute(insert(Goal), goals)
        if source == "outbox":
            # Exactly what a planner writes: one row per message, keyed, with Block Kit in the payload.
            for goal_id, goal in enumerate(goals, start=1):
                text = f"How is *{goal['title']}* going this week?"
                enqueue(session, key=f"checkin:{goal_id}:2026-11-30", kind="checkin", team_id=TEAM,
                        channel=goal["user_id"], now=MONDAY, ref_id=goal_id, payload={
                            "text": text, "blocks": [{"type": "section", "text": {"type": "mrkdwn", "text": text}}]})
        session.commit()
    engine.dispose()


def minimum_seconds(args: argparse.Namespace) -> float:
    """The least time the fake's limits allow for the whole fan-out (see the module docstring)."""
    n = args.owners * args.goals_per_owner
    w = args.workspace_per_minute
    workspace = max(0, n - w) / (w / 60.0)
    channel = max(0, args.goals_per_owner - args.burst) / args.per_channel_per_second
    return float(max(workspace, channel))


def outbox_counts(database_url: str) -> dict[str, int]:
    from sqlalchemy import func, select

    from storage.db import make_engine
    from storage.models import OutboxMessage

    engine = make_engine(database_url)
    with engine.connect() as conn:
        rows = conn.execute(select(OutboxMessage.status, func.count()).group_by(OutboxMessage.status)).all()
    engine.dispose()
    return {status: count for status, count in rows}


def parent(args: argparse.Namespace) -> int:
    from _support import postgres_schema

    from slackfake.web_api import FakeSlackWebAPI

    drop = None
    tmp = None
    if args.database:
        database_url, drop = postgres_schema(args.database)
        backend = "PostgreSQL"
    else:
        tmp = tempfile.TemporaryDirectory(prefix="goalbot-bench-")
        database_url = f"sqlite:///{tmp.name}/fanout.db"
        backend = "SQLite"
    n = args.owners * args.goals_per_owner
    fake = FakeSlackWebAPI(record_calls=False).start()
    try:
        for i in range(1, args.owners + 1):
            fake.add_user(f"U{i:05d}", name=f"owner{i}", tz="Europe/Rome")
        seed(database_url, args.owners, args.goals_per_owner, args.source)
        fake.enforce_limits(per_channel_per_second=args.per_channel_per_second, burst=args.burst,
                            workspace_per_minute=args.workspace_per_minute, inject_429_ratio=args.inject_429,
                            inject_500_ratio=args.inject_500, seed=args.seed)
        command = [sys.executable, str(Path(__file__).resolve()), "--child", "--database", database_url,
                   "--api-url", fake.base_url, "--workspace-per-minute", str(args.workspace_per_minute),
                   "--source", args.source]
        run = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=3600,
                             env={**os.environ, "PYTHONPATH": str(ROOT)})
        if run.returncode != 0:
            print(run.stderr, file=sys.stderr)
            return run.returncode
        report = json.loads(run.stdout.strip().splitlines()[-1])
        stats = fake.stats()
        posted: dict[str, int] = {}
        for message in fake.messages():
            key = ((message.get("metadata") or {}).get("event_payload") or {}).get("key")
            if key:
                posted[key] = posted.get(key, 0) + 1
        counts = outbox_counts(database_url)
    finally:
        fake.stop()
        if drop is not None:
            drop()
        if tmp is not None:
            tmp.cleanup()

    expected = report["planned"]
    lost = max(0, expected - len(posted))
    duplicates = stats["duplicates"]
    minimum = minimum_seconds(args)
    actual = report["deliver_seconds"]
    ratio = actual / minimum if minimum else float("inf")
    limits = (f"{args.per_channel_per_second:g}/s/channel (burst {args.burst}), "
              f"{args.workspace_per_minute:,}/min workspace, {args.inject_429:.0%} 429s, {args.inject_500:.0%} 500s")
    rows = [
        ("N (check-ins)", f"{n:,}"),
        ("database", backend),
        ("limits", limits),
        ("minimum time", f"{minimum:.1f} s"),
        ("actual time (delivery)", f"{actual:.1f} s"),
        ("ratio", f"{ratio:.3f}"),
        ("duplicates", str(duplicates)),
        ("lost", str(lost)),
        ("429s", str(stats["rejected_429"])),
        ("500s", str(stats["rejected_500"])),
        ("peak RSS MB (goalbot)", f"{report['peak_rss_mb']:.0f} ({report['rss_after_plan_mb']:.0f} after planning)"),
        ("planning time", f"{report['plan_seconds']:.1f} s ({report['planned']:,} planned)"
                          if args.source == "checkins" else f"enqueued beforehand ({report['planned']:,})"),
        ("outbox rows", ", ".join(f"{k} {v:,}" for k, v in sorted(counts.items()))),
    ]
    width = max(len(name) for name, _ in rows)
    print("| " + "metric".ljust(width) + " | value |")
    print("|-" + "-" * width + "-|-------|")
    for name, value in rows:
        print(f"| {name.ljust(width)} | {value} |")
    ok = ratio <= 1.2 and duplicates == 0 and lost == 0 and report["peak_rss_mb"] < 200 and expected == n
    print(f"\ntarget (<= 1.2x, 0 duplicates, 0 lost, < 200 MB): {'met' if ok else 'NOT met'}")
    return 0 if ok else 1


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    if args.child:
        child(args)
        return 0
    return parent(args)


if __name__ == "__main__":
    sys.exit(main())
