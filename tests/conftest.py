"""Shared fixtures: a real Home Assistant, the fake camera, and a configured entry."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import datetime
from typing import Any

from aiohttp.test_utils import TestClient
from homeassistant.const import CONF_HOST, CONF_PASSWORD, CONF_PORT, CONF_USERNAME, CONF_WEBHOOK_ID
from homeassistant.core import HomeAssistant
from homeassistant.helpers import entity_registry as er
from homeassistant.util import dt as dt_util
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.viewtron_lpr.const import (
    CONF_FIRMWARE,
    CONF_IS_NVR,
    CONF_MAC,
    CONF_MODEL,
    CONF_PLATE_API,
    CONF_SERIAL,
    DEFAULT_OPTIONS,
    DOMAIN,
)
from tools.fake_viewtron import FakeViewtronDevice
from tools.sender import EventSender, Reply

WEBHOOK_ID = "0123456789abcdef" * 4
CAMERA_MAC = "58:5b:69:5a:84:bb"


@pytest.fixture(autouse=True)
def auto_enable_custom_integrations(enable_custom_integrations: None) -> None:
    """Let Home Assistant load custom_components/viewtron_lpr in every test."""


@pytest.fixture(autouse=True)
def loopback_sockets(socket_enabled: None) -> None:
    """Allow real sockets: the fake devices listen on loopback.

    The harness's host filter stays in force, so connections can only reach 127.0.0.1.
    """


@pytest.fixture
async def camera() -> AsyncIterator[FakeViewtronDevice]:
    """A fake LPR camera listening on loopback."""
    device = FakeViewtronDevice(mac=CAMERA_MAC, clock=ha_local_now)
    await device.start()
    yield device
    await device.stop()


def ha_local_now() -> datetime:
    """Home Assistant's local wall clock: the fake devices live in HA's time zone."""
    return dt_util.now().replace(tzinfo=None)


def entry_data(device: FakeViewtronDevice, **extra: Any) -> dict[str, Any]:
    """Entry data as the config flow stores it for ``device``."""
    return {
        CONF_HOST: device.host,
        CONF_PORT: device.port,
        CONF_USERNAME: device.username,
        CONF_PASSWORD: device.password,
        CONF_WEBHOOK_ID: WEBHOOK_ID,
        CONF_MAC: device.mac.lower(),
        CONF_SERIAL: device.serial,
        CONF_MODEL: device.model,
        CONF_FIRMWARE: device.firmware,
        CONF_IS_NVR: device.nvr,
        CONF_PLATE_API: device.plate_api,
        **extra,
    }


@pytest.fixture
def config_entry(hass: HomeAssistant, camera: FakeViewtronDevice) -> MockConfigEntry:
    """A config entry for the fake camera, added to Home Assistant (not set up)."""
    entry = MockConfigEntry(
        domain=DOMAIN,
        title="Driveway LPR",
        unique_id=camera.mac.lower(),
        data=entry_data(camera),
        options=dict(DEFAULT_OPTIONS),
    )
    entry.add_to_hass(hass)
    return entry


@pytest.fixture
async def loaded_entry(hass: HomeAssistant, config_entry: MockConfigEntry) -> MockConfigEntry:
    """The config entry, set up."""
    assert await hass.config_entries.async_setup(config_entry.entry_id)
    await hass.async_block_till_done(wait_background_tasks=True)
    return config_entry


@pytest.fixture
async def webhook_client(hass_client_no_auth: Any) -> TestClient:
    """An HTTP client for Home Assistant's real HTTP server (on a loopback port)."""
    client: TestClient = await hass_client_no_auth()
    return client


class Poster:
    """Posts bodies to the entry's webhook over real TCP, as a camera or an NVR."""

    def __init__(self, hass: HomeAssistant, client: TestClient, webhook_id: str) -> None:
        self.hass = hass
        self.camera = EventSender(client.host, client.port, f"/api/webhook/{webhook_id}")
        self.nvr = EventSender(client.host, client.port, f"/api/webhook/{webhook_id}", nvr=True)

    async def __call__(self, body: bytes, *, nvr: bool = False, **kwargs: Any) -> Reply:
        reply = await (self.nvr if nvr else self.camera).post(body, **kwargs)
        await self.hass.async_block_till_done()
        return reply

    async def close(self) -> None:
        await self.camera.close()
        await self.nvr.close()


@pytest.fixture
async def poster(
    hass: HomeAssistant, loaded_entry: MockConfigEntry, webhook_client: TestClient
) -> AsyncIterator[Poster]:
    """Post to the loaded entry's webhook."""
    sender = Poster(hass, webhook_client, loaded_entry.data[CONF_WEBHOOK_ID])
    yield sender
    await sender.close()


def entity_id(hass: HomeAssistant, platform: str, entry: MockConfigEntry, key: str) -> str:
    """Look an entity up by unique id (entity ids differ between HA versions)."""
    found = er.async_get(hass).async_get_entity_id(platform, DOMAIN, f"{entry.unique_id}_{key}")
    assert found is not None, f"no {platform} entity {key}"
    return found
