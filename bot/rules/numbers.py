"""Find amounts (counts, money, percentages) in free text written in English or Italian."""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache

from babel.numbers import NumberFormatError, get_decimal_symbol, parse_decimal
from text_to_num import text2num

__all__ = ["Amount", "find_amounts", "parse_number"]


@dataclass(frozen=True)
class Amount:
    """One amount found in a text; `start`/`end` index the original text, sign and currency included."""

    value: float
    unit: str | None
    start: int
    end: int
    sign: int = 0


_CURRENCY_SYMBOLS = {"€": "EUR", "$": "USD", "US$": "USD", "£": "GBP"}
_CURRENCY_CODES = ("EUR", "USD", "GBP")
_CURRENCY_WORDS = {
    "euro": "EUR",
    "euros": "EUR",
    "eur": "EUR",
    "dollar": "USD",
    "dollars": "USD",
    "dollaro": "USD",
    "dollari": "USD",
    "bucks": "USD",
    "usd": "USD",
    "pound": "GBP",
    "pounds": "GBP",
    "sterlina": "GBP",
    "sterline": "GBP",
    "gbp": "GBP",
}
_SCALES = {
    "k": 1_000,
    "M": 1_000_000,
    "B": 1_000_000_000,
    "mila": 1_000,
    "thousand": 1_000,
    "thousands": 1_000,
    "m": 1_000_000,
    "mln": 1_000_000,
    "million": 1_000_000,
    "millions": 1_000_000,
    "milione": 1_000_000,
    "milioni": 1_000_000,
    "bn": 1_000_000_000,
    "mld": 1_000_000_000,
    "billion": 1_000_000_000,
    "billions": 1_000_000_000,
    "miliardo": 1_000_000_000,
    "miliardi": 1_000_000_000,
}
# A bare "m"/"B" is minutes, metres or bytes as often as millions: only money makes it a scale.
_MONEY_ONLY_SCALES = {"m", "B"}
_CASED_SCALES = {"M", "m", "B"}

_LETTER = r"[^\W\d_]"
_DIGIT_CORE = re.compile(r"\d+(?:[.,]\d+)*")
_WORD = re.compile(rf"{_LETTER}+(?:-{_LETTER}+)*")
_GLUED_SCALE = re.compile(rf"(?:[kK]|[mM]ila|[mM]ln|[mM]ld|bn|M|B|m)(?!{_LETTER})")
_SPACED_SCALE = re.compile(
    rf"\s*(?:[kK]|M|mln|mld|bn)(?!{_LETTER})"
    r"|\s+(?:mila|thousands?|millions?|milion[ei]|miliard[oi]|billions?)\b"
)
# Currency glued after the number: "5000EUR", "50euro".
_GLUED_CODE = re.compile(rf"(?i:euros?|eur|usd|gbp)(?!{_LETTER})")
_DI = re.compile(r"\s+di\b", re.IGNORECASE)
_CURRENCY_AFTER = re.compile(
    r"\s*(?P<sym>€|\$|£)"
    r"|\s*(?P<word>(?i:euros?|eur|dollars?|dollar[oi]|bucks|usd|pounds?|sterlin[ae]|gbp))\b"
)
_PERCENT_AFTER = re.compile(
    r"\s*%"
    r"|\s*(?i:per\s?cent|percent|pct|per\s?cento|percento|percentage\s+points?|punti\s+percentuali)\b"
)
_CURRENCY_BEFORE = re.compile(rf"(?P<cur>US\$|€|\$|£|(?<!{_LETTER})(?i:eur|usd|gbp))\s?$")
_CODE_BEFORE = re.compile(rf"(?<!{_LETTER})(?i:eur|usd|gbp)$")
_SIGN_BEFORE = re.compile(r"(?:^|(?<=[\s(\[:;,]))(?P<sign>[+\-−])$")
_JOINERS = {"en": {"and"}, "it": {"e"}}
_WORD_SCALES = {"mila", "milione", "milioni", "miliardo", "miliardi"}

# Italian "sei" is also "you are": it only counts as six next to something that can be counted.
_IT_COUNTED = {
    "mesi", "settimane", "giorni", "anni", "ore", "clienti", "contratti", "deal", "trattative",
    "demo", "incontri", "riunioni", "meeting", "chiamate", "opportunità", "lead", "account",
    "progetti", "ordini", "vendite", "firme", "punti", "rinnovi", "prospect", "appuntamenti",
    "offerte", "preventivi", "persone", "call", "euro", "dollari", "sterline", "mila", "milioni",
}
_IT_COUNTED_ADJECTIVES = {"nuovi", "nuove", "altri", "altre", "ulteriori"}
_IT_SEI_AFTER = {"altri", "altre", "quota", "solo", "soltanto", "a", "ai", "su"}
_IT_ARTICLE_UNO_NEXT = re.compile(r"^(?:s[^aeiouàèéìòù]|z|gn|ps|pn|x|y)", re.IGNORECASE)
_EN_ONE_NOT_AFTER = {"no", "any", "every", "some", "the", "this", "that", "which", "each", "anyone"}


# Halves of a scale word: "mezzo milione", "half a million", "un milione e mezzo", "two and a half million".
_HALF_BEFORE = re.compile(
    r"(?<![\w-])(?:mezzo|half(?:\s+of)?\s+an?)\s+(?P<s>milione|million|miliardo|billion)(?![\w-])", re.IGNORECASE
)
_HALF_AFTER = re.compile(
    rf"(?<![\w.,-])(?P<n>\d+|{_LETTER}+)\s+(?P<s>milion[ei]|millions?|miliard[oi]|billions?)\s+(?:e\s+mezzo|and\s+a\s+half)(?![\w-])",
    re.IGNORECASE,
)
_AND_A_HALF = re.compile(
    rf"(?<![\w.,-])(?P<n>\d+|{_LETTER}+)\s+and\s+a\s+half\s+(?P<s>millions?|billions?)(?![\w-])", re.IGNORECASE
)
# A half after a plain number: "7 e mezzo" (7.5), "seven and a half", "sette e mezzo"; not before a scale word
# (_HALF_AFTER reads "2 milioni e mezzo") nor a noun ("2 ore e mezza" is a time).
_PLAIN_HALF = re.compile(
    rf"(?<![\w.,-])(?P<n>\d+|{_LETTER}+)\s+(?:e\s+mezzo|and\s+a\s+half)(?![\w-])", re.IGNORECASE
)
_ONE_WORDS = {"a", "an", "one", "un", "uno", "una"}
_SCALE_WORDS = frozenset(w for w in _SCALES if len(w) > 3)


def _half_amounts(text: str, lang: str) -> list[Amount]:
    """Amounts with a half of a scale word, which neither digits nor text2num read."""
    found: list[Amount] = []
    for rx, halves in ((_HALF_BEFORE, 0), (_HALF_AFTER, 1), (_AND_A_HALF, 1)):
        for m in rx.finditer(text):
            if any(a.start < m.end() and m.start() < a.end for a in found):
                continue
            whole = 0
            if halves:
                raw = m.group("n").lower()
                number = int(raw) if raw.isdigit() else 1 if raw in _ONE_WORDS else _word_value(raw, lang)
                if number is None:
                    continue
                whole = number
            scale = _SCALES[m.group("s").lower()]
            unit, end = _unit_after(text, m.end(), after_scale=True)
            head = m.start()
            symbol = _CURRENCY_BEFORE.search(text, max(0, head - _BACK), head)
            if symbol:
                unit, head = _currency_code(symbol.group("cur")), symbol.start()
            found.append(Amount(value=float((whole + 0.5) * scale), unit=unit, start=head, end=end))
    for m in _PLAIN_HALF.finditer(text):
        if any(a.start < m.end() and m.start() < a.end for a in found):
            continue
        raw = m.group("n").lower()
        number = int(raw) if raw.isdigit() else _word_value(raw, lang)
        if number is None:
            continue
        unit, end = _unit_after(text, m.end(), after_scale=False)
        found.append(Amount(value=number + 0.5, unit=unit, start=m.start(), end=end))
    return found


# Currency, code and sign markers sit right before a number: looking this far back keeps reading linear.
_BACK = 8


def _inside(pos: int, spans: list[tuple[int, int]]) -> bool:
    """Whether `pos` falls in one of `spans` (sorted by start, not overlapping)."""
    i = bisect_right(spans, (pos, float("inf"))) - 1
    return i >= 0 and spans[i][0] <= pos < spans[i][1]


def find_amounts(text: str, lang: str) -> list[Amount]:
    """Return every amount in `text`, in order, with spans into the original text."""
    amounts = _half_amounts(text, lang)
    taken: list[tuple[int, int]] = sorted((a.start, a.end) for a in amounts)
    digits: list[Amount] = []
    for core in _DIGIT_CORE.finditer(text):
        if _inside(core.start(), taken):
            continue
        amount = _digit_amount(text, core, lang)
        if amount is not None:
            digits.append(amount)
    amounts += digits
    taken = sorted((a.start, a.end) for a in amounts)
    amounts.extend(_word_amounts(text, lang, taken))
    return sorted(amounts, key=lambda a: a.start)


def parse_number(text: str, lang: str) -> float | None:
    """Return the single signed number in `text`, or None when there is none or more than one."""
    amounts = find_amounts(text, lang)
    if len(amounts) != 1:
        return None
    amount = amounts[0]
    return -amount.value if amount.sign < 0 else amount.value


def _digit_amount(text: str, core: re.Match[str], lang: str) -> Amount | None:
    start, end = core.span()
    head = start
    prefix_currency: str | None = None
    if start > 0 and text[start - 1].isalpha():
        # Letters glued in front ("Q1", "H2", "B2B") make a label, unless they are a currency code.
        code = _CODE_BEFORE.search(text, max(0, start - _BACK), start)
        if code is None:
            return None
        prefix_currency, head = code.group().upper(), code.start()
    number = _to_decimal(core.group(), lang)
    if number is None:
        return None

    scale: str | None = None
    glued = _GLUED_SCALE.match(text, end)
    spaced = None if glued else _SPACED_SCALE.match(text, end)
    found = glued or spaced
    if found is not None:
        word = found.group().strip()
        scale = word if word in _CASED_SCALES else word.lower()
        end = found.end()
    suffix_code = _GLUED_CODE.match(text, end)
    if suffix_code:
        end = suffix_code.end()
    if end < len(text) and text[end].isalpha():
        # Letters glued after the number ("12th", "3x", "10am", "5km") make it something else.
        return None

    if prefix_currency is None:
        symbol = _CURRENCY_BEFORE.search(text, max(0, start - _BACK), start)
        if symbol:
            prefix_currency, head = _currency_code(symbol.group("cur")), symbol.start()
    sign = 0
    sign_match = _SIGN_BEFORE.search(text, max(0, head - 2), head)
    if sign_match:
        sign, head = (1 if sign_match.group("sign") == "+" else -1), sign_match.start()

    unit, end = _unit_after(text, end, after_scale=scale is not None)
    if suffix_code:
        unit = _currency_code(suffix_code.group())
    if prefix_currency is not None and unit != "%":
        # The symbol in front wins: in "€5 dollars" the word after belongs to something else.
        unit = prefix_currency
    if scale in _MONEY_ONLY_SCALES and unit not in _CURRENCY_CODES:
        if glued:
            return None
        scale = None
        unit, end = _unit_after(text, core.end(), after_scale=False)
    value = number * _SCALES[scale] if scale else number
    return Amount(value=float(value), unit=unit, start=head, end=end, sign=sign)


def _unit_after(text: str, pos: int, *, after_scale: bool) -> tuple[str | None, int]:
    percent = _PERCENT_AFTER.match(text, pos)
    if percent:
        return "%", percent.end()
    at = pos
    if after_scale:
        # "1,2 milioni di euro": the "di" only belongs to the amount when a currency follows it.
        di = _DI.match(text, pos)
        if di and _CURRENCY_AFTER.match(text, di.end()):
            at = di.end()
    currency = _CURRENCY_AFTER.match(text, at)
    if currency:
        word = currency.group("sym") or currency.group("word")
        return _currency_code(word), currency.end()
    return None, pos


def _currency_code(token: str) -> str:
    if token in _CURRENCY_SYMBOLS:
        return _CURRENCY_SYMBOLS[token]
    return _CURRENCY_WORDS.get(token.lower(), token.upper())


def _to_decimal(core: str, lang: str) -> Decimal | None:
    seps = [c for c in core if c in ".,"]
    if not seps:
        return Decimal(core)
    if len(set(seps)) == 2:
        # With both separators the last one is the decimal mark, whatever the language.
        decimal_mark = core[max(core.rfind("."), core.rfind(","))]
        integer = core[: core.rfind(decimal_mark)]
        group = "," if decimal_mark == "." else "."
        if decimal_mark in integer or not _valid_groups(integer.split(group)):
            return None
        return _babel(core, decimal_mark=decimal_mark)
    sep = seps[0]
    parts = core.split(sep)
    if len(parts) > 2:
        # Repeated separators can only be grouping; "12.03.2025" or "1.2.3" are not numbers.
        return _babel(core, decimal_mark=None, group=sep) if _valid_groups(parts) else None
    integer, fraction = parts
    comma_decimal = _decimal_symbol(lang) == ","
    looks_grouped = len(fraction) == 3 and 1 <= len(integer) <= 3 and integer != "0"
    # Comma-decimal languages read either separator before three digits as grouping ("250.000",
    # "250,000"); point-decimal languages only the comma ("1.234" stays 1.234 in English).
    if looks_grouped and (comma_decimal or sep == ","):
        return _babel(core, decimal_mark=None, group=sep)
    return _babel(core, decimal_mark=sep)


def _valid_groups(parts: list[str]) -> bool:
    return 1 <= len(parts[0]) <= 3 and all(len(p) == 3 for p in parts[1:])


def _babel(core: str, *, decimal_mark: str | None, group: str | None = None) -> Decimal | None:
    # Babel does the locale-aware stripping; pick the locale whose symbols match what we detected.
    if decimal_mark is not None:
        locale = "en" if decimal_mark == "." else "it"
    else:
        locale = "en" if group == "," else "it"
    try:
        return parse_decimal(core, locale=locale)
    except NumberFormatError:
        return None


@lru_cache(maxsize=32)
def _decimal_symbol(lang: str) -> str:
    try:
        return get_decimal_symbol(lang)
    except (ValueError, LookupError):
        return "."


@lru_cache(maxsize=4096)
def _word_value(words: str, lang: str) -> int | None:
    try:
        return int(text2num(words, lang))
    except (ValueError, NotImplementedError, KeyError):
        return None


def _word_amounts(text: str, lang: str, taken: list[tuple[int, int]]) -> list[Amount]:
    if lang not in ("en", "it"):
        return []
    tokens = [
        (m.start(), m.end(), m.group().lower())
        for m in _WORD.finditer(text)
        if not _inside(m.start(), taken)
    ]
    amounts: list[Amount] = []
    consumed = 0
    i = 0
    while i < len(tokens):
        if tokens[i][0] < consumed or not _is_number_token(tokens, i, lang):
            i += 1
            continue
        j = _run_end(text, tokens, i, lang)
        k = j
        value = None
        while k > i:
            if tokens[k - 1][2] not in _JOINERS[lang]:
                value = _word_value(" ".join(t[2] for t in tokens[i:k]), lang)
                if value is not None:
                    break
            k -= 1
        if value is None:
            i += 1
            continue
        core_start, core_end = tokens[i][0], tokens[k - 1][1]
        if _keeps_word_number(text, tokens, i, k, lang):
            scale_end, multiplier = core_end, 1
            spaced = _SPACED_SCALE.match(text, core_end)
            if spaced:
                word = spaced.group().strip()
                multiplier = _SCALES[word if word in _CASED_SCALES else word.lower()]
                scale_end = spaced.end()
            # "tre milioni di euro": a scale word ends the number, and "di euro" still belongs to it.
            scaled = multiplier != 1 or tokens[k - 1][2] in _SCALE_WORDS
            unit, end = _unit_after(text, scale_end, after_scale=scaled)
            amounts.append(Amount(value=float(value * multiplier), unit=unit, start=core_start, end=end))
            consumed = end
        i = k
    return amounts


def _is_number_token(tokens: list[tuple[int, int, str]], i: int, lang: str) -> bool:
    word = tokens[i][2]
    if lang == "it" and word == "cento" and i > 0 and tokens[i - 1][2] == "per":
        return False  # "per cento" is the percent sign spelled out
    return _word_value(word, lang) is not None


def _run_end(text: str, tokens: list[tuple[int, int, str]], i: int, lang: str) -> int:
    j = i + 1
    while j < len(tokens) and text[tokens[j - 1][1] : tokens[j][0]].isspace():
        word = tokens[j][2]
        if _is_number_token(tokens, j, lang) or (lang == "it" and word in _WORD_SCALES):
            j += 1
        elif (
            word in _JOINERS[lang]
            and j + 1 < len(tokens)
            and text[tokens[j][1] : tokens[j + 1][0]].isspace()
            and _is_number_token(tokens, j + 1, lang)
        ):
            j += 2
        else:
            break
    return j


def _keeps_word_number(text: str, tokens: list[tuple[int, int, str]], i: int, k: int, lang: str) -> bool:
    words = [t[2] for t in tokens[i:k]]
    prev = tokens[i - 1][2] if i > 0 else None
    nxt = tokens[k][2] if k < len(tokens) else None
    if len(words) > 1:
        return True
    word = words[0]
    if lang == "en":
        return not (word == "one" and prev in _EN_ONE_NOT_AFTER)
    if word in ("un", "una"):
        return False  # the indefinite article, not "one"
    if word == "uno":
        return nxt is None or not _IT_ARTICLE_UNO_NEXT.match(nxt)
    if word == "mille":
        return nxt != "grazie"
    if word == "sei":
        if text.strip(" \t\n.,;:!?\"'()").lower() == word:
            return True  # the whole text is "sei"
        after = tokens[k + 1][2] if k + 1 < len(tokens) else None
        counted_next = nxt in _IT_COUNTED or (nxt in _IT_COUNTED_ADJECTIVES and after in _IT_COUNTED)
        return counted_next or prev in _IT_SEI_AFTER or bool(_PERCENT_AFTER.match(text, tokens[i][1]))
    return True
