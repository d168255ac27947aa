"""The Viewtron LPR integration: wiring only."""

from __future__ import annotations

import logging

from homeassistant.const import (
    CONF_HOST,
    CONF_PASSWORD,
    CONF_PORT,
    CONF_USERNAME,
    CONF_WEBHOOK_ID,
    Platform,
)
from homeassistant.core import HomeAssistant
from homeassistant.helpers import device_registry as dr
from homeassistant.helpers.aiohttp_client import async_get_clientsession

from . import webhook
from .const import CONF_FIRMWARE, CONF_LOCAL_ONLY, CONF_MAC, CONF_MODEL, DOMAIN, MANUFACTURER
from .lpr.viewtron.client import ViewtronClient
from .lpr.viewtron.errors import ViewtronAuthError, ViewtronError
from .runtime import ViewtronConfigEntry, ViewtronHub

_LOGGER = logging.getLogger(__name__)

PLATFORMS = [Platform.BINARY_SENSOR, Platform.EVENT, Platform.IMAGE, Platform.SENSOR]

__all__ = ["ViewtronConfigEntry"]


def client_for(hass: HomeAssistant, data: dict[str, object]) -> ViewtronClient:
    """A device client from entry data or flow input."""
    return ViewtronClient(
        async_get_clientsession(hass),
        str(data[CONF_HOST]),
        str(data[CONF_USERNAME]),
        str(data[CONF_PASSWORD]),
        port=int(data[CONF_PORT]),  # type: ignore[call-overload]
    )


async def async_setup_entry(hass: HomeAssistant, entry: ViewtronConfigEntry) -> bool:
    """Set up a Viewtron camera or NVR.

    The device API is not needed to receive plate reads, so setup does not wait for it:
    a camera that is briefly unreachable while Home Assistant starts loses nothing.
    """
    uid = entry.unique_id or entry.entry_id
    mac = entry.data.get(CONF_MAC)
    device = dr.async_get(hass).async_get_or_create(
        config_entry_id=entry.entry_id,
        identifiers={(DOMAIN, uid)},
        connections={(dr.CONNECTION_NETWORK_MAC, mac)} if mac else set(),
        manufacturer=MANUFACTURER,
        model=entry.data.get(CONF_MODEL),
        name=entry.title,
        sw_version=entry.data.get(CONF_FIRMWARE),
        configuration_url=f"http://{entry.data[CONF_HOST]}:{entry.data[CONF_PORT]}",
    )
    hub = ViewtronHub(hass, entry, client_for(hass, dict(entry.data)), device.id)
    entry.runtime_data = hub
    webhook.async_register(
        hass, hub, entry.data[CONF_WEBHOOK_ID], bool(hub.option(CONF_LOCAL_ONLY))
    )
    hub.async_start()
    await hass.config_entries.async_forward_entry_setups(entry, PLATFORMS)
    entry.async_on_unload(entry.add_update_listener(_async_reload))
    entry.async_create_background_task(
        hass, _async_refresh_device(hass, entry), f"{DOMAIN} device info"
    )
    return True


async def _async_refresh_device(hass: HomeAssistant, entry: ViewtronConfigEntry) -> None:
    """Read the device's identity again (firmware changes); a 401 starts re-authentication."""
    hub = entry.runtime_data
    try:
        info = await hub.client.get_device_info()
    except ViewtronAuthError:
        entry.async_start_reauth(hass)
        return
    except ViewtronError as err:
        _LOGGER.debug("%s: device API not reachable now: %s", entry.title, err)
        return
    hub.device_info = info
    dr.async_get(hass).async_update_device(
        hub.device_id, sw_version=info.firmware, model=info.model
    )


async def _async_reload(hass: HomeAssistant, entry: ViewtronConfigEntry) -> None:
    """Options or data changed: reload (the one reload mechanism, see ha_api_compat §2.4)."""
    await hass.config_entries.async_reload(entry.entry_id)


async def async_unload_entry(hass: HomeAssistant, entry: ViewtronConfigEntry) -> bool:
    """Unload; the webhook, worker and timers go with the entry's unload callbacks."""
    return await hass.config_entries.async_unload_platforms(entry, PLATFORMS)
