"""What the shell keeps between runs beside its database: the workspace (people, channels, messages), the clock's
offset, and who was typing where, so a restarted shell goes on where it was."""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from typing import Any

from sqlalchemy.engine import make_url

log = logging.getLogger(__name__)


def state_path(database_url: str) -> Path:
    """`goalbot.db` keeps its workspace in `goalbot.db.workspace.json`; other databases in the current folder."""
    url = make_url(database_url)
    if url.get_backend_name() == "sqlite" and url.database and url.database != ":memory:":
        return Path(url.database + ".workspace.json")
    return Path(f"goalbot-{url.database or 'shell'}.workspace.json")


@dataclass
class ShellState:
    """The shell's memory between runs."""

    offset: timedelta = timedelta(0)
    user: str | None = None
    place: str | None = None
    labels: list[list[Any]] = field(default_factory=list)  # [kind, channel, ts, label] of labelled messages
    workspace: dict[str, Any] = field(default_factory=dict)
    files: dict[str, str] = field(default_factory=dict)  # file id -> where the shell saved it (the fake keeps no bytes)

    @classmethod
    def load(cls, path: Path) -> ShellState:
        """Read the state file; a missing or unreadable one starts a new workspace (and says why in the log)."""
        if not path.is_file():
            return cls()
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            return cls(offset=timedelta(seconds=float(data.get("offset_seconds") or 0)), user=data.get("user"),
                       place=data.get("place"), labels=data.get("labels") or [],
                       workspace=data.get("workspace") or {}, files=data.get("files") or {})
        except (OSError, ValueError, TypeError) as error:
            log.warning("could not read %s (%s): starting a new local workspace", path, error)
            return cls()

    def save(self, path: Path) -> None:
        """Write the state file atomically (a crash never leaves half a file)."""
        data = {"offset_seconds": self.offset.total_seconds(), "user": self.user, "place": self.place,
                "labels": self.labels, "workspace": self.workspace, "files": self.files}
        partial = path.with_suffix(path.suffix + ".tmp")
        partial.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
        partial.replace(path)
