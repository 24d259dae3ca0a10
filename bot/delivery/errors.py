"""How a failed Web API call should be treated: retried later, or recorded as permanent."""

from __future__ import annotations

import http.client
import random
import re
import socket
import urllib.error
from dataclasses import dataclass

from slack_sdk.errors import SlackApiError, SlackRequestError

# Errors that no retry can fix: the person or channel is gone, or the payload itself is wrong.
PERMANENT = frozenset({
    "user_not_found", "account_inactive", "channel_not_found", "not_in_channel", "is_archived",
    "messages_tab_disabled", "cannot_dm_bot", "user_disabled", "invalid_blocks", "invalid_blocks_format",
    "msg_too_long", "no_text", "invalid_auth", "not_authed", "token_revoked", "restricted_action", "missing_scope",
    "team_access_not_granted", "invalid_arguments", "unknown_method", "invalid_metadata_format",
    "invalid_metadata_schema", "thread_not_found", "invalid_thread_ts", "too_many_attachments",
    "file_not_found", "invalid_channel", "method_deprecated", "no_permission", "ekm_access_denied",
})

BACKOFF_BASE = 1.0  # seconds before the first retry of a server or network error
BACKOFF_CAP = 900.0  # never wait more than 15 minutes between two tries
_CODE = re.compile(r"^[a-z0-9_]{1,64}$")


@dataclass(frozen=True)
class Failure:
    """A classified failure: `retry_after` seconds when retryable, else None; `reason` groups the cause."""

    code: str
    retry_after: float | None
    reason: str = "permanent"  # ratelimited, server, network, error, permanent
    # Slack may have acted before the failure reached us (a 5xx, a timeout, a connection lost mid-request): a
    # message may be in the channel already, so it is looked for before it is posted again.
    maybe_posted: bool = False

    @property
    def permanent(self) -> bool:
        """True when retrying cannot help."""
        return self.retry_after is None


def backoff(attempt: int, rng: random.Random | None = None) -> float:
    """Exponential backoff with jitter for the `attempt`-th failure (1-based): about 1, 2, 4, 8 … s, capped."""
    ceiling = min(BACKOFF_BASE * 2.0 ** max(attempt - 1, 0), BACKOFF_CAP)
    # Half fixed, half random: retries of a fan-out spread out instead of coming back as one wave.
    return ceiling / 2 + (rng or random).uniform(0, ceiling / 2)


def retry_after_seconds(headers: dict[str, str] | None) -> float:
    """Seconds from a Retry-After header (at least 1; Slack sends whole seconds)."""
    headers = headers or {}
    value = headers.get("Retry-After") or headers.get("retry-after") or "1"
    try:
        return max(float(value), 1.0)
    except ValueError:
        return 1.0


def _never_connected(error: BaseException) -> bool:
    """True when the request cannot have reached Slack: the connection was refused or the host not found."""
    reason = error.reason if isinstance(error, urllib.error.URLError) else error
    return isinstance(reason, (ConnectionRefusedError, socket.gaierror))


def classify(error: BaseException, attempt: int = 1) -> Failure:
    """Classify an exception from slack_sdk: 429 honours Retry-After, 5xx and network errors back off."""
    wait = backoff(attempt)
    if isinstance(error, SlackApiError):
        status = error.response.status_code
        raw = str(error.response.get("error") or "") if isinstance(error.response.data, dict) else ""
        code = raw if _CODE.match(raw) else f"http_{status}"
        if status == 429 or code == "ratelimited":
            return Failure("ratelimited", retry_after_seconds(error.response.headers), "ratelimited")
        if status >= 500:
            return Failure(code, wait, "server", maybe_posted=True)
        if code in PERMANENT or (400 <= status < 500):
            return Failure(code, None)
        # An ok:false we do not know (e.g. fatal_error, internal_error): try again a bounded number of times.
        return Failure(code, wait, "error")
    if isinstance(error, SlackRequestError) and "Failed to upload" in str(error):
        return Failure("upload_failed", wait, "server")  # files_upload_v2's step 2 (the upload URL) failed
    if isinstance(error, (TimeoutError, socket.timeout)):
        return Failure("timeout", wait, "network", maybe_posted=True)
    if isinstance(error, (urllib.error.URLError, ConnectionError, http.client.HTTPException, OSError)):
        return Failure(type(error).__name__, wait, "network", maybe_posted=not _never_connected(error))
    return Failure(type(error).__name__, None)
