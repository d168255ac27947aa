"""A protocol-faithful fake Viewtron camera or NVR (its HTTP API, reference §3).

An aiohttp server with an in-memory plate database and the behaviours real devices show:
HTTP Basic auth with 401, HTTP 400 with an empty body for unknown commands (and for the
plate commands on an NVR), code 20 for an empty group, 16 (Range Error) for
``resultOffset`` 0 and for modified fields without ``type="string"``, 203 for a plate
that already exists, 202 when the library is full, 204/207 for a missing plate, a
``GetSupportedAPIs`` list with duplicates and a wrong ``count``. Requests are parsed with
the standard library, independently of the code under test.

Tests can inject faults: ``fail_next(command, code)`` and ``delay``.
"""

from __future__ import annotations

import asyncio
import base64
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
import xml.etree.ElementTree as ET

from aiohttp import web

NS = "http://www.ipc.com/ver10"
_Q = "{" + NS + "}"
PLATE_COMMANDS = [
    "GetLicensePlateGroups",
    "AddLicensePlates",
    "GetLicensePlates",
    "ModifyLicensePlate",
    "DeleteLicensePlate",
]


@dataclass
class StoredPlate:
    """A plate in the fake database."""

    plate: str
    group_id: str
    owner: str = ""
    telephone: str = ""
    begin: str = ""
    end: str = "2037-12-30 10:59:59"


def _ok(inner: str = "", version: str = "2.1.0") -> web.Response:
    if inner:
        body = (
            f'<?xml version="1.0" encoding="UTF-8"?>\n<config version="{version}" xmlns="{NS}">'
            f"{inner}</config>"
        )
    else:
        body = (
            f'<?xml version="1.0" encoding="UTF-8"?>\n<config version="{version}" xmlns="{NS}" '
            'status="success" errorCode="0" errorDesc="No Error"/>'
        )
    return web.Response(text=body, content_type="application/xml")


def _fail(code: int, desc: str) -> web.Response:
    return web.Response(
        text=f'<?xml version="1.0" encoding="UTF-8"?>\n<config version="2.1.0" xmlns="{NS}" '
        f'status="failed" errorCode="{code}" errorDesc="{desc}"/>',
        content_type="application/xml",
    )


def _cdata(value: str) -> str:
    return "<![CDATA[" + value.replace("]]>", "]]]]><![CDATA[>") + "]]>"


def _text(node: ET.Element | None, path: str) -> str | None:
    if node is None:
        return None
    found = node.find("/".join(_Q + part for part in path.split("/")))
    if found is None or found.text is None:
        return None
    return found.text.strip()


class FakeViewtronDevice:
    """The device API of one camera (``nvr=False``) or NVR (``nvr=True``)."""

    def __init__(
        self,
        *,
        username: str = "admin",
        password: str = "secret",
        nvr: bool = False,
        plate_api: bool = True,
        mac: str = "58:5b:69:5a:84:bb",
        serial: str = "NF40D099BCM0",
        model: str = "LPR-IP4",
        name: str = "Driveway LPR",
        firmware: str = "5.3.1.0-B260101",
        capacity: int = 10_000,
        clock: Callable[[], datetime] = datetime.now,
        groups: tuple[tuple[str, str], ...] = (
            ("1", "temporaryList"),
            ("2", "whiteList"),
            ("3", "blackList"),
        ),
    ) -> None:
        self.username = username
        self.password = password
        self.nvr = nvr
        self.plate_api = plate_api and not nvr
        self.mac = mac
        self.serial = serial
        self.model = model if not nvr else "TD-3308H1-8P-B1"
        self.name = name
        self.firmware = firmware
        self.capacity = capacity
        self.clock = clock  # the device's local wall clock (new plates start "now")
        self.groups = dict(groups)
        self.plates: list[StoredPlate] = []
        self.requests: list[str] = []
        self.delay = 0.0
        self._faults: dict[str, list[int]] = {}
        self._runner: web.AppRunner | None = None
        self.host = "127.0.0.1"
        self.port = 0

    # -- test controls ------------------------------------------------------------
    def fail_next(self, command: str, code: int) -> None:
        """Make the next ``command`` answer device error ``code`` (401 for an HTTP 401)."""
        self._faults.setdefault(command, []).append(code)

    def find(self, plate: str) -> StoredPlate | None:
        """The stored entry for ``plate``, in any group."""
        return next((p for p in self.plates if p.plate == plate), None)

    # -- server -------------------------------------------------------------------
    async def start(self, host: str = "127.0.0.1", port: int = 0) -> int:
        """Listen on ``host:port`` (0 = any free port); returns the port."""
        app = web.Application(client_max_size=8 * 1024 * 1024)
        app.router.add_route("*", "/{command}", self._handle)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, host, port)
        await site.start()
        self.host = host
        self.port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
        return self.port

    async def stop(self) -> None:
        """Stop listening."""
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    def _authorized(self, request: web.Request) -> bool:
        header = request.headers.get("Authorization", "")
        if not header.startswith("Basic "):
            return False
        try:
            user, _, password = base64.b64decode(header[6:]).decode().partition(":")
        except ValueError:
            return False
        return (user, password) == (self.username, self.password)

    async def _handle(self, request: web.Request) -> web.StreamResponse:
        command = request.match_info["command"]
        self.requests.append(command)
        if self.delay:
            await asyncio.sleep(self.delay)
        if not self._authorized(request):
            return web.Response(status=401, headers={"WWW-Authenticate": 'Basic realm="IPC"'})
        if faults := self._faults.get(command):
            code = faults.pop(0)
            if code == 401:
                return web.Response(status=401)
            return _fail(code, "Injected")
        handler = getattr(self, f"_cmd_{command}", None)
        if handler is None or (command in PLATE_COMMANDS and not self.plate_api):
            return web.Response(status=400)  # unknown command: empty 400
        body = await request.read()
        try:
            root = ET.fromstring(body) if body.strip() else None
        except ET.ParseError:
            return _fail(2, "Invalid XML Format")
        return handler(root)

    # -- commands -----------------------------------------------------------------
    def _cmd_GetDeviceInfo(self, _root: ET.Element | None) -> web.Response:
        channels = 8 if self.nvr else 1
        return _ok(
            f"""
  <deviceInfo>
    <deviceName type="string"><![CDATA[{self.name}]]></deviceName>
    <deviceDescription type="string"><![CDATA[{self.model}]]></deviceDescription>
    <apiVersion type="string"><![CDATA[2.1.0]]></apiVersion>
    <httpPostVersion type="string"><![CDATA[2.1.0]]></httpPostVersion>
    <softwareVersion type="string">
      <![CDATA[{self.firmware}]]>
    </softwareVersion>
    <model type="string"><![CDATA[{self.model}]]></model>
    <mac type="string"><![CDATA[{self.mac}]]></mac>
    <sn type="string"><![CDATA[{self.serial}]]></sn>
    <chlMaxCount type="uint32">{channels}</chlMaxCount>
  </deviceInfo>
""",
            version="2.0.0",
        )

    def _cmd_GetSupportedAPIs(self, _root: ET.Element | None) -> web.Response:
        names = ["GetDeviceInfo", "GetSupportedAPIs", "GetDeviceInfo", "GetAlarmStatus"]
        if self.plate_api:
            names += [*PLATE_COMMANDS, "GetLicensePlates"]
        items = "".join(f"<item><![CDATA[{n}]]></item>" for n in names)
        return _ok(
            f'<applicationInterfaces type="list" count="{len(names) - 3}">{items}'
            "</applicationInterfaces>"
        )

    def _cmd_GetLicensePlateGroups(self, _root: ET.Element | None) -> web.Response:
        items = "".join(
            f'<item><groupId type="string"><![CDATA[{gid}]]></groupId>'
            f'<groupName type="string"><![CDATA[{name}]]></groupName></item>'
            for gid, name in self.groups.items()
        )
        return _ok(
            f'<licensePlateGroups type="list" count="{len(self.groups)}">{items}'
            "</licensePlateGroups>"
        )

    def _cmd_AddLicensePlates(self, root: ET.Element | None) -> web.Response:
        items = root.findall(f"{_Q}licensePlates/{_Q}item") if root is not None else []
        if not items:
            return _fail(15, "Missing Required Parameters")
        replies = []
        for item in items:
            plate, group = _text(item, "licensePlateNumber"), _text(item, "groupId")
            if not plate or group not in self.groups:
                code = 3
            elif self.find(plate) is not None:
                code = 203
            elif len(self.plates) >= self.capacity:
                code = 202
            else:
                begin = self.clock().strftime("%Y-%m-%d %H:%M:%S")
                self.plates.append(StoredPlate(plate, group, begin=begin))
                code = 0
            replies.append(
                f'<item><index type="uint32">{_text(item, "index") or 1}</index>'
                f'<errorCode type="uint32">{code}</errorCode></item>'
            )
        return _ok(f"<licensePlatesReply>{''.join(replies)}</licensePlatesReply>")

    def _cmd_GetLicensePlates(self, root: ET.Element | None) -> web.Response:
        flt = root.find(f"{_Q}searchFilter") if root is not None else None
        try:
            limit = int(_text(flt, "maxResult") or "10")
            offset = int(_text(flt, "resultOffset") or "1")
        except ValueError:
            return _fail(3, "Invalid XML Content")
        if offset < 1 or limit < 1:
            return _fail(16, "Range Error")
        group = _text(flt, "groupId")
        matching = [p for p in self.plates if group is None or p.group_id == group]
        page = matching[offset - 1 : offset - 1 + limit]
        if not page:
            return _fail(20, "Resources Not Exist")
        items = "".join(
            f'<item><licensePlateNumber type="string">{_cdata(p.plate)}</licensePlateNumber>'
            f'<groupId type="string">{_cdata(p.group_id)}</groupId>'
            f'<beginTime type="string">{_cdata(p.begin)}</beginTime>'
            f'<endTime type="string">{_cdata(p.end)}</endTime>'
            f'<licensePlateType type="string"><![CDATA[]]></licensePlateType>'
            f'<carOwner type="string">{_cdata(p.owner)}</carOwner>'
            f'<cardNumber type="string"><![CDATA[]]></cardNumber>'
            f'<telephone type="string">{_cdata(p.telephone)}</telephone></item>'
            for p in page
        )
        return _ok(
            f'<licensePlates type="list" total="{len(matching)}" count="{len(page)}">{items}'
            "</licensePlates>"
        )

    def _cmd_ModifyLicensePlate(self, root: ET.Element | None) -> web.Response:
        node = root.find(f"{_Q}licensePlate") if root is not None else None
        plate, group = _text(node, "licensePlateNumber"), _text(node, "groupId")
        if node is None or not plate:
            return _fail(15, "Missing Required Parameters")
        stored = self.find(plate)
        if stored is None or stored.group_id != group:
            return _fail(204, "License Plate Not Exist")
        fields = {
            "carOwner": "owner",
            "telephone": "telephone",
            "beginTime": "begin",
            "endTime": "end",
        }
        changes = {}
        for tag, attr in fields.items():
            element = node.find(_Q + tag)
            if element is None:
                continue
            if element.get("type") != "string":
                return _fail(16, "Range Error")
            changes[attr] = (element.text or "").strip()
        for key in ("begin", "end"):
            if key in changes:
                try:
                    datetime.strptime(changes[key], "%Y-%m-%d %H:%M:%S")
                except ValueError:
                    return _fail(16, "Range Error")
        for attr, value in changes.items():
            setattr(stored, attr, value)
        return _ok()

    def _cmd_DeleteLicensePlate(self, root: ET.Element | None) -> web.Response:
        node = root.find(f"{_Q}deleteAction") if root is not None else None
        plate, group = _text(node, "licensePlateNumber"), _text(node, "groupId")
        stored = self.find(plate or "")
        if stored is None or stored.group_id != group:
            return _fail(207, "License Plate Not Exist")
        self.plates.remove(stored)
        return _ok()
