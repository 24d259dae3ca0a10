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

from storage.db import SessionFactory
from storage.models import RequestFingerprint
from storage.repositories import insert_once

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


def remember(sessions: SessionFactory, print_: str, at: datetime) -> bool:
    """Record a served request; False when it was served before (a replay)."""
    return insert_once(sessions, RequestFingerprint(fingerprint=print_, received_at=at))
