"""Building one team digest: loading from the database, computing every goal's standing, rendering Block Kit.

The channel's member list is given (the Slack calls are not part of the build); the chart is rendered too but
timed separately. Every SQL statement the build sends is counted with a `before_cursor_execute` listener, for a
500-member team and a 50-member one, to show the count does not grow with the team.

    .venv/bin/python bench/digest.py [--runs 9] [--database-url postgresql+psycopg://postgres@127.0.0.1:5432/test]

Target: p95 at most 100 ms for 500 members, 2,000 goals and 100,000 check-ins, with a constant number of queries.
SQLite (a temporary file) is the default; with a PostgreSQL URL the tables are created in a private schema
that is dropped at the end.
"""

from __future__ import annotations

import argparse
import gc
import random
import statistics
import sys
import tempfile
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import Engine, create_engine, event, insert, text

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bot.blocks.common import MAX_BLOCKS
from bot.blocks.digests import digest_messages
from bot.charts import team_progress_png
from bot.services.digests import build_digest, digest_view, row_goal
from storage.db import make_engine, make_session_factory
from storage.migrate import upgrade
from storage.models import CheckIn, Goal
from storage.repositories import digest_rows

TEAM = "T0001"
NOW = datetime(2026, 11, 27, 15, 0, tzinfo=UTC)  # a Friday afternoon in Rome
TZ = "Europe/Rome"
TARGET_MS = 100.0
UNITS = (("EUR", 250_000.0), ("USD", 120_000.0), ("clients", 12.0), ("deals", 20.0), ("%", 15.0),
         ("meetings", 40.0))
MOODS = ("on_track", "on_track", "on_track", "at_risk", "blocked")


@dataclass(frozen=True)
class Size:
    """One scenario: channel members (plus a few bots and people without goals), goals and check-ins."""

    members: int
    goals: int
    checkins: int


def seed(engine: Engine, size: Size, *, prefix: str, rng: random.Random) -> list[str]:
    """Write the team's goals and check-ins; return the channel's member ids (with bots and goal-less people)."""
    owners = [f"{prefix}{n:04d}" for n in range(size.members)]
    weeks = size.checkins // size.goals
    start = NOW.date() - timedelta(weeks=weeks + 1)
    goal_rows: list[dict[str, Any]] = []
    for n in range(size.goals):
        unit, target = UNITS[n % len(UNITS)]
        metric, direction = "sales", "increase"
        baseline: float | None = 0.0
        if n % 10 == 8:  # every kind of goal: a reduce goal and a maintain goal in every ten
            unit, target, metric, direction, baseline = "%", 3.0, "churn_rate", "decrease", 8.0
        elif n % 10 == 9:
            unit, target, metric, direction = "%", 90.0, "retention_rate", "maintain"
            baseline = None  # a threshold held, no starting point
        current = target * rng.uniform(0.05, 1.05) if direction != "maintain" else rng.uniform(85, 97)
        goal_rows.append(dict(
            team_id=TEAM, user_id=owners[n % size.members], title=f"Goal {n} <!channel> & co", type="revenue",
            metric=metric, unit=unit, direction=direction, baseline=baseline, target=target, current=current,
            start_date=start, deadline=start + timedelta(weeks=weeks + 12), status="active", lang="en",
            created_at=NOW, updated_at=NOW, adjusted_at=NOW if n % 17 == 0 else None,
        ))
    with engine.begin() as conn:
        conn.execute(insert(Goal), goal_rows)
        goal_ids = [row[0] for row in conn.execute(
            text("SELECT id FROM goals WHERE user_id LIKE :p ORDER BY id"), {"p": f"{prefix}%"})]
        batch = []
        for goal_id, row in zip(goal_ids, goal_rows, strict=True):
            for week in range(weeks):
                week_start = start + timedelta(weeks=week)
                value = row["current"] * (week + 1) / weeks
                answered = datetime.combine(week_start, datetime.min.time(), tzinfo=UTC) + timedelta(days=2)
                batch.append(dict(
                    goal_id=goal_id, week_start=week_start, status="answered", value=value,
                    mood=MOODS[(goal_id + week) % len(MOODS)], note=f"week {week}: <@U999> called",
                    blocker="legal review <!here>" if (goal_id + week) % len(MOODS) == 4 else None,
                    asked_at=answered, answered_at=answered,
                ))
                if len(batch) >= 10_000:
                    conn.execute(insert(CheckIn), batch)
                    batch = []
        if batch:
            conn.execute(insert(CheckIn), batch)
    # Members without goals and bots are in the channel too: they must cost nothing.
    return owners + [f"{prefix}X{n:03d}" for n in range(size.members // 10)] + ["UBOT", "USLACKBOT"]


class QueryCounter:
    """Counts SQL statements sent through an engine while enabled."""

    def __init__(self, engine: Engine) -> None:
        self.count = 0
        self.enabled = False
        event.listen(engine, "before_cursor_execute", self._on_execute)

    def _on_execute(self, *_args: object) -> None:
        if self.enabled:
            self.count += 1


def percentile(values: list[float], share: float) -> float:
    """The nearest-rank percentile of `values`."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(share * len(ordered) + 0.5) - 1))]


def measure(engine: Engine, members: list[str], runs: int) -> dict[str, float]:
    """Build the digest `runs` times (after one warm-up) and time it, then each stage, then the chart."""
    sessions = make_session_factory(engine)
    counter = QueryCounter(engine)
    timings: list[float] = []
    queries: set[int] = set()
    built = None
    payloads: list[dict[str, object]] = []
    for run in range(runs + 1):
        gc.collect()  # every run starts with the same heap; the collections the build itself causes still count
        counter.count, counter.enabled = 0, True
        started = time.perf_counter()
        with sessions() as session:
            built = build_digest(session, team_id=TEAM, member_ids=members, now=NOW, tz=TZ, lang="it")
            payloads = [message.payload() for message in built.messages]  # rendering includes the JSON dicts
        elapsed = (time.perf_counter() - started) * 1000
        counter.enabled = False
        if run:  # the first run warms caches (prompts, Babel locale data, SQLAlchemy compiled statements)
            timings.append(elapsed)
            queries.add(counter.count)
    assert built is not None
    assert all(len(p.get("blocks", [])) <= MAX_BLOCKS for p in payloads)  # type: ignore[arg-type]
    stages: dict[str, list[float]] = {"sql": [], "compute": [], "render": []}
    zone = ZoneInfo(TZ)
    today = NOW.astimezone(zone).date()
    monday = today - timedelta(days=today.weekday())
    since = datetime.combine(monday, datetime.min.time(), tzinfo=zone)
    for _ in range(runs):
        gc.collect()
        with sessions() as session:
            t0 = time.perf_counter()
            rows = digest_rows(session, TEAM, members, since, monday)
            t1 = time.perf_counter()
            view = digest_view([row_goal(r, zone, today=today) for r in rows], lang="it",
                               week_start=monday, today=today)
            t2 = time.perf_counter()
            [message.payload() for message in digest_messages(view)]
            t3 = time.perf_counter()
        for name, (a, b) in {"sql": (t0, t1), "compute": (t1, t2), "render": (t2, t3)}.items():
            stages[name].append((b - a) * 1000)
    chart_ms = []
    png = b""
    for _ in range(3):
        started = time.perf_counter()
        png = team_progress_png(built.view)
        chart_ms.append((time.perf_counter() - started) * 1000)
    return {
        "goals": len(built.view.goals), "people": len(built.view.people), "messages": len(built.messages),
        "p50": statistics.median(timings), "p95": percentile(timings, 0.95), "queries": max(queries),
        "queries_vary": len(queries) > 1, "chart_ms": statistics.median(chart_ms), "chart_kb": len(png) / 1024,
        **{name: statistics.median(values) for name, values in stages.items()},
    }


def open_database(url: str | None) -> tuple[Engine, Callable[[], None]]:
    """A migrated empty database and a function that removes it."""
    if url is None or url.startswith("sqlite"):
        folder = tempfile.TemporaryDirectory()
        engine = make_engine(url or f"sqlite:///{folder.name}/bench.db")
        upgrade(engine)

        def remove() -> None:
            engine.dispose()
            folder.cleanup()

        return engine, remove
    schema = f"goalbot_bench_{uuid.uuid4().hex[:8]}"
    admin = create_engine(url)
    with admin.begin() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    separator = "&" if "?" in url else "?"
    engine = make_engine(f"{url}{separator}options=-csearch_path%3D{schema}")
    upgrade(engine)

    def drop() -> None:
        engine.dispose()
        with admin.begin() as conn:
            conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()

    return engine, drop


def main() -> int:
    """Seed both teams into one database, measure each, print the table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=9)
    parser.add_argument("--database-url", default=None, help="default: a temporary SQLite file")
    args = parser.parse_args()
    engine, cleanup = open_database(args.database_url)
    rng = random.Random(7)
    try:
        sizes = [Size(500, 2_000, 100_000), Size(50, 200, 10_000)]
        rows = []
        for number, size in enumerate(sizes):
            started = time.perf_counter()
            members = seed(engine, size, prefix=f"U{number}", rng=rng)
            if engine.dialect.name == "postgresql":
                with engine.begin() as conn:
                    conn.execute(text("ANALYZE"))  # as autovacuum would have by the time a digest is due
            seeded = time.perf_counter() - started
            result = measure(engine, members, args.runs)
            rows.append((size, len(members), result, seeded))
        print(f"database: {engine.dialect.name}; both teams in one database "
              f"({sum(s.checkins for s in sizes):,} check-ins); {args.runs} timed runs each after a warm-up")
        header = (f"{'members':>8} {'in channel':>10} {'goals':>6} {'check-ins':>9} {'messages':>8} {'p50 ms':>7} "
                  f"{'p95 ms':>7} {'SQL':>4} {'sql ms':>7} {'compute':>7} {'render':>7} {'chart ms':>8}")
        print(header)
        print("-" * len(header))
        for size, in_channel, r, _seeded in rows:
            print(f"{size.members:>8} {in_channel:>10} {r['goals']:>6} {size.checkins:>9,} {r['messages']:>8} "
                  f"{r['p50']:>7.1f} {r['p95']:>7.1f} {r['queries']:>4} {r['sql']:>7.1f} {r['compute']:>7.1f} "
                  f"{r['render']:>7.1f} {r['chart_ms']:>8.1f}")
        print("(SQL = statements per build; sql/compute/render = p50 of each stage; the chart is not in the build; "
              f"its PNG is {rows[0][2]['chart_kb']:.0f} KB)")
        big = rows[0][2]
        constant = len({r["queries"] for _, _, r, _ in rows}) == 1 and not any(r["queries_vary"] for _, _, r, _ in rows)
        verdict = "met" if big["p95"] <= TARGET_MS else "NOT met"
        print(f"\nbuild (load + compute + render), 500 members: p95 {big['p95']:.1f} ms; "
              f"target {TARGET_MS:.0f} ms: {verdict}")
        print(f"SQL statements per build: {big['queries']} — {'the same' if constant else 'NOT the same'} "
              "for 50 and 500 members")
    finally:
        cleanup()
    return 0


if __name__ == "__main__":
    sys.exit(main())
