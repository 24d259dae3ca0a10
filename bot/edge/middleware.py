"""The validation layer as Bolt's first global middleware, for requests that do not come through the HTTP edge
(Socket Mode, the local shell): the same typed checks, the same refusals."""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from typing import Any

from slack_bolt import BoltContext, BoltResponse

from bot.delivery import inbox
from bot.deps import Deps
from bot.edge import metrics, payloads
from bot.edge.payloads import Invalid, ResponseUrls
from bot.edge.tenancy import Tenancy
from prompts import t

log = logging.getLogger(__name__)


def validate_payloads(deps: Deps, tenancy: Tenancy) -> Callable[..., BoltResponse | None]:
    """Middleware: refuse a payload of the wrong shape or from another install before any listener runs."""
    urls = ResponseUrls(deps.settings.response_url_prefixes)

    def middleware(body: dict[str, Any], context: BoltContext,
                   next: Callable[[], BoltResponse]) -> BoltResponse | None:  # noqa: A002
        if context.get("edge_payload") is not None:  # HTTP mode: bot.edge.wsgi checked it already
            return next()
        if context.get(inbox.REDELIVERY):  # from the inbox: checked when it arrived, before it was recorded
            return next()
        kind = payloads.kind_of(body)
        try:
            payload = payloads.validate(body, urls)
        except Invalid as why:
            log.warning("refused a %s: %s", kind, why)
            metrics.REQUESTS.labels(kind=kind, outcome="invalid").inc()
            if kind == payloads.SLASH_COMMAND:
                text = t(deps.settings.default_lang, "edge.unreadable_request")
                return BoltResponse(status=200, body=json.dumps({"response_type": "ephemeral", "text": text}),
                                    headers={"content-type": "application/json"})
            return BoltResponse(status=200, body="")
        if not isinstance(payload, payloads.UrlVerification):
            foreign = tenancy.foreign(payload.identity, payloads.event_type_of(payload))
            if foreign is not None:
                log.warning("refused a %s from another %s (team %s)", kind, foreign, payload.identity.team_id)
                metrics.REQUESTS.labels(kind=kind, outcome="foreign").inc()
                return BoltResponse(status=200, body="")
        context["edge_payload"] = payload
        return next()

    return middleware
