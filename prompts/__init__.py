"""Every user-facing text, one TOML file per language, plus locale-aware number and date formatting."""

from __future__ import annotations

import re
import tomllib
from datetime import date
from functools import cache, lru_cache
from pathlib import Path
from string import Formatter
from typing import Any

from babel import Locale
from babel.dates import format_date as babel_format_date
from babel.numbers import format_currency, format_decimal, get_currency_name

LANGUAGES = ("en", "it")
_LOCALES = {"en": "en_US", "it": "it_IT"}
_DIR = Path(__file__).parent
_CURRENCIES = ("EUR", "USD", "GBP", "CHF")


def _flatten(prefix: str, table: dict[str, Any], out: dict[str, str]) -> None:
    for key, value in table.items():
        name = f"{prefix}.{key}" if prefix else key
        if isinstance(value, dict):
            _flatten(name, value, out)
        else:
            out[name] = str(value)


@cache
def _load(lang: str) -> dict[str, str]:
    with open(_DIR / f"{lang}.toml", "rb") as fh:
        flat: dict[str, str] = {}
        _flatten("", tomllib.load(fh), flat)
        return flat


def keys(lang: str) -> dict[str, str]:
    """Return every key of a language file with its raw template (for the catalog tests)."""
    return dict(_load(lang))


def placeholders(template: str) -> set[str]:
    """Return the {names} a template expects."""
    return {name for _, name, _, _ in Formatter().parse(template) if name}


def normalize_lang(lang: str | None, default: str = "en") -> str:
    """Map a Slack locale such as 'it-IT' or a language code to a supported language."""
    if not lang:
        return default
    code = lang.replace("_", "-").split("-")[0].lower()
    return code if code in LANGUAGES else default


# Italian elides the article before a day or number said with a vowel: "entro l'8 gennaio", "dall'11 marzo".
_ITALIAN_ELISION = re.compile(r"\b(il|al|dal|del|nel|sul) (\*?)(8|11)(?=\D|$)")
_ELIDED = {"il": "l'", "al": "all'", "dal": "dall'", "del": "dell'", "nel": "nell'", "sul": "sull'"}


def finish(lang: str, text: str) -> str:
    """The last touch a filled template needs in its language (Italian elision before 8 and 11)."""
    return elide_italian(text) if normalize_lang(lang) == "it" else text


def elide_italian(text: str) -> str:
    """Italian text with "il 8" written "l'8", "al 11" written "all'11" (and so on)."""
    # Every article above ends in "l": a text the pattern can match holds one of these. The tests cost a few
    # hundred ns, the regular expression ~5 µs on a digest line, and a team's thousands of lines hold many 8s and 11s.
    # "l " first: half a digest's lines lack it, and one search then replaces four.
    if "l " not in text or not ("l 8" in text or "l *8" in text or "l 11" in text or "l *11" in text):
        return text
    return _ITALIAN_ELISION.sub(lambda m: f"{_ELIDED[m.group(1)]}{m.group(2)}{m.group(3)}", text)


def t(lang: str, key: str, **params: Any) -> str:
    """Return the text for `key` in `lang` (falling back to English), filled with `params`."""
    catalog = _load(normalize_lang(lang))
    template = catalog.get(key)
    if template is None:
        template = _load("en")[key]
    return finish(lang, template.format(**params)) if params else template


@cache
def _babel_locale(code: str) -> Locale:
    """The parsed Babel locale of a language: Babel parses a locale name again on every call it is given one."""
    return Locale.parse(_LOCALES[code])


def _locale(lang: str) -> Locale:
    return _babel_locale(normalize_lang(lang))


def plural_form(lang: str, count: float) -> str:
    """The CLDR plural category of `count` in the language: "one", "other" (Babel's rules)."""
    return str(_locale(lang).plural_form(abs(count)))


def tn(lang: str, key: str, count: float, **params: Any) -> str:
    """The text for `key` in the plural form `count` takes in `lang` ({count} is filled with the number)."""
    catalog = _load(normalize_lang(lang))
    form = plural_form(lang, count)
    template = catalog.get(f"{key}.{form}") or catalog.get(f"{key}.other")
    if template is None:
        english = _load("en")
        template = english.get(f"{key}.{plural_form('en', count)}") or english[f"{key}.other"]
    shown = params.pop("shown", None)
    return template.format(count=shown if shown is not None else fmt_number(lang, count), **params)


def unit_name(lang: str, unit: str, count: float) -> str:
    """A count unit's name in the form the number takes: 1 client, 2 clients; 1 cliente, 2 clienti."""
    if f"unit_forms.{unit}.other" in _load(normalize_lang(lang)):
        return tn(lang, f"unit_forms.{unit}", count).strip()
    return t(lang, "units." + unit) if _has(lang, "units." + unit) else unit


def fmt_number(lang: str, value: float | None, digits: int = 2) -> str:
    """Format a number the way the language writes it: 1,234.5 in English, 1.234,5 in Italian."""
    if value is None:
        return "–"
    pattern = "#,##0" + ("." + "#" * digits if digits else "")
    return format_decimal(value, format=pattern, locale=_LOCALES[normalize_lang(lang)])


def fmt_amount(lang: str, value: float | None, unit: str | None) -> str:
    """Format a value with its unit: currencies with their symbol, percentages, counts."""
    if value is None:
        return "–"
    locale = _LOCALES[normalize_lang(lang)]
    if unit in _CURRENCIES:
        decimals = "" if float(value).is_integer() else ".00"
        # Babel's standard pattern always shows cents; whole amounts read better without them.
        pattern = ("¤#,##0" + decimals) if locale == "en_US" else ("#,##0" + decimals + "\u00a0¤")
        return format_currency(value, unit, locale=locale, format=pattern, currency_digits=False)
    if unit == "%":
        return f"{fmt_number(lang, value, 1)}%"
    number = fmt_number(lang, value)
    if unit:
        return f"{number} {unit_name(lang, unit, value)}"
    return number


def currency_name(lang: str, code: str) -> str:
    """A currency's name as amounts of it are called: "euros", "US dollars"; "euro", "dollari statunitensi"."""
    return get_currency_name(code, count=2, locale=_LOCALES[normalize_lang(lang)])


def _has(lang: str, key: str) -> bool:
    return key in _load(normalize_lang(lang))


@lru_cache(maxsize=4096)  # Babel builds a pattern and reads its locale data on every call; screens repeat dates
def fmt_date(lang: str, value: date | None, style: str = "long") -> str:
    """Format a date for the language: 31 March 2027 / 31 marzo 2027 / 1° dicembre 2026 / lunedì 7 dicembre 2026."""
    if value is None:
        return "–"
    pattern = {"long": "d MMMM y", "short": "d MMM", "weekday": "EEEE d MMMM", "weekday_year": "EEEE d MMMM y"}[style]
    if normalize_lang(lang) == "it" and value.day == 1:
        pattern = pattern.replace("d ", "d'°' ", 1)  # Italian writes the first of the month as an ordinal
    return babel_format_date(value, format=pattern, locale=_babel_locale(normalize_lang(lang)))


def _italian_article(value: float) -> str:
    """"il", "l'" or "lo": the article Italian puts before a spoken number (il 5%, l'8%, lo 0%)."""
    whole = int(abs(value))
    digits = str(whole)
    lead = digits[: len(digits) % 3 or 3]
    if whole == 0:
        return "lo"  # lo zero
    vowel = lead.startswith("8") or lead == "11" or (lead == "1" and len(digits) != 4)  # otto, undici, uno, un milione
    return "l'" if vowel else "il"


# A preposition joined with the article ("a" + "il" = "al"); the trailing space is dropped after an apostrophe.
_ARTICULATED = {
    "": {"il": "il ", "l'": "l'", "lo": "lo "},
    "a": {"il": "al ", "l'": "all'", "lo": "allo "},
    "di": {"il": "del ", "l'": "dell'", "lo": "dello "},
    "da": {"il": "dal ", "l'": "dall'", "lo": "dallo "},
}
# The English word for each phrase, and the Italian preposition that says the same.
_PHRASES = {"at": ("at", "a"), "to": ("to", "a"), "of": ("of", "di"), "by": ("by", "di"), "from": ("from", "da"),
            "the": ("", "")}


def phrase(lang: str, kind: str, value: float | None, unit: str | None, text: str | None = None) -> str:
    """A value after a preposition, as the language says it; `text` is the value already written (bold, a pair).

    kind: at, to, of, by, from, the. English: "at 90%", "by 15%", "from €100,000", "5%". Italian joins the
    preposition with the article a percentage takes ("al 90%", "dell'8%", "dallo 0%", "l'85%"); an amount or a
    count takes the bare preposition ("a 250.000 €", "di 3 clienti", "da 100.000 €").
    """
    shown = fmt_amount(lang, value, unit) if text is None else text
    english, italian = _PHRASES[kind]
    if normalize_lang(lang) != "it":
        return f"{english} {shown}" if english else shown
    if unit == "%" and value is not None:
        return _ARTICULATED[italian][_italian_article(value)] + shown
    return f"{italian} {shown}" if italian else shown


def at_amount(lang: str, value: float | None, unit: str | None) -> str:
    """A value after "at": "at 90%" / "al 90%", "all'80%", "allo 0%"; amounts and counts: "a 250.000 €"."""
    return phrase(lang, "at", value, unit)


def the_amount(lang: str, value: float | None, unit: str | None) -> str:
    """A percentage as a noun: "5%" / "il 5%", "l'8%", "lo 0%"."""
    return phrase(lang, "the", value, unit)
