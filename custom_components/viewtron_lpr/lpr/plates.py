"""Plate text: normalisation and tolerant matching against a list."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
import re
from typing import Literal
import unicodedata

_SEPARATORS = re.compile(r"[\s\-_.·•:/\\|]+")

#: Characters an OCR engine confuses, folded to one representative each.
LOOKALIKES = str.maketrans({"O": "0", "I": "1", "B": "8", "S": "5", "Z": "2", "G": "6"})
#: Plates shorter than this never match by a single edit (too many near neighbours).
MIN_EDIT_MATCH_LENGTH = 5


def normalize_plate(raw: str) -> str:
    """Upper-case plate text with spaces and separators removed.

    ``"ab-12 cd"`` → ``"AB12CD"``. Letters outside ASCII (for example plates with a
    province character) are kept, NFKC-folded so full-width forms compare equal.
    """
    text = unicodedata.normalize("NFKC", raw)
    return _SEPARATORS.sub("", text).upper()


def _one_edit_apart(a: str, b: str) -> bool:
    """True when ``a`` and ``b`` differ by exactly one substitution, insertion or deletion."""
    if a == b or abs(len(a) - len(b)) > 1:
        return False
    if len(a) == len(b):
        return sum(x != y for x, y in zip(a, b, strict=True)) == 1
    short, long = (a, b) if len(a) < len(b) else (b, a)
    return any(long[:index] + long[index + 1 :] == short for index in range(len(long)))


@dataclass(frozen=True, slots=True)
class PlateMatch:
    """Which listed plate a read matched, and how: ``exact`` or ``fuzzy``."""

    plate: str
    kind: Literal["exact", "fuzzy"]


def match_plate(read: str, listed: Iterable[str]) -> PlateMatch | None:
    """Match a normalised read against normalised listed plates.

    Exact first. Otherwise a *fuzzy* match: the same plate once OCR look-alikes (O/0, I/1,
    B/8, S/5, Z/2, G/6) are folded, or else one edit apart (both plates at least five
    characters long). A fuzzy match must be unambiguous: when two listed plates are equally
    close, there is no match, since nothing says which list applies.
    """
    plates = set(listed)
    if read in plates:
        return PlateMatch(read, "exact")
    folded = read.translate(LOOKALIKES)
    alike = {p for p in plates if p.translate(LOOKALIKES) == folded}
    if len(alike) == 1:
        return PlateMatch(alike.pop(), "fuzzy")
    if alike:
        return None
    if len(read) < MIN_EDIT_MATCH_LENGTH:
        return None
    near = {
        p
        for p in plates
        if len(p) >= MIN_EDIT_MATCH_LENGTH and _one_edit_apart(folded, p.translate(LOOKALIKES))
    }
    if len(near) == 1:
        return PlateMatch(near.pop(), "fuzzy")
    return None
