"""Table-driven tests for bot.rules.numbers."""

from __future__ import annotations

import pytest

from bot.rules.numbers import Amount, find_amounts, parse_number

# (text, lang, expected value or None)
PARSE_NUMBER = [
    # separators: with both, the last one is the decimal mark, in either language
    ("1.234,5", "it", 1234.5),
    ("1.234,5", "en", 1234.5),
    ("1,234.5", "en", 1234.5),
    ("1,234.5", "it", 1234.5),
    ("1.234.567,89", "it", 1234567.89),
    ("1,234,567.89", "en", 1234567.89),
    # a single separator before exactly three digits groups thousands in Italian
    ("250.000", "it", 250000.0),
    ("250,000", "it", 250000.0),
    ("1,5", "it", 1.5),
    ("1.5", "it", 1.5),
    ("0,125", "it", 0.125),
    # ...and follows English rules in English
    ("250,000", "en", 250000.0),
    ("1.5", "en", 1.5),
    ("1.234", "en", 1.234),
    ("1.234", "it", 1234.0),
    ("1.234.567", "en", 1234567.0),
    ("1.234.567", "it", 1234567.0),
    ("1,234,567", "it", 1234567.0),
    ("42", "en", 42.0),
    # suffixes
    ("250k", "en", 250000.0),
    ("250K", "it", 250000.0),
    ("50 mila", "it", 50000.0),
    ("50mila", "it", 50000.0),
    ("1.2M", "en", 1200000.0),
    ("3 mln", "it", 3000000.0),
    ("1,2 milioni", "it", 1200000.0),
    ("2 million", "en", 2000000.0),
    ("1.5bn", "en", 1500000000.0),
    ("2 mld", "it", 2000000000.0),
    # number words
    ("ten", "en", 10.0),
    ("dieci", "it", 10.0),
    ("tre", "it", 3.0),
    ("six", "en", 6.0),
    ("sei", "it", 6.0),
    ("twenty-five", "en", 25.0),
    ("venticinque", "it", 25.0),
    ("one hundred and twenty", "en", 120.0),
    ("cinquanta mila", "it", 50000.0),
    ("fifty thousand", "en", 50000.0),
    ("two", "en", 2.0),
    ("due", "it", 2.0),
    # signs
    ("+3", "en", 3.0),
    ("-2", "en", -2.0),
    ("−2", "it", -2.0),
    # exactly one number, or nothing
    ("about 250k this quarter", "en", 250000.0),
    ("7 or 8", "en", None),
    ("good week", "en", None),
    ("", "en", None),
    ("sei bravo", "it", None),
    ("Q1", "en", None),
    ("12.03.2025", "it", None),
]


@pytest.mark.parametrize(("text", "lang", "expected"), PARSE_NUMBER)
def test_parse_number(text: str, lang: str, expected: float | None) -> None:
    assert parse_number(text, lang) == expected


# (text, lang, [(value, unit, covered text, sign), ...])
FIND_AMOUNTS = [
    # currencies before or after, as symbol, code or word
    ("€250k", "en", [(250000.0, "EUR", "€250k", 0)]),
    ("€ 250k", "it", [(250000.0, "EUR", "€ 250k", 0)]),
    ("250k€", "it", [(250000.0, "EUR", "250k€", 0)]),
    ("250.000 euro", "it", [(250000.0, "EUR", "250.000 euro", 0)]),
    ("250,000 euros", "en", [(250000.0, "EUR", "250,000 euros", 0)]),
    ("$1.2M", "en", [(1200000.0, "USD", "$1.2M", 0)]),
    ("$5m", "en", [(5000000.0, "USD", "$5m", 0)]),
    ("1,2 milioni di euro", "it", [(1200000.0, "EUR", "1,2 milioni di euro", 0)]),
    ("£40k", "en", [(40000.0, "GBP", "£40k", 0)]),
    ("EUR 5000", "en", [(5000.0, "EUR", "EUR 5000", 0)]),
    ("EUR5000", "en", [(5000.0, "EUR", "EUR5000", 0)]),
    ("5000 EUR", "it", [(5000.0, "EUR", "5000 EUR", 0)]),
    ("5000EUR", "en", [(5000.0, "EUR", "5000EUR", 0)]),
    ("50euro", "it", [(50.0, "EUR", "50euro", 0)]),
    ("50 mila euro", "it", [(50000.0, "EUR", "50 mila euro", 0)]),
    ("USD 10,000", "en", [(10000.0, "USD", "USD 10,000", 0)]),
    ("10,000 dollars", "en", [(10000.0, "USD", "10,000 dollars", 0)]),
    ("20 mila dollari", "it", [(20000.0, "USD", "20 mila dollari", 0)]),
    ("3 thousand pounds", "en", [(3000.0, "GBP", "3 thousand pounds", 0)]),
    ("dieci mila euro", "it", [(10000.0, "EUR", "dieci mila euro", 0)]),
    ("twenty five thousand euros", "en", [(25000.0, "EUR", "twenty five thousand euros", 0)]),
    # percentages
    ("15%", "en", [(15.0, "%", "15%", 0)]),
    ("15 %", "it", [(15.0, "%", "15 %", 0)]),
    ("15 per cent", "en", [(15.0, "%", "15 per cent", 0)]),
    ("15 percent", "en", [(15.0, "%", "15 percent", 0)]),
    ("15 percento", "it", [(15.0, "%", "15 percento", 0)]),
    ("15 per cento", "it", [(15.0, "%", "15 per cento", 0)]),
    ("quindici per cento", "it", [(15.0, "%", "quindici per cento", 0)]),
    ("siamo all'85%", "it", [(85.0, "%", "85%", 0)]),
    ("churn at 6,5%", "it", [(6.5, "%", "6,5%", 0)]),
    # signs belong to the span and are reported apart from the value
    ("+3", "en", [(3.0, None, "+3", 1)]),
    ("-2", "it", [(2.0, None, "-2", -1)]),
    ("churn (-1%)", "en", [(1.0, "%", "-1%", -1)]),
    ("+€20k this week", "en", [(20000.0, "EUR", "+€20k", 1)]),
    ("5-7 deals", "en", [(5.0, None, "5", 0), (7.0, None, "7", 0)]),
    # number words keep spans into the original text
    ("I closed three more deals", "en", [(3.0, None, "three", 0)]),
    ("ho chiuso tre nuovi clienti, ora siamo a sette", "it", [(3.0, None, "tre", 0), (7.0, None, "sette", 0)]),
    ("ten new clients and 2 renewals", "en", [(10.0, None, "ten", 0), (2.0, None, "2", 0)]),
    ("ne ho chiuso uno", "it", [(1.0, None, "uno", 0)]),
    ("one more client", "en", [(1.0, None, "one", 0)]),
    # Italian "sei" is six only next to something countable
    ("sei mesi", "it", [(6.0, None, "sei", 0)]),
    ("sei nuovi clienti", "it", [(6.0, None, "sei", 0)]),
    ("ne ho altri sei", "it", [(6.0, None, "sei", 0)]),
    ("siamo a sei", "it", [(6.0, None, "sei", 0)]),
    ("sei sicuro?", "it", []),
    ("se sei d'accordo, chiudiamo 3 contratti", "it", [(3.0, None, "3", 0)]),
    # articles and idioms are not numbers
    ("un cliente in più", "it", []),
    ("una settimana difficile", "it", []),
    ("uno sconto del 10%", "it", [(10.0, "%", "10%", 0)]),
    ("mille grazie", "it", []),
    ("no one signed", "en", []),
    # labels glued to letters are never split; years stay amounts for callers to cut
    ("Q1 2027", "en", [(2027.0, None, "2027", 0)]),
    ("H2 pipeline", "en", []),
    ("B2B deals", "en", []),
    ("on the 12th", "en", []),
    ("call at 10am", "en", []),
    ("5km", "en", []),
    ("5m", "en", []),
    ("by 12.03.2025", "it", []),
    ("7/10", "en", [(7.0, None, "7", 0), (10.0, None, "10", 0)]),
    ("closed 3 more deals, now at 7.", "en", [(3.0, None, "3", 0), (7.0, None, "7", 0)]),
    ("good week", "en", []),
]


@pytest.mark.parametrize(("text", "lang", "expected"), FIND_AMOUNTS)
def test_find_amounts(text: str, lang: str, expected: list[tuple[float, str | None, str, int]]) -> None:
    found = find_amounts(text, lang)
    assert [(a.value, a.unit, text[a.start : a.end], a.sign) for a in found] == expected


def test_amount_is_immutable_and_defaults_to_unsigned() -> None:
    amount = Amount(value=3.0, unit=None, start=0, end=1)
    assert amount.sign == 0
    with pytest.raises(AttributeError):
        amount.value = 4.0  # type: ignore[misc]


# Amounts written in words with a scale and a currency, halves included.
WORD_AMOUNTS = [
    ("tre milioni di euro", "it", [(3_000_000.0, "EUR", "tre milioni di euro")]),
    ("three million euros", "en", [(3_000_000.0, "EUR", "three million euros")]),
    ("mezzo milione di euro", "it", [(500_000.0, "EUR", "mezzo milione di euro")]),
    ("half a million dollars", "en", [(500_000.0, "USD", "half a million dollars")]),
    ("un milione e mezzo di euro", "it", [(1_500_000.0, "EUR", "un milione e mezzo di euro")]),
    ("1 milione e mezzo", "it", [(1_500_000.0, None, "1 milione e mezzo")]),
    ("two and a half million euros", "en", [(2_500_000.0, "EUR", "two and a half million euros")]),
    ("€ mezzo milione", "it", [(500_000.0, "EUR", "€ mezzo milione")]),
]


@pytest.mark.parametrize(("text", "lang", "expected"), WORD_AMOUNTS, ids=[c[0] for c in WORD_AMOUNTS])
def test_amounts_in_words_with_a_scale(text: str, lang: str, expected: list[tuple[float, str | None, str]]) -> None:
    assert [(a.value, a.unit, text[a.start:a.end]) for a in find_amounts(text, lang)] == expected
