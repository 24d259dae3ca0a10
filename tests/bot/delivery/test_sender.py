"""Delivering the outbox: sent once and recorded, Slack's errors classified, threads and uploads in order."""

from __future__ import annotations

import base64
from collections.abc import Iterator
from datetime import timedelta

import pytest

from bot.clock import FixedClock
from bot.delivery import sender
from slackfake.web_api import dm_channel_id
from tests.bot.delivery.helpers import OutboxBench


@pytest.fixture
def box(database_url: str, clock: FixedClock) -> Iterator[OutboxBench]:
    bench = OutboxBench(database_url, clock)
    yield bench
    bench.close()


def test_due_messages_are_posted_once_and_recorded_where_they_landed(box: OutboxBench) -> None:
    box.fake.add_channel("C1", name="sales", members=["U1"])
    box.add("checkin:1", "U1", "How is goal 1 going?", kind="checkin", ref_id=1)
    box.add("checkin:2", "U2", "How is goal 2 going?", kind="checkin", ref_id=2)
    box.add("digest:C1", "C1", "This week's digest")

    report = box.deliver()

    assert (report.sent, report.retried, report.failed, report.pending_left) == (3, 0, 0, 0)
    assert [m["text"] for m in box.fake.dm_messages("U1")] == ["How is goal 1 going?"]
    assert [m["text"] for m in box.fake.messages("C1")] == ["This week's digest"]
    row = box.row("checkin:1")
    assert row.status == "sent" and row.attempts == 1
    assert row.sent_channel == dm_channel_id("U1")
    assert row.sent_ts == box.fake.dm_messages("U1")[0]["ts"]
    assert row.sent_at is not None
    assert box.deliver().sent == 0
    assert box.posted_keys() == {"checkin:1": 1, "checkin:2": 1, "digest:C1": 1}
    assert box.fake.stats()["duplicates"] == 0


def test_message_waits_until_it_is_due(box: OutboxBench, clock: FixedClock) -> None:
    box.add("later", "U1", not_before=clock() + timedelta(hours=1))
    assert box.deliver().sent == 0
    assert box.fake.dm_messages("U1") == []
    clock.set(clock() + timedelta(hours=1))
    assert box.deliver().sent == 1


def test_outbox_key_travels_in_metadata_next_to_the_features_own(box: OutboxBench) -> None:
    box.add("checkin:7", "U1", metadata={"event_type": "goalbot_checkin", "event_payload": {"goal_id": 7}})
    box.deliver()
    [message] = box.fake.dm_messages("U1")
    assert message["metadata"] == {"event_type": "goalbot_checkin", "event_payload": {"goal_id": 7, "key": "checkin:7"}}


def test_rate_limited_message_is_retried_after_retry_after(box: OutboxBench, clock: FixedClock) -> None:
    box.fake.fail_next("chat.postMessage", status=429, retry_after=30)
    box.add("m1", "U1")

    report = box.deliver()

    row = box.row("m1")
    assert (report.sent, report.retried, row.status, row.attempts, row.last_error) == (0, 1, "pending", 1, "ratelimited")
    waited = row.next_attempt_at.replace(tzinfo=clock().tzinfo) - clock()
    assert timedelta(seconds=30) <= waited < timedelta(seconds=40)
    assert box.deliver().sent == 0  # not before Retry-After
    clock.set(clock() + timedelta(seconds=40))
    assert box.deliver().sent == 1
    assert box.posted_keys() == {"m1": 1}


@pytest.mark.variants_on_one_database
@pytest.mark.parametrize("status,html", [(500, False), (503, False), (502, True)])
def test_server_error_is_retried_with_backoff(box: OutboxBench, clock: FixedClock, status: int, html: bool) -> None:
    box.fake.fail_next("chat.postMessage", status=status, html=html)
    box.add("m1", "U1")

    assert box.deliver().retried == 1
    row = box.row("m1")
    assert row.status == "pending" and row.attempts == 1
    waited = row.next_attempt_at.replace(tzinfo=clock().tzinfo) - clock()
    assert timedelta(seconds=0.5) <= waited <= timedelta(seconds=5)
    clock.set(clock() + timedelta(seconds=5))
    assert box.deliver().sent == 1
    assert box.fake.dm_messages("U1")[0]["text"] == "message m1"


def test_network_timeout_is_retried(database_url: str, clock: FixedClock) -> None:
    box = OutboxBench(database_url, clock, timeout=1)
    try:
        box.fake.delay_next("chat.postMessage", 1.5)
        box.add("m1", "U1")
        report = box.deliver()
        row = box.row("m1")
        assert (report.retried, row.status, row.last_error) == (1, "pending", "timeout")
        clock.set(clock() + timedelta(seconds=5))
        assert box.deliver().sent == 1
        assert box.row("m1").status == "sent"
    finally:
        box.close()


@pytest.mark.variants_on_one_database
@pytest.mark.parametrize("error", ["user_not_found", "account_inactive", "channel_not_found", "not_in_channel"])
def test_permanent_error_is_recorded_and_not_retried(box: OutboxBench, clock: FixedClock, error: str) -> None:
    box.fake.fail_next("chat.postMessage", status=200, error=error)
    box.add("m1", "U1")

    report = box.deliver()

    row = box.row("m1")
    assert (report.failed, row.status, row.last_error) == (1, "failed", error)
    clock.set(clock() + timedelta(days=1))
    box.deliver()
    assert len(box.fake.calls("chat.postMessage")) == 1


def test_channel_the_bot_cannot_post_in_fails_for_good(box: OutboxBench) -> None:
    box.fake.add_channel("C2", name="private-ish", members=["U1"], bot_is_member=False)
    box.add("gone", "C404")
    box.add("outside", "C2")
    assert box.deliver().failed == 2
    assert (box.row("gone").last_error, box.row("outside").last_error) == ("channel_not_found", "not_in_channel")


def test_message_that_keeps_failing_is_given_up_and_recorded(
    box: OutboxBench, clock: FixedClock, monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(sender, "MAX_ATTEMPTS", 3)  # each try waits Slack's per-channel second: keep it short
    box.fake.fail_next("chat.postMessage", status=500, times=10)
    box.add("m1", "U1")
    for _ in range(5):
        box.deliver()
        clock.set(clock() + timedelta(hours=1))
    row = box.row("m1")
    assert row.status == "failed" and row.attempts == 3
    assert row.last_error == "internal_error (gave up after 3 attempts)"
    assert len(box.fake.calls("chat.postMessage")) == 3


def test_messages_to_one_channel_go_out_in_order_within_slacks_per_channel_limit(box: OutboxBench) -> None:
    box.fake.enforce_limits(per_channel_per_second=1.0, burst=1, clock=box.timer.monotonic)
    for n in range(3):
        box.add(f"m{n}", "U1")
    box.add("other", "U2")

    assert box.deliver().sent == 4
    assert [m["text"] for m in box.fake.dm_messages("U1")] == ["message m0", "message m1", "message m2"]
    assert box.fake.stats()["rejected_429"] == 0  # paced, not bounced


def test_a_retry_keeps_the_channels_order(box: OutboxBench, clock: FixedClock) -> None:
    box.fake.fail_next("chat.postMessage", status=429, retry_after=5)
    for n in range(3):
        box.add(f"m{n}", "U1")

    first = box.deliver()
    assert first.sent == 0 and first.pending_left == 3
    clock.set(clock() + timedelta(seconds=10))
    box.deliver()
    assert [m["text"] for m in box.fake.dm_messages("U1")] == ["message m0", "message m1", "message m2"]


def test_thread_reply_goes_under_its_parent_once_the_parent_is_sent(box: OutboxBench, clock: FixedClock) -> None:
    box.add("parent", "U1", "How is it going?", not_before=clock() + timedelta(minutes=5))
    box.add("reply", "U1", "Here is your chart", thread_of="parent")

    early = box.deliver()
    assert (early.sent, early.deferred) == (0, 1)
    assert box.fake.dm_messages("U1") == []

    clock.set(clock() + timedelta(minutes=5))
    assert box.deliver().sent == 2
    parent, reply = box.fake.dm_messages("U1")
    assert reply["thread_ts"] == parent["ts"] and parent["text"] == "How is it going?"
    assert box.row("reply").sent_channel == dm_channel_id("U1")


def test_thread_reply_of_a_parent_that_failed_fails_too(box: OutboxBench) -> None:
    box.add("parent", "C404")
    box.add("reply", "C404", thread_of="parent")
    assert box.deliver().failed == 2
    assert box.row("reply").last_error == "thread_parent_failed: parent"


def test_upload_is_shared_in_the_dm_thread_of_its_parent(box: OutboxBench) -> None:
    png = b"\x89PNG fake chart bytes"
    box.add("review", "U1", "Your monthly review")
    box.add("review:chart", "U1", thread_of="review", upload={
        "filename": "chart.png", "title": "Progress", "content_b64": base64.b64encode(png).decode(),
        "initial_comment": "Progress so far"})

    assert box.deliver().sent == 2

    [file] = box.fake.files()
    parent = box.fake.dm_messages("U1")[0]
    assert file["content"] == png and file["title"] == "Progress"
    assert file["channels"] == [dm_channel_id("U1")] and file["thread_ts"] == parent["ts"]
    assert box.row("review:chart").sent_channel == dm_channel_id("U1")


def test_enqueueing_the_same_key_twice_keeps_one_message(box: OutboxBench) -> None:
    assert box.add("checkin:1:2026-11-30", "U1") is True
    assert box.add("checkin:1:2026-11-30", "U1") is False
    box.deliver()
    assert box.posted_keys() == {"checkin:1:2026-11-30": 1}


def test_uncertain_sends_wait_for_the_history_budget_and_are_never_posted_twice(
        database_url: str, clock: FixedClock, request: pytest.FixtureRequest) -> None:
    # Slack's limit for apps outside the Marketplace: one conversations.history call a minute.
    box = OutboxBench(database_url, clock, users=2, GOALBOT_SLACK_HISTORY_CALLS_PER_MINUTE="1")
    request.addfinalizer(box.close)
    box.add("a", "U1")
    box.add("b", "U2")
    # Slack posts both, then answers 500: both are uncertain now.
    box.fake.fail_next("chat.postMessage", status=500, after_posting=True, times=2)
    box.deliver()
    assert box.posted_keys() == {"a": 1, "b": 1}
    assert box.row("a").attempted_at is not None and box.row("b").attempted_at is not None

    clock.set(clock() + timedelta(minutes=1))
    box.deliver()  # one channel read is allowed now: the other row waits for the next minute, unposted
    assert len(box.fake.calls("conversations.history")) == 1
    assert sorted(box.row(key).status for key in ("a", "b")) == ["pending", "sent"]
    assert box.posted_keys() == {"a": 1, "b": 1}

    box.timer.sleep(60)
    clock.set(clock() + timedelta(minutes=1))
    box.deliver()
    assert len(box.fake.calls("conversations.history")) == 2
    assert box.posted_keys() == {"a": 1, "b": 1}  # each found in its DM, neither posted again
    assert box.fake.stats()["duplicates"] == 0
    assert {box.row(key).status for key in ("a", "b")} == {"sent"}
