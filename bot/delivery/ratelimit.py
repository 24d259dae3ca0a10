"""Client-side pacing for Slack's Web API limits, shared by every delivery run of a process.

Slack limits chat.postMessage to about one message per second per channel (short bursts allowed) plus a
workspace-wide "several hundred messages per minute", counted in per-minute windows; files.* are Tier 4
(100+/min) and conversations.open Tier 3 (50+/min). goalbot paces itself below those numbers so a fan-out is
not a storm of 429s; a 429 that still comes back is honoured per message (Retry-After), and the channel's
later messages wait behind the retried one so its order holds.

The default workspace budget is 300 posts a minute (GOALBOT_SLACK_POSTS_PER_MINUTE): the low end of "several
hundred", so a workspace that also runs other apps' traffic through the same limit is unlikely to see goalbot's
fan-out rejected; 10,000 weekly check-ins then take about half an hour, spread over the morning anyway.
"""

from __future__ import annotations

import heapq
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

from bot.clock import SYSTEM_TIMER, Timer

Monotonic = Callable[[], float]

CHANNEL_INTERVAL = 1.0  # seconds between two posts in one channel (Slack: ~1 message/second/channel)
# Requests travel a few milliseconds; a little margin keeps Slack from seeing two posts 0.99 s apart.
CHANNEL_MARGIN = 0.05
UPLOADS_PER_MINUTE = 50  # files_upload_v2 makes two Tier 4 calls; stay well inside them
OPENS_PER_MINUTE = 50  # conversations.open is Tier 3


class TokenBucket:
    """A thread-safe token bucket where callers reserve a token and sleep until their slot comes."""

    def __init__(self, per_minute: float, capacity: float | None = None, *, clock: Monotonic = time.monotonic,
                 sleep: Callable[[float], None] = time.sleep) -> None:
        self.rate = per_minute / 60.0
        self.capacity = max(1.0, capacity if capacity is not None else per_minute)
        self.tokens = self.capacity
        self._clock = clock
        self._sleep = sleep
        self._updated = clock()
        self._lock = threading.Lock()

    def reserve(self, tokens: float = 1.0) -> float:
        """Take `tokens` now (going into debt if needed) and return how many seconds to wait before using them."""
        with self._lock:
            now = self._clock()
            self.tokens = min(self.capacity, self.tokens + (now - self._updated) * self.rate)
            self._updated = now
            self.tokens -= tokens
            # Debt means later callers queue behind earlier ones, each waiting for its own slot.
            return 0.0 if self.tokens >= 0 else -self.tokens / self.rate

    def try_take(self) -> float:
        """Take a token if one is there now (0.0), else take nothing and return the seconds until one is."""
        with self._lock:
            now = self._clock()
            self.tokens = min(self.capacity, self.tokens + (now - self._updated) * self.rate)
            self._updated = now
            if self.tokens >= 1.0:
                self.tokens -= 1.0
                return 0.0
            return (1.0 - self.tokens) / self.rate

    def available(self) -> float:
        """Tokens that could be taken right now without waiting (never negative)."""
        with self._lock:
            now = self._clock()
            return max(0.0, min(self.capacity, self.tokens + (now - self._updated) * self.rate))

    def acquire(self, tokens: float = 1.0) -> float:
        """Reserve and sleep until allowed; return the seconds slept."""
        wait = self.reserve(tokens)
        if wait > 0:
            self._sleep(wait)
        return wait


class ChannelPacer:
    """When each channel may get its next post: one per CHANNEL_INTERVAL."""

    def __init__(self, interval: float = CHANNEL_INTERVAL + CHANNEL_MARGIN, *, clock: Monotonic = time.monotonic,
                 max_channels: int = 50_000) -> None:
        self.interval = interval
        self._clock = clock
        self._next: dict[str, float] = {}
        self._expiry: list[tuple[float, str]] = []  # a heap, so forgetting idle channels stays cheap
        self._max = max_channels
        self._lock = threading.Lock()

    def next_free(self, channel: str) -> float:
        """The monotonic time at which `channel` may get a post (now or earlier when it is free)."""
        with self._lock:
            return self._next.get(channel, 0.0)

    def mark_sent(self, channel: str, at: float | None = None) -> None:
        """Record a post to `channel` that started at monotonic time `at` (default now)."""
        self._push(channel, (self._clock() if at is None else at) + self.interval)

    def _push(self, channel: str, until: float) -> None:
        with self._lock:
            until = max(until, self._next.get(channel, 0.0))
            self._next[channel] = until
            heapq.heappush(self._expiry, (until, channel))
            self._forget_idle()

    def _forget_idle(self) -> None:
        # A channel whose slot is in the past needs no entry: memory stays flat over many fan-outs.
        if len(self._expiry) < self._max:
            return
        now = self._clock()
        while self._expiry and self._expiry[0][0] <= now:
            until, channel = heapq.heappop(self._expiry)
            if self._next.get(channel) == until:
                del self._next[channel]


class ChannelHolds:
    """Channels waiting for a retry, in logical time: a later message there must not overtake the retried one."""

    def __init__(self) -> None:
        self._until: dict[str, datetime] = {}
        self._lock = threading.Lock()

    def hold(self, channel: str, until: datetime) -> None:
        """Keep new messages for `channel` back until `until` (a 429's Retry-After, a backoff, a thread parent)."""
        with self._lock:
            self._until[channel] = max(until, self._until.get(channel, until))

    def held_until(self, channel: str, now: datetime) -> datetime | None:
        """When `channel` is free again, or None when it is free now."""
        with self._lock:
            until = self._until.get(channel)
            if until is not None and until <= now:
                del self._until[channel]
                return None
            return until


@dataclass
class SlackLimits:
    """The buckets one workspace's deliveries share inside this process."""

    posts: TokenBucket
    uploads: TokenBucket
    opens: TokenBucket
    channels: ChannelPacer
    history: TokenBucket  # conversations.history/replies, read only to settle sends that may have reached Slack
    holds: ChannelHolds = field(default_factory=ChannelHolds)

    @classmethod
    def for_posts_per_minute(cls, per_minute: int, timer: Timer = SYSTEM_TIMER, history_per_minute: int = 1,
                             ) -> SlackLimits:
        """Limits for a workspace budget of `per_minute` chat.postMessage calls, timed by `timer`."""
        def bucket(rate: float, capacity: float) -> TokenBucket:
            return TokenBucket(rate, capacity, clock=timer.monotonic, sleep=timer.sleep)

        # Slack counts per-minute windows, so a minute's budget may go at once; 1% stays in reserve so requests
        # arriving a few milliseconds out of order do not find Slack's own bucket empty.
        return cls(posts=bucket(per_minute, per_minute - max(1, per_minute // 100)),
                   uploads=bucket(UPLOADS_PER_MINUTE, 5), opens=bucket(OPENS_PER_MINUTE, 5),
                   channels=ChannelPacer(clock=timer.monotonic),
                   history=bucket(history_per_minute, max(1, history_per_minute // 60)))


_shared: dict[tuple[str, str, int, Timer, int], SlackLimits] = {}
_shared_lock = threading.Lock()


def shared_limits(base_url: str, token: str, per_minute: int, timer: Timer = SYSTEM_TIMER,
                  history_per_minute: int = 1) -> SlackLimits:
    """The process-wide limits for one workspace (API URL + token), so successive runs share one budget."""
    key = (base_url, token, per_minute, timer, history_per_minute)
    with _shared_lock:
        limits = _shared.get(key)
        if limits is None:
            limits = _shared[key] = SlackLimits.for_posts_per_minute(per_minute, timer, history_per_minute)
        return limits
