"""Plate normalisation and the table of tolerant matches."""

from __future__ import annotations

import pytest

from custom_components.viewtron_lpr.lpr.plates import PlateMatch, match_plate, normalize_plate

LISTED = ["ABC1234", "8SG2O1", "XYZ987", "AB12", "TEST123"]


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("ab-12 cd", "AB12CD"),
        ("  AB·12.CD ", "AB12CD"),
        ("ＡＢ１２", "AB12"),
        ("ab_12/cd", "AB12CD"),
    ],
)
def test_normalize(raw: str, expected: str) -> None:
    """Separators and spaces go, letters are upper-cased, full-width forms folded."""
    assert normalize_plate(raw) == expected


@pytest.mark.parametrize(
    ("read", "expected"),
    [
        ("ABC1234", PlateMatch("ABC1234", "exact")),
        ("A8C1234", PlateMatch("ABC1234", "fuzzy")),  # B read as 8
        ("ABC1Z34", PlateMatch("ABC1234", "fuzzy")),  # 2 read as Z
        ("BSGZO1", PlateMatch("8SG2O1", "fuzzy")),  # several look-alikes at once
        ("85620I", PlateMatch("8SG2O1", "fuzzy")),
        ("ABC123", PlateMatch("ABC1234", "fuzzy")),  # one character missed
        ("ABC12345", PlateMatch("ABC1234", "fuzzy")),  # one character extra
        ("ABD1234", PlateMatch("ABC1234", "fuzzy")),  # one character misread
        ("XYZ98", PlateMatch("XYZ987", "fuzzy")),
        ("TEST12", PlateMatch("TEST123", "fuzzy")),
    ],
)
def test_matches(read: str, expected: PlateMatch) -> None:
    """What matches, and how."""
    assert match_plate(read, LISTED) == expected


@pytest.mark.parametrize(
    "read",
    [
        "ABC12",  # two characters missing
        "ABD1235",  # two characters wrong
        "AB13",  # short plates: no single-edit matches
        "AB1",
        "ZZZ9999",
        "",
        "CBA1234X",  # two edits
    ],
)
def test_non_matches(read: str) -> None:
    """What must not match."""
    assert match_plate(read, LISTED) is None


def test_ambiguous_fuzzy_is_no_match() -> None:
    """Two listed plates equally close: no match (which list would apply?)."""
    assert match_plate("0ABC12", ["OABC12", "0A8C12"]) is None
    assert match_plate("ABC1235", ["ABC1234", "ABC1236"]) is None
    # a look-alike is closer than an arbitrary edit; exact beats both
    assert match_plate("ABC1234", ["A8C1234", "ABC12E4"]) == PlateMatch("A8C1234", "fuzzy")
    assert match_plate("A8C1234", ["ABC1234", "A8C1234"]) == PlateMatch("A8C1234", "exact")
