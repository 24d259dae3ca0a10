"""Every user-facing text, one TOML file per language, plus locale-aware number and date formatting."""

from __future__ import annotations

import tomllib
from datetime import date
from functools import cache
from pathlib import Path
from string import Formatter
from typing import Any

from babel import Locale
from babel.dates import format_date as babel_format_date
from babel.numbers import format_currency, format_decimal

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


def t(lang: str, key: str, **params: Any) -> str:
    """Return the text for `key` in `lang` (falling back to English), filled with `params`."""
    catalog = _load(normalize_lang(lang))
    template = catalog.get(key)
    if template is None:
        template = _load("en")[key]
    return template.format(**params) if params else template


@cache
def _locale(lang: str) -> Locale:
    return Locale.parse(_LOCALES[normalize_lang(lang)])


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
        return f"{number} {t(lang, 'units.' + unit) if _has(lang, 'units.' + unit) else unit}"
    return number


def _has(lang: str, key: str) -> bool:
    return key in _load(normalize_lang(lang))


def fmt_date(lang: str, value: date | None, style: str = "long") -> str:
    """Format a date for the language: 31 March 2027 / 31 marzo 2027."""
    if value is None:
        return "–"
    pattern = {"long": "d MMMM y", "short": "d MMM", "weekday": "EEEE d MMMM"}[style]
    return babel_format_date(value, format=pattern, locale=_LOCALES[normalize_lang(lang)])
