"""Diagnostics: configuration and counters, with secrets and plates redacted."""

from __future__ import annotations

from typing import Any

from homeassistant.components.diagnostics import async_redact_data
from homeassistant.const import CONF_PASSWORD, CONF_USERNAME, CONF_WEBHOOK_ID
from homeassistant.core import HomeAssistant

from .const import CONF_CARSXE_API_KEY, CONF_MAC, CONF_SERIAL
from .runtime import ViewtronConfigEntry

TO_REDACT = {
    CONF_PASSWORD,
    CONF_USERNAME,
    CONF_WEBHOOK_ID,
    CONF_CARSXE_API_KEY,
    CONF_MAC,
    CONF_SERIAL,
    "plate_raw",
    "plate_normalized",
    "owner",
    "camera_id",
    "device_id",
}


async def async_get_config_entry_diagnostics(
    hass: HomeAssistant, entry: ViewtronConfigEntry
) -> dict[str, Any]:
    """What a bug report needs, and nothing personal."""
    hub = entry.runtime_data
    last = hub.last_read
    return {
        "entry": {
            "title": entry.title,
            "data": async_redact_data(dict(entry.data), TO_REDACT),
            "options": async_redact_data(dict(entry.options), TO_REDACT),
        },
        "device": {
            "model": hub.device_info.model if hub.device_info else None,
            "firmware": hub.device_info.firmware if hub.device_info else None,
            "api_version": hub.device_info.api_version if hub.device_info else None,
        },
        "runtime": hub.diagnostics(),
        "cloud": hub.cloud.diagnostics() if hub.cloud else None,
        "last_read": async_redact_data(last.data, TO_REDACT) if last else None,
    }
