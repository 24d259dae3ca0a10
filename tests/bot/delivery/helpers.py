"""An outbox wired to a fake Slack Web API, for delivery, runner and scheduler tests."""

from __future__ import annotations

from collections import Counter
from datetime import datetime
from typing import Any

from sqlalchemy import select

from bot.app import make_client
from bot.clock import FixedClock, Timer, VirtualTimer
from bot.delivery.outbox import enqueue
from bot.delivery.sender import DeliveryReport, deliver_due
from bot.deps import Deps
from bot.runtime import make_deps
from slackfake import FAKE_BOT_TOKEN
from slackfake.web_api import FakeSlackWebAPI
from storage.models import OutboxMessage
from tests.bot.conftest import make_settings


class OutboxBench:
    """A database, a fixed clock, a fake Slack with members U1…Un, and the client goalbot posts with."""

    def __init__(self, database_url: str, clock: FixedClock, *, users: int = 5, timeout: int = 10,
                 timer: Timer | None = None, **settings: str) -> None:
        self.fake = FakeSlackWebAPI().start()
        for n in range(1, users + 1):
            self.fake.add_user(f"U{n}", name=f"user{n}")
        self.clock = clock
        self.settings = make_settings(database_url, **settings)
        self.timer = timer or VirtualTimer()
        self.deps: Deps = make_deps(self.settings, clock, timer=self.timer)
        self.client = make_client(FAKE_BOT_TOKEN, self.fake.base_url, timeout=timeout, sleep=self.timer.sleep)
        self._extra: list[Deps] = []

    def other_process(self) -> Deps:
        """Deps with their own engine and sessions on the same database, like a second goalbot process."""
        deps = make_deps(self.settings, self.clock, migrate=False, timer=self.timer)
        self._extra.append(deps)
        return deps

    def add(self, key: str, channel: str = "U1", text: str | None = None, *, not_before: datetime | None = None,
            kind: str = "test", ref_id: int | None = None, **payload: Any) -> bool:
        """Enqueue one message the way a planner does."""
        with self.deps.sessions() as session:
            added = enqueue(session, key=key, kind=kind, team_id="T0001", channel=channel,
                            payload={"text": text or f"message {key}", **payload}, now=self.clock(),
                            ref_id=ref_id, not_before=not_before)
            session.commit()
        return added

    def deliver(self, **kwargs: Any) -> DeliveryReport:
        """Run one delivery at the clock's time."""
        return deliver_due(self.deps, self.client, **kwargs)

    def row(self, key: str) -> OutboxMessage:
        """The outbox row with this key, fresh from the database."""
        with self.deps.sessions() as session:
            return session.scalars(select(OutboxMessage).where(OutboxMessage.idempotency_key == key)).one()

    def posts(self) -> list[dict[str, Any]]:
        """Every message the bot posted (chat.postMessage and file shares), in post order."""
        return [m for m in self.fake.messages() if m.get("user") == self.fake.bot_user_id]

    def posted_keys(self) -> Counter[str]:
        """How many times each outbox key reached Slack."""
        return Counter(m["metadata"]["event_payload"]["key"] for m in self.posts() if m.get("metadata"))

    def close(self) -> None:
        """Stop the fake and release every engine."""
        self.fake.stop()
        for deps in [self.deps, *self._extra]:
            deps.executor.shutdown(wait=False)
            deps.sessions.kw["bind"].dispose()
