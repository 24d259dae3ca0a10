"""Every counted unit goalbot names has its singular and plural in both catalogs."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest

CATALOGS = Path(__file__).resolve().parents[2] / "prompts"


@pytest.mark.parametrize("lang", ["en", "it"])
def test_every_unit_has_its_plural_forms(lang: str) -> None:
    catalog = tomllib.loads((CATALOGS / f"{lang}.toml").read_text(encoding="utf-8"))
    # The digest and the lists name a count's unit by its plural forms: "0 su 30 calls" showed the raw code.
    assert set(catalog["units"]) - {"%", "EUR", "USD", "GBP", "CHF"} <= set(catalog["unit_forms"])
