"""Typos of the nouns that carry a goal's meaning ("cleints", "clineti"), mended before a sentence is read."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

__all__ = ["Mended", "mend_typos"]

# The nouns whose misspelling would lose the goal's type or unit; short ones ("deal") are left alone,
# where one letter less makes another word.
_KEY_NOUNS = (
    "clients", "client", "customers", "customer", "clienti", "cliente", "accounts", "prospects", "contracts",
    "contratti", "meetings", "appuntamenti", "renewals", "rinnovi", "disdette", "fatturato", "revenue", "vendite",
)
# Misspellings people type that one swap or one missing letter do not produce.
_EXTRA = {"costumers": "customers", "costumer": "customer", "custumers": "customers", "clienst": "clients"}
# Real words one edit away from a key noun.
_REAL_WORDS = frozenset({"clint", "contacts", "contatti", "venite", "vendit"})
_WORD = re.compile(r"[^\W\d_]+")


@lru_cache(maxsize=1)
def _variants() -> dict[str, str]:
    """Each misspelling, by one swap of neighbouring letters or one letter left out, of a key noun."""
    table: dict[str, str] = {}
    for noun in _KEY_NOUNS:
        found = {noun[:i] + noun[i + 1] + noun[i] + noun[i + 2:] for i in range(len(noun) - 1)}
        if len(noun) >= 7:
            # The first letter is seldom lost, and without the last one it is often the singular ("meeting").
            found |= {noun[:i] + noun[i + 1:] for i in range(1, len(noun) - 1)}
        for variant in found - {noun} - _REAL_WORDS - set(_KEY_NOUNS):
            table.setdefault(variant, noun)
    table.update(_EXTRA)
    return table


@dataclass(frozen=True)
class Mended:
    """A text with its key-noun typos mended, and how to map positions back to the original."""

    text: str
    fixes: tuple[tuple[str, str], ...]  # (as typed, read as)
    edits: tuple[tuple[int, int, int, int], ...]  # (mended start, mended end, original start, original end)

    def original_span(self, start: int, end: int) -> tuple[int, int]:
        """The span in the original text that a span of the mended text covers."""
        return _back(start, self.edits, at_end=False), _back(end, self.edits, at_end=True)


def _back(pos: int, edits: Sequence[tuple[int, int, int, int]], *, at_end: bool) -> int:
    shift = 0
    for new_start, new_end, old_start, old_end in edits:
        if pos >= new_end:
            shift = old_end - new_end
        elif pos > new_start:
            return old_end if at_end else old_start
        else:
            break
    return pos + shift


def mend_typos(text: str) -> Mended:
    """Replace misspelt key nouns by the noun meant, keeping the first letter's case."""
    table = _variants()
    parts: list[str] = []
    fixes: list[tuple[str, str]] = []
    edits: list[tuple[int, int, int, int]] = []
    last = 0
    length = 0
    for m in _WORD.finditer(text):
        meant = table.get(m.group().lower())
        if meant is None:
            continue
        if m.group()[:1].isupper():
            meant = meant[:1].upper() + meant[1:]
        parts.append(text[last:m.start()])
        length += m.start() - last
        edits.append((length, length + len(meant), m.start(), m.end()))
        parts.append(meant)
        length += len(meant)
        fixes.append((m.group(), meant))
        last = m.end()
    parts.append(text[last:])
    return Mended("".join(parts), tuple(fixes), tuple(edits))
