"""Render Slack messages as terminal text: mrkdwn kept readable, buttons as numbered choices."""

from __future__ import annotations

import html
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Choice:
    """A button the person can pick by number."""

    number: int
    label: str
    action_id: str
    value: str
    block_id: str | None
    message_ts: str | None
    channel: str | None


@dataclass
class Rendered:
    """Text lines to print and the choices they offer."""

    lines: list[str] = field(default_factory=list)
    choices: list[Choice] = field(default_factory=list)


def _text(obj: dict[str, Any] | None) -> str:
    # Slack shows &lt; as <, so the terminal does too: what the user sees in Slack is what they see here.
    return html.unescape((obj or {}).get("text", ""))


def render_message(message: dict[str, Any], *, first_number: int = 1, prefix: str = "goalbot") -> Rendered:
    """Turn one posted message (text and blocks) into printable lines and numbered choices."""
    out = Rendered()
    blocks = message.get("blocks") or []
    where = " (in thread)" if message.get("thread_ts") and message.get("thread_ts") != message.get("ts") else ""
    out.lines.append(f"{prefix}{where}:")
    if not blocks:
        out.lines.extend("  " + line for line in html.unescape(message.get("text") or "").splitlines())
        return out
    number = first_number
    for block in blocks:
        kind = block.get("type")
        if kind == "header":
            out.lines.append(f"  == {_text(block.get('text'))} ==")
        elif kind == "section":
            if block.get("text"):
                out.lines.extend("  " + line for line in _text(block["text"]).splitlines())
            for item in block.get("fields") or []:
                out.lines.extend("    " + line for line in _text(item).splitlines())
            accessory = block.get("accessory")
            if accessory and accessory.get("type") == "button":
                out.choices.append(_choice(number, accessory, block, message))
                out.lines.append(f"    [{number}] {_text(accessory.get('text'))}")
                number += 1
        elif kind == "context":
            out.lines.append("  · " + " ".join(_text(e) for e in block.get("elements") or [] if "text" in e))
        elif kind == "divider":
            out.lines.append("  " + "-" * 40)
        elif kind == "image":
            out.lines.append(f"  [image: {block.get('alt_text', '')}]")
        elif kind == "actions":
            labels = []
            for element in block.get("elements") or []:
                if element.get("type") != "button":
                    continue
                out.choices.append(_choice(number, element, block, message))
                labels.append(f"[{number}] {_text(element.get('text'))}")
                number += 1
            out.lines.append("  " + "  ".join(labels))
    return out


def _choice(number: int, element: dict[str, Any], block: dict[str, Any], message: dict[str, Any]) -> Choice:
    return Choice(number=number, label=_text(element.get("text")), action_id=element.get("action_id", ""),
                  value=element.get("value", ""), block_id=block.get("block_id"), message_ts=message.get("ts"),
                  channel=message.get("channel"))
