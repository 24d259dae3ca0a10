"""A changed number rewritten in the title only when the title names it exactly once."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.rules.titles import draft_words_reversed, retitle


@pytest.mark.parametrize("title,lang,changes,expected", [
    ("win 10 new clients in healthcare", "en", [(10, 12)], "win 12 new clients in healthcare"),
    ("acquisire dieci nuovi clienti", "it", [(10, 12)], "acquisire 12 nuovi clienti"),
    ("increase sales from €100k to €1M by 30 June", "en", [(1e6, 1.5e6)],
     "increase sales from €100k to €1.5M by 30 June"),
    ("increase sales from €100k to €1M by 30 June", "en", [(1e6, 150_000), (100_000, 90_000)],
     "increase sales from €90k to €150k by 30 June"),
    ("aumentare le vendite del prodotto X del 15% nel prossimo trimestre", "it", [(15, 8)],
     "aumentare le vendite del prodotto X dell'8% nel prossimo trimestre"),
    ("portare il fatturato da 200.000 € a 260.000 € entro fine anno", "it", [(260_000, 280_000)],
     "portare il fatturato da 200.000 € a 280.000 € entro fine anno"),
    ("+15% vendite", "it", [(15, 20)], "+20% vendite"),
    ("grow the healthcare business", "en", [(10, 12)], "grow the healthcare business"),  # names no number
    ("win 10 new clients", "en", [(10, 10)], "win 10 new clients"),  # nothing changed
    ("win 10 new clients", "en", [(None, 5)], "win 10 new clients"),  # a start added: the title names none
])
def test_the_one_mention_of_a_changed_number_is_rewritten_in_the_titles_style(
    title: str, lang: str, changes: list[tuple[float | None, float | None]], expected: str,
) -> None:
    assert retitle(title, lang=lang, changes=changes) == expected


@pytest.mark.parametrize("title,changes", [
    ("win 10 new clients in 10 regions", [(10, 12)]),  # which 10?
    ("from 5 to 10 deals, 10 of them new", [(10, 12)]),
    ("revenue from €100k to €200k", [(100_000, None)]),  # the start removed but named in the words
])
def test_an_ambiguous_title_is_not_rewritten(title: str, changes: list[tuple[float | None, float | None]]) -> None:
    assert retitle(title, lang="en", changes=changes) is None


@given(st.integers(min_value=2, max_value=500), st.integers(min_value=2, max_value=500))
def test_a_rewritten_count_names_the_new_number_and_keeps_the_other_words(old: int, new: int) -> None:
    title = f"win {old} new clients in healthcare"
    assert retitle(title, lang="en", changes=[(old, new)]) == f"win {new} new clients in healthcare"


@pytest.mark.parametrize(("draft", "direction", "expected"), [
    ({}, None, False),  # never asked
    ({"_direction_answered": None, "direction": "decrease"}, None, False),
    # asked before the way typed was kept
    ({"_direction_answered": ["churn_rate", None], "direction": "decrease"}, None, False),
    ({"_direction_answered": ["churn_rate", "increase"], "direction": "decrease"}, None, True),  # brought down
    ({"_direction_answered": ["churn_rate", "increase"], "direction": "increase"}, None, False),  # really raised
    ({"_direction_answered": ["churn_rate", "increase"], "direction": "increase"}, "decrease", True),  # way given
    ({"_direction_answered": ["retention_rate", "decrease"]}, None, True),  # no way kept: an increase
    ({"_direction_answered": "increase", "direction": "decrease"}, None, False),  # not a value goalbot wrote
])
def test_a_draft_goes_the_other_way_from_its_words_only_when_the_way_picked_is_not_the_one_typed(
    draft: dict[str, object], direction: str | None, expected: bool,
) -> None:
    assert draft_words_reversed(draft, direction) is expected
