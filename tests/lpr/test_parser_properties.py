"""Property tests: no body whatsoever makes the parser raise anything but ParseError."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings, strategies as st

from custom_components.viewtron_lpr.lpr.viewtron.errors import ParseError
from custom_components.viewtron_lpr.lpr.viewtron.parser import parse_post
from tools import bodies

from .conftest import fixture_bytes

SEEDS = [
    fixture_bytes("ipc_v21_plate_aidrive.xml"),
    fixture_bytes("nvr_v2_two_plates.xml"),
    fixture_bytes("keepalive_ipc_v21.xml"),
    fixture_bytes("alarm_status_on.xml"),
    bodies.camera_plate_post(bodies.Plate("PROP1"), images=False),
]
XML_BITS = [
    b"<",
    b">",
    b"</",
    b"/>",
    b"<![CDATA[",
    b"]]>",
    b"<!DOCTYPE x [",
    b"<!ENTITY a 'b'>",
    b"&a;",
    b"<?vtr-payload 0?>",
    b"<targetBase64Data>",
    b"</targetBase64Data>",
    b"<sourceBase64Data type='string'>",
    b"<config>",
    b"</config>",
    b"<smartType>VEHICE</smartType>",
    b"<listInfo><item><plateNumber>",
    b"<licensePlateListInfo><item>",
    b"<currentTime>",
    b"\x00",
    b"\xff",
    b"\xef\xbb\xbf",
]
PROPERTY_SETTINGS = settings(
    max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)


def check(body: bytes) -> None:
    try:
        parse_post(body)
    except ParseError as err:
        assert err.reason != "internal", f"internal error: {err.__cause__!r}"


@PROPERTY_SETTINGS
@given(st.binary(max_size=2048))
def test_arbitrary_bytes(body: bytes) -> None:
    """Random bytes."""
    check(body)


@PROPERTY_SETTINGS
@given(st.lists(st.sampled_from(XML_BITS) | st.binary(max_size=12), max_size=40))
def test_xml_like_fragments(parts: list[bytes]) -> None:
    """Soups of XML tokens, markers and stray bytes."""
    check(b"".join(parts))


@PROPERTY_SETTINGS
@given(
    st.sampled_from(SEEDS),
    st.integers(min_value=0, max_value=10_000),
    st.integers(min_value=0, max_value=64),
    st.binary(max_size=16),
)
def test_mutated_real_bodies(seed: bytes, at: int, cut: int, insert: bytes) -> None:
    """Real bodies truncated, spliced or corrupted at any point."""
    at %= len(seed) + 1
    check(seed[:at] + insert + seed[at + cut :])
    check(seed[:at])
