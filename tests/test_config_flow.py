"""The config flow."""

from __future__ import annotations

from homeassistant import config_entries
from homeassistant.const import CONF_HOST, CONF_PASSWORD, CONF_PORT, CONF_USERNAME, CONF_WEBHOOK_ID
from homeassistant.core import HomeAssistant
from homeassistant.data_entry_flow import FlowResultType

from custom_components.viewtron_lpr.const import DOMAIN

USER_INPUT = {CONF_HOST: "192.0.2.10", CONF_PORT: 80, CONF_USERNAME: "admin", CONF_PASSWORD: "pw"}


async def test_user_flow_creates_entry_with_webhook(hass: HomeAssistant) -> None:
    """The user step creates an entry that carries a fresh webhook id; a second one aborts."""
    result = await hass.config_entries.flow.async_init(
        DOMAIN, context={"source": config_entries.SOURCE_USER}
    )
    assert result["type"] is FlowResultType.FORM
    assert result["step_id"] == "user"

    result = await hass.config_entries.flow.async_configure(result["flow_id"], USER_INPUT)
    assert result["type"] is FlowResultType.CREATE_ENTRY
    data = result["data"]
    assert {k: data[k] for k in USER_INPUT} == USER_INPUT
    assert len(data[CONF_WEBHOOK_ID]) == 64

    result = await hass.config_entries.flow.async_init(
        DOMAIN, context={"source": config_entries.SOURCE_USER}
    )
    result = await hass.config_entries.flow.async_configure(result["flow_id"], USER_INPUT)
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "already_configured"
