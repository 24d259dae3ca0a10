"""Delivers the outbox: concurrent across channels, in order within a channel, inside Slack's rate limits.

One `deliver_due` call claims due rows in batches, queues them in one lane per channel and lets a pool of
threads post them. A lane is worked by one thread at a time, so a channel's messages go out in order (a thread
parent before its replies) and at most once a second; the workspace-wide budget is a shared token bucket
(bot/delivery/ratelimit.py). A failed send never blocks a thread: the row goes back to pending with its own
next_attempt_at (Retry-After for a 429, exponential backoff with jitter for server and network errors), and the
rest of that channel's lane goes back with it so the order holds.

Sends whose answer never came (a timeout, a reset, a 5xx, or a process killed mid-send) may have reached Slack:
the row keeps `attempted_at`, and before it is posted again the channel's latest messages (or the thread's) are
read once with their metadata, where every post carries its outbox key. Found: marked sent with that ts, not
posted again. conversations.history and .replies allow about one call a minute to apps outside the Slack
Marketplace (GOALBOT_SLACK_HISTORY_CALLS_PER_MINUTE): one read per channel serves every uncertain row in it,
and only rows whose post was in flight are uncertain, so the set stays small. Everything recorded as sent is
never sent again.

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
HISTORY_PAGE = 15  # messages per conversations.history/replies call: the most non-Marketplace apps get
HISTORY_PAGES = 2  # pages read before concluding an uncertain message is not there (then it is posted again)
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
    attempted_at: datetime | None = None  # a post may have reached Slack: look before posting again
    noted: bool = False  # the claim itself noted this attempt (send_now): post without looking or noting again


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
    ts: str | None = None  # sent: the message's ts
    error: str | None = None  # failed: why
    inline: bool = False  # retry: worth retrying while the person waits (429, 5xx, network, as slack_sdk's handlers)



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


class ReplyRefused(RuntimeError):
    """Slack refused a reply for good (the person or channel is gone, the message is malformed)."""


@dataclass
class Sent:
    """What `send_now` did: the ts of each message Slack has now, in order; the rest wait in the outbox."""

    ts: list[str] = field(default_factory=list)
    queued: int = 0


INLINE_TRIES = 3  # a reply is tried this often while the person waits (as slack_sdk's retry handlers did)
INLINE_WAIT_MAX = 10.0  # seconds worth waiting in line; a longer Retry-After leaves the reply to the outbox


def send_now(deps: Deps, client: WebClient, keys: list[str]) -> Sent:
    """Send these pending outbox messages now, in order, while a person waits for them.

    A failure is retried a few times at once (a post that may have landed is looked for first, so a 5xx, a reset
    or a timeout after Slack posted never shows it twice); what still fails stays in the outbox with its backoff,
    the messages after it too (the scheduler's delivery sends them in order). A permanent refusal raises
    ReplyRefused once the rest is released.
    """
    run = _Delivery(deps, client, start=as_utc(deps.clock()), worker=default_worker_id(), max_seconds=None)
    run.budgeted = False
    done = Sent()
    items = _claimed(deps, keys, run)
    for index, item in enumerate(items):
        outcome = run._deliver(item, item.channel)
        for _ in range(INLINE_TRIES - 1):
            if outcome.kind != "retry" or outcome.until is None or not outcome.inline:
                break
            wait = (outcome.until - run.now()).total_seconds()
            if wait > INLINE_WAIT_MAX:
                break
            deps.timer.sleep(max(wait, 0.0))
            again = _claimed(deps, [item.key], run)
            if not again:  # the scheduler's delivery took it meanwhile
                outcome = _Outcome("lost")
                break
            item = again[0]
            outcome = run._deliver(item, item.channel)
        if outcome.kind == "sent":
            if outcome.ts:
                done.ts.append(outcome.ts)
            continue
        rest = [later.id for later in items[index + 1:]]
        outbox.release(deps.sessions, rest, run.worker, next_attempt_at=outcome.until or run.now())
        done.queued = len(rest) + (0 if outcome.kind == "failed" else 1)  # this one waits too, unless refused
        if outcome.kind == "failed":
            raise ReplyRefused(outcome.error or "refused")
        break
    return done


def _claimed(deps: Deps, keys: list[str], run: _Delivery) -> list[_Item]:
    """Claim these rows for `run`, noting the attempt; a row noted earlier (its post may have landed) is looked for."""
    now = run.now()
    items = [_item(row) for row in outbox.claim_keys(deps.sessions, keys, now=now, worker=run.worker)]
    for item in items:
        item.noted = item.attempted_at == now
    return items


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
        settings = deps.settings
        self.per_minute = int(getattr(settings, "slack_posts_per_minute", 300))
        self.history_per_minute = int(getattr(settings, "history_calls_per_minute", 1))
        # Lanes (holds, channel pacing) and the claim size; each workspace's own budget is in `_limits_of`.
        self.limits: SlackLimits = shared_limits(str(client.base_url), str(client.token or ""), self.per_minute,
                                                 self.timer, self.history_per_minute)
        self.lease = timedelta(seconds=int(getattr(settings, "outbox_lease_seconds", outbox.LEASE.total_seconds())))
        self.budgeted = True  # scheduled sends share the workspace's post budget; a person's reply does not wait
        self.read: dict[tuple[str, str, str | None], tuple[datetime, dict[str, str]]] = {}  # reads, by thread
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
        return shared_limits(str(client.base_url), str(client.token or ""), self.per_minute, self.timer,
                             self.history_per_minute)

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
                                team_id=self.team_id, lease=self.lease)
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
        if item.attempted_at is not None and not item.noted:
            settled = self._settle_uncertain(client, item, channel, thread_ts)
            if settled is not None:
                return settled
        if not item.noted and not outbox.begin_attempt(self.sessions, item.id, self.worker, self.now()):
            log.warning("outbox message %s was reclaimed by another worker; not sending it here", item.key)
            return _Outcome("lost")
        try:
            if payload.get("upload"):
                ts, answered = self._upload(client, item, channel, thread_ts, lane_channel)
            else:
                ts, answered = self._post(client, item, channel, thread_ts, lane_channel)
        except Exception as error:  # noqa: BLE001 - every failure is classified and recorded
            return self._failed_send(item, classify(error, attempt=item.attempts + 1))
        return self._sent(item, ts, answered)

    def _sent(self, item: _Item, ts: str | None, channel: str) -> _Outcome:
        if not outbox.mark_sent(self.sessions, item.id, self.worker, ts=ts, channel=channel, at=self.now()):
            log.warning("outbox message %s was sent, but its row had already been marked sent", item.key)
        metrics.SENDS.labels(kind=item.kind).inc()
        with self.lock:
            self.report.sent += 1
        return _Outcome("sent", ts=ts)

    # ------------------------------------------------------------------ uncertain sends

    def _settle_uncertain(self, client: WebClient, item: _Item, channel: str,
                          thread_ts: str | None) -> _Outcome | None:
        """A post of this row may have reached Slack: look for its key; found → sent, absent → None (post it)."""
        try:
            posted = self._posted_keys(client, item, channel, thread_ts)
        except Exception as error:  # noqa: BLE001 - classified like a send
            failure = classify(error, attempt=item.attempts + 1)
            if failure.permanent:  # no way to look (e.g. missing history scope): post, at least once
                log.warning("could not look for outbox message %s in %s (%s); posting it again",
                            item.key, channel, failure.code)
                return None
            return self._retry(item, failure.code, failure.retry_after or 1.0, maybe_posted=True)
        if isinstance(posted, float):  # the history budget is spent: look later
            return self._retry(item, "history_budget", posted, maybe_posted=True, count=False)
        found = posted.get(item.key)
        if found is not None:
            log.info("outbox message %s was already in %s: marked sent, not posted again", item.key, channel)
            metrics.RECOVERED.inc()
            return self._sent(item, found, self._conversation_id(client, item.team_id, channel))
        outbox.not_posted(self.sessions, item.id, self.worker)
        item.attempted_at = None
        return None

    def _posted_keys(self, client: WebClient, item: _Item, channel: str,
                     thread_ts: str | None) -> dict[str, str] | float:
        """Outbox keys → ts among the latest messages of the channel (or thread); or seconds to wait for budget."""
        conversation = self._conversation_id(client, item.team_id, channel)
        place = (item.team_id, conversation, thread_ts)
        with self.lock:
            known = self.read.get(place)
        if known is not None and item.attempted_at is not None and item.attempted_at < known[0]:
            return known[1]  # this channel was read after that post: one read serves every uncertain row in it
        history = self._limits_of(client).history
        wait = history.try_take()
        if wait > 0:
            return wait
        read_at = self.now()
        found: dict[str, str] = {}
        cursor: str | None = None
        for _page in range(HISTORY_PAGES):
            args: dict[str, Any] = dict(channel=conversation, limit=HISTORY_PAGE, include_all_metadata=True)
            if cursor:
                args["cursor"] = cursor
            response = (client.conversations_replies(ts=thread_ts, **args) if thread_ts
                        else client.conversations_history(**args))
            for message in response.get("messages") or []:
                metadata = message.get("metadata") or {}
                key = (metadata.get("event_payload") or {}).get("key") if isinstance(metadata, dict) else None
                if key is not None and message.get("ts"):
                    found[str(key)] = str(message["ts"])
            cursor = (response.get("response_metadata") or {}).get("next_cursor") or None
            if item.key in found or not cursor:
                break
            if history.try_take() > 0:
                break  # no budget for another page: what was read decides
        with self.lock:
            self.read[place] = (read_at, found)
        return found

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
        if self.budgeted:
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
        return self._retry(item, failure.code, failure.retry_after, maybe_posted=failure.maybe_posted,
                           inline=failure.reason in ("ratelimited", "server", "network"))

    def _retry(self, item: _Item, error: str, seconds: float, *, maybe_posted: bool, count: bool = True,
               inline: bool = False) -> _Outcome:
        until = self.now() + timedelta(seconds=seconds)
        if count:
            outbox.mark_retry(self.sessions, item.id, self.worker, error=error, next_attempt_at=until,
                              maybe_posted=maybe_posted)
        else:  # waiting for a budget is not an attempt
            outbox.release(self.sessions, [item.id], self.worker, next_attempt_at=until)
        log.info("outbox message %s: %s, retrying in %.1f s", item.key, error, seconds)
        with self.lock:
            self.report.retried += 1
        return _Outcome("retry", until, inline=inline)

    def _fail(self, item: _Item, error: str) -> _Outcome:
        outbox.mark_failed(self.sessions, item.id, self.worker, error=error)
        log.warning("outbox message %s (%s to %s) failed for good: %s", item.key, item.kind, item.channel, error)
        with self.lock:
            self.report.failed += 1
        return _Outcome("failed", error=error)

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
                 claimed_at=row.claimed_at or row.next_attempt_at, attempted_at=row.attempted_at)


def _shared_ts(files: list[dict[str, Any]], channel: str) -> str | None:
    """The ts of the message that shares an uploaded file in `channel`, when Slack says it already."""
    for file in files:
        shares = file.get("shares") or {}
        for scope in ("private", "public"):
            posts = (shares.get(scope) or {}).get(channel) or []
            if posts and posts[0].get("ts"):
                return str(posts[0]["ts"])
    return None
