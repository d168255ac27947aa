"""Parsing every webhook shape of reference §2.4-2.8, and hostile bodies."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from custom_components.viewtron_lpr.lpr.viewtron import parser as parser_module
from custom_components.viewtron_lpr.lpr.viewtron.errors import ParseError
from custom_components.viewtron_lpr.lpr.viewtron.models import (
    AlarmStatus,
    BoundingBox,
    Keepalive,
    ListStatus,
    OtherEvent,
    PlatePost,
    TrajectPost,
    list_status_from_name,
    normalize_mac,
)
from custom_components.viewtron_lpr.lpr.viewtron.parser import parse_post
from tools import bodies
from tools.images import overview_jpeg, plate_crop_jpeg

from .conftest import fixture_bytes

RECEIVED = datetime(2026, 11, 23, 12, 0, tzinfo=UTC)


def plate_post(body: bytes) -> PlatePost:
    result = parse_post(body, received=RECEIVED)
    assert isinstance(result, PlatePost)
    return result


def test_camera_direct_v21_capture() -> None:
    """The 5.3.1 / API 2.1 capture: every field of the plate item."""
    post = plate_post(fixture_bytes("ipc_v21_plate_aidrive.xml"))
    assert post.source == "camera"
    assert post.device.serial == "FIXTURESN"
    assert post.device.mac is None  # the anonymised all-zero MAC is no identity
    assert post.device.name == "Viewtron IPC"
    (read,) = post.plates
    assert read.plate_raw == "AIDRIVE"
    assert read.plate_normalized == "AIDRIVE"
    assert read.list_status is ListStatus.BLOCK
    assert read.list_name == "blackList"
    assert read.direction == "away"
    assert read.confidence == pytest.approx(0.99)
    assert read.timestamp == datetime(2026, 10, 7, 21, 24, 47, 427999, tzinfo=UTC)
    assert read.timestamp_from_device is True
    assert read.camera_id == "FIXTURESN"
    assert read.channel_id == 1
    # corners 3582..4415 x 1965..2663 of 10000, on a 2688x1776 frame
    assert read.bounding_box == BoundingBox(963, 349, 1187, 473, "px")
    assert read.vehicle.as_dict() == {
        "color": "grey",
        "type": "saloon car",
        "brand": "Tesla",
        "model": "Tesla_ModelS",
    }
    assert read.overview_image is not None
    assert read.overview_image.base64 == b"BASE64STUB"
    assert read.plate_image is not None


@pytest.mark.parametrize(
    ("name", "plate", "status", "direction"),
    [
        ("ipc_v21_plate_ib36nl.xml", "IB36NL", ListStatus.ALLOW, "approach"),  # no CDATA
        ("ipc_v21_plate_unlisted.xml", "TEST123", ListStatus.UNKNOWN, "approach"),
    ],
)
def test_camera_direct_siblings(name: str, plate: str, status: ListStatus, direction: str) -> None:
    """Captures without CDATA, and without ``vehicleListType`` (not on any list)."""
    (read,) = plate_post(fixture_bytes(name)).plates
    assert (read.plate_raw, read.list_status, read.direction) == (plate, status, direction)
    assert read.camera_id == "FIXTURESN"


def test_camera_direct_older_layout() -> None:
    """The 2024 layout: no identity, no ``image`` index, an extra ``sourceDataInfo``."""
    post = plate_post(fixture_bytes("ipc_v1x_lpr.xml"))
    (read,) = post.plates
    assert read.plate_raw == "ABC1234"
    assert read.list_status is ListStatus.ALLOW
    assert read.confidence is None
    assert read.direction is None
    assert read.bounding_box is None
    assert read.overview_image is not None
    assert read.overview_image.base64 == b"BASE64_JPEG_OVERVIEW_IMAGE"
    assert read.plate_image is not None
    assert read.plate_image.base64 == b"BASE64_JPEG_PLATE_CROP"
    assert read.camera_id == "unknown"


def test_nvr_post() -> None:
    """The NVR v2.0 sample: plate, car attributes, channel, rectangles, µs time."""
    post = plate_post(fixture_bytes("nvr_v2_vehicle_lpr.xml"))
    assert post.source == "nvr"
    assert post.device.mac == "58:5b:69:40:f4:0d"
    assert post.device.ip == "192.168.0.60"
    (read,) = post.plates
    assert read.plate_raw == "JP116D"
    assert read.list_status is ListStatus.UNKNOWN
    assert read.list_name is None
    assert read.confidence is None
    assert read.channel_id == 2
    assert read.camera_id == "58:5b:69:40:f4:0d/2"
    assert read.bounding_box == BoundingBox(1104, 546, 1232, 610, "raw")
    assert read.vehicle.as_dict() == {
        "color": "white",
        "type": "mpv",
        "brand": "GMC",
        "model": "GMC_SAVANA",
        "plate_color": "white",
    }
    assert read.timestamp == datetime(2026, 2, 27, 16, 37, 48, 473000, tzinfo=UTC)


def test_nvr_two_plates_with_group_and_garbage_time() -> None:
    """Several plates per post, the match group, and the 20-digit NVR timestamp."""
    post = plate_post(fixture_bytes("nvr_v2_two_plates.xml"))
    first, second = post.plates
    assert (first.plate_raw, first.list_status, first.list_name) == (
        "JP116D",
        ListStatus.ALLOW,
        "Whitelist",
    )
    assert first.owner == "Jane"
    assert (second.plate_raw, second.plate_normalized) == ("8ABC 123", "8ABC123")
    assert second.list_status is ListStatus.UNKNOWN
    for read in post.plates:
        assert read.timestamp == RECEIVED
        assert read.timestamp_from_device is False
    assert first.overview_image is second.overview_image


@pytest.mark.parametrize(
    ("name", "mac", "serial", "device_name"),
    [
        ("keepalive_deviceinfo.xml", "58:5b:69:5a:84:bb", "NF40D099BCM0", "Device Name"),
        ("keepalive_ipc_v21.xml", None, None, "Viewtron IPC"),
        ("keepalive_nvr_v2.xml", "58:5b:69:12:f0:79", None, "Office"),
    ],
)
def test_keepalive_shapes(name: str, mac: str | None, serial: str | None, device_name: str) -> None:
    """Three XML keepalive shapes, with the identity each carries."""
    result = parse_post(fixture_bytes(name))
    assert isinstance(result, Keepalive)
    assert (result.device.mac, result.device.serial, result.device.name) == (
        mac,
        serial,
        device_name,
    )


@pytest.mark.parametrize("body", [b"", b"   \r\n", b"\xef\xbb\xbf"])
def test_empty_keepalive(body: bytes) -> None:
    """The fourth shape: an empty body."""
    result = parse_post(body)
    assert isinstance(result, Keepalive)
    assert not result.device.known


def test_alarm_status() -> None:
    """alarmStatus notices: which alarm, on or off, the device's local time string."""
    result = parse_post(fixture_bytes("alarm_status_on.xml"))
    assert isinstance(result, AlarmStatus)
    assert (result.alarm, result.active) == ("vehiceAlarm", True)
    assert result.device_time == "10-07-2026 05:24:48 PM"
    assert result.device.serial == "FIXTURESN"
    assert result.device.ip == "192.168.1.50"
    off = parse_post(bodies.alarm_status(False))
    assert isinstance(off, AlarmStatus)
    assert off.active is False
    assert off.device.mac == "58:5b:69:5a:84:bb"


def test_nvr_alarm_status_and_other_types() -> None:
    """NVR alarmStatus, traject posts, other smart types and unknown roots."""
    nvr_status = (
        b'<config version="2.0.0" xmlns="http://www.ipc.com/ver10"><messageType>alarmStatus'
        b"</messageType><currentTime>1772210268473000</currentTime><perimeterAlarm>"
        b'<item id="1">true</item></perimeterAlarm></config>'
    )
    assert isinstance(parse_post(nvr_status), AlarmStatus)
    traject = (
        b'<config version="1.7" xmlns="http://www.ipc.com/ver10"><mac>58:5b:69:5a:84:bb</mac>'
        b'<traject type="list" count="1"><item><id>1</id></item></traject></config>'
    )
    result = parse_post(traject)
    assert isinstance(result, TrajectPost)
    assert result.device.mac == "58:5b:69:5a:84:bb"
    intrusion = (
        b'<config version="2.0.0" xmlns="http://www.ipc.com/ver10"><messageType>alarmData'
        b"</messageType><smartType>regionIntrusion</smartType></config>"
    )
    other = parse_post(intrusion)
    assert isinstance(other, OtherEvent)
    assert (other.smart_type, other.message_type) == ("regionIntrusion", "alarmData")
    assert isinstance(parse_post(b"<html><body>hi</body></html>"), OtherEvent)
    pea = b'<config version="1.7"><smartType>PEA</smartType></config>'
    assert isinstance(parse_post(pea), OtherEvent)
    # VEHICE without any plate list is not a plate post
    assert isinstance(parse_post(b"<config><smartType>VEHICE</smartType></config>"), OtherEvent)
    # a v2 message type nobody documented
    odd = b"<config><messageType>diagnostics</messageType></config>"
    assert isinstance(parse_post(odd), OtherEvent)


def test_v1_config_without_smart_type_is_keepalive() -> None:
    """§2.3 step 7: a v1.x config body without smartType is a keepalive."""
    result = parse_post(b'<config version="1.0"><deviceName>Cam</deviceName></config>')
    assert isinstance(result, Keepalive)
    assert result.device.name == "Cam"


def test_simulated_posts_roundtrip() -> None:
    """The simulator's real-sized posts parse back to what was sent, images intact."""
    body = bodies.camera_plate_post(
        bodies.Plate("AB 12-CD", list_type="temporaryList", direction="leave", confidence=8_750),
        cdata=False,
        smart_type="VEHICLE",
    )
    assert len(body) > 500_000
    (read,) = plate_post(body).plates
    assert (read.plate_raw, read.plate_normalized) == ("AB 12-CD", "AB12CD")
    assert read.list_status is ListStatus.VISITOR
    assert read.direction == "away"
    assert read.confidence == pytest.approx(0.875)
    assert read.device.mac == "58:5b:69:5a:84:bb"
    assert read.camera_id == "58:5b:69:5a:84:bb"
    assert read.overview_image is not None
    assert read.plate_image is not None
    assert read.overview_image.decode() == overview_jpeg("AB 12-CD")
    assert read.plate_image.decode() == plate_crop_jpeg("AB 12-CD")
    assert "base64" not in repr(read)
    assert "ImageData(<" in repr(read.plate_image)
    assert str(len(read.plate_image)) in repr(read.plate_image)
    data = read.as_event_data()
    assert data["list"] == "visitor"
    assert "image" not in str(sorted(data))


def test_nvr_without_channel_and_with_empty_images() -> None:
    """NVR posts may lack channelId and carry empty image elements (SDK 1.3.0 crash)."""
    body = bodies.nvr_plate_post([bodies.Plate("XYZ789")], channel=None, images=False)
    (read,) = plate_post(body).plates
    assert read.channel_id is None
    assert read.camera_id == "58:5b:69:40:f4:0d"
    assert read.overview_image is None
    assert read.plate_image is None


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("1791408287427999", datetime(2026, 10, 7, 21, 24, 47, 427999, tzinfo=UTC)),  # µs
        ("1791408287427", datetime(2026, 10, 7, 21, 24, 47, 427000, tzinfo=UTC)),  # ms
        ("1791408287", datetime(2026, 10, 7, 21, 24, 47, tzinfo=UTC)),  # s
    ],
)
def test_timestamp_by_magnitude(raw: str, expected: datetime) -> None:
    """``currentTime`` in µs, ms or s is read by its size."""
    body = bodies.camera_plate_post(bodies.Plate("T1"), images=False, current_time=int(raw))
    (read,) = plate_post(body).plates
    assert read.timestamp == expected
    assert read.timestamp_from_device


@pytest.mark.parametrize(
    "raw", ["18445822972087551616", "-5", "abc", "", "86400000000", "99999999999999999"]
)
def test_impossible_timestamps_fall_back(raw: str) -> None:
    """20-digit, negative, non-numeric, 1970 and year-5138 values use the receive time."""
    body = bodies.nvr_plate_post([bodies.Plate("T1")], images=False, current_time=raw)
    (read,) = plate_post(body).plates
    assert read.timestamp == RECEIVED
    assert read.timestamp_from_device is False


def test_list_names_and_macs() -> None:
    """Only well-known names map to a list; user-defined NVR groups stay unknown."""
    assert list_status_from_name("whiteList") is ListStatus.ALLOW
    assert list_status_from_name("Allow list") is ListStatus.ALLOW
    assert list_status_from_name("blackList") is ListStatus.BLOCK
    assert list_status_from_name("Temporary_List") is ListStatus.VISITOR
    assert list_status_from_name("Residents") is ListStatus.UNKNOWN
    assert list_status_from_name("strangerList") is ListStatus.UNKNOWN
    assert list_status_from_name(None) is ListStatus.UNKNOWN
    assert normalize_mac("78-24-AF-44-89-01") == "78:24:af:44:89:01"
    assert normalize_mac("585B6940F40D") == "58:5b:69:40:f4:0d"
    assert normalize_mac("not a mac") is None


# -- hostile bodies ------------------------------------------------------------------

BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
<!ENTITY lol9 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">]>
<config><smartType>&lol9;</smartType></config>"""
XXE = b"""<?xml version="1.0"?><!DOCTYPE c [<!ENTITY x SYSTEM "file:///etc/passwd">]>
<config><smartType>&x;</smartType></config>"""
PARAM_ENTITY = b"""<!DOCTYPE c [<!ENTITY % p SYSTEM "http://192.0.2.1/x.dtd"> %p;]><config/>"""


@pytest.mark.parametrize(
    ("body", "reason"),
    [
        (BILLION_LAUGHS, "forbidden_dtd"),
        (XXE, "forbidden_dtd"),
        (PARAM_ENTITY, "forbidden_dtd"),
        (b"<config><smartType>VEHICE</smart", "malformed"),  # truncated
        (b"<config>&undefined;</config>", "malformed"),
        (b'<?xml version="1.0" encoding="UTF-8"?><config>\xff\xfe</config>', "malformed"),
        ("<config>\u00e9</config>".encode("utf-16"), "not_xml"),
        (b"\x89PNG\r\n\x1a\n\x00\x00", "not_xml"),
        (b"hello=world&plate=ABC", "not_xml"),
        (b"<c>" + b"<i/>" * 20_001 + b"</c>", "too_many_elements"),
        (b'<?xml version="1.0" encoding="U-TF-8"?><config/>', "malformed"),
    ],
    ids=[
        "billion-laughs",
        "xxe",
        "parameter-entity",
        "truncated",
        "undefined-entity",
        "bad-utf8",
        "utf16",
        "png",
        "form-data",
        "many-elements",
        "unknown-encoding",
    ],
)
def test_hostile_bodies_raise_parse_error(body: bytes, reason: str) -> None:
    """Every hostile body ends in one ParseError with a stable reason."""
    with pytest.raises(ParseError) as caught:
        parse_post(body)
    assert caught.value.reason == reason


def test_deep_nesting_is_harmless() -> None:
    """Nothing recurses over the tree: 10,000 nested elements are just an unknown message."""
    result = parse_post(b"<a>" * 10_000 + b"</a>" * 10_000)
    assert isinstance(result, OtherEvent)


def test_entity_bomb_is_refused_before_parsing(monkeypatch: pytest.MonkeyPatch) -> None:
    """The billion-laughs body never reaches the XML parser (no expansion at all)."""
    from xml.etree import ElementTree  # noqa: PLC0415

    def no_parser(*_args: object, **_kwargs: object) -> None:
        raise AssertionError("the XML parser was reached")

    monkeypatch.setattr(ElementTree, "XMLParser", no_parser)
    with pytest.raises(ParseError) as caught:
        parse_post(BILLION_LAUGHS)
    assert caught.value.reason == "forbidden_dtd"


def test_size_cap() -> None:
    """Bodies over the cap are refused without parsing; the cap is configurable."""
    body = bodies.camera_plate_post(bodies.Plate("CAP1"))
    with pytest.raises(ParseError) as caught:
        parse_post(body, max_bytes=100_000)
    assert caught.value.reason == "too_large"
    assert isinstance(parse_post(body), PlatePost)
    with pytest.raises(ParseError):
        parse_post(b" " * (4 * 1024 * 1024 + 1))


def test_forged_payload_marker_is_harmless() -> None:
    """A body that contains the internal payload marker is parsed whole, not spliced."""
    body = bodies.camera_plate_post(bodies.Plate("MARK1"), images=False).replace(
        b"<channelId", b"<?vtr-payload 0?><channelId"
    )
    (read,) = plate_post(body).plates
    assert read.plate_raw == "MARK1"


def test_unusual_payload_shapes_still_parse() -> None:
    """Self-closing, whitespace-padded, CDATA-with-trailing-text and non-base64 payloads."""
    body = (
        b"<config><smartType>VEHICE</smartType><listInfo><item>"
        b'<targetImageData><targetBase64Data type="string"/></targetImageData></item>'
        b"<item><plateNumber>P1</plateNumber><targetImageData><targetBase64Data>"
        b"  <![CDATA[QUJD]]> x</targetBase64Data></targetImageData></item>"
        b"<item><plateNumber>P2</plateNumber><targetImageData><targetBase64Data>"
        b"<b>nested</b></targetBase64Data></targetImageData></item>"
        b"</listInfo><sourceDataInfo><sourceBase64Data>\n  QUJD\n</sourceBase64Data>"
        b"</sourceDataInfo></config>"
    )
    first, second = plate_post(body).plates
    assert first.overview_image is not None
    assert first.overview_image.decode() == b"ABC"
    assert first.plate_image is not None
    assert first.plate_image.base64 == b"QUJD x"
    assert second.plate_image is None  # the element had no text of its own


def test_bad_base64_raises_parse_error_on_decode() -> None:
    """Image bytes are only checked when decoded, and then fail as a ParseError."""
    body = bodies.camera_plate_post(bodies.Plate("B64"), images=False).replace(
        b"<![CDATA[]]></targetBase64Data>\n</targetImageData>\n</item>\n<item>",
        b"<![CDATA[Q]]></targetBase64Data>\n</targetImageData>\n</item>\n<item>",
    )
    (read,) = plate_post(body).plates
    assert read.overview_image is not None
    with pytest.raises(ParseError) as caught:
        read.overview_image.decode()
    assert caught.value.reason == "bad_image"


def test_unexpected_errors_become_parse_errors(monkeypatch: pytest.MonkeyPatch) -> None:
    """Even a bug inside the parser surfaces as ParseError('internal'), never raw."""

    def broken(*_args: object) -> None:
        raise KeyError("bug")

    monkeypatch.setattr(parser_module, "_camera_plates", broken)
    with pytest.raises(ParseError) as caught:
        parse_post(bodies.camera_plate_post(bodies.Plate("BUG"), images=False))
    assert caught.value.reason == "internal"
