"""The Update progress modal: the number is checked inside the ack (errors shown under the field), then recorded.

The ack half reads the value against the goal and answers `response_action: errors` with a localized message
when it cannot be read with confidence, so the modal stays open; the lazy half records the check-in and answers
in the check-in's thread.
"""

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
from bot.services import checkin_buttons as service


@dataclass(frozen=True)
class Submission:
    """The modal's fields: the check-in, where to answer, the value typed and the note."""

    checkin_id: int
    channel: str | None
    thread_ts: str | None
    value: str
    note: str | None


def submission_of(body: dict[str, Any]) -> Submission:
    """Read the modal's metadata and inputs."""
    metadata = metadata_of(body)
    return Submission(checkin_id=row_id(str(metadata.get("checkin") or "")) or 0, channel=metadata.get("channel"),
                      thread_ts=metadata.get("thread_ts"),
                      value=field_value(body, ids.BLOCK_CHECKIN_VALUE, ids.INPUT_CHECKIN_VALUE) or "",
                      note=field_value(body, ids.BLOCK_CHECKIN_NOTE, ids.INPUT_CHECKIN_NOTE))


def validate_submission(deps: Deps) -> Callable[..., None]:
    """The ack half: keep the modal open with a localized error when the number cannot be read."""

    def check(ctx: RequestContext, body: dict[str, Any]) -> str | None:
        submission = submission_of(body)
        return service.check_modal(deps, ctx, submission.checkin_id, submission.value)

    return field_check(deps, ids.BLOCK_CHECKIN_VALUE, check)


def record_submission(deps: Deps) -> Callable[..., None]:
    """The lazy half: record the value and note, and answer in the check-in's thread."""

    @lazy_listener(deps, accept=accepted_by_ack(deps))
    def checkin_modal(ctx: RequestContext, body: dict[str, Any], client: WebClient, respond: Respond | None) -> None:
        submission = submission_of(body)
        answer = service.submit_modal(deps, ctx, submission.checkin_id, value=submission.value,
                                      note=submission.note, channel=submission.channel,
                                      thread_ts=submission.thread_ts)
        if answer is None:
            return
        reply(deps, client, ctx, answer.channel, answer.messages, thread_ts=answer.thread_ts, changes_goals=True,
              key=f"checkin-modal:{(body.get('view') or {}).get('id') or body.get('trigger_id')}")

    return checkin_modal


def register(app: App, deps: Deps) -> None:
    """Bind the check-in modal."""
    app.view(ids.VIEW_CHECKIN)(ack=validate_submission(deps), lazy=[record_submission(deps)])
