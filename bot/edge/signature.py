"""Slack's v0 request signature and timestamp, checked on the raw bytes before anything parses them.

A malformed, missing or stale timestamp and a missing or wrong signature are all a 401. A signature already
served (kept in the database for a little longer than Slack's 5-minute window, so the check holds across
processes) is a replay and is refused too. Slack's own retries of an event carry x-slack-retry-num, which is
part of the fingerprint: retry 1 of an event is a new delivery; the event id dedupe applies it once.
"""

from __future__ import annotations

import hashlib
import hmac
import re
from datetime import datetime
from typing import cast

from sqlalchemy import Engine, Table, delete
from sqlalchemy.exc import DBAPIError

from storage.db import SessionFactory, ack_path_engine, make_engine, no_fsync_at_commit
from storage.models import RequestFingerprint
from storage.repositories import insert_new

WINDOW_SECONDS = 300
_TIMESTAMP = re.compile(r"[0-9]{1,12}")
_SIGNATURE = re.compile(r"v0=[0-9a-f]{64}")
_RETRY = re.compile(r"[1-9]")


class BadSignature(Exception):
    """The request is not provably from Slack, or not fresh: answer 401."""


def verify(secret: str, raw: bytes, timestamp: str | None, signature: str | None, *, now: float) -> None:
    """Raise BadSignature unless `signature` is Slack's v0 HMAC of `raw` at a timestamp within 5 minutes."""
    if not timestamp or not _TIMESTAMP.fullmatch(timestamp):
        raise BadSignature("malformed timestamp")
    if abs(now - int(timestamp)) > WINDOW_SECONDS:
        raise BadSignature("stale timestamp")
    if not signature or not _SIGNATURE.fullmatch(signature):
        raise BadSignature("malformed signature")
    expected = "v0=" + hmac.new(secret.encode(), b"v0:" + timestamp.encode() + b":" + raw, hashlib.sha256).hexdigest()
    if not hmac.compare_digest(expected, signature):
        raise BadSignature("wrong signature")


def fingerprint(signature: str, retry_num: str | None) -> str:
    """What makes a delivery unique: its signature, and which of Slack's retries it is."""
    retry = retry_num if retry_num and _RETRY.fullmatch(retry_num) else "0"
    return hashlib.sha256(f"{signature}|{retry}".encode()).hexdigest()


class Fingerprints:
    """The replay memory: one INSERT … ON CONFLICT DO NOTHING per request, in the ack path, run as one
    autocommitted statement on connections of its own that skip the disk flush at commit (PostgreSQL:
    synchronous_commit off). A crash may forget the last few milliseconds of fingerprints, never corrupt
    anything: a request replayed across a database crash could run twice.

    SQLite has one write lock per file, and the listeners' transactions hold it while they work: waiting for it
    put whole seconds into acks (bench/ack_latency.py). So with SQLite the fingerprints live in a file of their
    own next to the database (`goalbot.db-requests`, shared by every process on the host, as the database is),
    with synchronous=NORMAL; PostgreSQL keeps them in the migrated request_fingerprints table.
    """

    def __init__(self, sessions: SessionFactory, connections: int = 8) -> None:
        url = sessions.kw["bind"].url
        database = url.database or ""
        if url.get_backend_name() == "sqlite" and database and database != ":memory:":
            url = url.set(database=f"{database}-requests")
        self.postgresql = url.get_backend_name() == "postgresql"
        rendered = url.render_as_string(hide_password=False)
        # No pre-ping on PostgreSQL: it would double the round trips of every ack; a dropped connection is
        # retried once instead (remember()).
        # At most one insert per request thread at a time: `connections` is the server's thread count.
        if self.postgresql:
            self.engine: Engine = ack_path_engine(rendered, connections)
        else:
            self.engine = no_fsync_at_commit(make_engine(rendered)).execution_options(isolation_level="AUTOCOMMIT")
        if not self.postgresql:
            cast(Table, RequestFingerprint.__table__).create(self.engine, checkfirst=True)

    def remember(self, print_: str, at: datetime) -> bool:
        """Record a served request; False when it was served before (a replay)."""

        def insert() -> bool:
            with self.engine.connect() as connection:
                return insert_new(connection, RequestFingerprint, {"fingerprint": print_, "received_at": at},
                                  conflict_on=["fingerprint"], returning=RequestFingerprint.fingerprint)

        try:
            return insert()
        except DBAPIError as error:
            if not error.connection_invalidated:
                raise
        return insert()  # the pooled connection had dropped: once more on a fresh one

    def forget(self, before: datetime) -> int:
        """Delete fingerprints older than `before` (housekeeping); return how many went."""
        with self.engine.connect() as connection:
            return int(connection.execute(delete(RequestFingerprint).where(
                RequestFingerprint.received_at < before)).rowcount or 0)

    def close(self) -> None:
        """Release the connections."""
        self.engine.dispose()


