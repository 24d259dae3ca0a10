"""Local Slack stand-ins shared by `goalbot shell`, the test suite and the benchmarks."""

from bot.local.fake_web_api import Call, FakeSlackWebAPI, dm_channel_id, validate_blocks, validate_view
from bot.local.payloads import SlackRequestFactory, post, sign_headers

__all__ = [
    "Call",
    "FakeSlackWebAPI",
    "SlackRequestFactory",
    "dm_channel_id",
    "post",
    "sign_headers",
    "validate_blocks",
    "validate_view",
]
