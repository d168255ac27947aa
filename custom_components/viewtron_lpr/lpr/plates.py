"""Plate text normalisation."""

from __future__ import annotations

import re
import unicodedata

_SEPARATORS = re.compile(r"[\s\-_.·•:/\\|]+")


def normalize_plate(raw: str) -> str:
    """Upper-case plate text with spaces and separators removed.

    ``"ab-12 cd"`` → ``"AB12CD"``. Letters outside ASCII (for example plates with a
    province character) are kept, NFKC-folded so full-width forms compare equal.
    """
    text = unicodedata.normalize("NFKC", raw)
    return _SEPARATORS.sub("", text).upper()
