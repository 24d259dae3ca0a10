"""Keeping a goal's title true to its numbers: the one mention of a changed number, rewritten.

The title is the owner's words. When an edit changes a number the title names ("win 10 new clients" and the
target becomes 12), the title would contradict every screen's measure. When the old number appears exactly
once, it is replaced in place, in the title's own style ("€1M" → "€1.5M", "del 15%" → "del 20%", "dieci" →
"12"); when it appears more than once, or the edit changes what is counted (metric, unit), no rewrite is safe
and None says so (the caller keeps the words and marks them as the original wording). A goal saved the other way
from its words (the owner answered that "increase churn" meant bringing it down) keeps them marked the same way.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

from bot.rules.numbers import Amount, find_amounts
from prompts import elide_italian, fmt_amount, fmt_number

__all__ = ["DIRECTION_KEY", "draft_words_reversed", "retitle", "title_is_original"]

# In a goal draft kept as JSON (a conversation's, a proposal's): the [metric, way typed] whose contradiction was
# answered ("churn usually comes down: down to 5%, or really up?"), so it is not asked again.
DIRECTION_KEY = "_direction_answered"

_SCALES = {"k": 1e3, "K": 1e3, "m": 1e6, "M": 1e6}
_COMPACT = re.compile(r"(\d)\s?([kKmM])\b")


def _same(a: float, b: float) -> bool:
    return math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-9)


def _written(title: str, found: Amount, value: float, lang: str) -> str:
    """`value` written the way the title wrote the number it replaces."""
    said = title[found.start:found.end]
    sign = said[0] if said[:1] in "+-" else ""
    compact = _COMPACT.search(said)
    if compact is not None and found.unit not in (None, "%") and value >= 1e3:
        # "€1M" stays short: "€1.5M", "€150k" (the letter the new size needs, the title's case).
        letter = "M" if value >= 1e6 else "k"
        number = fmt_number(lang, value / _SCALES[letter], 2)
        body = said[:compact.start(1) + 1]
        digits = re.search(r"\d[\d.,]*$", body)
        head = body[:digits.start()] if digits else ""
        return f"{head}{number}{letter}{said[compact.end():]}"
    if found.unit == "%":
        written = sign + fmt_amount(lang, value, "%")
    elif found.unit is not None:
        written = sign + fmt_amount(lang, value, found.unit)
    else:
        written = sign + fmt_number(lang, value)
    # Babel puts a no-break space between number and currency; a title typed with a plain one keeps it.
    return written if "\xa0" in said else written.replace("\xa0", " ")


def retitle(title: str, *, lang: str, changes: Sequence[tuple[float | None, float | None]]) -> str | None:
    """The title with each changed number (old, new) rewritten; None when that cannot be done unambiguously.

    A number the title does not mention needs no rewrite (the title says nothing false about it). A number
    mentioned more than once, or removed (new is None) while the title names it, cannot be rewritten safely.
    """
    text = title
    for old, new in changes:
        if old is None or (new is not None and _same(old, new)):
            continue
        mentions = [a for a in find_amounts(text, lang) if _same(a.value, old)]
        if not mentions:
            continue
        if len(mentions) > 1 or new is None:
            return None
        found = mentions[0]
        head = text[:found.start] + _written(text, found, new, lang)
        if lang == "it":
            head = elide_italian(head)  # "del 15%" → "dell'8%"
        text = head + text[found.end:]
    return text


def title_is_original(adjusted_at: datetime | None, title_updated_at: datetime | None, *,
                      reversed_words: bool = False) -> bool:
    """Whether the title's words no longer say what the numbers do: the numbers were edited after the title was
    last brought in line with them (or it never was), or the words went the other way from the goal since it was
    set ("increase churn rate to 5%" meant as bringing it down) and were never reworded."""
    if reversed_words and title_updated_at is None:
        return True
    return adjusted_at is not None and (title_updated_at is None or title_updated_at < adjusted_at)


def draft_words_reversed(draft: Mapping[str, Any], direction: str | None = None) -> bool:
    """Whether a draft goes the other way from its words: asked "churn usually comes down: down to 5%, or really
    up?", the way chosen (`direction`, else the draft's own) is not the one typed (the words still say "increase").
    The same answer marks the saved goal (goals.title_reversed) and every draft of it shown before."""
    answered = draft.get(DIRECTION_KEY)
    if not isinstance(answered, list) or len(answered) != 2 or answered[1] is None:
        return False  # not asked, or asked before the typed way was recorded
    return bool(answered[1] != (direction or draft.get("direction") or "increase"))
