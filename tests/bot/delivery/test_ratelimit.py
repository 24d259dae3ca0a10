"""Pacing inside Slack's limits: a minute's budget at once, then a steady rate; one post a second per channel."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from bot.delivery.ratelimit import ChannelHolds, ChannelPacer, SlackLimits, TokenBucket
from bot.settings import Settings, SettingsError


class Ticker:
    """A monotonic clock the test moves by hand."""

    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def test_bucket_spends_its_burst_then_queues_callers_one_slot_apart() -> None:
    tick = Ticker()
    bucket = TokenBucket(60, capacity=3, clock=tick)  # one a second, three at once
    assert [bucket.reserve() for _ in range(3)] == [0.0, 0.0, 0.0]
    assert [bucket.reserve() for _ in range(3)] == [1.0, 2.0, 3.0]
    tick.now += 3
    assert bucket.reserve() == pytest.approx(1.0)  # the three slots taken meanwhile are still owed


def test_bucket_refills_to_its_capacity_and_no_further() -> None:
    tick = Ticker()
    bucket = TokenBucket(600, capacity=10, clock=tick)
    for _ in range(10):
        bucket.reserve()
    tick.now += 60
    assert bucket.available() == 10


def test_workspace_budget_keeps_one_percent_in_reserve() -> None:
    limits = SlackLimits.for_posts_per_minute(5000)
    assert limits.posts.capacity == 4950 and limits.posts.rate == pytest.approx(5000 / 60)


def test_a_channel_gets_one_post_a_second() -> None:
    tick = Ticker()
    pacer = ChannelPacer(interval=1.05, clock=tick)
    assert pacer.next_free("D1") <= tick.now
    pacer.mark_sent("D1")
    assert pacer.next_free("D1") == pytest.approx(101.05)
    assert pacer.next_free("D2") <= tick.now


def test_pacer_forgets_idle_channels() -> None:
    tick = Ticker()
    pacer = ChannelPacer(interval=1.0, clock=tick, max_channels=10)
    for n in range(10):
        pacer.mark_sent(f"D{n}")
    tick.now += 5
    pacer.mark_sent("D-new")
    assert len(pacer._next) == 1


def test_held_channel_is_free_again_when_the_hold_ends() -> None:
    holds = ChannelHolds()
    now = datetime(2026, 11, 30, 9, tzinfo=UTC)
    holds.hold("U1", now + timedelta(seconds=30))
    assert holds.held_until("U1", now) == now + timedelta(seconds=30)
    assert holds.held_until("U2", now) is None
    assert holds.held_until("U1", now + timedelta(seconds=30)) is None


def test_posts_per_minute_setting_is_read_and_checked() -> None:
    assert Settings.from_env({}, env_file=None).slack_posts_per_minute == 300
    assert Settings.from_env({"GOALBOT_SLACK_POSTS_PER_MINUTE": "600"}, env_file=None).slack_posts_per_minute == 600
    with pytest.raises(SettingsError, match="GOALBOT_SLACK_POSTS_PER_MINUTE must be a positive whole number"):
        Settings.from_env({"GOALBOT_SLACK_POSTS_PER_MINUTE": "lots"}, env_file=None)
