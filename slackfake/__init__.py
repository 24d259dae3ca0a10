"""A local stand-in for Slack: the Web API answered in-process and signed requests in Slack's real shapes.

It lives beside `bot/`, not inside it: the product never special-cases it. The shell, the tests and the benchmarks
point the app at it (SLACK_API_URL, a bot token, a signing secret) exactly as they would point it at Slack.
"""

from slackfake.payloads import SlackRequestFactory, post, sign_headers
from slackfake.web_api import Call, FakeSlackWebAPI, WorkspaceError, dm_channel_id, validate_blocks, validate_view

# The credentials the shell and the tests configure the app with: any xoxb- token is accepted by the fake.
FAKE_BOT_TOKEN = "xoxb-local-shell"
FAKE_SIGNING_SECRET = "local-shell-signing-secret"

__all__ = [
    "FAKE_BOT_TOKEN",
    "FAKE_SIGNING_SECRET",
    "Call",
    "FakeSlackWebAPI",
    "WorkspaceError",
    "SlackRequestFactory",
    "dm_channel_id",
    "post",
    "sign_headers",
    "validate_blocks",
    "validate_view",
]
