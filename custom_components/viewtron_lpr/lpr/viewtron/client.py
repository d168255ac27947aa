"""Async client for the Viewtron device HTTP API (reference §3).

Takes an injected :class:`aiohttp.ClientSession`; every call uses HTTP Basic auth and a
timeout. Failures raise the typed errors of :mod:`.errors`, keeping the device's code.
The plate-database calls are the API 2.1 ``*LicensePlate*`` family; NVRs and firmware
without it get :class:`~.errors.ViewtronUnsupportedError`.
"""

from __future__ import annotations

import asyncio
import base64
from dataclasses import dataclass
from datetime import datetime

import aiohttp

from .errors import (
    ViewtronAuthError,
    ViewtronConnectionError,
    ViewtronDeviceError,
    ViewtronError,
    ViewtronNotFoundError,
    ViewtronPartialChangeError,
    ViewtronUnsupportedError,
    device_error,
)
from .models import ListStatus, list_status_from_name, normalize_mac
from .xmltree import Node, parse_xml

DEFAULT_TIMEOUT = 10.0
MAX_RESPONSE_BYTES = 4 * 1024 * 1024
PAGE_SIZE = 100  # AddLicensePlates' maxCount; also used for GetLicensePlates pages
TIME_FORMAT = "%Y-%m-%d %H:%M:%S"
PLATE_COMMANDS = frozenset(
    {"GetLicensePlates", "AddLicensePlates", "DeleteLicensePlate", "GetLicensePlateGroups"}
)
_HEADERS = {"Content-Type": "application/xml; charset=utf-8"}
_ENVELOPE = '<?xml version="1.0" encoding="UTF-8"?><config version="2.1.0" xmlns="http://www.ipc.com/ver10">{}</config>'


@dataclass(frozen=True, slots=True)
class DeviceInfo:
    """What ``GetDeviceInfo`` says about the device."""

    name: str | None
    model: str | None
    mac: str | None
    serial: str | None
    firmware: str | None
    api_version: str | None
    http_post_version: str | None
    channel_count: int

    @property
    def is_nvr(self) -> bool:
        """NVRs report several channels (cameras report one)."""
        return self.channel_count > 1


@dataclass(frozen=True, slots=True)
class PlateGroup:
    """A plate group and the list it stands for."""

    group_id: str
    name: str
    status: ListStatus


@dataclass(frozen=True, slots=True)
class PlateEntry:
    """One plate in the camera's database. Times are the camera's local wall clock."""

    plate: str
    group_id: str
    owner: str | None = None
    telephone: str | None = None
    begin: datetime | None = None
    end: datetime | None = None


@dataclass(frozen=True, slots=True)
class PlatePage:
    """One page of ``GetLicensePlates``."""

    total: int
    entries: tuple[PlateEntry, ...]


def cdata(value: str) -> str:
    """``value`` as CDATA (a ``]]>`` inside is split so it cannot close the section)."""
    return "<![CDATA[" + value.replace("]]>", "]]]]><![CDATA[>") + "]]>"


def basic_auth(username: str, password: str) -> str:
    """An HTTP Basic ``Authorization`` value (latin-1, as aiohttp encodes it; UTF-8 for
    characters outside latin-1). Built by hand: aiohttp 3.14 deprecates ``BasicAuth``."""
    raw = f"{username}:{password}"
    try:
        encoded = raw.encode("latin-1")
    except UnicodeEncodeError:
        encoded = raw.encode()
    return "Basic " + base64.b64encode(encoded).decode("ascii")


def _time(text: str | None) -> datetime | None:
    if not text:
        return None
    try:
        return datetime.strptime(text, TIME_FORMAT)
    except ValueError:
        return None


class ViewtronClient:
    """One Viewtron camera or NVR."""

    def __init__(
        self,
        session: aiohttp.ClientSession,
        host: str,
        username: str,
        password: str,
        *,
        port: int = 80,
        timeout: float = DEFAULT_TIMEOUT,
    ) -> None:
        self._session = session
        self._base = f"http://{host}:{port}"
        self._headers = {**_HEADERS, "Authorization": basic_auth(username, password)}
        self._timeout = timeout
        self._supported: frozenset[str] | None = None

    async def _call(self, command: str, payload: str | None = None, *, get: bool = False) -> Node:
        """Send one command and return the response's root element."""
        data = _ENVELOPE.format(payload).encode() if payload is not None else None
        try:
            async with asyncio.timeout(self._timeout):
                async with self._session.request(
                    "GET" if get else "POST",
                    f"{self._base}/{command}",
                    data=data,
                    headers=self._headers,
                    allow_redirects=False,
                ) as resp:
                    status = resp.status
                    body = await resp.content.read(MAX_RESPONSE_BYTES + 1)
        except TimeoutError as err:
            raise ViewtronConnectionError(
                f"{command}: no answer within {self._timeout:g} s"
            ) from err
        except aiohttp.ClientError as err:
            raise ViewtronConnectionError(f"{command}: {type(err).__name__}") from err

        if status == 401:
            raise ViewtronAuthError(f"{command}: credentials rejected", http_status=401)
        if status == 404 or (status == 400 and not body.strip()):
            raise ViewtronUnsupportedError(
                f"{command}: not supported by this device", http_status=status
            )
        if len(body) > MAX_RESPONSE_BYTES:
            raise ViewtronDeviceError(f"{command}: response too large", http_status=status)
        root = parse_xml(body) if body.strip() else None
        if root is not None:
            code_text = root.attrs.get("errorCode", "0").strip() or "0"
            code = int(code_text) if code_text.isdigit() else 1
            if root.attrs.get("status") == "failed" or code != 0:
                raise device_error(code or 1, root.attrs.get("errorDesc"), status)
        if not 200 <= status < 300 or root is None:
            raise ViewtronDeviceError(f"{command}: HTTP {status}", http_status=status)
        return root

    async def get_device_info(self) -> DeviceInfo:
        """Identity and versions; also proves the credentials."""
        info = (await self._call("GetDeviceInfo", get=True)).child("deviceInfo")
        if info is None:
            raise ViewtronDeviceError("GetDeviceInfo: no deviceInfo in the response")
        return DeviceInfo(
            name=info.text_at("deviceName"),
            model=info.text_at("model") or info.text_at("deviceDescription"),
            mac=normalize_mac(info.text_at("mac")),
            serial=info.text_at("sn"),
            firmware=info.text_at("softwareVersion"),
            api_version=info.text_at("apiVersion"),
            http_post_version=info.text_at("httpPostVersion"),
            channel_count=info.int_at("chlMaxCount") or 1,
        )

    async def get_supported_apis(self) -> frozenset[str]:
        """Command names the device offers (its ``count`` is unreliable; duplicates merged)."""
        root = await self._call("GetSupportedAPIs", "")
        node = root.child("applicationInterfaces")
        names = frozenset(item.text for item in (node.all("item") if node else []) if item.text)
        self._supported = names
        return names

    async def supports_plate_api(self) -> bool:
        """True when the API 2.1 plate database is available (answer cached)."""
        supported = self._supported
        if supported is None:
            try:
                supported = await self.get_supported_apis()
            except ViewtronUnsupportedError:  # v1.x firmware has no GetSupportedAPIs
                supported = self._supported = frozenset()
        return supported >= PLATE_COMMANDS

    async def _require_plate_api(self) -> None:
        if not await self.supports_plate_api():
            raise ViewtronUnsupportedError(
                "this device has no plate database API (NVR, or firmware before API 2.1)"
            )

    async def get_plate_groups(self) -> list[PlateGroup]:
        """The plate groups, each mapped to allow / block / visitor by its name."""
        await self._require_plate_api()
        root = await self._call("GetLicensePlateGroups", "")
        node = root.child("licensePlateGroups")
        groups = []
        for item in node.all("item") if node else []:
            group_id = item.text_at("groupId") or item.text_at("id")
            name = item.text_at("groupName") or item.text_at("name") or ""
            if group_id:
                groups.append(PlateGroup(group_id, name, list_status_from_name(name)))
        return groups

    async def add_plate(
        self,
        plate: str,
        group_id: str,
        *,
        owner: str | None = None,
        telephone: str | None = None,
        begin: datetime | None = None,
        end: datetime | None = None,
    ) -> None:
        """Add a plate; then set owner, telephone and validity with ``ModifyLicensePlate``.

        If the second step fails, the added plate is deleted again and
        :class:`~.errors.ViewtronPartialChangeError` says whether that worked.
        """
        if not plate:
            raise ValueError("plate must not be empty")
        await self._require_plate_api()
        item = (
            f"<item><index>1</index><licensePlateNumber>{cdata(plate)}</licensePlateNumber>"
            f"<groupId>{cdata(group_id)}</groupId></item>"
        )
        root = await self._call(
            "AddLicensePlates",
            f'<licensePlates type="list" maxCount="{PAGE_SIZE}" count="1">{item}</licensePlates>',
        )
        reply = root.find("licensePlatesReply/item")
        code = reply.int_at("errorCode") if reply is not None else None
        if code:
            raise device_error(code)
        if owner is None and telephone is None and begin is None and end is None:
            return
        try:
            await self.modify_plate(
                plate, group_id, owner=owner, telephone=telephone, begin=begin, end=end
            )
        except ViewtronError as err:
            try:
                await self.delete_plate(plate, group_id)
            except ViewtronError:
                raise ViewtronPartialChangeError(
                    f"plate was added but its details could not be set ({err}), and removing "
                    "it again failed: it is on the camera without owner or validity dates",
                    cause=err,
                    rolled_back=False,
                ) from err
            raise ViewtronPartialChangeError(
                f"plate details could not be set ({err}); the plate was removed again, "
                "the camera is unchanged",
                cause=err,
                rolled_back=True,
            ) from err

    async def modify_plate(
        self,
        plate: str,
        group_id: str,
        *,
        owner: str | None = None,
        telephone: str | None = None,
        begin: datetime | None = None,
        end: datetime | None = None,
    ) -> None:
        """Change a plate's details (changed fields carry ``type="string"``, §3.3)."""
        await self._require_plate_api()
        fields = [
            f"<licensePlateNumber>{cdata(plate)}</licensePlateNumber>",
            f"<groupId>{cdata(group_id)}</groupId>",
        ]
        for name, value in (
            ("carOwner", owner),
            ("telephone", telephone),
            ("beginTime", begin.strftime(TIME_FORMAT) if begin else None),
            ("endTime", end.strftime(TIME_FORMAT) if end else None),
        ):
            if value is not None:
                fields.append(f'<{name} type="string">{cdata(value)}</{name}>')
        await self._call("ModifyLicensePlate", f"<licensePlate>{''.join(fields)}</licensePlate>")

    async def delete_plate(self, plate: str, group_id: str) -> None:
        """Remove a plate from a group."""
        await self._require_plate_api()
        await self._call(
            "DeleteLicensePlate",
            f"<deleteAction><licensePlateNumber>{cdata(plate)}</licensePlateNumber>"
            f"<groupId>{cdata(group_id)}</groupId></deleteAction>",
        )

    async def get_plates(
        self, group_id: str, *, offset: int = 1, limit: int = PAGE_SIZE
    ) -> PlatePage:
        """One page of a group; ``offset`` is 1-based. An empty group is an empty page."""
        await self._require_plate_api()
        try:
            root = await self._call(
                "GetLicensePlates",
                f"<searchFilter><maxResult>{limit}</maxResult><resultOffset>{offset}"
                f"</resultOffset><groupId>{cdata(group_id)}</groupId></searchFilter>",
            )
        except ViewtronNotFoundError as err:
            if err.code == 20:  # "Resources Not Exist": nothing (more) in this group
                return PlatePage(0, ())
            raise
        node = root.child("licensePlates")
        if node is None:
            return PlatePage(0, ())
        entries = tuple(
            PlateEntry(
                plate=item.text_at("licensePlateNumber") or "",
                group_id=item.text_at("groupId") or group_id,
                owner=item.text_at("carOwner"),
                telephone=item.text_at("telephone"),
                begin=_time(item.text_at("beginTime")),
                end=_time(item.text_at("endTime")),
            )
            for item in node.all("item")
            if item.text_at("licensePlateNumber")
        )
        total_text = node.attrs.get("total", "")
        total = int(total_text) if total_text.isdigit() else len(entries)
        return PlatePage(total, entries)

    async def get_all_plates(
        self, group_id: str, *, page_size: int = PAGE_SIZE
    ) -> list[PlateEntry]:
        """Every plate of a group, paging until ``total`` is reached."""
        entries: list[PlateEntry] = []
        offset = 1
        while True:
            page = await self.get_plates(group_id, offset=offset, limit=page_size)
            entries.extend(page.entries)
            offset += len(page.entries)
            if not page.entries or offset > page.total:
                return entries
