"""The request context: who is asking, in which team and channel, in which language and time zone, and when.

A Bolt middleware (`attach_caller`) reads the ids Bolt already extracted for every kind of request (it also
knows enterprise installs and `authorizations`) and stamps the clock, without any I/O: everything after
`ack_early` in the middleware chain still delays the HTTP answer Slack waits for. The person's language and
time zone need the database and, at most daily, users.info, so they are resolved once after the ack
(bot.services.profiles.resolve_context) and the completed `RequestContext` is what services receive.
"""

from __future__ import annotations

import dataclasses
import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from slack_bolt import BoltContext, BoltResponse

from bot.clock import Clock

log = logging.getLogger(__name__)

CALLER_KEY = "goalbot_caller"
# When Slack's request reached goalbot, for a request handled later from the inbox (bot/handoff.py): its "now" is
# that moment, not the handling's (a reply typed at 23:59 on Sunday belongs to that week, whenever it is handled).
RECEIVED_AT_KEY = "goalbot_received_at"


@dataclass(frozen=True)
class Caller:
    """Who sent the request, from where, and when it arrived (no profile yet)."""

    team_id: str
    user_id: str
    channel_id: str | None
    now: datetime
    enterprise_id: str | None = None


@dataclass(frozen=True)
class RequestContext:
    """Who is speaking, where, in which language and time zone, and when: built once per request."""

    team_id: str
    user_id: str
    channel_id: str | None
    lang: str
    tz: str
    now: datetime
    enterprise_id: str | None = None
    fiscal_year_start: int = 1  # the workspace's fiscal-year start month (GOALBOT_FISCAL_YEAR_START)

    @classmethod
    def of(cls, caller: Caller, *, lang: str, tz: str, fiscal_year_start: int = 1) -> RequestContext:
        """The caller completed with their language and time zone."""
        return cls(team_id=caller.team_id, user_id=caller.user_id, channel_id=caller.channel_id, lang=lang, tz=tz,
                   now=caller.now, enterprise_id=caller.enterprise_id, fiscal_year_start=fiscal_year_start)

    @property
    def today(self) -> date:
        """The person's local date."""
        return self.now.astimezone(ZoneInfo(self.tz)).date()

    def in_channel(self, channel_id: str) -> RequestContext:
        """The same request, answered in another channel (the person's DM, for instance)."""
        return dataclasses.replace(self, channel_id=channel_id)


def caller_from(context: BoltContext, now: datetime) -> Caller:
    """The caller from the ids Bolt extracted (payload team, user.team_id, view.team_id, authorizations …)."""
    return Caller(team_id=str(context.team_id or ""), user_id=str(context.user_id or ""),
                  channel_id=context.channel_id, now=now, enterprise_id=context.enterprise_id)


def attach_caller(clock: Callable[[], Clock]) -> Callable[..., BoltResponse | None]:
    """Middleware: put the request's Caller in Bolt's context (copied to lazy listeners with it).

    `clock` returns the app's current clock (the shell's `:time` swaps it while the app runs).
    """

    def middleware(context: BoltContext, body: dict[str, Any],
                   next: Callable[[], BoltResponse]) -> BoltResponse | None:  # noqa: A002
        # Never raise here: Bolt 1.30 drops an ack already given when a later middleware fails.
        try:
            received = context.get(RECEIVED_AT_KEY)
            context[CALLER_KEY] = caller_from(context, received if isinstance(received, datetime) else clock()())
        except Exception:  # listeners then answer without a caller, as for an unknown request
            log.exception("could not read the caller of a %s request", body.get("type") or body.get("command"))
        return next()

    return middleware


def caller_of(context: BoltContext) -> Caller:
    """The Caller the middleware attached to this request."""
    caller = context.get(CALLER_KEY)
    if not isinstance(caller, Caller):
        raise LookupError("the request carries no caller (bot.context.attach_caller did not run)")
    return caller
