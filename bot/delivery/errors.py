"""How a failed Web API call should be treated: retried later, or recorded as permanent."""

from __future__ import annotations

import socket
import urllib.error
from dataclasses import dataclass

from slack_sdk.errors import SlackApiError

# Errors that no retry can fix: the person or channel is gone, or the payload itself is wrong.
PERMANENT = frozenset({
    "user_not_found", "account_inactive", "channel_not_found", "not_in_channel", "is_archived",
    "messages_tab_disabled", "cannot_dm_bot", "user_disabled", "invalid_blocks", "msg_too_long", "no_text",
    "invalid_auth", "not_authed", "token_revoked", "account_inactive", "restricted_action", "missing_scope",
    "team_access_not_granted", "invalid_arguments", "unknown_method",
})


@dataclass(frozen=True)
class Failure:
    """A classified failure: `retry_after` seconds when retryable, else None."""

    code: str
    retry_after: float | None

    @property
    def permanent(self) -> bool:
        """True when retrying cannot help."""
        return self.retry_after is None


def classify(error: BaseException, attempt: int = 1) -> Failure:
    """Classify an exception from slack_sdk: 429 honours Retry-After, 5xx and network errors back off."""
    backoff = min(2.0 ** attempt, 300.0)
    if isinstance(error, SlackApiError):
        status = error.response.status_code
        code = str(error.response.get("error") or f"http_{status}")
        if status == 429:
            header = error.response.headers.get("Retry-After") or error.response.headers.get("retry-after") or "1"
            try:
                return Failure("ratelimited", max(float(header), 1.0))
            except ValueError:
                return Failure("ratelimited", 1.0)
        if status >= 500:
            return Failure(code, backoff)
        if code in PERMANENT:
            return Failure(code, None)
        return Failure(code, backoff)
    if isinstance(error, (TimeoutError, socket.timeout, urllib.error.URLError, ConnectionError, OSError)):
        return Failure(type(error).__name__, backoff)
    return Failure(type(error).__name__, None)
