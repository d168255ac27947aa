"""Setting up, unloading and reloading an entry; the device registry; diagnostics."""

from __future__ import annotations

from typing import Any

from homeassistant.config_entries import ConfigEntryState
from homeassistant.const import CONF_WEBHOOK_ID
from homeassistant.core import HomeAssistant
from homeassistant.helpers import device_registry as dr
from homeassistant.setup import async_setup_component
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry
from pytest_homeassistant_custom_component.components.diagnostics import (
    get_diagnostics_for_config_entry,
)

from custom_components.viewtron_lpr.const import DOMAIN
from custom_components.viewtron_lpr.lpr.viewtron import SUCCESS_REPLY
from tools import bodies
from tools.fake_viewtron import FakeViewtronDevice

from .conftest import WEBHOOK_ID, Poster


async def test_setup_unload_leaves_nothing(
    hass: HomeAssistant, loaded_entry: MockConfigEntry, webhook_client: Any
) -> None:
    """The entry loads and answers posts; after unload its webhook is gone."""
    assert loaded_entry.state is ConfigEntryState.LOADED
    resp = await webhook_client.post(f"/api/webhook/{WEBHOOK_ID}", data=b"")
    assert (resp.status, await resp.read()) == (200, SUCCESS_REPLY)
    assert resp.content_type == "application/xml"

    assert await hass.config_entries.async_unload(loaded_entry.entry_id)
    await hass.async_block_till_done()
    assert loaded_entry.state is ConfigEntryState.NOT_LOADED
    resp = await webhook_client.post(f"/api/webhook/{WEBHOOK_ID}", data=b"")
    assert await resp.read() != SUCCESS_REPLY  # HA's empty answer for unknown webhooks


async def test_device_registry(
    hass: HomeAssistant, loaded_entry: MockConfigEntry, camera: FakeViewtronDevice
) -> None:
    """One device with model, firmware, MAC connection and configuration URL."""
    devices = dr.async_entries_for_config_entry(dr.async_get(hass), loaded_entry.entry_id)
    assert len(devices) == 1
    device = devices[0]
    assert (DOMAIN, camera.mac) in device.identifiers
    assert (dr.CONNECTION_NETWORK_MAC, camera.mac) in device.connections
    assert (device.manufacturer, device.model) == ("Viewtron", "LPR-IP4")
    assert device.sw_version == "5.3.1.0-B260101"
    assert device.configuration_url == f"http://127.0.0.1:{camera.port}"


async def test_firmware_refreshed_at_setup(
    hass: HomeAssistant, config_entry: MockConfigEntry, camera: FakeViewtronDevice
) -> None:
    """Setup reads the device again in the background and updates the firmware shown."""
    camera.firmware = "5.3.2.0-B261001"
    assert await hass.config_entries.async_setup(config_entry.entry_id)
    await hass.async_block_till_done(wait_background_tasks=True)
    (device,) = dr.async_entries_for_config_entry(dr.async_get(hass), config_entry.entry_id)
    assert device.sw_version == "5.3.2.0-B261001"


async def test_unreachable_device_still_receives(
    hass: HomeAssistant, config_entry: MockConfigEntry, camera: FakeViewtronDevice
) -> None:
    """A camera API that is down at start-up does not stop the webhook from loading."""
    await camera.stop()
    assert await hass.config_entries.async_setup(config_entry.entry_id)
    await hass.async_block_till_done(wait_background_tasks=True)
    assert config_entry.state is ConfigEntryState.LOADED


async def test_401_starts_reauth(
    hass: HomeAssistant, config_entry: MockConfigEntry, camera: FakeViewtronDevice
) -> None:
    """Credentials changed on the device: a re-authentication flow starts, reads go on."""
    camera.password = "changed"
    assert await hass.config_entries.async_setup(config_entry.entry_id)
    await hass.async_block_till_done(wait_background_tasks=True)
    flows = hass.config_entries.flow.async_progress_by_handler(DOMAIN)
    assert [flow["context"]["source"] for flow in flows] == ["reauth"]
    assert config_entry.state is ConfigEntryState.LOADED


@pytest.fixture
async def with_diagnostics(hass: HomeAssistant) -> None:
    """The diagnostics component, set up before the HTTP server starts."""
    assert await async_setup_component(hass, "diagnostics", {})


async def test_diagnostics_are_redacted(
    with_diagnostics: None,
    hass: HomeAssistant,
    loaded_entry: MockConfigEntry,
    poster: Poster,
    hass_client: Any,
) -> None:
    """Password, webhook id, MAC, serial and plates never appear in diagnostics."""
    await poster(bodies.camera_plate_post(bodies.Plate("SECRET1", "whiteList")))
    await poster(b"<config><broken")
    diag = await get_diagnostics_for_config_entry(hass, hass_client, loaded_entry)
    text = str(diag)
    for secret in ("SECRET1", "secret", WEBHOOK_ID, "58:5b:69:5a:84:bb", "NF40D099BCM0"):
        assert secret not in text
    counters = diag["runtime"]["counters"]
    assert counters["posts"] == 2
    assert counters["plates"] == 1
    assert counters["parse_errors"] == 1
    assert counters["parse_error_reasons"] == {"malformed": 1}
    assert diag["last_read"]["list"] == "allow"
    assert diag["entry"]["data"][CONF_WEBHOOK_ID] == "**REDACTED**"
