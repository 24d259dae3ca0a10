"""Planning a week's check-ins for 100,000 active goals: time and peak memory of the planner alone.

    .venv/bin/python bench/checkin_planning.py                      # 100,000 goals, SQLite and PostgreSQL
    .venv/bin/python bench/checkin_planning.py --databases sqlite --goals 20000
    .venv/bin/python bench/checkin_planning.py --old-ref c485201    # also the planner of that commit, side by side

Each run gets a fresh database (a temporary SQLite file, or a private schema on the PostgreSQL server, dropped
afterwards) seeded set-based with the goals, their owners and last week's answered check-ins. A child process
then does only the planning — `PLANNERS["checkins"]` at Monday 30 November 2026 18:00 UTC, when every zone's
Monday 09:00 has come — and reports its wall time and its peak RSS (`resource.getrusage`, the child's own); a
second child plans again (nothing is due any more: the idempotent re-run). With `--old-ref`, the same seed is
planned by the code of that git commit (`git archive` into a temporary directory), and the planned check-ins
of both are compared.

Seed: owners with two goals each, in five time zones, half in Italian; one owner in ten checks in on Friday
16:00 and one in fifty has paused until next week (neither is due); one goal in a hundred was set up after its
owner's moment and one in a hundred is past its deadline (not due either); every kind of goal (reach, revenue,
reduce, maintain, growth); a closed goal for every ten active ones. **Target:** 100,000 goals planned in
≤ 10 s with a peak RSS ≤ 200 MB, on both databases.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]

NOW = datetime(2026, 11, 30, 18, 0, tzinfo=UTC)  # Monday: 09:00 has come in Rome, London, New York, LA and Tokyo
WEEK = date(2026, 11, 30)
LAST_WEEK = date(2026, 11, 23)
TEAM = "T0PLANNING"
ZONES = ("Europe/Rome", "Europe/London", "America/New_York", "Asia/Tokyo", "America/Los_Angeles")
TARGET_SECONDS = 10.0
TARGET_RSS_MB = 200.0
DEFAULT_POSTGRES = "postgresql+psycopg://postgres@127.0.0.1:5432/test"


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--goals", type=int, default=100_000, help="active goals (default 100,000)")
    parser.add_argument("--goals-per-owner", type=int, default=2)
    parser.add_argument("--databases", default="sqlite,postgresql", help="comma-separated: sqlite, postgresql")
    parser.add_argument("--postgres-url", default=DEFAULT_POSTGRES, help="server for a private schema per run")
    parser.add_argument("--old-ref", default=None, help="also plan with the code of this git commit, side by side")
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--code-root", default=str(ROOT), help=argparse.SUPPRESS)
    parser.add_argument("--database-url", default=None, help=argparse.SUPPRESS)
    return parser.parse_args(argv)


# ---------------------------------------------------------------------------------------------- the measured child


def child(args: argparse.Namespace) -> None:
    """Plan once with the code under --code-root and report time and peak RSS, as one JSON line."""
    sys.path.insert(0, args.code_root)
    import bot  # noqa: F401 - imported first so the line below reports which code ran
    from bot.app import make_client
    from bot.clock import FixedClock
    from bot.jobs.registry import PLANNERS
    from bot.runtime import make_deps
    from bot.settings import Settings

    settings = Settings.from_env({
        "DATABASE_URL": args.database_url, "SLACK_API_URL": "http://127.0.0.1:9/api/",
        "GOALBOT_DEFAULT_TZ": "Europe/Rome", "GOALBOT_CHECKIN_AT": "monday 09:00", "GOALBOT_LOG_LEVEL": "WARNING",
    }, env_file=None)
    deps = make_deps(settings, FixedClock(NOW), migrate=False)
    client = make_client("xoxb-bench", settings.api_url)  # never called: every owner's zone is known
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    started = time.perf_counter()
    planned = PLANNERS["checkins"](deps, client, NOW)
    seconds = time.perf_counter() - started
    print(json.dumps({"planned": planned, "seconds": seconds, "rss_before_mb": before,
                      "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
                      "code": str(Path(sys.modules["bot"].__file__ or "").parent.parent)}), flush=True)


# ---------------------------------------------------------------------------------------------- seeding


def _chunks(rows: Iterator[dict[str, Any]], size: int = 10_000) -> Iterator[list[dict[str, Any]]]:
    chunk: list[dict[str, Any]] = []
    for row in rows:
        chunk.append(row)
        if len(chunk) == size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


_KINDS: tuple[dict[str, Any], ...] = (
    {"title": "acquire {n} new clients in healthcare in the next six months", "type": "new_business",
     "metric": "new_clients", "unit": "clients", "direction": "increase", "baseline": 0.0, "target": 10.0,
     "current": 3.0},
    {"title": "grow ARR from €200k to €260k by the end of the quarter", "type": "revenue", "metric": "arr",
     "unit": "EUR", "direction": "increase", "baseline": 200_000.0, "target": 260_000.0, "current": 221_000.0},
    {"title": "ridurre il churn dall'8% al 3% entro l'anno", "type": "retention", "metric": "churn_rate",
     "unit": "%", "direction": "decrease", "baseline": 8.0, "target": 3.0, "current": 6.5},
    {"title": "keep a 90% customer retention rate over the next year", "type": "retention",
     "metric": "retention_rate", "unit": "%", "direction": "maintain", "baseline": None, "target": 90.0,
     "current": 92.0},
    {"title": "aumentare le vendite del prodotto X del 15% nel prossimo trimestre", "type": "revenue",
     "metric": "sales", "unit": "%", "direction": "increase", "baseline": None, "target": 15.0, "current": 4.0},
)


def _owner(n: int) -> str:
    return f"U{n:07d}"


def seed(database_url: str, goals: int, per_owner: int) -> None:
    """Migrate and fill a fresh database set-based: owners, goals (active and closed), last week's check-ins."""
    from sqlalchemy import insert, select

    from storage.db import make_engine
    from storage.migrate import upgrade
    from storage.models import CheckIn, Goal, TeamSettings, UserPref

    engine = make_engine(database_url)
    upgrade(engine)
    created = NOW - timedelta(days=40)
    owners = (goals + per_owner - 1) // per_owner

    def prefs() -> Iterator[dict[str, Any]]:
        for n in range(1, owners + 1):
            friday = n % 10 == 0  # their own moment: Friday 16:00, not due on Monday
            yield {"team_id": TEAM, "user_id": _owner(n), "tz": ZONES[n % len(ZONES)],
                   "lang": "it" if n % 2 else "en", "slack_locale": "it-IT" if n % 2 else "en-US",
                   "profile_fetched_at": created, "checkin_weekday": 4 if friday else None,
                   "checkin_time": "16:00" if friday else None,
                   "paused_until": WEEK + timedelta(days=7) if n % 50 == 7 else None}

    def goal_rows() -> Iterator[dict[str, Any]]:
        for i in range(goals + goals // 10):
            closed = i >= goals
            kind = _KINDS[i % len(_KINDS)]
            late = not closed and i % 100 == 42  # set up after its owner's Monday moment: next week's
            past = not closed and i % 100 == 77  # past its deadline: the review takes over
            yield {**kind, "title": kind["title"].format(n=10 + i % 7), "subject": "healthcare",
                   "team_id": TEAM, "user_id": _owner(i // per_owner % owners + 1),
                   "start_date": date(2026, 10, 1), "deadline": date(2026, 11, 20) if past else date(2027, 6, 30),
                   "confidence": 7, "status": "achieved" if closed else "active", "lang": "it" if i % 2 else "en",
                   "created_at": NOW - timedelta(hours=1) if late else created, "updated_at": created}

    with engine.begin() as conn:
        conn.execute(insert(TeamSettings), [{"team_id": TEAM, "checkin_weekday": 0, "checkin_time": "09:00"}])
        for rows in _chunks(prefs()):
            conn.execute(insert(UserPref), rows)
        for rows in _chunks(goal_rows()):
            conn.execute(insert(Goal), rows)
        ids = [row.id for row in conn.execute(select(Goal.id, Goal.current).where(Goal.status == "active"))]
        checkins = ({"goal_id": goal_id, "week_start": LAST_WEEK, "status": "answered", "value": 3.0,
                     "asked_at": NOW - timedelta(days=7), "answered_at": NOW - timedelta(days=6)} for goal_id in ids)
        for rows in _chunks(checkins):
            conn.execute(insert(CheckIn), rows)
    if engine.dialect.name == "postgresql":
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.exec_driver_sql("ANALYZE")  # as autovacuum would have by Monday
    engine.dispose()


def planned_digest(database_url: str) -> dict[str, Any]:
    """What was planned this week: check-ins and outbox rows counted, and a hash of the (goal, week) pairs."""
    from sqlalchemy import func, select

    from storage.db import make_engine
    from storage.models import CheckIn, OutboxMessage

    engine = make_engine(database_url)
    with engine.connect() as conn:
        pairs = conn.execute(select(CheckIn.goal_id, CheckIn.week_start).where(CheckIn.week_start >= WEEK - timedelta(days=7),
                                                                               CheckIn.asked_at == NOW)
                             .order_by(CheckIn.goal_id)).all()
        outbox = conn.scalar(select(func.count()).select_from(OutboxMessage).where(OutboxMessage.kind == "checkin"))
    engine.dispose()
    digest = hashlib.sha256("\n".join(f"{g}:{w}" for g, w in pairs).encode()).hexdigest()[:12]
    return {"checkins": len(pairs), "outbox": int(outbox or 0), "digest": digest}


# ---------------------------------------------------------------------------------------------- the parent


def run_child(database_url: str, code_root: str) -> dict[str, Any]:
    command = [sys.executable, str(Path(__file__).resolve()), "--child", "--database-url", database_url,
               "--code-root", code_root]
    run = subprocess.run(command, capture_output=True, text=True, timeout=3600, cwd=code_root,
                         env={**os.environ, "PYTHONPATH": code_root})
    if run.returncode != 0:
        raise RuntimeError(f"the planning child failed:\n{run.stderr[-4000:]}")
    result: dict[str, Any] = json.loads(run.stdout.strip().splitlines()[-1])
    return result


def fresh_database(kind: str, args: argparse.Namespace, tmp: str, n: int) -> tuple[str, Callable[[], None]]:
    if kind == "sqlite":
        path = Path(tmp) / f"planning-{n}.db"
        return f"sqlite:///{path}", lambda: path.unlink(missing_ok=True)
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    from _support import postgres_schema

    return postgres_schema(args.postgres_url, prefix="goalbot_bench_planning")


def measure(kind: str, code: str, code_root: str, args: argparse.Namespace, tmp: str, n: int) -> dict[str, Any]:
    from _support import load_average

    url, drop = fresh_database(kind, args, tmp, n)
    try:
        started = time.perf_counter()
        seed(url, args.goals, args.goals_per_owner)
        seeded = time.perf_counter() - started
        load = load_average()
        first = run_child(url, code_root)
        again = run_child(url, code_root)
        planned = planned_digest(url)
    finally:
        drop()
    return {"database": "SQLite" if kind == "sqlite" else "PostgreSQL", "code": code, "seed_seconds": seeded,
            "load": load, "first": first, "again": again, **planned}


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    if args.child:
        child(args)
        return 0
    sys.path.insert(0, str(ROOT))
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    results: list[dict[str, Any]] = []
    with tempfile.TemporaryDirectory(prefix="goalbot-bench-planning-") as tmp:
        codes = [("this branch", str(ROOT))]
        if args.old_ref:
            old_root = Path(tmp) / "old"
            old_root.mkdir()
            from _support import old_code

            codes.append((f"old ({args.old_ref})", old_code(args.old_ref, str(old_root))))
        n = 0
        for kind in [k.strip() for k in args.databases.split(",") if k.strip()]:
            for code, root in codes:
                n += 1
                result = measure(kind, code, root, args, tmp, n)
                results.append(result)
                print(f"# {result['database']}, {code}: seeded in {result['seed_seconds']:.1f} s; "
                      f"planned {result['first']['planned']:,} in {result['first']['seconds']:.1f} s", flush=True)
    print()
    print("| database | code | active goals | planned | time s | peak RSS MB | RSS before planning MB "
          "| re-run planned | re-run s | load avg |")
    print("|---|---|---|---|---|---|---|---|---|---|")
    for r in results:
        first, again = r["first"], r["again"]
        print(f"| {r['database']} | {r['code']} | {args.goals:,} | {first['planned']:,} | {first['seconds']:.1f} "
              f"| {first['peak_rss_mb']:.0f} | {first['rss_before_mb']:.0f} | {again['planned']:,} "
              f"| {again['seconds']:.1f} | {r['load']} |")
    ok = True
    for r in results:
        same = r["checkins"] == r["outbox"] == r["first"]["planned"]
        print(f"{r['database']}, {r['code']} (code in {r['first']['code']}): {r['checkins']:,} check-ins and {r['outbox']:,} outbox rows "
              f"(planned set {r['digest']}){'' if same else ' — MISMATCH'}")
        ok = ok and same and r["again"]["planned"] == 0
    by_db: dict[str, set[str]] = {}
    for r in results:
        by_db.setdefault(r["database"], set()).add(r["digest"])
    for database, digests in by_db.items():
        if len(results) > len(by_db):
            print(f"{database}: {'the same check-ins planned by every version' if len(digests) == 1 else 'DIFFERENT check-ins planned'}")
        ok = ok and len(digests) == 1
    mine = [r for r in results if r["code"] == "this branch"]
    met = all(r["first"]["seconds"] <= TARGET_SECONDS and r["first"]["peak_rss_mb"] <= TARGET_RSS_MB for r in mine)
    print(f"\ntarget (≤ {TARGET_SECONDS:.0f} s, peak RSS ≤ {TARGET_RSS_MB:.0f} MB, re-run plans nothing): "
          f"{'met' if met and ok else 'NOT met'}")
    return 0 if met and ok else 1


if __name__ == "__main__":
    sys.exit(main())
