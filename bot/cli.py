"""The `goalbot` command line: serve, shell, db upgrade, parse goal, export, jobs run."""

from __future__ import annotations

import argparse
import json
import logging
import sys
from collections.abc import Sequence
from datetime import UTC, datetime
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError, DBAPIError, OperationalError

from bot.clock import FixedClock, system_clock
from bot.settings import Settings, SettingsError

log = logging.getLogger("goalbot")


class UsageError(Exception):
    """A command-line argument is wrong; the message says how to fix it."""


def _parse_now(value: str | None) -> datetime | None:
    if value is None:
        return None
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        raise UsageError(f"--now must be an ISO-8601 date-time such as 2026-11-30T09:00:00+01:00, not {value!r}.")
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def _check_tz(value: str) -> str:
    try:
        ZoneInfo(value)
    except (ZoneInfoNotFoundError, ValueError):
        raise UsageError(f"--tz must be an IANA time zone such as Europe/Rome, not {value!r}.")
    return value


def build_parser() -> argparse.ArgumentParser:
    """The argument parser for every subcommand."""
    parser = argparse.ArgumentParser(prog="goalbot", description="SMART goals for account executives, in Slack.")
    sub = parser.add_subparsers(dest="command", required=True)

    run = sub.add_parser("run", help="serve in Socket Mode when Slack tokens are set, else open the local shell")
    run.set_defaults(func=cmd_run)

    serve = sub.add_parser("serve", help="connect to Slack (Socket Mode, or HTTP with --http)")
    serve.add_argument("--http", action="store_true", help="serve Slack's HTTP requests at POST /slack/events")
    serve.add_argument("--port", type=int, default=3000)
    serve.add_argument("--host", default="0.0.0.0")
    serve.add_argument("--no-scheduler", action="store_true", help="do not run the weekly jobs in this process")
    serve.set_defaults(func=cmd_serve)

    shell = sub.add_parser("shell", help="a local terminal workspace: talk to goalbot without Slack")
    shell.add_argument("--user", default="U0LOCAL", help="the Slack user id you play")
    shell.set_defaults(func=cmd_shell)

    db = sub.add_parser("db", help="database maintenance")
    db_sub = db.add_subparsers(dest="db_command", required=True)
    db_sub.add_parser("upgrade", help="apply schema migrations").set_defaults(func=cmd_db_upgrade)

    parse = sub.add_parser("parse", help="show how goalbot understands text")
    parse_sub = parse.add_subparsers(dest="parse_command", required=True)
    goal = parse_sub.add_parser("goal", help="parse a goal sentence and print JSON")
    goal.add_argument("text")
    goal.add_argument("--lang", choices=("en", "it"), default=None, help="default: detected from the text")
    goal.add_argument("--now", default=None, help="ISO-8601 date-time to resolve deadlines from")
    goal.add_argument("--tz", default=None, help="IANA time zone (default GOALBOT_DEFAULT_TZ)")
    goal.set_defaults(func=cmd_parse_goal)

    export = sub.add_parser("export", help="all goals and their check-ins, as CSV or JSON on stdout")
    export.add_argument("--format", choices=("csv", "json"), default="csv")
    export.add_argument("--team", default=None)
    export.add_argument("--user", default=None)
    export.set_defaults(func=cmd_export)

    jobs = sub.add_parser("jobs", help="run a scheduled job once")
    jobs_sub = jobs.add_subparsers(dest="jobs_command", required=True)
    jobs_run = jobs_sub.add_parser("run", help="run a job now (idempotent: running it twice sends nothing new)")
    jobs_run.add_argument("job", choices=("checkins", "digests", "reminders", "reviews", "outbox"))
    jobs_run.add_argument("--now", default=None, help="ISO-8601 date-time the job should believe it is")
    jobs_run.set_defaults(func=cmd_jobs_run)
    return parser


def cmd_run(args: argparse.Namespace, settings: Settings) -> int:
    """Serve in Socket Mode when tokens are configured, else open the local shell."""
    if settings.bot_token and settings.app_token:
        args.http, args.port, args.host, args.no_scheduler = False, 3000, "0.0.0.0", False
        return cmd_serve(args, settings)
    print("No SLACK_BOT_TOKEN/SLACK_APP_TOKEN configured: opening the local shell (see README to connect Slack).")
    args.user = "U0LOCAL"
    return cmd_shell(args, settings)


def cmd_serve(args: argparse.Namespace, settings: Settings) -> int:
    """Connect to Slack and run until interrupted."""
    from bot.app import build_app
    from bot.runtime import make_deps

    if args.http:
        if not settings.signing_secret:
            raise SettingsError("SLACK_SIGNING_SECRET is missing: HTTP mode needs it to verify Slack's requests "
                                "(Slack app settings > Basic Information > Signing Secret).")
        if not settings.bot_token:
            raise SettingsError("SLACK_BOT_TOKEN is missing: set the xoxb- bot token from OAuth & Permissions.")
    elif not (settings.app_token and settings.bot_token):
        raise SettingsError("SLACK_APP_TOKEN is missing: Socket Mode needs an xapp- app-level token (or use "
                            "`goalbot serve --http`, or `goalbot shell` to try goalbot without Slack).")
    deps = make_deps(settings, system_clock)
    app = build_app(deps)
    scheduler = None
    if not args.no_scheduler:
        from bot.jobs.scheduler import start_scheduler

        scheduler = start_scheduler(deps, app.client)
    try:
        if args.http:
            from bot.server import make_http_server

            server = make_http_server(app, deps, args.host, args.port)
            log.info("serving Slack requests on http://%s:%s/slack/events", args.host, server.server_port)
            server.serve_forever()
        else:
            from slack_bolt.adapter.socket_mode import SocketModeHandler

            SocketModeHandler(app, settings.app_token).start()
    except KeyboardInterrupt:
        pass
    finally:
        if scheduler is not None:
            scheduler.shutdown(wait=False)
    return 0


def cmd_shell(args: argparse.Namespace, settings: Settings) -> int:
    """Open the local terminal workspace."""
    from bot.shell import run_shell

    return run_shell(settings, user_id=args.user)


def cmd_db_upgrade(args: argparse.Namespace, settings: Settings) -> int:
    """Apply migrations."""
    from storage.db import make_engine
    from storage.migrate import upgrade

    upgrade(make_engine(settings.database_url))
    print("database is up to date")
    return 0


def cmd_parse_goal(args: argparse.Namespace, settings: Settings) -> int:
    """Print how a goal sentence is understood, as JSON."""
    from bot.rules.goals import detect_language, parse_goal

    now = _parse_now(args.now) or system_clock()
    tz = _check_tz(args.tz or settings.default_tz)
    if not args.text.strip():
        raise UsageError("the goal text is empty: try goalbot parse goal \"acquire 10 new clients in the next six months\".")
    lang = args.lang or detect_language(args.text)
    parsed = parse_goal(args.text, lang=lang, now=now, tz=tz)
    print(json.dumps(parsed.to_dict(), ensure_ascii=False, indent=2))
    return 0


def cmd_export(args: argparse.Namespace, settings: Settings) -> int:
    """Write every goal with its check-ins to stdout."""
    from bot.rules.deadlines import local_today
    from bot.runtime import make_deps
    from bot.services.export import render
    from storage.repositories import list_goals

    deps = make_deps(settings)
    today = local_today(deps.clock(), settings.default_tz)  # the model's standing on the export's day
    with deps.sessions() as session:
        goals = list_goals(session, args.team, args.user)
        sys.stdout.write(render(goals, args.format, today=today))
    return 0


def cmd_jobs_run(args: argparse.Namespace, settings: Settings) -> int:
    """Run one scheduled job now and say what it did."""
    from bot.jobs.runner import run_job_once

    now = _parse_now(args.now)
    clock = FixedClock(now) if now else system_clock
    summary = run_job_once(settings, args.job, clock)
    print(json.dumps(summary, ensure_ascii=False))
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the `goalbot` console script."""
    parser = build_parser()
    args = parser.parse_args(argv)
    settings: Settings | None = None
    try:
        settings = Settings.from_env()
        from bot.runtime import configure_logging

        configure_logging(settings.log_level)
        return int(args.func(args, settings))
    except (SettingsError, UsageError) as error:
        print(f"goalbot: {error}", file=sys.stderr)
        return 2
    except DBAPIError as error:
        # A database that is down or misconfigured is an operator's problem to fix, not a bug: one sentence.
        where = _printable_url(settings.database_url) if settings else "DATABASE_URL"
        first_line = (str(error.orig or error).strip().splitlines() or [type(error).__name__])[0]
        problem = "cannot reach the database" if isinstance(error, OperationalError) else "the database failed"
        print(f"goalbot: {problem} at {where}: {first_line}", file=sys.stderr)
        return 2


def _printable_url(database_url: str) -> str:
    """The database URL without its password, fit for an error message."""
    try:
        url = make_url(database_url)
        # URL.set() ignores password=None, so the URL is rebuilt without it.
        return URL.create(url.drivername, username=url.username, host=url.host, port=url.port,
                          database=url.database, query=url.query).render_as_string(hide_password=False)
    except ArgumentError:
        return "DATABASE_URL"


if __name__ == "__main__":
    sys.exit(main())
