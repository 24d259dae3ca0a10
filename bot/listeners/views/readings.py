"""The Correct modal: the value is checked inside the ack (errors shown under the field), then recorded."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from slack_bolt import App, Respond
from slack_sdk import WebClient

from bot import ids
from bot.context import RequestContext
from bot.deps import Deps
from bot.listeners.support import lazy_listener, reply
from bot.listeners.views.fields import accepted_by_ack, field_check, field_value, metadata_of
from bot.rules.limits import row_id
from bot.services import checkin_readings as service


@dataclass(frozen=True)
class Correction:
    """The modal's reading, where to answer, and the value typed."""

    reading_id: int
    channel: str | None
    thread_ts: str | None
    value: str


def correction_of(body: dict[str, Any]) -> Correction:
    """Read the modal's metadata and its one field."""
    metadata = metadata_of(body)
    return Correction(reading_id=row_id(str(metadata.get("reading") or "")) or 0, channel=metadata.get("channel"),
                      thread_ts=metadata.get("thread_ts"),
                      value=field_value(body, ids.BLOCK_READING_VALUE, ids.INPUT_READING_VALUE) or "")


def validate_correction(deps: Deps) -> Callable[..., None]:
    """The ack half: keep the modal open with the reason when the value cannot be recorded."""

    def check(ctx: RequestContext, body: dict[str, Any]) -> str | None:
        correction = correction_of(body)
        return service.check_correction(deps, ctx, correction.reading_id, correction.value)

    return field_check(deps, ids.BLOCK_READING_VALUE, check)


def register(app: App, deps: Deps) -> None:
    """Bind the Correct modal."""

    @lazy_listener(deps, accept=accepted_by_ack(deps))
    def record_correction(ctx: RequestContext, body: dict[str, Any], client: WebClient,
                          respond: Respond | None) -> None:
        correction = correction_of(body)
        answer = service.submit_correction(deps, ctx, correction.reading_id, correction.value,
                                           channel=correction.channel,
                                           thread_ts=correction.thread_ts)
        if answer is None:
            return
        reply(deps, client, ctx, answer.channel or ctx.user_id, answer.messages, thread_ts=answer.thread_ts,
              changes_goals=True, key=f"reading-modal:{(body.get('view') or {}).get('id') or body.get('trigger_id')}")

    app.view(ids.VIEW_READING_CORRECT)(ack=validate_correction(deps), lazy=[record_correction])
