"""Ranges numbers must be in before arithmetic or storage: row ids fit a 32-bit column, amounts stay finite
and far below where floats lose whole units."""

from __future__ import annotations

import math

MAX_ROW_ID = 2**31 - 1  # INTEGER primary keys (PostgreSQL's integer)
MAX_AMOUNT = 1e12  # a trillion of any unit: beyond any sales figure; floats are exact to the unit far past it


def row_id(text: str) -> int | None:
    """The id a person or a button wrote: None when `text` is not a whole number; 0 (no row has it) when it is
    too large to be any row's id."""
    text = (text or "").strip()
    if not text.isdigit() or not text.isascii():
        return None
    if len(text) > 10 or int(text) > MAX_ROW_ID:
        return 0
    return int(text)


def storable_amount(value: float) -> bool:
    """True when a value can be recorded: finite and within ±MAX_AMOUNT."""
    return math.isfinite(value) and abs(value) <= MAX_AMOUNT


def goal_amount(value: float) -> bool:
    """True when a goal's target or starting point can be used: finite, not negative, at most MAX_AMOUNT."""
    return math.isfinite(value) and 0 <= value <= MAX_AMOUNT
