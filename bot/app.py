"""The composition root: builds the Bolt app with its Web API client, middleware and listeners."""

from __future__ import annotations

import logging
from typing import Any

from slack_bolt import App, BoltResponse
from slack_bolt.logger.messages import warning_client_prioritized_and_token_skipped
from slack_sdk import WebClient

from bot import installs
from bot.context import attach_caller
from bot.deps import Deps
from bot.edge.middleware import validate_payloads
from bot.edge.tenancy import tenancy_for
from bot.installs import make_client
from bot.listeners import register_listeners
from bot.middleware import ack_early, dedupe_events, reactivate_workspaces
from bot.services import workspaces

log = logging.getLogger(__name__)


class _ClientGivenNotice(logging.Filter):
    """Drops Bolt's "As you gave `client` as well, `token` will be unused.": goalbot always hands Bolt its own client
    (its token, retry handlers and API URL), so with SLACK_BOT_TOKEN set, as every deployment has it, each app
    built (two per `serve --http`) logged a warning about a choice that is deliberate."""

    def filter(self, record: logging.LogRecord) -> bool:
        return record.getMessage() != warning_client_prioritized_and_token_skipped()


_BOLT_LOG = logging.getLogger("slack_bolt.App")
if not any(isinstance(f, _ClientGivenNotice) for f in _BOLT_LOG.filters):
    _BOLT_LOG.addFilter(_ClientGivenNotice())


class MissingCredentialsError(RuntimeError):
    """The app was built without a bot token (or OAuth credentials) or a signing secret."""


def build_app(deps: Deps, *, token: str | None = None, signing_secret: str | None = None) -> App:
    """Build the Bolt app for `deps`; token and secret default to the settings.

    With SLACK_CLIENT_ID/SLACK_CLIENT_SECRET (and no token) it is the OAuth app: Bolt's install flow and
    authorize on the installation store, whose client (`installs.InstallationClients`) speaks for each workspace
    with its own token; `deps.installations` is that store.
    """
    settings = deps.settings
    token = token or settings.bot_token
    signing_secret = signing_secret or settings.signing_secret
    oauth = settings.oauth and not token
    if not (token or oauth) or not signing_secret:
        raise MissingCredentialsError("SLACK_BOT_TOKEN (or SLACK_CLIENT_ID and SLACK_CLIENT_SECRET) and "
                                      "SLACK_SIGNING_SECRET are needed to build the app.")

    def sleep(seconds: float) -> None:
        # The client's retries wait on deps.timer, looked up when they wait (tests swap in a virtual one).
        deps.timer.sleep(seconds)

    client: WebClient
    oauth_options: dict[str, Any] = {}
    if oauth:
        engine = deps.sessions.kw["bind"]
        store = installs.installation_store(engine, str(settings.client_id))
        deps.installations = store
        client = installs.InstallationClients(store, settings.api_url, sleep=sleep)
        oauth_options = dict(
            oauth_settings=installs.oauth_settings(settings, store, engine,
                                                   lambda team_id: workspaces.installed(deps, team_id)),
            authorize=installs.authorize(settings, store))
    else:
        client = make_client(token, settings.api_url, sleep=sleep)
    app = App(
        # Named, or Bolt reads the caller's file name from inspect.stack(): ~0.1 s per app, paid by every test.
        name="goalbot",
        client=client,
        signing_secret=signing_secret,
        token_verification_enabled=False,
        listener_executor=deps.executor,
        raise_error_for_unhandled_request=False,
        # Bolt would read DM threads with conversations.replies (one call a minute); replies come from events.
        attaching_conversation_kwargs_enabled=False,
        **oauth_options,
    )
    tenancy = tenancy_for(settings, app.client, deps.installations if oauth else None)
    app.use(validate_payloads(deps, tenancy))  # first: nothing runs on a bad payload
    app.use(ack_early)
    app.use(reactivate_workspaces(deps))
    app.use(dedupe_events(deps))
    app.use(attach_caller(lambda: deps.clock))
    register_listeners(app, deps)
    if settings.handoff:  # `goalbot serve --http`: the work after the ack runs in an after-ack process
        from bot.handoff import use_inbox

        use_inbox(app, deps)

    @app.error
    def on_error(error: Exception, body: dict[str, Any], logger: logging.Logger) -> BoltResponse | None:
        logger.exception("unhandled error for %s: %s", body.get("type") or body.get("command"), error)
        return None

    return app
