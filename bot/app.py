"""The composition root: builds the Bolt app with its Web API client, middleware and listeners."""

from __future__ import annotations

import logging
from typing import Any

from slack_bolt import App, BoltResponse
from slack_sdk import WebClient

from bot.clock import SYSTEM_TIMER
from bot.context import attach_caller
from bot.delivery.retries import Sleep, retry_handlers
from bot.deps import Deps
from bot.edge.middleware import validate_payloads
from bot.edge.tenancy import tenancy_for
from bot.listeners import register_listeners
from bot.middleware import ack_early, dedupe_events

log = logging.getLogger(__name__)


def make_client(token: str, base_url: str, timeout: int = 10, *, sleep: Sleep = SYSTEM_TIMER.sleep) -> WebClient:
    """A Web API client that retries connection errors, 429s (honouring Retry-After) and 5xx answers."""
    return WebClient(token=token, base_url=base_url, timeout=timeout, retry_handlers=retry_handlers(sleep))


class MissingCredentialsError(RuntimeError):
    """The app was built without a bot token or signing secret."""


def build_app(deps: Deps, *, token: str | None = None, signing_secret: str | None = None) -> App:
    """Build the Bolt app for `deps`; token and secret default to the settings."""
    settings = deps.settings
    token = token or settings.bot_token
    signing_secret = signing_secret or settings.signing_secret
    if not token or not signing_secret:
        raise MissingCredentialsError("SLACK_BOT_TOKEN and SLACK_SIGNING_SECRET are both needed to build the app.")
    app = App(
        # Named, or Bolt reads the caller's file name from inspect.stack(): ~0.1 s per app, paid by every test.
        name="goalbot",
        # The client's retries wait on deps.timer, looked up when they wait (tests swap in a virtual one).
        client=make_client(token, settings.api_url, sleep=lambda seconds: deps.timer.sleep(seconds)),
        signing_secret=signing_secret,
        token_verification_enabled=False,
        listener_executor=deps.executor,
        raise_error_for_unhandled_request=False,
        # Bolt would read DM threads with conversations.replies (one call a minute); replies come from events.
        attaching_conversation_kwargs_enabled=False,
    )
    app.use(validate_payloads(deps, tenancy_for(settings, app.client)))  # first: nothing runs on a bad payload
    app.use(ack_early)
    app.use(dedupe_events(deps))
    app.use(attach_caller(lambda: deps.clock))
    register_listeners(app, deps)

    @app.error
    def on_error(error: Exception, body: dict[str, Any], logger: logging.Logger) -> BoltResponse | None:
        logger.exception("unhandled error for %s: %s", body.get("type") or body.get("command"), error)
        return None

    return app
