"""Building a manager's weekly message, side by side with the team digest for the same people.

A manager with 50 reports × 3 goals × 52 weeks of check-ins (and, to show the count does not grow, one with 5
reports), in one database with objectives the goals align to. Both builds load, compute and render; every SQL
statement is counted.

    .venv/bin/python bench/manager_week.py [--runs 21] [--database-url postgresql+psycopg://postgres@127.0.0.1:5432/test]

Target: the manager's week under 100 ms for 50 reports, with a number of queries independent of team size.
"""

from __future__ import annotations

import argparse
import gc
import random
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

from sqlalchemy import Engine, insert, update

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from digest import NOW, TEAM, TZ, QueryCounter, Size, open_database, percentile, seed

from bot.blocks.manager_week import manager_week
from bot.services.digests import build_digest
from bot.services.manager_week import build_manager_week
from storage.db import make_session_factory
from storage.models import Goal, Objective, ReportingLine

TARGET_MS = 100.0


def seed_team(engine: Engine, reports: int, *, prefix: str, manager: str, rng: random.Random) -> list[str]:
    """The manager's reports with three goals each and 52 weeks of check-ins; a third of the goals aligned."""
    members = seed(engine, Size(reports, reports * 3, reports * 3 * 52), prefix=prefix, rng=rng)
    owners = [m for m in members if m.startswith(prefix) and "X" not in m[len(prefix):]]
    with engine.begin() as conn:
        conn.execute(insert(ReportingLine), [dict(team_id=TEAM, user_id=o, manager_id=manager, set_by=manager,
                                                  set_at=NOW) for o in owners])
        objective = conn.execute(insert(Objective).values(
            team_id=TEAM, title=f"Objective of {manager}", unit="EUR", target=5_000_000.0, owner_id=manager,
            active=True, created_at=NOW).returning(Objective.id)).scalar_one()
        conn.execute(update(Goal).where(Goal.user_id.startswith(prefix), Goal.id % 3 == 0)
                     .values(objective_id=objective))
    return owners


def timed(engine: Engine, runs: int, build: Callable[[], object]) -> dict[str, float]:
    """Run `build` runs times after a warm-up; its p50, p95 and SQL statements per run."""
    counter = QueryCounter(engine)
    timings: list[float] = []
    queries: set[int] = set()
    for run in range(runs + 1):
        gc.collect()
        counter.count, counter.enabled = 0, True
        started = time.perf_counter()
        build()
        elapsed = (time.perf_counter() - started) * 1000
        counter.enabled = False
        if run:
            timings.append(elapsed)
            queries.add(counter.count)
    return {"p50": statistics.median(timings), "p95": percentile(timings, 0.95), "queries": max(queries),
            "queries_vary": float(len(queries) > 1)}


def main() -> int:
    """Seed two managers' teams, build each manager's week and the same people's digest, print the table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=21)
    parser.add_argument("--database-url", default=None, help="default: a temporary SQLite file")
    args = parser.parse_args()
    engine, cleanup = open_database(args.database_url)
    sessions = make_session_factory(engine)
    rng = random.Random(11)
    try:
        rows = []
        for number, reports in enumerate((50, 5)):
            manager = f"UMGR{number}"
            owners = seed_team(engine, reports, prefix=f"U{number}R", manager=manager, rng=rng)

            def week(manager: str = manager) -> object:
                with sessions() as session:
                    built = build_manager_week(session, team_id=TEAM, manager_id=manager, now=NOW, tz=TZ, lang="it")
                    return manager_week("it", built).payload()

            def digest(owners: list[str] = owners) -> object:
                with sessions() as session:
                    built = build_digest(session, team_id=TEAM, member_ids=owners, now=NOW, tz=TZ, lang="it")
                    return [message.payload() for message in built.messages]

            rows.append((reports, timed(engine, args.runs, week), timed(engine, args.runs, digest)))
        print(f"database: {engine.dialect.name}; {args.runs} timed runs each after a warm-up; 3 goals × 52 weeks "
              "of check-ins per report")
        header = f"{'reports':>7} {'build':>14} {'p50 ms':>7} {'p95 ms':>7} {'SQL':>4}"
        print(header)
        print("-" * len(header))
        for reports, week_result, digest_result in rows:
            for name, result in (("manager's week", week_result), ("team digest", digest_result)):
                print(f"{reports:>7} {name:>14} {result['p50']:>7.1f} {result['p95']:>7.1f} {result['queries']:>4.0f}")
        big = rows[0][1]
        constant = rows[0][1]["queries"] == rows[1][1]["queries"] and not any(r[1]["queries_vary"] for r in rows)
        verdict = "met" if big["p95"] < TARGET_MS else "NOT met"
        print(f"\nmanager's week, 50 reports: p95 {big['p95']:.1f} ms; target {TARGET_MS:.0f} ms: {verdict}")
        print(f"SQL statements per build: {big['queries']:.0f} — {'the same' if constant else 'NOT the same'} "
              "for 5 and 50 reports")
    finally:
        cleanup()
    return 0


if __name__ == "__main__":
    sys.exit(main())
