"""Log lines: plain text or JSON (GOALBOT_LOG_FORMAT=json), and never a request body.

Bolt logs the whole body of a request whose signature it refuses, at INFO (one 200 MB POST made a 200 MB log
line). goalbot verifies signatures before Bolt sees a request, but a filter on every handler also drops Bolt's
body-carrying messages and caps any line, whoever writes it.
"""

from __future__ import annotations

import json
import logging
from datetime import UTC, datetime

MAX_MESSAGE = 2_000  # characters of one log message; a request body never fits in a log line
_BODY_MARKERS = ("body: ", "({'", "request body")


class NoBodies(logging.Filter):
    """Drops Bolt's messages that quote a request body and truncates any message longer than MAX_MESSAGE."""

    def filter(self, record: logging.LogRecord) -> bool:
        """Rewrite the record in place; always keep it (shortened) unless it is Bolt quoting a body."""
        try:
            message = record.getMessage()
        except Exception:  # noqa: BLE001 - a malformed record still gets logged, as its template
            message = str(record.msg)
        if record.name.startswith("slack_bolt") and any(marker in message for marker in _BODY_MARKERS):
            first = message.split(" (", 1)[0].split(": ", 1)[0]
            record.msg, record.args = f"{first[:200]} (request body not logged)", None
            return True
        if len(message) > MAX_MESSAGE:
            record.msg, record.args = message[:MAX_MESSAGE] + f"… ({len(message)} characters)", None
        return True


class JsonFormatter(logging.Formatter):
    """One JSON object per line: time, level, logger, message, and the exception when there is one."""

    def format(self, record: logging.LogRecord) -> str:
        """Render the record as a JSON line."""
        line = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        if record.exc_info:
            line["exception"] = self.formatException(record.exc_info)
        return json.dumps(line, ensure_ascii=False)


class ErrorCounter(logging.Handler):
    """Counts ERROR records that carry a traceback from goalbot's loggers (listeners, jobs, delivery) and Bolt's."""

    def __init__(self) -> None:
        super().__init__(level=logging.ERROR)

    def emit(self, record: logging.LogRecord) -> None:
        """Count the record by the logger that wrote it (goalbot_handler_errors_total{where})."""
        if record.exc_info and record.name.startswith(("bot.", "slack_bolt")):
            # Imported here: prometheus-client must not load before `serve --workers` sets its multiprocess dir.
            from bot.edge.metrics import HANDLER_ERRORS

            HANDLER_ERRORS.labels(where=record.name).inc()


TEXT_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"


def configure(level: str, log_format: str = "text") -> None:
    """Log to stderr at `level`, as text or JSON lines, with bodies kept out of every line.

    Like logging.basicConfig, it leaves a root logger that already has handlers alone (a test runner's, an
    embedding application's), apart from the error counter.
    """
    root = logging.getLogger()
    if not any(isinstance(h, ErrorCounter) for h in root.handlers):
        root.addHandler(ErrorCounter())
    for chatty in ("alembic", "apscheduler.executors.default"):  # the latter: two lines per job run, every 5 s
        logging.getLogger(chatty).setLevel(logging.WARNING)
    if any(not isinstance(h, ErrorCounter) for h in root.handlers):
        return
    handler = logging.StreamHandler()
    handler.setFormatter(JsonFormatter() if log_format == "json" else logging.Formatter(TEXT_FORMAT))
    handler.addFilter(NoBodies())
    root.addHandler(handler)
    root.setLevel(getattr(logging, level, logging.INFO))
