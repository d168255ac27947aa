"""Webhook bodies shaped exactly like the ones Viewtron cameras and NVRs send.

The layouts follow the captures in shared/reference/viewtron_api.md §2.4-2.7:
camera-direct LPR (IPC, ``config version="1.7"``, smartType ``VEHICE``), NVR v2.0 LPR
with several plates, the four keepalive shapes, and alarmStatus notices.
"""

from __future__ import annotations

import base64
from dataclasses import dataclass, field
import time

from .images import overview_jpeg, plate_crop_jpeg

NS = "http://www.ipc.com/ver10"


def now_us() -> int:
    """The camera's ``currentTime``: microseconds since the epoch, UTC."""
    return time.time_ns() // 1000


def _cdata(value: str, wrap: bool = True) -> str:
    return f"<![CDATA[{value}]]>" if wrap else value


@dataclass
class Camera:
    """Identity a simulated device puts in its posts."""

    mac: str = "58:5b:69:5a:84:bb"
    serial: str = "NF40D099BCM0"
    name: str = "Driveway LPR"
    ip: str = "192.0.2.50"


@dataclass
class Plate:
    """One plate in a post."""

    text: str
    list_type: str | None = None  # whiteList / blackList / temporaryList; None = unknown
    direction: str | None = "approach"
    confidence: int | None = 9_500  # PlateConfidence@count: percent x100
    group: str | None = None  # NVR groupName
    owner: str | None = None
    car: dict[str, str] = field(
        default_factory=lambda: {"color": "grey", "type": "saloon car", "brand": "Tesla"}
    )


def camera_plate_post(
    plate: Plate,
    camera: Camera | None = None,
    *,
    current_time: int | None = None,
    overview: bytes | None = None,
    crop: bytes | None = None,
    images: bool = True,
    cdata: bool = True,
    smart_type: str = "VEHICE",
) -> bytes:
    """A camera-direct LPR post (firmware 5.3.1 layout)."""
    cam = camera or Camera()
    if images:
        overview = overview if overview is not None else overview_jpeg(plate.text)
        crop = crop if crop is not None else plate_crop_jpeg(plate.text)
    ov64 = base64.b64encode(overview).decode() if images and overview else ""
    crop64 = base64.b64encode(crop).decode() if images and crop else ""
    optional = ""
    if plate.direction:
        optional += f'<vehicleDirect type="vehicleDirectType">{plate.direction}</vehicleDirect>\n'
    if plate.list_type:
        optional += (
            f'<vehicleListType type="vehileMatchAlarmList">{plate.list_type}</vehicleListType>\n'
        )
    car = "".join(f'<{k} type="vsdCarAttr">{v}</{k}>' for k, v in plate.car.items())
    conf = plate.confidence if plate.confidence is not None else 0
    return f"""<?xml version="1.0" encoding="UTF-8" ?>
<config version="1.7" xmlns="{NS}">
<types><openAlarmObj><enum>MOTION</enum><enum>VEHICE</enum></openAlarmObj></types>
<smartType type="openAlarmObj">{smart_type}</smartType>
<subscribeOption type="subscribeRelationV1">FEATURE_RESULT</subscribeOption>
<currentTime type="tint64">{current_time if current_time is not None else now_us()}</currentTime>
<mac type="string">{_cdata(cam.mac, cdata)}</mac>
<sn type="string">{_cdata(cam.serial, cdata)}</sn>
<deviceName type="string">{_cdata(cam.name, cdata)}</deviceName>
<channelId type="uint32">1</channelId>
<plateCount type="uint32">1</plateCount>
<listInfo type="list" count="2">
<item>
<image type="uint32">0</image>
<plateNumber type="string"><![CDATA[]]></plateNumber>
<SourceImageWidth type="uint32">2688</SourceImageWidth>
<SourceImageHeight type="uint32">1776</SourceImageHeight>
<PlateConfidence type="uint32" count="0"/>
<targetImageData>
<dataType type="uint32">0</dataType>
<targetBase64Length type="uint32">{len(ov64)}</targetBase64Length>
<targetBase64Data type="string"><![CDATA[{ov64}]]></targetBase64Data>
</targetImageData>
</item>
<item>
<image type="uint32">1</image>
<plateNumber type="string">{_cdata(plate.text, cdata)}</plateNumber>
<plateCharCount type="uint32">{len(plate.text)}</plateCharCount>
{optional}<PlateWidth type="uint32">224</PlateWidth>
<PlateHeight type="uint32">124</PlateHeight>
<SourceImageWidth type="uint32">2688</SourceImageWidth>
<SourceImageHeight type="uint32">1776</SourceImageHeight>
<leftTop><x type="uint32">4583</x><y type="uint32">7200</y></leftTop>
<rightTop><x type="uint32">5417</x><y type="uint32">7200</y></rightTop>
<leftBottom><x type="uint32">4583</x><y type="uint32">7898</y></leftBottom>
<rightBottom><x type="uint32">5417</x><y type="uint32">7898</y></rightBottom>
<PlateConfidence type="uint32" count="{conf}"/>
<carAttr>{car}</carAttr>
<targetImageData>
<dataType type="uint32">0</dataType>
<targetType type="targetType">car</targetType>
<width type="uint32">224</width>
<height type="uint32">124</height>
<targetBase64Length type="uint32">{len(crop64)}</targetBase64Length>
<targetBase64Data type="string"><![CDATA[{crop64}]]></targetBase64Data>
</targetImageData>
</item>
</listInfo>
</config>
""".encode()


def nvr_plate_post(
    plates: list[Plate],
    camera: Camera | None = None,
    *,
    channel: int | None = 2,
    current_time: int | str | None = None,
    images: bool = True,
) -> bytes:
    """An NVR v2.0 LPR post carrying every plate in ``plates``."""
    cam = camera or Camera(mac="58:5B:69:40:F4:0D", serial="NVRSN0001", name="Garage NVR")
    ov64 = base64.b64encode(overview_jpeg(plates[0].text, 2560, 1440)).decode() if images else ""
    items = []
    for index, plate in enumerate(plates):
        crop64 = base64.b64encode(plate_crop_jpeg(plate.text, 128, 64)).decode() if images else ""
        match = ""
        if plate.group:
            owner = f"<carOwner><![CDATA[{plate.owner}]]></carOwner>" if plate.owner else ""
            match = (
                f"<licensePlateMatchInfo><groupName><![CDATA[{plate.group}]]></groupName>"
                f"{owner}</licensePlateMatchInfo>"
            )
        items.append(f"""<item>
<targetId>{104 + index}</targetId>
<rect><x1>1104</x1><y1>546</y1><x2>1232</x2><y2>610</y2></rect>
<licensePlateAttribute><licensePlateNumber><![CDATA[{plate.text}]]></licensePlateNumber>
<color>white</color></licensePlateAttribute>
<carRect><x1>900</x1><y1>300</y1><x2>1500</x2><y2>800</y2></carRect>
<carAttribute><carType><![CDATA[mpv]]></carType><color><![CDATA[white]]></color>
<brand><![CDATA[GMC]]></brand><model><![CDATA[GMC_SAVANA]]></model></carAttribute>
{match}
<targetImageData><dataType>0</dataType><width>128</width><height>64</height>
<targetBase64Length>{len(crop64)}</targetBase64Length>
<targetBase64Data>{crop64}</targetBase64Data></targetImageData>
</item>""")
    chan = f"<channelId>{channel}</channelId>" if channel is not None else ""
    stamp = current_time if current_time is not None else now_us()
    return f"""<config version="2.0.0" xmlns="{NS}">
<messageType>alarmData</messageType>
<deviceInfo><deviceName><![CDATA[{cam.name}]]></deviceName><ip><![CDATA[{cam.ip}]]></ip>
<mac><![CDATA[{cam.mac}]]></mac>{chan}</deviceInfo>
<smartType>vehicle</smartType>
<currentTime>{stamp}</currentTime>
<sourceDataInfo><dataType>0</dataType><width>0</width><height>0</height>
<sourceBase64Length>{len(ov64)}</sourceBase64Length>
<sourceBase64Data>{ov64}</sourceBase64Data></sourceDataInfo>
<licensePlateListInfo>
{"".join(items)}
</licensePlateListInfo>
</config>
""".encode()


def keepalive(shape: str, camera: Camera | None = None) -> bytes:
    """A heartbeat in one of the four shapes seen (§2.6): ``empty``, ``deviceinfo``,
    ``ipc_v21`` (no XML declaration) or ``nvr``."""
    cam = camera or Camera()
    if shape == "empty":
        return b""
    if shape == "deviceinfo":
        return (
            f"<DeviceInfo><DeviceName>{cam.name}</DeviceName><DeviceNo.>1</DeviceNo.>"
            f"<SN><![CDATA[{cam.serial}]]></SN><ipAddress>{cam.ip}</ipAddress>"
            f"<macAddress>{cam.mac}</macAddress></DeviceInfo>"
        ).encode()
    version = {"ipc_v21": "1.7", "nvr": "2.0.0"}[shape]
    return (
        f'<config version="{version}" xmlns="{NS}">\n<messageType>keepalive</messageType>\n'
        f"<deviceInfo>\n<deviceName><![CDATA[{cam.name}]]></deviceName>\n"
        f"<ip><![CDATA[{cam.ip}]]></ip>\n<mac><![CDATA[{cam.mac}]]></mac>\n</deviceInfo>\n"
        "</config>\n"
    ).encode()


def alarm_status(active: bool, camera: Camera | None = None) -> bytes:
    """The IPC ``vehiceAlarm`` on/off notice that brackets a plate read (§2.7)."""
    cam = camera or Camera()
    return f"""<?xml version="1.0" encoding="UTF-8" ?>
<config version="1.7" xmlns="{NS}">
<alarmStatusInfo>
<vehiceAlarm type="boolean" id="1">{"true" if active else "false"}</vehiceAlarm>
</alarmStatusInfo>
<dataTime><![CDATA[10-07-2026 05:24:48 PM]]></dataTime>
<deviceInfo>
<deviceName><![CDATA[{cam.name}]]></deviceName>
<deviceNo.><![CDATA[1]]></deviceNo.>
<sn><![CDATA[{cam.serial}]]></sn>
<ipAddress><![CDATA[{cam.ip}]]></ipAddress>
<macAddress><![CDATA[{cam.mac}]]></macAddress>
</deviceInfo>
</config>
""".encode()
