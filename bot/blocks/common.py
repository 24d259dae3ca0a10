"""Shared Block Kit pieces: escaping user text, buttons, and message payloads."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from slack_sdk.models.blocks import (
    ActionsBlock,
    Block,
    ButtonElement,
    ContextBlock,
    MarkdownTextObject,
    SectionBlock,
)
from slack_sdk.models.views import View

from bot.rules.titles import draft_words_reversed, title_is_original
from prompts import t

SECTION_LIMIT = 3000
MAX_BLOCKS = 50


def escape(text: str | None) -> str:
    """Escape user-written text for mrkdwn so it can never ping anyone or inject a link."""
    if text is None:
        return ""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def clip(text: str, limit: int) -> str:
    """Shorten text to Slack's limit for a field, marking the cut."""
    return text if len(text) <= limit else text[: limit - 1] + "…"


def draft_title(lang: str, draft: dict[str, Any]) -> str:
    """The words a proposed goal's draft goes by (its sentence, else its subject), escaped and clipped; marked as
    the original wording when the draft goes the other way from them, as the saved goal's screens will mark them
    (bot.rules.titles.title_is_original)."""
    title = escape(clip(str(draft.get("text") or draft.get("subject") or ""), 500))
    if title_is_original(None, None, reversed_words=draft_words_reversed(draft)):
        return t(lang, "standing.original_title", title=title)
    return title


@dataclass
class Message:
    """A message ready for chat.postMessage: fallback text plus optional blocks."""

    text: str
    blocks: Sequence[Block | dict[str, Any]] = field(default_factory=list)  # dicts: already in their JSON form
    changes_goals: bool = False  # the person's goals changed: their App Home should be published again
    # Outbox keys of DMs to other people queued in the same transaction (a manager told the goal is active): the
    # listener sends them once it has answered (bot.listeners.support.send_notices); never part of this message.
    notices: tuple[str, ...] = ()

    def payload(self) -> dict[str, Any]:
        """Return the JSON-ready fields for chat.postMessage."""
        data: dict[str, Any] = {"text": clip(self.text, 3000)}
        if self.blocks:
            data["blocks"] = [block if isinstance(block, dict) else block.to_dict()
                              for block in self.blocks[:MAX_BLOCKS]]
        return data


def modal(callback_id: str, *, title: str, submit: str, close: str, metadata: str,
          blocks: Sequence[Block]) -> dict[str, Any]:
    """A modal view as views.open takes it: title, submit and close within Slack's 24 characters."""
    return View(type="modal", callback_id=callback_id, title=clip(title, 24), submit=clip(submit, 24),
                close=clip(close, 24), private_metadata=metadata, blocks=list(blocks)).to_dict()


def section(text: str) -> SectionBlock:
    """A mrkdwn section, clipped to Slack's 3000-character limit."""
    return SectionBlock(text=MarkdownTextObject(text=clip(text, SECTION_LIMIT)))


def section_dict(text: str) -> dict[str, Any]:
    """section(text) as the JSON its to_dict() gives, key order included, without building the model objects
    (a 2,000-goal digest renders ~2,500 sections: the objects and their validation were a fifth of its rendering)."""
    return {"text": {"text": clip(text, SECTION_LIMIT), "type": "mrkdwn"}, "type": "section"}


def context(text: str) -> ContextBlock:
    """A small grey line of mrkdwn."""
    return ContextBlock(elements=[MarkdownTextObject(text=clip(text, SECTION_LIMIT))])


def button(label: str, action_id: str, value: str = "", style: str | None = None) -> ButtonElement:
    """A button with a label clipped to Slack's 75 characters."""
    return ButtonElement(text=clip(label, 75), action_id=action_id, value=value or action_id, style=style)


def actions(*buttons: ButtonElement, block_id: str | None = None) -> ActionsBlock:
    """An actions block holding the given buttons."""
    return ActionsBlock(elements=list(buttons), block_id=block_id)


def text_message(text: str) -> Message:
    """A message that is one mrkdwn section."""
    return Message(text=text, blocks=[section(text)])
