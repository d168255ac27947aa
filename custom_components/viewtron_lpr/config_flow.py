"""Config flow for Viewtron LPR: add a camera or NVR, re-authenticate, reconfigure, options."""

from __future__ import annotations

import logging
import re
from typing import Any
from urllib.parse import urlsplit

from homeassistant.components import webhook
from homeassistant.config_entries import ConfigEntry, ConfigFlow, ConfigFlowResult, OptionsFlow
from homeassistant.const import CONF_HOST, CONF_PASSWORD, CONF_PORT, CONF_USERNAME, CONF_WEBHOOK_ID
from homeassistant.core import HomeAssistant, callback
from homeassistant.helpers import selector
from homeassistant.helpers.aiohttp_client import async_get_clientsession
from homeassistant.helpers.network import NoURLAvailableError, get_url
import voluptuous as vol

from .const import (
    CONF_ACCEPT_THRESHOLD,
    CONF_AUTO_LOOKUP,
    CONF_CARSXE_API_KEY,
    CONF_CARSXE_URL,
    CONF_DEDUP_WINDOW,
    CONF_FIRMWARE,
    CONF_IS_NVR,
    CONF_LOCAL_ONLY,
    CONF_MAC,
    CONF_MIRROR_MAX_AGE,
    CONF_MODEL,
    CONF_PLATE_API,
    CONF_REGION,
    CONF_RETENTION_DAYS,
    CONF_REVIEW_THRESHOLD,
    CONF_SECOND_OPINION,
    CONF_SERIAL,
    CONF_SILENCE_MINUTES,
    DEFAULT_OPTIONS,
    DEFAULT_PORT,
    DOMAIN,
)
from .lpr.carsxe import CarsXEAuthError, CarsXEClient, CarsXEError
from .lpr.viewtron.client import DeviceInfo, ViewtronClient
from .lpr.viewtron.errors import ViewtronAuthError, ViewtronError

_LOGGER = logging.getLogger(__name__)

_REGION = re.compile(r"^[A-Z]{2}(-[A-Z0-9]{1,3})?$")
_PASSWORD = selector.TextSelector(
    selector.TextSelectorConfig(type=selector.TextSelectorType.PASSWORD)
)


def _device_schema(defaults: dict[str, Any]) -> vol.Schema:
    return vol.Schema(
        {
            vol.Required(CONF_HOST, default=defaults.get(CONF_HOST, vol.UNDEFINED)): str,
            vol.Required(CONF_PORT, default=defaults.get(CONF_PORT, DEFAULT_PORT)): vol.All(
                vol.Coerce(int), vol.Range(min=1, max=65535)
            ),
            vol.Required(CONF_USERNAME, default=defaults.get(CONF_USERNAME, vol.UNDEFINED)): str,
            vol.Required(CONF_PASSWORD): _PASSWORD,
        }
    )


CARSXE_SCHEMA = vol.Schema(
    {
        vol.Optional(CONF_CARSXE_API_KEY): _PASSWORD,
        vol.Optional(CONF_CARSXE_URL): str,
    }
)


async def _probe(
    hass: HomeAssistant, data: dict[str, Any], errors: dict[str, str]
) -> tuple[DeviceInfo, bool] | None:
    """Ask the device who it is; fill ``errors`` and return None when that fails."""
    client = ViewtronClient(
        async_get_clientsession(hass),
        data[CONF_HOST],
        data[CONF_USERNAME],
        data[CONF_PASSWORD],
        port=data[CONF_PORT],
    )
    try:
        info = await client.get_device_info()
    except ViewtronAuthError:
        errors["base"] = "invalid_auth"
        return None
    except ViewtronError as err:
        _LOGGER.debug("Cannot reach %s: %s", data[CONF_HOST], err)
        errors[CONF_HOST] = "cannot_connect"
        return None
    except Exception:
        _LOGGER.exception("Unexpected error talking to %s", data[CONF_HOST])
        errors["base"] = "unknown"
        return None
    try:
        plate_api = await client.supports_plate_api()
    except ViewtronError:
        plate_api = False
    return info, plate_api


async def _check_carsxe(hass: HomeAssistant, key: str, url: str | None) -> str | None:
    """None when the key works, else the error key."""
    client = CarsXEClient(async_get_clientsession(hass), key, **({"base_url": url} if url else {}))
    try:
        await client.validate_key()
    except CarsXEAuthError:
        return "invalid_api_key"
    except CarsXEError:
        return "carsxe_cannot_connect"
    return None


def _device_data(info: DeviceInfo, plate_api: bool) -> dict[str, Any]:
    return {
        CONF_MAC: info.mac,
        CONF_SERIAL: info.serial,
        CONF_MODEL: info.model,
        CONF_FIRMWARE: info.firmware,
        CONF_IS_NVR: info.is_nvr,
        CONF_PLATE_API: plate_api,
    }


class ViewtronConfigFlow(ConfigFlow, domain=DOMAIN):
    """Add a Viewtron LPR camera or NVR."""

    VERSION = 1

    def __init__(self) -> None:
        self._data: dict[str, Any] = {}
        self._options: dict[str, Any] = dict(DEFAULT_OPTIONS)
        self._title = ""

    @staticmethod
    @callback
    def async_get_options_flow(config_entry: ConfigEntry) -> OptionsFlow:
        """The options flow (no arguments: see ha_api_compat §2.5)."""
        return ViewtronOptionsFlow()

    async def async_step_user(self, user_input: dict[str, Any] | None = None) -> ConfigFlowResult:
        """Address and credentials; checked against the device before anything is created."""
        errors: dict[str, str] = {}
        if user_input is not None:
            probed = await _probe(self.hass, user_input, errors)
            if probed is not None:
                info, plate_api = probed
                await self.async_set_unique_id(info.mac or info.serial or user_input[CONF_HOST])
                self._abort_if_unique_id_configured()
                self._data = {
                    **user_input,
                    **_device_data(info, plate_api),
                    CONF_WEBHOOK_ID: webhook.async_generate_id(),
                }
                self._title = info.name or info.model or user_input[CONF_HOST]
                return await self.async_step_carsxe()
        return self.async_show_form(
            step_id="user", data_schema=_device_schema(user_input or {}), errors=errors
        )

    async def async_step_carsxe(self, user_input: dict[str, Any] | None = None) -> ConfigFlowResult:
        """Optional CarsXE API key for cloud second opinions (can be added later)."""
        errors: dict[str, str] = {}
        if user_input is not None:
            key = (user_input.get(CONF_CARSXE_API_KEY) or "").strip()
            url = (user_input.get(CONF_CARSXE_URL) or "").strip() or None
            if key and (error := await _check_carsxe(self.hass, key, url)):
                errors[CONF_CARSXE_API_KEY] = error
            else:
                if key:
                    self._options[CONF_CARSXE_API_KEY] = key
                if url:
                    self._options[CONF_CARSXE_URL] = url
                return await self.async_step_camera()
        return self.async_show_form(step_id="carsxe", data_schema=CARSXE_SCHEMA, errors=errors)

    async def async_step_camera(self, user_input: dict[str, Any] | None = None) -> ConfigFlowResult:
        """Show exactly what to enter in the camera's HTTP POST settings, then create."""
        if user_input is not None:
            return self.async_create_entry(
                title=self._title, data=self._data, options=self._options
            )
        return self.async_show_form(
            step_id="camera",
            data_schema=vol.Schema({}),
            description_placeholders=camera_settings(self.hass, self._data[CONF_WEBHOOK_ID]),
        )

    async def async_step_reauth(self, entry_data: dict[str, Any]) -> ConfigFlowResult:
        """The device rejected the stored credentials."""
        return await self.async_step_reauth_confirm()

    async def async_step_reauth_confirm(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Ask for new credentials and check them."""
        entry = self._get_reauth_entry()
        errors: dict[str, str] = {}
        if user_input is not None:
            data = {**entry.data, **user_input}
            if (probed := await _probe(self.hass, data, errors)) is not None:
                await self.async_set_unique_id(probed[0].mac or probed[0].serial)
                self._abort_if_unique_id_mismatch(reason="wrong_device")
                return self._finish(entry, data, "reauth_successful")
        return self.async_show_form(
            step_id="reauth_confirm",
            data_schema=vol.Schema(
                {
                    vol.Required(CONF_USERNAME, default=entry.data[CONF_USERNAME]): str,
                    vol.Required(CONF_PASSWORD): _PASSWORD,
                }
            ),
            description_placeholders={"name": entry.title},
            errors=errors,
        )

    async def async_step_reconfigure(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Change address or credentials of the same device; entities stay as they are."""
        entry = self._get_reconfigure_entry()
        errors: dict[str, str] = {}
        if user_input is not None and (probed := await _probe(self.hass, user_input, errors)):
            info, plate_api = probed
            await self.async_set_unique_id(info.mac or info.serial)
            self._abort_if_unique_id_mismatch(reason="wrong_device")
            data = {**entry.data, **user_input, **_device_data(info, plate_api)}
            return self._finish(entry, data, "reconfigure_successful")
        return self.async_show_form(
            step_id="reconfigure",
            data_schema=_device_schema(user_input or dict(entry.data)),
            errors=errors,
        )

    def _finish(self, entry: ConfigEntry, data: dict[str, Any], reason: str) -> ConfigFlowResult:
        """Store and reload once (the update listener reloads on a change)."""
        if not self.hass.config_entries.async_update_entry(entry, data=data):
            self.hass.config_entries.async_schedule_reload(entry.entry_id)
        return self.async_abort(reason=reason)


def camera_settings(hass: HomeAssistant, webhook_id: str) -> dict[str, str]:
    """What to type into the camera's HTTP POST settings."""
    path = webhook.async_generate_path(webhook_id)
    try:
        base = get_url(hass, allow_external=False, allow_cloud=False, prefer_external=False)
    except NoURLAvailableError:
        base = ""
    if not base:
        return {
            "server": "(the IP address of Home Assistant)",
            "port": "8123",
            "path": path,
            "protocol": "HTTP",
        }
    parts = urlsplit(base)
    return {
        "server": parts.hostname or base,
        "port": str(parts.port or (443 if parts.scheme == "https" else 80)),
        "path": path,
        "protocol": parts.scheme.upper(),
    }


def _options_schema(options: dict[str, Any]) -> vol.Schema:
    number = selector.NumberSelector
    cfg = selector.NumberSelectorConfig
    box = selector.NumberSelectorMode.BOX
    return vol.Schema(
        {
            vol.Required(CONF_DEDUP_WINDOW): vol.All(
                number(cfg(min=0, max=600, step=1, mode=box, unit_of_measurement="s")),
                vol.Coerce(int),
            ),
            vol.Required(CONF_ACCEPT_THRESHOLD): number(cfg(min=0, max=1, step=0.01, mode=box)),
            vol.Required(CONF_REVIEW_THRESHOLD): number(cfg(min=0, max=1, step=0.01, mode=box)),
            vol.Required(CONF_LOCAL_ONLY): selector.BooleanSelector(),
            vol.Required(CONF_RETENTION_DAYS): vol.All(
                number(cfg(min=7, max=90, step=1, mode=box, unit_of_measurement="d")),
                vol.Coerce(int),
            ),
            vol.Optional(CONF_REGION): str,
            vol.Required(CONF_SILENCE_MINUTES): vol.All(
                number(cfg(min=1, max=1440, step=1, mode=box, unit_of_measurement="min")),
                vol.Coerce(int),
            ),
            vol.Required(CONF_MIRROR_MAX_AGE): vol.All(
                number(cfg(min=1, max=720, step=1, mode=box, unit_of_measurement="h")),
                vol.Coerce(int),
            ),
            vol.Optional(CONF_CARSXE_API_KEY): _PASSWORD,
            vol.Optional(CONF_CARSXE_URL): str,
            vol.Required(CONF_SECOND_OPINION): selector.BooleanSelector(),
            vol.Required(CONF_AUTO_LOOKUP): selector.BooleanSelector(),
            # the quality gate's thresholds (lpr.quality.QualityThresholds)
            vol.Required("min_sharpness"): number(cfg(min=0, max=5, step=0.01, mode=box)),
            vol.Required("min_mean"): number(cfg(min=0, max=255, step=1, mode=box)),
            vol.Required("max_mean"): number(cfg(min=0, max=255, step=1, mode=box)),
            vol.Required("max_glare"): number(cfg(min=0, max=1, step=0.01, mode=box)),
            vol.Required("min_plate_width"): vol.All(
                number(cfg(min=0, max=2000, step=1, mode=box, unit_of_measurement="px")),
                vol.Coerce(int),
            ),
        }
    )


class ViewtronOptionsFlow(OptionsFlow):
    """Tune decisions, de-duplication, privacy and the CarsXE key."""

    async def async_step_init(self, user_input: dict[str, Any] | None = None) -> ConfigFlowResult:
        """One form with every option."""
        errors: dict[str, str] = {}
        current = {**DEFAULT_OPTIONS, **self.config_entry.options}
        if user_input is not None:
            options = {**DEFAULT_OPTIONS, **user_input}
            region = (options.get(CONF_REGION) or "").strip().upper()
            key = (options.get(CONF_CARSXE_API_KEY) or "").strip()
            url = (options.get(CONF_CARSXE_URL) or "").strip()
            if region and not _REGION.match(region):
                errors[CONF_REGION] = "invalid_region"
            if options[CONF_REVIEW_THRESHOLD] > options[CONF_ACCEPT_THRESHOLD]:
                errors[CONF_REVIEW_THRESHOLD] = "review_above_accept"
            changed_key = key and (
                key != current.get(CONF_CARSXE_API_KEY) or url != current.get(CONF_CARSXE_URL, "")
            )
            if (
                not errors
                and changed_key
                and (error := await _check_carsxe(self.hass, key, url or None))
            ):
                errors[CONF_CARSXE_API_KEY] = error
            if not errors:
                options[CONF_REGION] = region
                options[CONF_CARSXE_API_KEY] = key
                options[CONF_CARSXE_URL] = url
                return self.async_create_entry(
                    data={k: v for k, v in options.items() if v not in ("", None)}
                )
            current = {**current, **user_input}
        return self.async_show_form(
            step_id="init",
            data_schema=self.add_suggested_values_to_schema(_options_schema(current), current),
            errors=errors,
        )
