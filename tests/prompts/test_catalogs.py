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


@pytest.mark.parametrize(("lang", "count", "expected"), [
    ("en", 1, "1 goal"), ("en", 0, "0 goals"), ("en", 2, "2 goals"),
    ("it", 1, "1 obiettivo"), ("it", 0, "0 obiettivi"), ("it", 1_000_000, "1.000.000 obiettivi"),
])
def test_counted_phrases_follow_babels_plural_rules(lang: str, count: int, expected: str) -> None:
    assert prompts.tn(lang, "count.goals", count) == expected


@pytest.mark.parametrize(("lang", "value", "unit", "expected"), [
    ("en", 1, "clients", "1 client"), ("en", 10, "clients", "10 clients"),
    ("it", 1, "clients", "1 cliente"), ("it", 0, "clients", "0 clienti"), ("it", 1, "deals", "1 contratto"),
])
def test_count_units_take_the_numbers_plural_form(lang: str, value: int, unit: str, expected: str) -> None:
    assert prompts.fmt_amount(lang, value, unit) == expected


@pytest.mark.parametrize(("value", "at", "the"), [
    (0, "allo 0%", "lo 0%"), (1, "all'1%", "l'1%"), (4, "al 4%", "il 4%"), (8, "all'8%", "l'8%"),
    (11, "all'11%", "l'11%"), (18, "al 18%", "il 18%"), (85, "all'85%", "l'85%"), (90, "al 90%", "il 90%"),
])
def test_italian_articles_before_a_percentage(value: int, at: str, the: str) -> None:
    assert prompts.at_amount("it", value, "%") == at
    assert prompts.the_amount("it", value, "%") == the


def test_italian_dates_write_the_first_as_an_ordinal_and_elide_before_8_and_11() -> None:
    from datetime import date

    assert prompts.fmt_date("it", date(2026, 12, 1)) == "1° dicembre 2026"
    assert prompts.t("it", "summary.by_date", date=prompts.fmt_date("it", date(2027, 1, 8))) == "entro l'8 gennaio 2027"
    assert prompts.t("it", "summary.by_date", date=prompts.fmt_date("it", date(2027, 1, 18))) == "entro il 18 gennaio 2027"


def test_plural_entries_exist_in_both_languages_with_one_and_other() -> None:
    for lang in prompts.LANGUAGES:
        forms = {k.rsplit(".", 1)[0] for k in prompts.keys(lang) if k.endswith(".one")}
        assert len(forms) >= 15
        for key in forms:
            assert f"{key}.other" in prompts.keys(lang), (lang, key)


def test_the_shell_has_words_for_every_command_and_for_what_each_job_sends() -> None:
    from bot.jobs.registry import PLANNERS
    from bot.shell import COMMANDS, SENDING_JOBS

    assert set(SENDING_JOBS) <= set(PLANNERS)
    for lang in prompts.LANGUAGES:
        catalog = prompts.keys(lang)
        for name in COMMANDS:
            assert {f"shell.help.{name}.{part}" for part in ("usage", "what", "example")} <= set(catalog), name
        for job in SENDING_JOBS:
            assert {f"shell.sends.{job}.one", f"shell.sends.{job}.other"} <= set(catalog), job
    assert prompts.tn("it", "shell.sends.checkins", 2) == "2 richieste di aggiornamento"
    assert prompts.tn("en", "shell.sends.reminders", 1) == "1 reminder"
