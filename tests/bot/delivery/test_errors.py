"""Which Slack failures are worth another try, and when."""

from __future__ import annotations

import random
import urllib.error

import pytest
from slack_sdk.errors import SlackApiError, SlackRequestError
from slack_sdk.web import SlackResponse

from bot.delivery.errors import BACKOFF_CAP, backoff, classify


def api_error(status: int, body: dict[str, object] | str, headers: dict[str, str] | None = None) -> SlackApiError:
    response = SlackResponse(client=None, http_verb="POST", api_url="https://slack.com/api/chat.postMessage",
                             req_args={}, data=body,  # type: ignore[arg-type]  # an HTML error page is text
                             headers=headers or {}, status_code=status)
    return SlackApiError("failed", response)


def test_rate_limit_honours_retry_after() -> None:
    failure = classify(api_error(429, {"ok": False, "error": "ratelimited"}, {"Retry-After": "12"}))
    assert (failure.code, failure.retry_after, failure.reason, failure.permanent) == ("ratelimited", 12.0, "ratelimited", False)


def test_rate_limit_without_a_usable_header_waits_a_second() -> None:
    assert classify(api_error(429, {"ok": False}, {"Retry-After": "soon"})).retry_after == 1.0


@pytest.mark.parametrize("body", [{"ok": False, "error": "internal_error"}, "<html>502 Bad Gateway</html>"])
def test_server_errors_back_off(body: dict[str, object] | str) -> None:
    failure = classify(api_error(502, body), attempt=1)
    assert failure.reason == "server" and failure.retry_after is not None and 0.5 <= failure.retry_after <= 1.0
    assert failure.code in ("internal_error", "http_502")


@pytest.mark.parametrize("code", ["user_not_found", "account_inactive", "channel_not_found", "not_in_channel",
                                  "invalid_blocks", "is_archived"])
def test_errors_no_retry_can_fix_are_permanent(code: str) -> None:
    failure = classify(api_error(200, {"ok": False, "error": code}))
    assert failure.permanent and failure.code == code


def test_an_unknown_refusal_is_tried_again() -> None:
    assert not classify(api_error(200, {"ok": False, "error": "fatal_error"})).permanent


@pytest.mark.parametrize("error", [TimeoutError("timed out"), urllib.error.URLError(ConnectionRefusedError()),
                                   ConnectionResetError()])
def test_network_trouble_is_retried(error: Exception) -> None:
    failure = classify(error)
    assert failure.reason == "network" and not failure.permanent
    assert (failure.code == "timeout") == isinstance(error, TimeoutError)


def test_a_failed_upload_step_is_retried_but_a_bad_request_is_not() -> None:
    assert not classify(SlackRequestError("Failed to upload a file (status: 503)")).permanent
    assert classify(SlackRequestError("Any of file, content, and file_uploads must be specified.")).permanent


def test_backoff_doubles_with_jitter_up_to_a_cap() -> None:
    rng = random.Random(1)
    waits = [backoff(attempt, rng) for attempt in range(1, 6)]
    for attempt, wait in enumerate(waits, start=1):
        assert 2 ** (attempt - 1) / 2 <= wait <= 2 ** (attempt - 1)
    assert BACKOFF_CAP / 2 <= backoff(40, rng) <= BACKOFF_CAP


@pytest.mark.parametrize(("error", "maybe_posted"), [
    (api_error(500, {"ok": False, "error": "internal_error"}), True),  # Slack may have posted before failing
    (api_error(503, "<html>Service Unavailable</html>"), True),
    (TimeoutError("timed out"), True),  # the answer was slower than the client: the post may be there
    (ConnectionResetError("reset"), True),
    (urllib.error.URLError(ConnectionResetError("reset")), True),
    (api_error(429, {"ok": False, "error": "ratelimited"}, {"Retry-After": "1"}), False),  # refused: not posted
    (api_error(200, {"ok": False, "error": "fatal_error"}), False),
    (urllib.error.URLError(ConnectionRefusedError("refused")), False),  # never reached Slack
])
def test_failures_that_may_follow_a_post_are_marked_uncertain(error: BaseException, maybe_posted: bool) -> None:
    assert classify(error).maybe_posted is maybe_posted
