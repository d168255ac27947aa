"""Typed results of parsing Viewtron webhook bodies and device responses."""

from __future__ import annotations

import binascii
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Any, Literal

from .errors import ParseError


class ListStatus(StrEnum):
    """Which of the camera's plate lists a read matched."""

    ALLOW = "allow"
    BLOCK = "block"
    VISITOR = "visitor"
    UNKNOWN = "unknown"


#: Camera ``vehicleListType`` values and well-known group names, lower-cased.
_LIST_NAMES: dict[str, ListStatus] = {
    "whitelist": ListStatus.ALLOW,
    "allowlist": ListStatus.ALLOW,
    "allow": ListStatus.ALLOW,
    "blacklist": ListStatus.BLOCK,
    "blocklist": ListStatus.BLOCK,
    "block": ListStatus.BLOCK,
    "temporarylist": ListStatus.VISITOR,
    "temporary": ListStatus.VISITOR,
    "visitor": ListStatus.VISITOR,
    "visitorlist": ListStatus.VISITOR,
}


def list_status_from_name(name: str | None) -> ListStatus:
    """Map a list type or group name to a status; anything unrecognised is UNKNOWN.

    Only exact well-known names count (``whiteList``, ``Allow list``, ``blackList``,
    ``temporaryList``, ``Visitor`` …): a user-defined NVR group such as "Residents" is
    never guessed to be an allow list.
    """
    if not name:
        return ListStatus.UNKNOWN
    key = "".join(name.split()).replace("_", "").replace("-", "").lower()
    return _LIST_NAMES.get(key, ListStatus.UNKNOWN)


def normalize_mac(mac: str | None) -> str | None:
    """``58-5B-69-40-F4-0D`` / ``585b6940f40d`` → ``58:5b:69:40:f4:0d``; None if not a MAC."""
    if not mac:
        return None
    digits = "".join(ch for ch in mac.lower() if ch in "0123456789abcdef")
    if len(digits) != 12 or digits == "0" * 12:  # all zeros: anonymised firmware, no identity
        return None
    return ":".join(digits[i : i + 2] for i in range(0, 12, 2))


@dataclass(frozen=True, slots=True)
class DeviceIdentity:
    """Who sent a post, as far as the post says."""

    mac: str | None = None
    serial: str | None = None
    name: str | None = None
    ip: str | None = None

    @property
    def known(self) -> bool:
        """True when the post names its device by MAC or serial."""
        return bool(self.mac or self.serial)

    def matches(self, mac: str | None, serial: str | None) -> bool:
        """True unless the post names a different MAC or serial than the given device.

        A post that names neither cannot be told apart and matches (keepalives of some
        firmware carry no identity).
        """
        if self.mac and mac:
            return self.mac == normalize_mac(mac)
        if self.serial and serial:
            return self.serial.strip().upper() == serial.strip().upper()
        return True


@dataclass(frozen=True, slots=True)
class ImageData:
    """A JPEG as the device sent it: base64 text, decoded only on request.

    ``base64`` is usually a zero-copy view into the received body.
    """

    base64: bytes | memoryview = field(repr=False)

    def __repr__(self) -> str:
        return f"ImageData(<{len(self.base64)} base64 bytes>)"

    def __len__(self) -> int:
        return len(self.base64)

    def decode(self) -> bytes:
        """The JPEG bytes. CPU work proportional to the size: call it off the event loop."""
        try:
            return binascii.a2b_base64(self.base64)
        except (binascii.Error, ValueError) as err:
            raise ParseError("bad_image", "image data is not valid base64") from err


@dataclass(frozen=True, slots=True)
class BoundingBox:
    """A rectangle. ``unit`` is ``px`` (image pixels), ``permyriad`` (0-10000 of the
    image size, when the image size is unknown) or ``raw`` (as sent, units unknown)."""

    xmin: int
    ymin: int
    xmax: int
    ymax: int
    unit: Literal["px", "permyriad", "raw"] = "px"

    def as_dict(self) -> dict[str, Any]:
        """Plain dict for events and attributes."""
        return {
            "xmin": self.xmin,
            "ymin": self.ymin,
            "xmax": self.xmax,
            "ymax": self.ymax,
            "unit": self.unit,
        }


@dataclass(frozen=True, slots=True)
class VehicleAttributes:
    """What the camera says about the vehicle (any field may be missing)."""

    color: str | None = None
    type: str | None = None
    brand: str | None = None
    model: str | None = None
    plate_color: str | None = None

    def as_dict(self) -> dict[str, str]:
        """Only the fields that are set."""
        return {
            key: value
            for key, value in (
                ("color", self.color),
                ("type", self.type),
                ("brand", self.brand),
                ("model", self.model),
                ("plate_color", self.plate_color),
            )
            if value
        }


Direction = Literal["approach", "away"]
PostFormat = Literal["camera", "nvr"]


@dataclass(frozen=True, slots=True)
class PlateRead:
    """One plate read: the seed's event schema plus what the Viewtron post adds."""

    plate_raw: str
    plate_normalized: str
    confidence: float | None
    timestamp: datetime
    timestamp_from_device: bool
    camera_id: str
    device: DeviceIdentity
    source: PostFormat
    list_status: ListStatus = ListStatus.UNKNOWN
    list_name: str | None = None
    region_code: str | None = None
    bounding_box: BoundingBox | None = None
    vehicle_box: BoundingBox | None = None
    direction: Direction | None = None
    vehicle: VehicleAttributes = VehicleAttributes()
    channel_id: int | None = None
    owner: str | None = None
    plate_image: ImageData | None = field(default=None, repr=False, compare=False)
    overview_image: ImageData | None = field(default=None, repr=False, compare=False)

    def as_event_data(self) -> dict[str, Any]:
        """The JSON-safe event fields (never any image bytes)."""
        return {
            "plate_raw": self.plate_raw,
            "plate_normalized": self.plate_normalized,
            "confidence": self.confidence,
            "region_code": self.region_code,
            "timestamp": self.timestamp.isoformat(),
            "timestamp_from_device": self.timestamp_from_device,
            "camera_id": self.camera_id,
            "bounding_box": self.bounding_box.as_dict() if self.bounding_box else None,
            "list": self.list_status.value,
            "list_name": self.list_name,
            "direction": self.direction,
            "vehicle": self.vehicle.as_dict(),
            "channel_id": self.channel_id,
        }


@dataclass(frozen=True, slots=True)
class PlatePost:
    """An LPR post with one or more plate reads."""

    device: DeviceIdentity
    source: PostFormat
    plates: tuple[PlateRead, ...]
    kind: Literal["plate"] = "plate"


@dataclass(frozen=True, slots=True)
class Keepalive:
    """A heartbeat."""

    device: DeviceIdentity
    kind: Literal["keepalive"] = "keepalive"


@dataclass(frozen=True, slots=True)
class AlarmStatus:
    """An alarm on/off notice (no plate, no image)."""

    device: DeviceIdentity
    alarm: str | None
    active: bool | None
    device_time: str | None = None
    kind: Literal["alarm_status"] = "alarm_status"


@dataclass(frozen=True, slots=True)
class TrajectPost:
    """A target-tracking post (IPC httpPostV2; several per second while a target moves)."""

    device: DeviceIdentity
    kind: Literal["traject"] = "traject"


@dataclass(frozen=True, slots=True)
class OtherEvent:
    """Any other message: another smart type, or a shape this code does not know."""

    device: DeviceIdentity
    smart_type: str | None
    message_type: str | None = None
    kind: Literal["other"] = "other"


type ParsedPost = PlatePost | Keepalive | AlarmStatus | TrajectPost | OtherEvent
