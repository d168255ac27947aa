"""Every config-flow path: user, CarsXE key, camera settings, reauth, reconfigure, options."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

from homeassistant import config_entries
from homeassistant.const import CONF_HOST, CONF_PASSWORD, CONF_PORT, CONF_USERNAME, CONF_WEBHOOK_ID
from homeassistant.core import HomeAssistant
from homeassistant.core_config import async_process_ha_core_config
from homeassistant.data_entry_flow import FlowResultType
from homeassistant.helpers.network import NoURLAvailableError
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.viewtron_lpr.const import (
    CONF_ACCEPT_THRESHOLD,
    CONF_CARSXE_API_KEY,
    CONF_DEDUP_WINDOW,
    CONF_IS_NVR,
    CONF_LOCAL_ONLY,
    CONF_MAC,
    CONF_MIRROR_MAX_AGE,
    CONF_MODEL,
    CONF_PLATE_API,
    CONF_REGION,
    CONF_RETENTION_DAYS,
    CONF_REVIEW_THRESHOLD,
    CONF_SERIAL,
    CONF_SILENCE_MINUTES,
    DEFAULT_OPTIONS,
    DOMAIN,
)
from custom_components.viewtron_lpr.lpr.viewtron.client import ViewtronClient
from tools.fake_carsxe import FakeCarsXE
from tools.fake_viewtron import FakeViewtronDevice


def user_input(device: FakeViewtronDevice, **changes: Any) -> dict[str, Any]:
    return {
        CONF_HOST: device.host,
        CONF_PORT: device.port,
        CONF_USERNAME: device.username,
        CONF_PASSWORD: device.password,
        **changes,
    }


@pytest.fixture
async def carsxe() -> AsyncIterator[FakeCarsXE]:
    """A fake CarsXE on loopback."""
    server = FakeCarsXE(valid_keys=("good-key",))
    await server.start()
    yield server
    await server.stop()


async def start(hass: HomeAssistant) -> dict[str, Any]:
    return await hass.config_entries.flow.async_init(  # type: ignore[return-value]
        DOMAIN, context={"source": config_entries.SOURCE_USER}
    )


async def test_full_user_flow(hass: HomeAssistant, camera: FakeViewtronDevice) -> None:
    """Credentials checked, device detected, camera settings shown, entry created."""
    await async_process_ha_core_config(hass, {"internal_url": "http://192.168.1.20:8123"})
    result = await start(hass)
    assert (result["type"], result["step_id"]) == (FlowResultType.FORM, "user")
    result = await hass.config_entries.flow.async_configure(result["flow_id"], user_input(camera))
    assert (result["type"], result["step_id"]) == (FlowResultType.FORM, "carsxe")
    result = await hass.config_entries.flow.async_configure(result["flow_id"], {})
    assert (result["type"], result["step_id"]) == (FlowResultType.FORM, "camera")
    placeholders = result["description_placeholders"]
    assert placeholders["server"] == "192.168.1.20"
    assert placeholders["port"] == "8123"
    assert placeholders["protocol"] == "HTTP"
    assert placeholders["path"].startswith("/api/webhook/")
    result = await hass.config_entries.flow.async_configure(result["flow_id"], {})
    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert result["title"] == "Driveway LPR"
    data = result["data"]
    assert placeholders["path"] == f"/api/webhook/{data[CONF_WEBHOOK_ID]}"
    assert len(data[CONF_WEBHOOK_ID]) == 64
    assert (data[CONF_MAC], data[CONF_SERIAL], data[CONF_MODEL]) == (
        "58:5b:69:5a:84:bb",
        "NF40D099BCM0",
        "LPR-IP4",
    )
    assert (data[CONF_IS_NVR], data[CONF_PLATE_API]) == (False, True)
    assert result["result"].unique_id == "58:5b:69:5a:84:bb"
    assert result["options"] == DEFAULT_OPTIONS
    await hass.async_block_till_done()


async def test_nvr_detected(hass: HomeAssistant, monkeypatch: pytest.MonkeyPatch) -> None:
    """An NVR is recognised by its channels, and has no plate API.

    With no URL known for Home Assistant, the settings step says what to enter instead.
    """

    def no_url(*_args: object, **_kwargs: object) -> str:
        raise NoURLAvailableError

    monkeypatch.setattr("custom_components.viewtron_lpr.config_flow.get_url", no_url)
    nvr = FakeViewtronDevice(nvr=True, mac="58:5B:69:40:F4:0D")
    await nvr.start()
    try:
        result = await start(hass)
        result = await hass.config_entries.flow.async_configure(result["flow_id"], user_input(nvr))
        result = await hass.config_entries.flow.async_configure(result["flow_id"], {})
        placeholders = result["description_placeholders"]
        assert placeholders["server"] == "(the IP address of Home Assistant)"
        assert placeholders["port"] == "8123"
        result = await hass.config_entries.flow.async_configure(result["flow_id"], {})
        assert (result["data"][CONF_IS_NVR], result["data"][CONF_PLATE_API]) == (True, False)
        assert result["result"].unique_id == "58:5b:69:40:f4:0d"
        await hass.async_block_till_done()
    finally:
        await nvr.stop()


async def test_user_errors_then_success(hass: HomeAssistant, camera: FakeViewtronDevice) -> None:
    """Wrong password, unreachable port and an unexpected error, each recoverable."""
    result = await start(hass)
    flow = result["flow_id"]
    result = await hass.config_entries.flow.async_configure(
        flow, user_input(camera, **{CONF_PASSWORD: "wrong"})
    )
    assert result["errors"] == {"base": "invalid_auth"}
    closed = FakeViewtronDevice()
    port = await closed.start()
    await closed.stop()
    result = await hass.config_entries.flow.async_configure(
        flow, user_input(camera, **{CONF_PORT: port})
    )
    assert result["errors"] == {CONF_HOST: "cannot_connect"}
    result = await hass.config_entries.flow.async_configure(flow, user_input(camera))
    assert result["step_id"] == "carsxe"


async def test_unexpected_error(
    hass: HomeAssistant, camera: FakeViewtronDevice, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A bug while probing shows 'unknown' instead of a stack trace."""

    async def broken(self: ViewtronClient) -> None:
        raise RuntimeError("bug")

    monkeypatch.setattr(ViewtronClient, "get_device_info", broken)
    result = await start(hass)
    result = await hass.config_entries.flow.async_configure(result["flow_id"], user_input(camera))
    assert result["errors"] == {"base": "unknown"}


async def test_already_configured(
    hass: HomeAssistant, config_entry: MockConfigEntry, camera: FakeViewtronDevice
) -> None:
    """The same device (by MAC) cannot be added twice."""
    result = await start(hass)
    result = await hass.config_entries.flow.async_configure(result["flow_id"], user_input(camera))
    assert (result["type"], result["reason"]) == (FlowResultType.ABORT, "already_configured")


async def test_carsxe_key_checked(
    hass: HomeAssistant, camera: FakeViewtronDevice, carsxe: FakeCarsXE
) -> None:
    """A wrong key is refused at once; a good one ends up in the options."""
    result = await start(hass)
    flow = result["flow_id"]
    await hass.config_entries.flow.async_configure(flow, user_input(camera))
    result = await hass.config_entries.flow.async_configure(
        flow, {CONF_CARSXE_API_KEY: "bad-key", "carsxe_url": carsxe.url}
    )
    assert result["errors"] == {CONF_CARSXE_API_KEY: "invalid_api_key"}
    result = await hass.config_entries.flow.async_configure(
        flow, {CONF_CARSXE_API_KEY: "good-key", "carsxe_url": "http://127.0.0.1:1"}
    )
    assert result["errors"] == {CONF_CARSXE_API_KEY: "carsxe_cannot_connect"}
    result = await hass.config_entries.flow.async_configure(
        flow, {CONF_CARSXE_API_KEY: " good-key ", "carsxe_url": carsxe.url}
    )
    result = await hass.config_entries.flow.async_configure(flow, {})
    assert result["options"][CONF_CARSXE_API_KEY] == "good-key"
    assert result["options"]["carsxe_url"] == carsxe.url
    assert [path for path, _ in carsxe.requests] == ["/v1/auth/validate"] * 2
    await hass.async_block_till_done()


async def test_reauth(
    hass: HomeAssistant, loaded_entry: MockConfigEntry, camera: FakeViewtronDevice
) -> None:
    """New credentials are checked, stored, and the entry reloads."""
    camera.password = "new-password"
    result = await loaded_entry.start_reauth_flow(hass)
    assert result["step_id"] == "reauth_confirm"
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {CONF_USERNAME: "admin", CONF_PASSWORD: "still-wrong"}
    )
    assert result["errors"] == {"base": "invalid_auth"}
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {CONF_USERNAME: "admin", CONF_PASSWORD: "new-password"}
    )
    assert (result["type"], result["reason"]) == (FlowResultType.ABORT, "reauth_successful")
    assert loaded_entry.data[CONF_PASSWORD] == "new-password"
    await hass.async_block_till_done()
    assert loaded_entry.state is config_entries.ConfigEntryState.LOADED


async def test_reauth_unchanged_still_reloads(
    hass: HomeAssistant, loaded_entry: MockConfigEntry
) -> None:
    """Confirming the same credentials still retries setup (no change, no listener call)."""
    result = await loaded_entry.start_reauth_flow(hass)
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {CONF_USERNAME: "admin", CONF_PASSWORD: "secret"}
    )
    assert result["reason"] == "reauth_successful"
    await hass.async_block_till_done()
    assert loaded_entry.state is config_entries.ConfigEntryState.LOADED


async def test_reconfigure_moves_device_keeps_entry(
    hass: HomeAssistant, loaded_entry: MockConfigEntry, camera: FakeViewtronDevice
) -> None:
    """A new address for the same device keeps the entry; another device is refused."""
    moved = FakeViewtronDevice(mac=camera.mac, password="pw2")
    await moved.start()
    other = FakeViewtronDevice(mac="aa:bb:cc:dd:ee:ff")
    await other.start()
    try:
        result = await loaded_entry.start_reconfigure_flow(hass)
        assert result["step_id"] == "reconfigure"
        result = await hass.config_entries.flow.async_configure(
            result["flow_id"], user_input(moved)
        )
        assert result["reason"] == "reconfigure_successful"
        assert loaded_entry.data[CONF_PORT] == moved.port
        assert loaded_entry.data[CONF_PASSWORD] == "pw2"
        await hass.async_block_till_done()
        assert loaded_entry.state is config_entries.ConfigEntryState.LOADED

        result = await loaded_entry.start_reconfigure_flow(hass)
        result = await hass.config_entries.flow.async_configure(
            result["flow_id"], user_input(other)
        )
        assert result["reason"] == "wrong_device"
        assert loaded_entry.data[CONF_PORT] == moved.port
    finally:
        await moved.stop()
        await other.stop()


OPTIONS = {
    CONF_DEDUP_WINDOW: 45,
    CONF_ACCEPT_THRESHOLD: 0.95,
    CONF_REVIEW_THRESHOLD: 0.7,
    CONF_LOCAL_ONLY: False,
    CONF_RETENTION_DAYS: 14,
    CONF_SILENCE_MINUTES: 30,
    CONF_MIRROR_MAX_AGE: 12,
    "second_opinion": True,
    "auto_lookup": False,
    "min_sharpness": 0.2,
    "min_mean": 35,
    "max_mean": 225,
    "max_glare": 0.2,
    "min_plate_width": 80,
}


async def test_options(
    hass: HomeAssistant, loaded_entry: MockConfigEntry, carsxe: FakeCarsXE
) -> None:
    """Bad region, inverted thresholds and a bad key are refused; good options reload."""
    result = await hass.config_entries.options.async_init(loaded_entry.entry_id)
    assert result["step_id"] == "init"
    flow = result["flow_id"]
    result = await hass.config_entries.options.async_configure(
        flow, {**OPTIONS, CONF_REGION: "California", CONF_REVIEW_THRESHOLD: 0.99}
    )
    assert result["errors"] == {
        CONF_REGION: "invalid_region",
        CONF_REVIEW_THRESHOLD: "review_above_accept",
    }
    result = await hass.config_entries.options.async_configure(
        flow,
        {**OPTIONS, CONF_REGION: "us-ca", CONF_CARSXE_API_KEY: "nope", "carsxe_url": carsxe.url},
    )
    assert result["errors"] == {CONF_CARSXE_API_KEY: "invalid_api_key"}
    result = await hass.config_entries.options.async_configure(
        flow,
        {
            **OPTIONS,
            CONF_REGION: "us-ca",
            CONF_CARSXE_API_KEY: "good-key",
            "carsxe_url": carsxe.url,
        },
    )
    assert result["type"] is FlowResultType.CREATE_ENTRY
    await hass.async_block_till_done()
    assert loaded_entry.options == {
        **OPTIONS,
        CONF_REGION: "US-CA",
        CONF_CARSXE_API_KEY: "good-key",
        "carsxe_url": carsxe.url,
    }
    assert loaded_entry.state is config_entries.ConfigEntryState.LOADED
    assert loaded_entry.runtime_data.option(CONF_DEDUP_WINDOW) == 45
