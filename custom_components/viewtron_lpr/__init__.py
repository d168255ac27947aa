"""The Viewtron LPR integration: wiring only."""

from __future__ import annotations

from datetime import timedelta
from functools import partial
import logging

from homeassistant.const import (
    CONF_HOST,
    CONF_PASSWORD,
    CONF_PORT,
    CONF_USERNAME,
    CONF_WEBHOOK_ID,
    Platform,
)
from homeassistant.core import HomeAssistant, callback
from homeassistant.helpers import config_validation as cv, device_registry as dr
from homeassistant.helpers.aiohttp_client import async_get_clientsession
from homeassistant.helpers.event import async_track_time_interval
from homeassistant.helpers.typing import ConfigType

from . import webhook
from .cloud import CloudImageView, CloudService
from .cloud_actions import async_setup_cloud_services
from .const import (
    CONF_CARSXE_API_KEY,
    CONF_CARSXE_URL,
    CONF_FIRMWARE,
    CONF_LOCAL_ONLY,
    CONF_MAC,
    CONF_MIRROR_MAX_AGE,
    CONF_MODEL,
    CONF_PLATE_API,
    DEAD_LETTER_RETRY_INTERVAL,
    DEFAULT_MIRROR_MAX_AGE,
    DOMAIN,
    MANUFACTURER,
    MIRROR_SYNC_INTERVAL,
)
from .followups import async_follow_up
from .lpr.carsxe import DEFAULT_BASE_URL, CarsXEClient
from .lpr.viewtron.client import ViewtronClient
from .lpr.viewtron.errors import ViewtronAuthError, ViewtronError
from .mirror import PlateMirror
from .runtime import ViewtronConfigEntry, ViewtronHub
from .services import async_setup_services

_LOGGER = logging.getLogger(__name__)

CONFIG_SCHEMA = cv.config_entry_only_config_schema(DOMAIN)

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
    mirror = PlateMirror(
        hass,
        entry.entry_id,
        device_backed=bool(entry.data.get(CONF_PLATE_API)),
        max_age=timedelta(
            hours=float(entry.options.get(CONF_MIRROR_MAX_AGE, DEFAULT_MIRROR_MAX_AGE))
        ),
    )
    await mirror.async_load()
    hub = ViewtronHub(hass, entry, client_for(hass, dict(entry.data)), device.id, mirror)
    if key := entry.options.get(CONF_CARSXE_API_KEY):
        hub.cloud = CloudService(
            hass,
            entry,
            CarsXEClient(
                async_get_clientsession(hass),
                key,
                base_url=entry.options.get(CONF_CARSXE_URL) or DEFAULT_BASE_URL,
            ),
        )
        await hub.cloud.async_load()
        hub.followers.append(partial(async_follow_up, hub, hub.cloud))
        entry.async_on_unload(
            async_track_time_interval(
                hass,
                hub.cloud.async_retry_dead_letters,
                DEAD_LETTER_RETRY_INTERVAL,
                cancel_on_shutdown=True,
            )
        )
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
    if mirror.device_backed:

        @callback
        def _sync_later(_now: object = None) -> None:
            entry.async_create_background_task(
                hass, async_sync_mirror(hass, entry), f"{DOMAIN} plate list sync"
            )

        _sync_later()
        entry.async_on_unload(
            async_track_time_interval(
                hass, _sync_later, MIRROR_SYNC_INTERVAL, cancel_on_shutdown=True
            )
        )
    return True


async def async_sync_mirror(hass: HomeAssistant, entry: ViewtronConfigEntry) -> None:
    """Refresh the copy of the plate lists in the background; failures only leave it older."""
    hub = entry.runtime_data
    try:
        count = await hub.mirror.async_sync(hub.client)
    except ViewtronAuthError:
        entry.async_start_reauth(hass)
    except ViewtronError as err:
        _LOGGER.debug("%s: plate lists not refreshed: %s", entry.title, err)
    else:
        _LOGGER.debug("%s: %d listed plates copied from the device", entry.title, count)


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


async def async_setup(hass: HomeAssistant, config: ConfigType) -> bool:
    """Register the actions and the cloud image view (once, for every entry)."""
    async_setup_services(hass)
    async_setup_cloud_services(hass)
    hass.http.register_view(CloudImageView())
    return True


async def async_remove_entry(hass: HomeAssistant, entry: ViewtronConfigEntry) -> None:
    """The entry is deleted: delete its stored plate lists too."""
    await PlateMirror(hass, entry.entry_id, device_backed=False, max_age=timedelta()).async_remove()
    client = CarsXEClient(async_get_clientsession(hass), "")
    await CloudService(hass, entry, client).async_remove()


async def async_unload_entry(hass: HomeAssistant, entry: ViewtronConfigEntry) -> bool:
    """Unload; the webhook, worker and timers go with the entry's unload callbacks."""
    return await hass.config_entries.async_unload_platforms(entry, PLATFORMS)
