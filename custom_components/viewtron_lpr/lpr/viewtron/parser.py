"""Classify and parse webhook bodies (reference §2.3-2.8).

:func:`parse_post` turns any body into one typed result, or raises
:class:`~.errors.ParseError`; it never raises anything else. It runs in two steps that a
caller inside an event loop can separate: :func:`split_post` cuts the images out at
memchr speed (tens of microseconds for 0.8 MB), and :func:`parse_split` parses the small
remaining markup, whose size (``SplitBody.markup_size``) bounds its cost.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
import re

from ..plates import normalize_plate
from .errors import ParseError
from .models import (
    AlarmStatus,
    BoundingBox,
    DeviceIdentity,
    ImageData,
    Keepalive,
    ListStatus,
    OtherEvent,
    ParsedPost,
    PlatePost,
    PlateRead,
    TrajectPost,
    VehicleAttributes,
    list_status_from_name,
    normalize_mac,
)
from .timestamps import parse_current_time
from .xmltree import Node, extract_payloads, parse_xml

DEFAULT_MAX_BYTES = 4 * 1024 * 1024
_LPR_SMART_TYPES = {"VEHICE", "VEHICLE"}
_LEADING_WS = re.compile(rb"[ \t\r\n]*")
_BOM = b"\xef\xbb\xbf"


@dataclass(frozen=True, slots=True)
class SplitBody:
    """A body with its base64 images cut out (see :func:`split_post`).

    ``markup`` is what is left for the XML parser (None for an empty body, a keepalive);
    its size bounds the parsing work, whatever the size of the images.
    """

    markup: bytes | None
    payloads: list[memoryview]

    @property
    def markup_size(self) -> int:
        """Bytes the XML parser will read."""
        return len(self.markup) if self.markup is not None else 0


def split_post(body: bytes, *, max_bytes: int = DEFAULT_MAX_BYTES) -> SplitBody:
    """First, cheap step of parsing: size cap, and the images cut out at memchr speed.

    Raises only :class:`~.errors.ParseError`.
    """
    if len(body) > max_bytes:
        raise ParseError("too_large", f"body of {len(body)} bytes exceeds {max_bytes}")
    try:
        start = _LEADING_WS.match(body).end()  # type: ignore[union-attr]  # (no copy)
        if body.startswith(_BOM, start):
            start = _LEADING_WS.match(body, start + len(_BOM)).end()  # type: ignore[union-attr]
        if start == len(body):
            return SplitBody(None, [])
        if not body.startswith(b"<", start):
            raise ParseError("not_xml", "body is not XML")
        return SplitBody(*extract_payloads(body, start))
    except ParseError:
        raise
    except Exception as err:  # the contract: nothing but ParseError escapes
        raise ParseError("internal", f"unexpected {type(err).__name__} while parsing") from err


def parse_split(split: SplitBody, *, received: datetime | None = None) -> ParsedPost:
    """Second step: parse the markup and classify. Raises only ParseError."""
    if received is None:
        received = datetime.now(UTC)
    try:
        return _parse(split, received)
    except ParseError:
        raise
    except Exception as err:  # the contract: nothing but ParseError escapes
        raise ParseError("internal", f"unexpected {type(err).__name__} while parsing") from err


def parse_post(
    body: bytes,
    *,
    received: datetime | None = None,
    max_bytes: int = DEFAULT_MAX_BYTES,
) -> ParsedPost:
    """Parse one webhook body: :func:`split_post` then :func:`parse_split`.

    ``received`` is when the body arrived (timezone-aware; now when omitted); it stands in
    for device timestamps that are missing or impossible.
    """
    return parse_split(split_post(body, max_bytes=max_bytes), received=received)


def _parse(split: SplitBody, received: datetime) -> ParsedPost:
    if split.markup is None:
        return Keepalive(DeviceIdentity())
    root = parse_xml(split.markup, split.payloads)

    if root.tag == "DeviceInfo":
        return Keepalive(_identity(root, "DeviceName", "SN", "ipAddress", "macAddress"))
    if root.tag != "config":
        return OtherEvent(DeviceIdentity(), smart_type=None, message_type=root.tag)

    traject = root.child("traject")
    if traject is not None and traject.attrs.get("type") == "list":
        return TrajectPost(_config_identity(root))
    if (status := root.child("alarmStatusInfo")) is not None:
        return _alarm_status(root, status)

    message_type = root.text_at("messageType")
    smart_type = root.text_at("smartType")
    if message_type == "keepalive":
        return Keepalive(_config_identity(root))
    if message_type == "alarmStatus":
        return AlarmStatus(_config_identity(root), alarm=None, active=None)
    if smart_type is None:
        if message_type is None:  # v1.x config without smartType: a keepalive
            return Keepalive(_config_identity(root))
        return OtherEvent(_config_identity(root), None, message_type)
    if smart_type.upper() in _LPR_SMART_TYPES:
        if root.child("licensePlateListInfo") is not None:
            return _nvr_plates(root, received)
        if root.child("listInfo") is not None:
            return _camera_plates(root, received)
    return OtherEvent(_config_identity(root), smart_type, message_type)


def _identity(node: Node, name: str, serial: str, ip: str, mac: str) -> DeviceIdentity:
    return DeviceIdentity(
        mac=normalize_mac(node.text_at(mac)),
        serial=node.text_at(serial),
        name=node.text_at(name),
        ip=node.text_at(ip),
    )


def _config_identity(root: Node) -> DeviceIdentity:
    """Identity from a config body: top-level fields (IPC 5.3.1) or ``deviceInfo``."""
    info = root.child("deviceInfo")
    if info is not None:
        found = DeviceIdentity(
            mac=normalize_mac(info.text_at("mac") or info.text_at("macAddress")),
            serial=info.text_at("sn"),
            name=info.text_at("deviceName"),
            ip=info.text_at("ip") or info.text_at("ipAddress"),
        )
        if found.known or found.name:
            return found
    return _identity(root, "deviceName", "sn", "ip", "mac")


def _alarm_status(root: Node, status: Node) -> AlarmStatus:
    first = status.children[0] if status.children else None
    active = None
    if first is not None:
        value = (first.text or (first.children[0].text if first.children else "")).lower()
        active = {"true": True, "false": False}.get(value)
    return AlarmStatus(
        _config_identity(root),
        alarm=first.tag if first is not None else None,
        active=active,
        device_time=root.text_at("dataTime"),
    )


def _image(node: Node | None) -> ImageData | None:
    """An image from a ``*ImageData``/``sourceDataInfo`` block; None when absent or empty."""
    if node is None:
        return None
    for child in node.children:
        if child.tag.endswith("Base64Data"):
            data: bytes | memoryview = (
                child.payload if child.payload is not None else child.text.encode()
            )
            return ImageData(data) if data else None
    return None


def _camera_id(device: DeviceIdentity, channel: int | None, source: str) -> str:
    base = device.mac or device.serial or device.name or device.ip or "unknown"
    if source == "nvr" and channel is not None:
        return f"{base}/{channel}"
    return base


def _confidence(node: Node | None) -> float | None:
    """``PlateConfidence@count`` is the confidence ×100 (9900 = 99 %); 0 means not measured."""
    if node is None:
        return None
    try:
        value = int(node.attrs.get("count", "") or node.text)
    except ValueError:
        return None
    if not 0 < value <= 10_000:
        return None
    return value / 10_000


def _camera_box(item: Node) -> BoundingBox | None:
    """Plate box from the four corner points (0-10000), in pixels when the size is known."""
    xs: list[int] = []
    ys: list[int] = []
    for corner in ("leftTop", "rightTop", "leftBottom", "rightBottom"):
        x, y = item.int_at(f"{corner}/x"), item.int_at(f"{corner}/y")
        if x is not None and y is not None:
            xs.append(x)
            ys.append(y)
    if not xs or max(xs) == 0 or max(ys) == 0:
        return None
    width = item.int_at("SourceImageWidth") or 0
    height = item.int_at("SourceImageHeight") or 0
    if width > 0 and height > 0:
        return BoundingBox(
            round(min(xs) * width / 10_000),
            round(min(ys) * height / 10_000),
            round(max(xs) * width / 10_000),
            round(max(ys) * height / 10_000),
            "px",
        )
    return BoundingBox(min(xs), min(ys), max(xs), max(ys), "permyriad")


def _direction(text: str | None) -> str | None:
    if text is None:
        return None
    return {"approach": "approach", "away": "away", "leave": "away"}.get(text.lower())


def _camera_plates(root: Node, received: datetime) -> PlatePost:
    device = _config_identity(root)
    timestamp, from_device = parse_current_time(root.text_at("currentTime"), received)
    channel = root.int_at("channelId")
    items = root.child("listInfo").all("item")  # type: ignore[union-attr]
    plate_items = [item for item in items if item.text_at("plateNumber")]
    overview = next(
        (
            image
            for item in items
            if not item.text_at("plateNumber")
            and (image := _image(item.child("targetImageData"))) is not None
        ),
        None,
    ) or _image(root.child("sourceDataInfo"))
    camera_id = _camera_id(device, channel, "camera")
    plates = []
    for item in plate_items:
        raw = item.text_at("plateNumber") or ""
        list_name = item.text_at("vehicleListType")
        car = item.child("carAttr")
        rect = item.child("carRect")
        plates.append(
            PlateRead(
                plate_raw=raw,
                plate_normalized=normalize_plate(raw),
                confidence=_confidence(item.child("PlateConfidence")),
                timestamp=timestamp,
                timestamp_from_device=from_device,
                camera_id=camera_id,
                device=device,
                source="camera",
                list_status=list_status_from_name(list_name),
                list_name=list_name,
                bounding_box=_camera_box(item),
                vehicle_box=_rect_box(rect, "x", "y", sized=True),
                direction=_direction(item.text_at("vehicleDirect")),  # type: ignore[arg-type]
                vehicle=VehicleAttributes(
                    color=car.text_at("color") if car else None,
                    type=car.text_at("type") if car else None,
                    brand=car.text_at("brand") if car else None,
                    model=car.text_at("model") if car else None,
                ),
                channel_id=channel,
                plate_image=_image(item.child("targetImageData")),
                overview_image=overview,
            )
        )
    return PlatePost(device, "camera", tuple(plates))


def _rect_box(node: Node | None, x: str, y: str, *, sized: bool) -> BoundingBox | None:
    """A raw-unit box from ``x/y/width/height`` (sized) or ``x1/y1/x2/y2``."""
    if node is None:
        return None
    if sized:
        left, top = node.int_at(x) or 0, node.int_at(y) or 0
        right = left + (node.int_at("width") or 0)
        bottom = top + (node.int_at("height") or 0)
    else:
        left, top = node.int_at("x1") or 0, node.int_at("y1") or 0
        right, bottom = node.int_at("x2") or 0, node.int_at("y2") or 0
    if right <= left or bottom <= top:
        return None
    return BoundingBox(left, top, right, bottom, "raw")


def _nvr_plates(root: Node, received: datetime) -> PlatePost:
    device = _config_identity(root)
    info = root.child("deviceInfo")
    channel = (info.int_at("channelId") if info else None) or root.int_at("channelId")
    timestamp, from_device = parse_current_time(root.text_at("currentTime"), received)
    overview = _image(root.child("sourceDataInfo"))
    camera_id = _camera_id(device, channel, "nvr")
    plates = []
    for item in root.child("licensePlateListInfo").all("item"):  # type: ignore[union-attr]
        raw = item.text_at("licensePlateAttribute/licensePlateNumber")
        if not raw:
            continue
        group = item.text_at("licensePlateMatchInfo/groupName")
        car = item.child("carAttribute")
        plates.append(
            PlateRead(
                plate_raw=raw,
                plate_normalized=normalize_plate(raw),
                confidence=None,
                timestamp=timestamp,
                timestamp_from_device=from_device,
                camera_id=camera_id,
                device=device,
                source="nvr",
                list_status=list_status_from_name(group) if group else ListStatus.UNKNOWN,
                list_name=group,
                bounding_box=_rect_box(item.child("rect"), "x1", "y1", sized=False),
                vehicle_box=_rect_box(item.child("carRect"), "x1", "y1", sized=False),
                vehicle=VehicleAttributes(
                    color=car.text_at("color") if car else None,
                    type=car.text_at("carType") if car else None,
                    brand=car.text_at("brand") if car else None,
                    model=car.text_at("model") if car else None,
                    plate_color=item.text_at("licensePlateAttribute/color"),
                ),
                channel_id=channel,
                owner=item.text_at("licensePlateMatchInfo/carOwner"),
                plate_image=_image(item.child("targetImageData")),
                overview_image=overview,
            )
        )
    return PlatePost(device, "nvr", tuple(plates))
