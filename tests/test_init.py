"""Setting up and unloading a config entry."""

from __future__ import annotations

from homeassistant.config_entries import ConfigEntryState
from homeassistant.const import CONF_HOST, CONF_PASSWORD, CONF_PORT, CONF_USERNAME, CONF_WEBHOOK_ID
from homeassistant.core import HomeAssistant
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.viewtron_lpr.const import DOMAIN
from custom_components.viewtron_lpr.lpr.viewtron import SUCCESS_REPLY

WEBHOOK_ID = "0123456789abcdef" * 4


async def test_setup_and_unload(hass: HomeAssistant, hass_client_no_auth) -> None:
    """The entry loads, answers camera posts on its webhook, and unloads without a trace."""
    entry = MockConfigEntry(
        domain=DOMAIN,
        title="Driveway",
        data={
            CONF_HOST: "192.0.2.10",
            CONF_PORT: 80,
            CONF_USERNAME: "admin",
            CONF_PASSWORD: "secret",
            CONF_WEBHOOK_ID: WEBHOOK_ID,
        },
    )
    entry.add_to_hass(hass)
    assert await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()
    assert entry.state is ConfigEntryState.LOADED

    client = await hass_client_no_auth()
    resp = await client.post(f"/api/webhook/{WEBHOOK_ID}", data=b"")
    assert resp.status == 200
    assert resp.content_type == "application/xml"
    assert await resp.read() == SUCCESS_REPLY

    assert await hass.config_entries.async_unload(entry.entry_id)
    await hass.async_block_till_done()
    assert entry.state is ConfigEntryState.NOT_LOADED

    # The webhook is gone: HA answers unknown ids with an empty 200, not our reply.
    resp = await client.post(f"/api/webhook/{WEBHOOK_ID}", data=b"")
    assert await resp.read() != SUCCESS_REPLY
