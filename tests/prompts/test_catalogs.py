"""Every text exists in English and Italian, with the same placeholders, and every feedback code has words."""

from __future__ import annotations

import pytest

import prompts
from bot.rules.smart import ISSUE_CODES


def test_both_languages_have_the_same_keys() -> None:
    english, italian = prompts.keys("en"), prompts.keys("it")
    assert sorted(set(english) - set(italian)) == [], "missing in it.toml"
    assert sorted(set(italian) - set(english)) == [], "missing in en.toml"


@pytest.mark.parametrize("key", sorted(prompts.keys("en")))
def test_translations_use_the_same_placeholders(key: str) -> None:
    assert prompts.placeholders(prompts.keys("en")[key]) == prompts.placeholders(prompts.keys("it").get(key, ""))


@pytest.mark.parametrize("part,code", [(part, code) for part, codes in ISSUE_CODES.items() for code in codes])
def test_every_smart_issue_has_feedback_in_both_languages(part: str, code: str) -> None:
    for lang in prompts.LANGUAGES:
        assert f"feedback.{part}.{code}" in prompts.keys(lang)


def test_numbers_and_dates_follow_the_language() -> None:
    from datetime import date

    assert prompts.fmt_amount("en", 250000, "EUR") == "€250,000"
    assert prompts.fmt_amount("it", 250000, "EUR") == "250.000\u00a0€"
    assert prompts.fmt_number("it", 1234.5) == "1.234,5"
    assert prompts.fmt_date("it", date(2027, 3, 31)) == "31 marzo 2027"
    assert prompts.fmt_date("en", date(2027, 3, 31)) == "31 March 2027"


def test_slack_locales_map_to_supported_languages() -> None:
    assert prompts.normalize_lang("it-IT") == "it"
    assert prompts.normalize_lang("en-GB") == "en"
    assert prompts.normalize_lang("fr-FR", default="it") == "it"
    assert prompts.normalize_lang(None) == "en"
