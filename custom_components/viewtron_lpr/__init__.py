"""The Viewtron LPR integration."""

from __future__ import annotations

from dataclasses import dataclass

from aiohttp import web
from homeassistant.components import webhook
from homeassistant.config_entries import ConfigEntry
from homeassistant.const import CONF_WEBHOOK_ID
from homeassistant.core import HomeAssistant

from .const import DOMAIN
from .lpr.viewtron import SUCCESS_CONTENT_TYPE, SUCCESS_REPLY


@dataclass
class ViewtronRuntime:
    """Per-entry runtime state."""

    webhook_id: str


type ViewtronConfigEntry = ConfigEntry[ViewtronRuntime]


async def _handle_webhook(
    hass: HomeAssistant, webhook_id: str, request: web.Request
) -> web.Response:
    """Acknowledge a camera post the way the device expects."""
    return web.Response(body=SUCCESS_REPLY, content_type=SUCCESS_CONTENT_TYPE)


async def async_setup_entry(hass: HomeAssistant, entry: ViewtronConfigEntry) -> bool:
    """Set up a Viewtron camera or NVR from a config entry."""
    webhook_id: str = entry.data[CONF_WEBHOOK_ID]
    entry.runtime_data = ViewtronRuntime(webhook_id=webhook_id)
    webhook.async_register(
        hass,
        DOMAIN,
        entry.title,
        webhook_id,
        _handle_webhook,
        local_only=True,
        allowed_methods=["POST"],
    )
    entry.async_on_unload(lambda: webhook.async_unregister(hass, webhook_id))
    return True


async def async_unload_entry(hass: HomeAssistant, entry: ViewtronConfigEntry) -> bool:
    """Unload a config entry."""
    return True
