"""slack_sdk's retry handlers, waiting through goalbot's timer instead of time.sleep.

A reply sent while a person waits is retried by the Web API client itself (connection errors, 429 with
Retry-After, 5xx), as slack_sdk's built-in handlers do; these subclasses only route the wait through a `sleep`
function, so tests pass Retry-After and backoff on a virtual timer instead of sleeping.
"""

from __future__ import annotations

import random
from collections.abc import Callable

from slack_sdk.http_retry.builtin_handlers import (
    ConnectionErrorRetryHandler,
    RateLimitErrorRetryHandler,
    ServerErrorRetryHandler,
)
from slack_sdk.http_retry.handler import RetryHandler
from slack_sdk.http_retry.request import HttpRequest
from slack_sdk.http_retry.response import HttpResponse
from slack_sdk.http_retry.state import RetryState

Sleep = Callable[[float], None]


class _BackoffWait(RetryHandler):
    """The built-in backoff (its interval calculator), waited through `sleep`."""

    sleep: Sleep

    def prepare_for_next_attempt(self, *, state: RetryState, request: HttpRequest,
                                 response: HttpResponse | None = None, error: Exception | None = None) -> None:
        """Wait the backoff for this attempt, then ask for the next one."""
        state.next_attempt_requested = True
        self.sleep(self.interval_calculator.calculate_sleep_duration(state.current_attempt))
        state.increment_current_attempt()


class ConnectionRetry(_BackoffWait, ConnectionErrorRetryHandler):
    """Retries connection errors and timeouts, backing off."""

    def __init__(self, sleep: Sleep, max_retry_count: int) -> None:
        super().__init__(max_retry_count=max_retry_count)
        self.sleep = sleep


class ServerErrorRetry(_BackoffWait, ServerErrorRetryHandler):
    """Retries 500 and 503 answers, backing off."""

    def __init__(self, sleep: Sleep, max_retry_count: int) -> None:
        super().__init__(max_retry_count=max_retry_count)
        self.sleep = sleep


class RateLimitRetry(RateLimitErrorRetryHandler):
    """Retries a 429 after its Retry-After (whole seconds, as Slack sends it) plus up to a second of jitter."""

    def __init__(self, sleep: Sleep, max_retry_count: int) -> None:
        super().__init__(max_retry_count=max_retry_count)
        self.sleep = sleep

    def prepare_for_next_attempt(self, *, state: RetryState, request: HttpRequest,
                                 response: HttpResponse | None = None, error: Exception | None = None) -> None:
        """Wait Slack's Retry-After, then ask for the next attempt."""
        if response is None:
            raise error or RuntimeError("a rate-limit retry without a response")
        state.next_attempt_requested = True
        self.sleep(_retry_after(response) + random.random())
        state.increment_current_attempt()


def _retry_after(response: HttpResponse) -> int:
    for name, values in response.headers.items():
        if name.lower() == "retry-after" and values:
            try:
                return int(values[0])
            except ValueError:
                return 1
    return 1


def retry_handlers(sleep: Sleep, max_retry_count: int = 2) -> list[RetryHandler]:
    """Connection errors, 429s and 5xx, each retried `max_retry_count` times, waiting through `sleep`."""
    return [ConnectionRetry(sleep, max_retry_count), RateLimitRetry(sleep, max_retry_count),
            ServerErrorRetry(sleep, max_retry_count)]
