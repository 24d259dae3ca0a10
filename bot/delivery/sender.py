"""Delivers the outbox: concurrent across channels, in order within a channel, inside Slack's rate limits.

One `deliver_due` call claims due rows in batches, queues them in one lane per channel and lets a pool of
threads post them. A lane is worked by one thread at a time, so a channel's messages go out in order (a thread
parent before its replies) and at most once a second; the workspace-wide budget is a shared token bucket
(bot/delivery/ratelimit.py). A failed send never blocks a thread: the row goes back to pending with its own
next_attempt_at (Retry-After for a 429, exponential backoff with jitter for server and network errors), and the
rest of that channel's lane goes back with it so the order holds.

At-least-once windows: a send whose answer never came (a timeout, or a process killed mid-send) may have
reached Slack; the row is tried again (after the backoff, or after outbox.LEASE), so that one message can
appear twice. Everything recorded as sent is never sent again.

Logical time: `now` (default `deps.clock()`) is when the run starts; it advances with the elapsed time of
`deps.timer`, so with a fixed clock (tests, `--now`) a retry due in one second still becomes due during a long
run. Rate limits wait on the same timer: the system's monotonic clock, or a virtual one in tests.

Workspaces: each row is sent with its own workspace's client (bot.installs.client_for: in OAuth mode that
workspace's bot token), within that workspace's budget; lanes and the DM channels learnt are per workspace.
"""

from __future__ import annotations

import base64
import heapq
import itertools
import logging
import os
import socket
import threading
import uuid
from collections import deque
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from slack_sdk import WebClient

from bot.clock import as_utc
from bot.delivery import outbox
from bot.delivery.errors import Failure, classify
from bot.delivery.ratelimit import SlackLimits, shared_limits
from bot.deps import Deps
from bot.edge import metrics
from bot.installs import NotInstalledError, client_for
from bot.rules.statuses import OutboxStatus
from bot.services.checkins import checkin_card
from storage.models import OutboxMessage

log = logging.getLogger(__name__)

WORKERS = 16  # concurrent sends; Slack answers in ~100 ms, so 16 keep a 300/min budget (and far more) busy
# Then the row is failed and recorded. With backoff doubling from 1 s to a 15-minute cap, 20 tries ride out
# nearly three hours of Slack trouble; a process that is down makes no tries, so downtime does not count.
MAX_ATTEMPTS = 20
BATCH_MAX = 500
BATCH_MIN = 20
CLAIM_AHEAD_SECONDS = 10  # claim about what the budget lets out in this long, so claims never near the lease
DEFER = timedelta(seconds=1)  # a thread reply whose parent is still on its way looks again this much later
IDLE_POLL = 0.25  # seconds between looks at the outbox while sends are in flight
METADATA_EVENT = "goalbot_outbox"
_NOT_POST_FIELDS = frozenset({"thread_of", "upload", "thread_ts", "metadata", "channel"})
_CARD_FIELDS = frozenset({"card"})  # what names a card rendered at send time


@dataclass
class DeliveryReport:
    """What one delivery run did."""

    sent: int = 0
    retried: int = 0
    failed: int = 0
    deferred: int = 0
    pending_left: int = 0


@dataclass
class _Item:
    """A claimed outbox row, detached from its session."""

    id: int
    key: str
    kind: str
    team_id: str
    channel: str
    payload: dict[str, Any]
    ref_id: int | None
    attempts: int
    next_attempt_at: datetime
    claimed_at: datetime


@dataclass
class _Lane:
    """The claimed messages of one channel, oldest first; worked by one thread at a time."""

    channel: str  # the lane's key: workspace and channel (bot/delivery/ratelimit.py paces and holds by it)
    items: deque[_Item] = field(default_factory=deque)
    busy: bool = False


@dataclass(frozen=True)
class _Outcome:
    kind: str  # sent, retry, failed, defer, lost
    until: datetime | None = None  # for retry/defer: when the row is due again



def default_worker_id() -> str:
    """host:pid:random, unique per delivery run, recorded in claimed_by."""
    return f"{socket.gethostname()[:40]}:{os.getpid()}:{uuid.uuid4().hex[:8]}"


def delivery_client(client: WebClient) -> WebClient:
    """A copy of `client` without retry handlers: a failed send is rescheduled in the outbox, never slept on."""
    return WebClient(token=client.token, base_url=client.base_url, timeout=client.timeout, ssl=client.ssl,
                     proxy=client.proxy, headers=dict(client.headers or {}), retry_handlers=[])


def outbox_metadata(key: str, metadata: dict[str, Any] | None) -> dict[str, Any]:
    """Message metadata carrying the outbox key (it wins over a payload's own `key`), keeping the rest."""
    metadata = metadata if isinstance(metadata, dict) else {}
    given = metadata.get("event_payload")
    payload: dict[str, Any] = given if isinstance(given, dict) else {}
    return {"event_type": str(metadata.get("event_type") or METADATA_EVENT), "event_payload": {**payload, "key": key}}


_dm_channels: dict[tuple[str, str, str], str] = {}  # (API URL, team, user id) → D… id, from conversations.open
_dm_lock = threading.Lock()


def deliver_due(deps: Deps, client: WebClient, *, now: datetime | None = None, worker: str | None = None,
                max_seconds: float | None = None, team_id: str | None = None) -> DeliveryReport:
    """Deliver every outbox message due now (and any that fall due while running), or only one workspace's;
    report what happened. `client` is goalbot's client (bot.installs.client_for picks each workspace's)."""
    run = _Delivery(deps, client, start=as_utc(now or deps.clock()), worker=worker or default_worker_id(),
                    max_seconds=max_seconds, team_id=team_id)
    return run.run()


class _Delivery:
    """One delivery run: a dispatcher (the calling thread) feeding channel lanes to a pool of sender threads."""

    def __init__(self, deps: Deps, client: WebClient, *, start: datetime, worker: str,
                 max_seconds: float | None, team_id: str | None = None) -> None:
        self.deps = deps
        self.sessions = deps.sessions
        self.base_client = client
        self.team_id = team_id
        self.clients: dict[str, WebClient] = {}  # per workspace, without retry handlers, for this run
        self.timer = deps.timer
        self.per_minute = int(getattr(deps.settings, "slack_posts_per_minute", 300))
        # Lanes (holds, channel pacing) and the claim size; each workspace's own budget is in `_limits_of`.
        self.limits: SlackLimits = shared_limits(str(client.base_url), str(client.token or ""), self.per_minute,
                                                 self.timer)
        self.worker = worker
        self.start = start
        self.t0 = self.timer.monotonic()
        self.deadline = self.t0 + max_seconds if max_seconds else None
        self.report = DeliveryReport()
        self.lock = threading.Lock()
        self.work_ready = threading.Condition(self.lock)
        self.progress = threading.Condition(self.lock)
        self.heap: list[tuple[float, int, _Lane]] = []
        self.seq = itertools.count()
        self.lanes: dict[str, _Lane] = {}
        self.backlog = 0  # claimed and not settled yet (queued or being sent)
        self.stopping = False

    def _client_of(self, team_id: str) -> WebClient:
        """The workspace's client for this run (NotInstalledError when goalbot is not installed there)."""
        with self.lock:
            known = self.clients.get(team_id)
        if known is None:
            known = delivery_client(client_for(self.base_client, team_id))
            with self.lock:
                self.clients[team_id] = known
        return known

    def _limits_of(self, client: WebClient) -> SlackLimits:
        """The workspace's posting budget, shared by every run in this process (keyed by its token)."""
        if client.token == self.base_client.token:
            return self.limits
        return shared_limits(str(client.base_url), str(client.token or ""), self.per_minute, self.timer)

    def now(self) -> datetime:
        """The run's logical time: its start plus the real time elapsed."""
        return self.start + timedelta(seconds=self.timer.monotonic() - self.t0)

    # ------------------------------------------------------------------ dispatcher

    def run(self) -> DeliveryReport:
        first = self._claim()
        if first:
            threads = [threading.Thread(target=self._work, name=f"goalbot-send-{n}", daemon=True)
                       for n in range(WORKERS)]
            for thread in threads:
                thread.start()
            try:
                self._enqueue(first)
                self._dispatch()
            finally:
                with self.lock:
                    self.stopping = True
                    self.work_ready.notify_all()
                for thread in threads:
                    thread.join()
                leftovers = [item for lane in self.lanes.values() for item in lane.items]
                if leftovers:  # stopped early (max_seconds): unsent rows go back untried, due at once
                    outbox.release(self.sessions, [i.id for i in leftovers], self.worker, next_attempt_at=self.now())
        with self.sessions() as session:
            self.report.pending_left = outbox.pending_count(session)
        return self.report

    def _batch_size(self) -> int:
        posts = self.limits.posts
        return max(BATCH_MIN, min(BATCH_MAX, int(posts.available() + posts.rate * CLAIM_AHEAD_SECONDS)))

    def _claim(self, limit: int | None = None) -> list[_Item]:
        rows = outbox.claim_due(self.sessions, now=self.now(), worker=self.worker, limit=limit or self._batch_size(),
                                team_id=self.team_id)
        return [_item(row) for row in rows]

    def _dispatch(self) -> None:
        next_look = 0.0  # after an empty claim, look again only after IDLE_POLL (or when all is settled)
        while self.deadline is None or self.timer.monotonic() < self.deadline:
            target = self._batch_size()
            with self.lock:
                backlog = self.backlog
            if backlog == 0 or (backlog <= target // 2 and self.timer.monotonic() >= next_look):
                items = self._claim(target - backlog)
                if items:
                    self._enqueue(items)
                    continue
                if backlog == 0:
                    return  # nothing due and nothing in flight
                next_look = self.timer.monotonic() + IDLE_POLL
            with self.lock:
                if self.backlog > 0:
                    self.timer.poll(self.progress, IDLE_POLL)

    def _enqueue(self, items: list[_Item]) -> None:
        held: dict[datetime, list[int]] = {}
        with self.lock:
            for item in items:
                key = lane_key(item.team_id, item.channel)
                until = self.limits.holds.held_until(key, self.now())
                if until is not None:
                    held.setdefault(until, []).append(item.id)  # keep the channel's order behind a retry
                    continue
                self.backlog += 1
                lane = self.lanes.get(key)
                if lane is None:
                    lane = self.lanes[key] = _Lane(key)
                    self._schedule(lane)
                lane.items.append(item)
        for until, ids in held.items():
            outbox.release(self.sessions, ids, self.worker, next_attempt_at=until)

    def _schedule(self, lane: _Lane) -> None:
        """Queue a lane for the sender threads at its channel's next free slot (lock held)."""
        heapq.heappush(self.heap, (self.limits.channels.next_free(lane.channel), next(self.seq), lane))
        self.work_ready.notify()

    # ------------------------------------------------------------------ sender threads

    def _next_lane(self) -> tuple[_Lane, _Item] | None:
        with self.lock:
            while not self.stopping:
                if self.heap:
                    wait = self.heap[0][0] - self.timer.monotonic()
                    if wait <= 0:
                        lane = heapq.heappop(self.heap)[2]
                        lane.busy = True
                        return lane, lane.items.popleft()
                    self.timer.wait(self.work_ready, wait)
                else:
                    self.work_ready.wait()
            return None

    def _work(self) -> None:
        while True:
            taken = self._next_lane()
            if taken is None:
                return
            lane, item = taken
            try:
                outcome = self._deliver(item, lane.channel)
            except Exception:  # a bug or a lost database must not wedge the run: the lease frees the row
                log.exception("delivering outbox message %s failed unexpectedly", item.key)
                outcome = _Outcome("lost")
            self._settle(lane, outcome)

    def _settle(self, lane: _Lane, outcome: _Outcome) -> None:
        rest: list[_Item] = []
        with self.lock:
            self.backlog -= 1
            lane.busy = False
            if outcome.kind in ("retry", "defer") and outcome.until is not None:
                rest = list(lane.items)
                lane.items.clear()
                self.backlog -= len(rest)
                self.limits.holds.hold(lane.channel, outcome.until)
            if lane.items:
                self._schedule(lane)
            else:
                del self.lanes[lane.channel]
            self.progress.notify()
        if rest and outcome.until is not None:
            try:
                outbox.release(self.sessions, [i.id for i in rest], self.worker, next_attempt_at=outcome.until)
            except Exception:  # still claimed by us: the lease hands them to the next run
                log.exception("could not hand %d outbox messages back", len(rest))

    # ------------------------------------------------------------------ one message

    def _deliver(self, item: _Item, lane_channel: str) -> _Outcome:
        now = self.now()
        if now - item.claimed_at > outbox.LEASE / 2:
            # Queued long behind a slow channel: renew the claim, or leave the row to whoever took it.
            if not outbox.renew_claim(self.sessions, item.id, self.worker, now):
                log.warning("outbox message %s was reclaimed by another worker; not sending it here", item.key)
                return _Outcome("lost")
            item.claimed_at = now
        payload = item.payload
        channel, thread_ts = item.channel, payload.get("thread_ts")
        parent_key = payload.get("thread_of")
        if parent_key:
            with self.sessions() as session:
                parent = outbox.find_by_key(session, str(parent_key))
            if parent is None or parent.status == OutboxStatus.FAILED:
                reason = "thread_parent_missing" if parent is None else "thread_parent_failed"
                return self._fail(item, f"{reason}: {parent_key}")
            if parent.status != OutboxStatus.SENT:
                return self._defer(item, parent, now)
            thread_ts = parent.sent_ts or thread_ts
            channel = parent.sent_channel or channel
        if payload.get("card"):
            card = self._render(payload, item.ref_id, now)
            if card is None:
                return self._fail(item, f"card_gone: {payload.get('card')}")
            item.payload = payload = {**{k: v for k, v in payload.items() if k not in _CARD_FIELDS}, **card}
        try:
            client = self._client_of(item.team_id)
        except NotInstalledError:
            return self._fail(item, "not_installed")
        try:
            if payload.get("upload"):
                ts, answered = self._upload(client, item, channel, thread_ts, lane_channel)
            else:
                ts, answered = self._post(client, item, channel, thread_ts, lane_channel)
        except Exception as error:  # noqa: BLE001 - every failure is classified and recorded
            return self._failed_send(item, classify(error, attempt=item.attempts + 1))
        if not outbox.mark_sent(self.sessions, item.id, self.worker, ts=ts, channel=answered, at=self.now()):
            log.warning("outbox message %s was sent, but its row had already been marked sent", item.key)
        metrics.SENDS.labels(kind=item.kind).inc()
        with self.lock:
            self.report.sent += 1
        return _Outcome("sent")

    def _render(self, payload: dict[str, Any], ref_id: int | None, now: datetime) -> dict[str, Any] | None:
        """A card the planner named rather than wrote (a week's thousands of cards are rendered as they go
        out, at the sending pace, not all at planning time), or None when what it shows is gone."""
        if payload.get("card") != "checkin" or ref_id is None:
            raise ValueError(f"unknown card {payload.get('card')!r} (about {ref_id})")
        with self.sessions() as session:
            return checkin_card(session, ref_id, now, self.deps.settings)

    def _post(self, client: WebClient, item: _Item, channel: str, thread_ts: str | None,
              lane_channel: str) -> tuple[str | None, str]:
        fields = {k: v for k, v in item.payload.items() if k not in _NOT_POST_FIELDS}
        if thread_ts:
            fields["thread_ts"] = thread_ts
        self._limits_of(client).posts.acquire()
        started = self.timer.monotonic()
        response = client.chat_postMessage(
            channel=channel, metadata=outbox_metadata(item.key, item.payload.get("metadata")), **fields)
        # Only a post Slack took uses the channel's second; a refused one is retried after its own delay.
        self.limits.channels.mark_sent(lane_channel, at=started)
        return response.get("ts"), str(response.get("channel") or channel)

    def _upload(self, client: WebClient, item: _Item, channel: str, thread_ts: str | None,
                lane_channel: str) -> tuple[str | None, str]:
        upload = item.payload["upload"]
        conversation = self._conversation_id(client, item.team_id, channel)
        self._limits_of(client).uploads.acquire()
        started = self.timer.monotonic()
        response = client.files_upload_v2(
            channel=conversation, content=base64.b64decode(upload["content_b64"]), filename=upload["filename"],
            title=upload.get("title") or upload["filename"], initial_comment=upload.get("initial_comment"),
            thread_ts=thread_ts)
        self.limits.channels.mark_sent(lane_channel, at=started)
        return _shared_ts(response.get("files") or [], conversation), conversation

    def _conversation_id(self, client: WebClient, team_id: str, channel: str) -> str:
        """files_upload_v2 needs a conversation id: a user id is turned into the app DM's D… id."""
        if channel[:1] not in ("U", "W"):
            return channel
        key = (str(client.base_url), team_id, channel)
        with _dm_lock:
            known = _dm_channels.get(key)
        if known:
            return known
        self._limits_of(client).opens.acquire()
        opened = str(client.conversations_open(users=channel)["channel"]["id"])
        with _dm_lock:
            _dm_channels[key] = opened
        return opened

    # ------------------------------------------------------------------ outcomes

    def _failed_send(self, item: _Item, failure: Failure) -> _Outcome:
        attempts = item.attempts + 1
        metrics.record_send_failure(failure.reason, failure.code,
                                    permanent=failure.permanent or attempts >= MAX_ATTEMPTS)
        if failure.retry_after is None:  # permanent
            return self._fail(item, failure.code)
        if attempts >= MAX_ATTEMPTS:
            return self._fail(item, f"{failure.code} (gave up after {attempts} attempts)")
        until = self.now() + timedelta(seconds=failure.retry_after)
        outbox.mark_retry(self.sessions, item.id, self.worker, error=failure.code, next_attempt_at=until)
        log.info("outbox message %s: %s, retrying in %.1f s", item.key, failure.code, failure.retry_after)
        with self.lock:
            self.report.retried += 1
        return _Outcome("retry", until)

    def _fail(self, item: _Item, error: str) -> _Outcome:
        outbox.mark_failed(self.sessions, item.id, self.worker, error=error)
        log.warning("outbox message %s (%s to %s) failed for good: %s", item.key, item.kind, item.channel, error)
        with self.lock:
            self.report.failed += 1
        return _Outcome("failed")

    def _defer(self, item: _Item, parent: OutboxMessage, now: datetime) -> _Outcome:
        # Due with (or just after) the parent: claims are ordered by next_attempt_at then id, parent first.
        until = now + DEFER
        if parent.status == OutboxStatus.PENDING:
            until = max(until, parent.next_attempt_at)
        outbox.release(self.sessions, [item.id], self.worker, next_attempt_at=until)
        with self.lock:
            self.report.deferred += 1
        return _Outcome("defer", until)


def lane_key(team_id: str, channel: str) -> str:
    """One lane per workspace and channel: two workspaces' ids never share a lane, a hold or a pace."""
    return f"{team_id}/{channel}"


def _item(row: OutboxMessage) -> _Item:
    return _Item(id=row.id, key=row.idempotency_key, kind=row.kind, team_id=row.team_id, channel=row.channel,
                 payload=dict(row.payload), ref_id=row.ref_id,
                 attempts=row.attempts, next_attempt_at=row.next_attempt_at,
                 claimed_at=row.claimed_at or row.next_attempt_at)


def _shared_ts(files: list[dict[str, Any]], channel: str) -> str | None:
    """The ts of the message that shares an uploaded file in `channel`, when Slack says it already."""
    for file in files:
        shares = file.get("shares") or {}
        for scope in ("private", "public"):
            posts = (shares.get(scope) or {}).get(channel) or []
            if posts and posts[0].get("ts"):
                return str(posts[0]["ts"])
    return None
