"""Building one team digest: loading from the database, computing every goal's standing, rendering Block Kit.

The channel's member list is given (the Slack calls are not part of the build); the chart is rendered too but
timed separately. Each build runs as bot.services.digests.queue_digest runs it in the worker: the process's heap
settled (bot.heap.settle) and the collector paused until the digest is dropped; "resume ms" is the collection
owed when it resumes. With --old-ref, the older commit's child builds as that code did (no pause where it had
none). Every SQL statement the build sends is counted with a `before_cursor_execute` listener, for a
500-member team and a 50-member one, to show the count does not grow with the team (on PostgreSQL a team of 100
or more is read in two parts, the second on another connection while the first is computed: one more).

    .venv/bin/python bench/digest.py [--runs 9] [--database-url postgresql+psycopg://postgres@127.0.0.1:5432/test]
    .venv/bin/python bench/digest.py --old-ref main    # that commit's code and this one, alternating build by build

Target: p95 at most 100 ms for 500 members, 2,000 goals and 100,000 check-ins, with a constant number of queries.
SQLite (a temporary file) is the default; with a PostgreSQL URL the tables are created in a private schema
that is dropped at the end.

With --old-ref, two child processes (the commit's code and this one, each importing only its own tree) build
the digests of the same seeded database in turn, old-new then new-old, so the machine's noise falls on both
alike; the digests' payloads are compared as JSON text. "cpu ms" is the CPU the build cost: the building thread's,
plus on PostgreSQL the server backend's (/proc/<pid>/schedstat), steadier than wall time on a shared machine.
"""

from __future__ import annotations

import argparse
import contextlib
import gc
import hashlib
import json
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

# A child measuring another commit's code (--code-root) imports that tree's bot/storage/prompts, never this one's.
sys.path.insert(0, next((sys.argv[i + 1] for i, arg in enumerate(sys.argv[:-1]) if arg == "--code-root"),
                        str(Path(__file__).resolve().parent.parent)))
sys.path.insert(1, str(Path(__file__).resolve().parent))

from _support import Child, load_average, old_code

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


def _schedstat_ms(pids: set[int]) -> float:
    """CPU time these processes (PostgreSQL backends on this machine) have run, in ms; 0 when unreadable."""
    total = 0
    for pid in pids:
        with contextlib.suppress(OSError, ValueError, IndexError):
            total += int(Path(f"/proc/{pid}/schedstat").read_text().split()[0])
    return total / 1e6


def _paused() -> contextlib.AbstractContextManager[None]:
    """The collector paused as bot.services.digests.queue_digest pauses it; nothing where the code measured (an
    older commit's, with --old-ref) did not pause it."""
    try:
        from bot.heap import collector_paused
    except ImportError:
        return contextlib.nullcontext()
    return collector_paused()


def _settle() -> None:
    """Freeze the loaded heap as goalbot's processes do once wired (bot.heap.settle), where the code does."""
    try:
        from bot.heap import settle
    except ImportError:
        return
    settle()


@dataclass
class Build:
    """One timed build: wall and CPU ms, statements, the payloads' fingerprint and size, and what the collector
    owed once the build was dropped and it resumed (`resume_ms`: production pays it after the build)."""

    ms: float
    cpu: float
    queries: int
    digest: str
    messages: int
    goals: int
    people: int
    fits: bool  # every message within Slack's 50 blocks
    resume_ms: float = 0.0


class Builder:
    """Builds the digest of one set of members, timed (wall and CPU), its SQL statements counted."""

    def __init__(self, engine: Engine) -> None:
        self.sessions = make_session_factory(engine)
        self.counter = QueryCounter(engine)
        self.backends: set[int] = set()
        if engine.dialect.name == "postgresql":
            event.listen(engine, "connect", lambda conn, _record: self.backends.add(conn.info.backend_pid))

    def build(self, members: list[str]) -> Build:
        """One build as bot.services.digests.queue_digest runs it: the collector paused (where the code pauses
        it) from the build until the digest is dropped; the collection owed on resuming is timed apart."""
        gc.collect()  # every run starts with the same heap; the collections the build itself causes still count
        self.counter.count, self.counter.enabled = 0, True
        backend = _schedstat_ms(self.backends)
        cpu = time.thread_time()
        started = time.perf_counter()
        with _paused():
            with self.sessions() as session:
                built = build_digest(session, team_id=TEAM, member_ids=members, now=NOW, tz=TZ, lang="it")
                payloads = [message.payload() for message in built.messages]  # rendering includes the JSON dicts
            elapsed = (time.perf_counter() - started) * 1000
            cpu_ms = (time.thread_time() - cpu) * 1000 + _schedstat_ms(self.backends) - backend
            self.counter.enabled = False
            result = Build(elapsed, cpu_ms, self.counter.count, fingerprint(payloads), len(built.messages),
                           len(built.view.goals), len(built.view.people),
                           all(len(p.get("blocks", [])) <= MAX_BLOCKS for p in payloads))
            del built, payloads  # as queue_digest drops the digest before the collector resumes
        resumed = time.perf_counter()
        gc.collect(0)  # what the resumed collector owes: the young objects the build left
        result.resume_ms = (time.perf_counter() - resumed) * 1000
        return result

    def stages(self, members: list[str], runs: int) -> dict[str, float]:
        """The p50 of each stage, timed apart: SQL (digest_rows), compute (rows to the view), render."""
        stages: dict[str, list[float]] = {"sql": [], "compute": [], "render": []}
        zone = ZoneInfo(TZ)
        today = NOW.astimezone(zone).date()
        monday = today - timedelta(days=today.weekday())
        since = datetime.combine(monday, datetime.min.time(), tzinfo=zone)
        for _ in range(runs):
            gc.collect()
            with self.sessions() as session:
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
        return {name: statistics.median(values) for name, values in stages.items()}


def fingerprint(payloads: list[dict[str, Any]]) -> str:
    """The payloads as JSON text, hashed: two codes built the same digest when these are equal."""
    return hashlib.sha256(json.dumps(payloads, ensure_ascii=False, sort_keys=True).encode()).hexdigest()[:16]


def measure(engine: Engine, members: list[str], runs: int) -> dict[str, float]:
    """Build the digest `runs` times (after one warm-up, the heap then settled as the worker's is) and time it,
    then each stage, then the chart."""
    builder = Builder(engine)
    builds: list[Build] = []
    for run in range(runs + 1):
        build = builder.build(members)
        if run:  # the first run warms caches (prompts, Babel locale data, SQLAlchemy compiled statements)
            builds.append(build)
        else:
            _settle()
    assert all(build.fits for build in builds)
    timings = [build.ms for build in builds]
    queries = {build.queries for build in builds}
    stages = builder.stages(members, runs)
    with builder.sessions() as session:
        view = build_digest(session, team_id=TEAM, member_ids=members, now=NOW, tz=TZ, lang="it").view
    chart_ms = []
    png = b""
    for _ in range(3):
        started = time.perf_counter()
        png = team_progress_png(view)
        chart_ms.append((time.perf_counter() - started) * 1000)
    return {
        "goals": builds[0].goals, "people": builds[0].people, "messages": builds[0].messages,
        "p50": statistics.median(timings), "p95": percentile(timings, 0.95), "queries": max(queries),
        "cpu": statistics.median(build.cpu for build in builds), "resume": statistics.median(b.resume_ms for b in builds),
        "queries_vary": len(queries) > 1, "chart_ms": statistics.median(chart_ms), "chart_kb": len(png) / 1024,
        **stages,
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


def child(url: str, members_file: str) -> None:
    """Build on request, one JSON line per answer: the code measured is the tree on sys.path (--code-root)."""
    engine = make_engine(url)
    builder = Builder(engine)
    teams: list[list[str]] = json.loads(Path(members_file).read_text())
    print(json.dumps({"ready": True}), flush=True)
    settled = False
    for line in sys.stdin:
        order = json.loads(line)
        members = teams[order["team"]]
        if order["do"] == "stages":
            print(json.dumps(builder.stages(members, order["runs"])), flush=True)
            continue
        build = builder.build(members)
        if not settled:  # after the first (warm-up) build, as a worker settles once wired
            _settle()
            settled = True
        print(json.dumps({"ms": build.ms, "cpu": build.cpu, "queries": build.queries, "digest": build.digest,
                          "messages": build.messages, "goals": build.goals, "resume": build.resume_ms}), flush=True)
    engine.dispose()


def compare(url: str, teams: list[tuple[Size, list[str]]], old_ref: str, runs: int) -> None:
    """Build every team with the old and this code in turn and print both, with the load average."""
    with tempfile.TemporaryDirectory(prefix="goalbot-bench-digest-") as tmp:
        members_file = Path(tmp) / "members.json"
        members_file.write_text(json.dumps([members for _, members in teams]))
        (Path(tmp) / "old").mkdir()
        root = str(Path(__file__).resolve().parent.parent)
        script, args = str(Path(__file__).resolve()), ["--database-url", url, "--members-file", str(members_file)]
        children = [Child(f"old ({old_ref})", script, old_code(old_ref, str(Path(tmp) / "old")), args),
                    Child("this code", script, root, args)]
        print("| team | code | p50 ms | p95 ms | cpu ms (p50) | resume ms | SQL | sql ms | compute ms | render ms "
              "| load average |")
        print("|---|---|---|---|---|---|---|---|---|---|---|")
        try:
            for number, (size, _members) in enumerate(teams):
                results: dict[str, list[dict[str, Any]]] = {child.label: [] for child in children}
                load = [load_average()]
                for run in range(runs + 1):
                    for child in children if run % 2 else reversed(children):  # new-old, old-new, …
                        answer = child.ask({"do": "build", "team": number})
                        if run:  # the first build of each warms its caches
                            results[child.label].append(answer)
                load.append(load_average())
                passes: dict[str, list[dict[str, float]]] = {child.label: [] for child in children}
                for run in range(runs):  # the stages too, one pass each in turn
                    for child in children if run % 2 else reversed(children):
                        passes[child.label].append(child.ask({"do": "stages", "team": number, "runs": 1}))
                stages = {label: {name: statistics.median(p[name] for p in got) for name in got[0]}
                          for label, got in passes.items()}
                for child in children:
                    got = results[child.label]
                    timings = [r["ms"] for r in got]
                    st = stages[child.label]
                    print(f"| {size.members} members, {got[0]['goals']:,} goals | {child.label} "
                          f"| {statistics.median(timings):.1f} | {percentile(timings, 0.95):.1f} "
                          f"| {statistics.median(r['cpu'] for r in got):.1f} "
                          f"| {statistics.median(r.get('resume', 0.0) for r in got):.1f} | {max(r['queries'] for r in got)} "
                          f"| {st['sql']:.1f} | {st['compute']:.1f} | {st['render']:.1f} | {load[0]}–{load[1]} |")
                digests = {r["digest"] for got in results.values() for r in got}
                print(f"|  | digests | {'the same to the byte' if len(digests) == 1 else 'DIFFERENT'} "
                      f"| | | | | | | | |")
        finally:
            for child in children:
                child.close()


def main() -> int:
    """Seed both teams into one database, measure each, print the table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=9)
    parser.add_argument("--database-url", default=None, help="default: a temporary SQLite file")
    parser.add_argument("--old-ref", default=None, help="also build with the code of this git commit, alternating")
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--code-root", default=None, help=argparse.SUPPRESS)
    parser.add_argument("--members-file", default=None, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args.database_url, args.members_file)
        return 0
    engine, cleanup = open_database(args.database_url)
    rng = random.Random(7)
    try:
        sizes = [Size(500, 2_000, 100_000), Size(50, 200, 10_000)]
        teams = []
        for number, size in enumerate(sizes):
            teams.append((size, seed(engine, size, prefix=f"U{number}", rng=rng)))
        if engine.dialect.name == "postgresql":
            with engine.begin() as conn:
                conn.execute(text("ANALYZE"))  # as autovacuum would have by the time a digest is due
        print(f"database: {engine.dialect.name}; both teams in one database "
              f"({sum(s.checkins for s in sizes):,} check-ins); {args.runs} timed runs each after a warm-up")
        if args.old_ref:
            compare(engine.url.render_as_string(hide_password=False), teams, args.old_ref, args.runs)
            return 0
        rows = [(size, len(members), measure(engine, members, args.runs)) for size, members in teams]
        header = (f"{'members':>8} {'in channel':>10} {'goals':>6} {'check-ins':>9} {'messages':>8} {'p50 ms':>7} "
                  f"{'p95 ms':>7} {'cpu ms':>7} {'resume':>6} {'SQL':>4} {'sql ms':>7} {'compute':>7} {'render':>7} "
                  f"{'chart ms':>8}")
        print(header)
        print("-" * len(header))
        for size, in_channel, r in rows:
            print(f"{size.members:>8} {in_channel:>10} {r['goals']:>6} {size.checkins:>9,} {r['messages']:>8} "
                  f"{r['p50']:>7.1f} {r['p95']:>7.1f} {r['cpu']:>7.1f} {r['resume']:>6.1f} {r['queries']:>4} {r['sql']:>7.1f} "
                  f"{r['compute']:>7.1f} {r['render']:>7.1f} {r['chart_ms']:>8.1f}")
        print("(SQL = statements per build; cpu = p50 of the build's CPU, this thread's and the database server's; "
              "resume = p50 of the collection owed once the build is dropped and the collector resumes; "
              "sql/compute/render = p50 of each stage; the chart is not in the build; "
              f"its PNG is {rows[0][2]['chart_kb']:.0f} KB; load average {load_average()})")
        big = rows[0][2]
        # The count must not grow with the team: the 500-member team's may exceed the 50-member team's only by the
        # second part a team of READ_AHEAD_MEMBERS or more is read in on PostgreSQL (digest_row_parts).
        small = rows[-1][2]["queries"]
        constant = big["queries"] <= small + 1 and not any(r["queries_vary"] for _, _, r in rows)
        verdict = "met" if big["p95"] <= TARGET_MS else "NOT met"
        print(f"\nbuild (load + compute + render), 500 members: p95 {big['p95']:.1f} ms; "
              f"target {TARGET_MS:.0f} ms: {verdict}")
        print(f"SQL statements per build: {big['queries']} for 500 members, {small} for 50 — "
              f"{'not growing with the team' if constant else 'GROWING with the team'}")
    finally:
        cleanup()
    return 0


if __name__ == "__main__":
    sys.exit(main())
