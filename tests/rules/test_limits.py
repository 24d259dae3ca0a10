"""The ranges numbers must be in before arithmetic or storage."""

from __future__ import annotations

import math

from hypothesis import given
from hypothesis import strategies as st

from bot.rules.limits import MAX_AMOUNT, goal_amount, storable_amount


def test_a_goal_amount_is_finite_not_negative_and_at_most_a_trillion() -> None:
    assert [goal_amount(v) for v in (0.0, 12.0, MAX_AMOUNT)] == [True, True, True]
    assert [goal_amount(v) for v in (-1.0, -0.5, MAX_AMOUNT * 1.01, math.inf, -math.inf, math.nan,
                                     float("9" * 400))] == [False] * 7


@given(st.floats(allow_nan=True, allow_infinity=True))
def test_every_goal_amount_can_be_stored(value: float) -> None:
    if goal_amount(value):
        assert storable_amount(value) and value >= 0
