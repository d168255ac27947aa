"""The async device client against the fake camera / NVR over real HTTP."""

from __future__ import annotations

import asyncio
from datetime import datetime

import aiohttp
import pytest

from custom_components.viewtron_lpr.lpr.viewtron.client import ViewtronClient, cdata
from custom_components.viewtron_lpr.lpr.viewtron.errors import (
    ParseError,
    ViewtronAlreadyExistsError,
    ViewtronAuthError,
    ViewtronBusyError,
    ViewtronConnectionError,
    ViewtronDeviceError,
    ViewtronLibraryFullError,
    ViewtronNotFoundError,
    ViewtronPartialChangeError,
    ViewtronPermissionError,
    ViewtronUnsupportedError,
)
from custom_components.viewtron_lpr.lpr.viewtron.models import ListStatus
from tools.fake_viewtron import FakeViewtronDevice


def client_for(
    session: aiohttp.ClientSession, device: FakeViewtronDevice, **kwargs: object
) -> ViewtronClient:
    return ViewtronClient(
        session,
        device.host,
        kwargs.pop("username", device.username),  # type: ignore[arg-type]
        kwargs.pop("password", device.password),  # type: ignore[arg-type]
        port=device.port,
        **kwargs,  # type: ignore[arg-type]
    )


async def test_device_info(session: aiohttp.ClientSession, camera: FakeViewtronDevice) -> None:
    """GetDeviceInfo: model, normalized MAC, serial, firmware (whitespace stripped), API."""
    info = await client_for(session, camera).get_device_info()
    assert info.model == "LPR-IP4"
    assert info.mac == "58:5b:69:5a:84:bb"
    assert info.serial == "NF40D099BCM0"
    assert info.firmware == "5.3.1.0-B260101"
    assert (info.api_version, info.http_post_version) == ("2.1.0", "2.1.0")
    assert info.name == "Driveway LPR"
    assert not info.is_nvr
    assert camera.requests == ["GetDeviceInfo"]


async def test_bad_credentials(session: aiohttp.ClientSession, camera: FakeViewtronDevice) -> None:
    """HTTP 401 becomes ViewtronAuthError."""
    client = client_for(session, camera, password="wrong")
    with pytest.raises(ViewtronAuthError) as caught:
        await client.get_device_info()
    assert caught.value.http_status == 401


async def test_unreachable_and_slow(session: aiohttp.ClientSession) -> None:
    """A closed port and a device that does not answer in time are connection errors."""
    device = FakeViewtronDevice()
    port = await device.start()
    await device.stop()
    with pytest.raises(ViewtronConnectionError):
        await ViewtronClient(session, "127.0.0.1", "a", "b", port=port).get_device_info()

    slow = FakeViewtronDevice()
    await slow.start()
    slow.delay = 1.0
    try:
        with pytest.raises(ViewtronConnectionError, match=r"no answer within 0\.2 s"):
            await client_for(session, slow, timeout=0.2).get_device_info()
    finally:
        await slow.stop()


async def test_supported_apis_and_groups(
    session: aiohttp.ClientSession, camera: FakeViewtronDevice
) -> None:
    """Duplicates merged, wrong count ignored; groups mapped by name, not by id."""
    camera.groups = {"7": "blackList", "8": "whiteList", "9": "temporaryList", "10": "Staff"}
    client = client_for(session, camera)
    apis = await client.get_supported_apis()
    assert "GetLicensePlates" in apis
    assert await client.supports_plate_api()
    groups = {g.group_id: (g.name, g.status) for g in await client.get_plate_groups()}
    assert groups == {
        "7": ("blackList", ListStatus.BLOCK),
        "8": ("whiteList", ListStatus.ALLOW),
        "9": ("temporaryList", ListStatus.VISITOR),
        "10": ("Staff", ListStatus.UNKNOWN),
    }


async def test_add_modify_list_delete(
    session: aiohttp.ClientSession, camera: FakeViewtronDevice
) -> None:
    """A plate goes in with owner and validity dates, is listed, and is deleted."""
    client = client_for(session, camera)
    begin, end = datetime(2026, 11, 28, 8, 0), datetime(2026, 11, 28, 20, 0)
    await client.add_plate("ABC123", "1", owner="Guest ]]> Smith", begin=begin, end=end)
    stored = camera.find("ABC123")
    assert stored is not None
    assert (stored.group_id, stored.owner) == ("1", "Guest ]]> Smith")
    assert (stored.begin, stored.end) == ("2026-11-28 08:00:00", "2026-11-28 20:00:00")
    assert camera.requests[-2:] == ["AddLicensePlates", "ModifyLicensePlate"]

    (entry,) = await client.get_all_plates("1")
    assert (entry.plate, entry.group_id, entry.owner) == ("ABC123", "1", "Guest ]]> Smith")
    assert (entry.begin, entry.end) == (begin, end)

    await client.modify_plate("ABC123", "1", telephone="555-0100")
    assert camera.find("ABC123").telephone == "555-0100"  # type: ignore[union-attr]

    await client.delete_plate("ABC123", "1")
    assert camera.find("ABC123") is None
    assert await client.get_all_plates("1") == []  # code 20 on an empty group


async def test_plate_errors(session: aiohttp.ClientSession, camera: FakeViewtronDevice) -> None:
    """Duplicate (203), missing (204/207), library full (202), busy (7), permission (4)."""
    client = client_for(session, camera)
    await client.add_plate("DUP1", "2")
    with pytest.raises(ViewtronAlreadyExistsError) as caught:
        await client.add_plate("DUP1", "3")
    assert caught.value.code == 203
    with pytest.raises(ViewtronNotFoundError) as missing:
        await client.delete_plate("NOPE", "2")
    assert missing.value.code == 207
    with pytest.raises(ViewtronNotFoundError) as missing:
        await client.modify_plate("NOPE", "2", owner="x")
    assert missing.value.code == 204
    camera.capacity = 1
    with pytest.raises(ViewtronLibraryFullError) as full:
        await client.add_plate("FULL1", "2")
    assert full.value.code == 202
    camera.fail_next("DeleteLicensePlate", 7)
    with pytest.raises(ViewtronBusyError):
        await client.delete_plate("DUP1", "2")
    camera.fail_next("GetLicensePlates", 4)
    with pytest.raises(ViewtronPermissionError):
        await client.get_plates("2")
    camera.fail_next("GetLicensePlates", 16)
    with pytest.raises(ViewtronDeviceError) as generic:
        await client.get_plates("2")
    assert (generic.value.code, generic.value.description) == (16, "Injected")
    with pytest.raises(ValueError, match="empty"):
        await client.add_plate("", "2")


async def test_paging_past_one_hundred(
    session: aiohttp.ClientSession, camera: FakeViewtronDevice
) -> None:
    """Pages advance by the 1-based offset until ``total`` (offset 0 is a range error)."""
    client = client_for(session, camera)
    for index in range(230):
        await client.add_plate(f"P{index:04d}", "2")
    camera.requests.clear()
    plates = await client.get_all_plates("2")
    assert [p.plate for p in plates] == [f"P{i:04d}" for i in range(230)]
    assert camera.requests.count("GetLicensePlates") == 3
    page = await client.get_plates("2", offset=201, limit=100)
    assert (page.total, len(page.entries)) == (230, 30)
    with pytest.raises(ViewtronDeviceError) as caught:
        await client.get_plates("2", offset=0)
    assert caught.value.code == 16


async def test_modify_failure_rolls_back(
    session: aiohttp.ClientSession, camera: FakeViewtronDevice
) -> None:
    """Add succeeded, modify failed: the plate is removed again and the error says so."""
    client = client_for(session, camera)
    camera.fail_next("ModifyLicensePlate", 16)
    with pytest.raises(ViewtronPartialChangeError) as caught:
        await client.add_plate("HALF1", "1", owner="Bob")
    assert caught.value.rolled_back
    assert caught.value.code == 16
    assert "camera is unchanged" in str(caught.value)
    assert camera.find("HALF1") is None

    camera.fail_next("ModifyLicensePlate", 7)
    camera.fail_next("DeleteLicensePlate", 7)
    with pytest.raises(ViewtronPartialChangeError) as caught:
        await client.add_plate("HALF2", "1", owner="Bob")
    assert not caught.value.rolled_back
    assert "without owner or validity dates" in str(caught.value)
    assert camera.find("HALF2") is not None


async def test_nvr_has_no_plate_api(session: aiohttp.ClientSession) -> None:
    """An NVR reports several channels and has no plate database."""
    nvr = FakeViewtronDevice(nvr=True, mac="58:5B:69:40:F4:0D")
    await nvr.start()
    try:
        client = client_for(session, nvr)
        info = await client.get_device_info()
        assert info.is_nvr
        assert info.mac == "58:5b:69:40:f4:0d"
        assert not await client.supports_plate_api()
        for call in (
            client.get_plate_groups(),
            client.add_plate("A1", "1"),
            client.get_plates("1"),
            client.delete_plate("A1", "1"),
        ):
            with pytest.raises(ViewtronUnsupportedError, match="no plate database"):
                await call
    finally:
        await nvr.stop()


async def test_old_firmware_without_supported_apis(
    session: aiohttp.ClientSession, camera: FakeViewtronDevice
) -> None:
    """Firmware that answers GetSupportedAPIs with an empty 400 has no plate API."""
    camera.plate_api = False
    camera._cmd_GetSupportedAPIs = None  # type: ignore[assignment,method-assign]
    client = client_for(session, camera)
    assert not await client.supports_plate_api()
    with pytest.raises(ViewtronUnsupportedError):
        await client.get_supported_apis()


async def test_malformed_responses(session: aiohttp.ClientSession) -> None:
    """Garbage, a non-XML 500 and a missing deviceInfo are typed errors."""
    responses = iter(
        [
            aiohttp.web.Response(text="<config><deviceInfo>", content_type="application/xml"),
            aiohttp.web.Response(status=500, text="oops"),
            aiohttp.web.Response(text="<config/>", content_type="application/xml"),
            aiohttp.web.Response(status=503),
        ]
    )

    async def handler(_request: aiohttp.web.Request) -> aiohttp.web.Response:
        return next(responses)

    app = aiohttp.web.Application()
    app.router.add_route("*", "/{tail:.*}", handler)
    runner = aiohttp.web.AppRunner(app)
    await runner.setup()
    site = aiohttp.web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
    client = ViewtronClient(session, "127.0.0.1", "u", "p", port=port)
    try:
        with pytest.raises(ParseError):
            await client.get_device_info()
        with pytest.raises(ParseError):
            await client.get_device_info()
        with pytest.raises(ViewtronDeviceError, match="no deviceInfo"):
            await client.get_device_info()
        with pytest.raises(ViewtronDeviceError, match="HTTP 503"):
            await client.get_device_info()
    finally:
        await runner.cleanup()


def test_cdata_cannot_be_closed_early() -> None:
    """Values are wrapped so that a ``]]>`` inside cannot end the section."""
    assert cdata("a]]>b") == "<![CDATA[a]]]]><![CDATA[>b]]>"


async def test_concurrent_calls(session: aiohttp.ClientSession, camera: FakeViewtronDevice) -> None:
    """The client is safe to use from several tasks at once."""
    client = client_for(session, camera)
    await asyncio.gather(*(client.add_plate(f"C{i}", "2") for i in range(20)))
    assert len(await client.get_all_plates("2")) == 20
