"""Prometheus metrics (GET /metrics): requests and ack latency by kind, handler errors, the outbox, Slack sends.

Counters and histograms live in prometheus-client's default registry, so with `goalbot serve --http --workers N`
they are aggregated across processes through PROMETHEUS_MULTIPROC_DIR (set by the server before any worker
starts). The outbox gauges are read from the database at scrape time, so every process reports the same truth.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from datetime import datetime

from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, Counter, Histogram, generate_latest
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.registry import Collector
from sqlalchemy import func, select

from bot.rules.statuses import OutboxStatus
from storage.db import SessionFactory
from storage.models import OutboxMessage

REQUESTS = Counter("goalbot_requests", "Slack requests by payload kind and outcome", ["kind", "outcome"])
ACK_SECONDS = Histogram("goalbot_ack_seconds", "Time from a request's arrival to its HTTP answer", ["kind"],
                        buckets=(0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.25, 0.5, 1.0, 3.0, 10.0))
HANDLER_ERRORS = Counter("goalbot_handler_errors", "Errors logged with a traceback while handling work",
                         ["where"])
SENDS = Counter("goalbot_slack_sends", "Outbox messages Slack accepted", ["kind"])
SEND_RETRIES = Counter("goalbot_slack_retries", "Sends to Slack that failed and will be retried", ["reason"])
SEND_FAILURES = Counter("goalbot_slack_failures", "Sends to Slack that failed for good", ["error"])
RECOVERED = Counter("goalbot_slack_sends_found", "Uncertain sends found already posted (not posted again)")
INBOX_REDELIVERED = Counter("goalbot_inbox_redelivered", "Acked events a process left unhandled, handled again")
RATE_LIMITED = Counter("goalbot_slack_ratelimited", "HTTP 429 answers from Slack's Web API")


def record_send_failure(reason: str, code: str, *, permanent: bool) -> None:
    """Count a failed send by its class (ratelimited, server, network, error, permanent)."""
    if reason == "ratelimited":
        RATE_LIMITED.inc()
    if permanent:
        SEND_FAILURES.labels(error=code[:64]).inc()
    else:
        SEND_RETRIES.labels(reason=reason).inc()


class OutboxCollector(Collector):
    """Outbox depth and the age of the oldest waiting row, read from the database at scrape time."""

    def __init__(self, sessions: SessionFactory, clock: object) -> None:
        self.sessions = sessions
        self.clock = clock

    def collect(self) -> Iterator[GaugeMetricFamily]:
        """Yield the outbox gauges (nothing when the database is unreachable: /healthz reports that)."""
        waiting = OutboxMessage.status.in_((OutboxStatus.PENDING, OutboxStatus.SENDING))
        try:
            with self.sessions() as session:
                depth, oldest = session.execute(
                    select(func.count(), func.min(OutboxMessage.created_at)).where(waiting)).one()
        except Exception:  # noqa: BLE001 - a scrape must not fail because the database did
            return
        now: datetime = self.clock()  # type: ignore[operator]
        yield GaugeMetricFamily("goalbot_outbox_depth", "Outbox messages waiting to be sent", value=depth or 0)
        age = (now - oldest).total_seconds() if oldest is not None else 0.0  # both aware (UtcDateTime)
        yield GaugeMetricFamily("goalbot_outbox_oldest_pending_seconds", "Age of the oldest waiting outbox message",
                                value=max(age, 0.0))


def exposition(sessions: SessionFactory, clock: object) -> tuple[bytes, str]:
    """The /metrics body and its content type: this process's (or all workers') counters plus the outbox."""
    registry = CollectorRegistry()
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        from prometheus_client import multiprocess

        multiprocess.MultiProcessCollector(registry)
    else:
        for collector in (REQUESTS, ACK_SECONDS, HANDLER_ERRORS, SENDS, SEND_RETRIES, SEND_FAILURES, RATE_LIMITED):
            registry.register(collector)
    registry.register(OutboxCollector(sessions, clock))
    return generate_latest(registry), CONTENT_TYPE_LATEST
