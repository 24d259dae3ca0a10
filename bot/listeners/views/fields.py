"""What the check-in modals share: reading their metadata and fields, and the ack that shows an error on a field."""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from typing import Any

from slack_bolt import Ack, BoltContext

from bot.context import RequestContext, caller_of
from bot.deps import Deps, submission_key
from bot.services.profiles import stored_context

log = logging.getLogger(__name__)


def metadata_of(body: dict[str, Any]) -> dict[str, Any]:
    """The modal's private metadata (an empty dict when missing or not an object)."""
    try:
        metadata = json.loads((body.get("view") or {}).get("private_metadata") or "{}")
    except ValueError:
        return {}
    return metadata if isinstance(metadata, dict) else {}


def field_value(body: dict[str, Any], block_id: str, action_id: str) -> str | None:
    """What was typed in one input of the submitted modal."""
    values = ((body.get("view") or {}).get("state") or {}).get("values") or {}
    value = ((values.get(block_id) or {}).get(action_id) or {}).get("value")
    return None if value is None else str(value)


def accepted_by_ack(deps: Deps) -> Callable[[dict[str, Any]], bool]:
    """The lazy half's `accept`: go on unless the ack kept the modal open (errors or warnings shown there).

    Waits for the ack's verdict before the person's turn is taken (AckVerdicts says why it must wait at all).
    """
    return lambda body: deps.verdicts.wait(submission_key(body)) is not False


def field_check(deps: Deps, block_id: str,
                check: Callable[[RequestContext, dict[str, Any]], str | None]) -> Callable[..., None]:
    """The ack half of a modal: keep it open with `check`'s localized error under the field `block_id`."""

    def ack_field(ack: Ack, body: dict[str, Any], context: BoltContext) -> None:
        try:
            error = check(stored_context(deps, caller_of(context)), body)
        except Exception:
            log.exception("checking the %s modal failed", (body.get("view") or {}).get("callback_id"))
            deps.verdicts.give(submission_key(body), accepted=True)  # the lazy half checks again and answers
            ack()
            return
        # The verdict goes to the lazy half before the ack: nothing may run after ack() (Bolt 1.30).
        deps.verdicts.give(submission_key(body), accepted=not error)
        if error:
            ack(response_action="errors", errors={block_id: error})
            return
        ack()

    return ack_field
