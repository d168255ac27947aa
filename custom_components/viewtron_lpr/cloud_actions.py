"""The CarsXE actions: ``recognize`` (gated) and ``lookup_vehicle`` (cached)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from homeassistant.core import HomeAssistant, ServiceCall, ServiceResponse, SupportsResponse
from homeassistant.helpers import config_validation as cv
import voluptuous as vol

from .cloud import CloudService
from .const import CONF_REGION, DOMAIN
from .runtime import ViewtronConfigEntry
from .services import _TARGET, _entry, _invalid, _plate

RECOGNIZE_SCHEMA = vol.Schema(
    {
        **_TARGET,
        vol.Optional("entity_id"): cv.entity_id,
        vol.Optional("file_path"): cv.string,
        vol.Optional("force", default=False): cv.boolean,
    }
)
LOOKUP_SCHEMA = vol.Schema(
    {**_TARGET, vol.Required("plate"): cv.string, vol.Optional("region"): cv.string}
)


def _cloud(entry: ViewtronConfigEntry) -> CloudService:
    if (cloud := entry.runtime_data.cloud) is None:
        raise _invalid("carsxe_not_configured", name=entry.title)
    return cloud


async def _image_for(call: ServiceCall, entry: ViewtronConfigEntry) -> tuple[bytes, Any]:
    """The JPEG to recognise: an image or camera entity, an allowed file, or the camera's
    last overview (with the plate box of the last read)."""
    hass = call.hass
    hub = entry.runtime_data
    if entity_id := call.data.get("entity_id"):
        domain = entity_id.split(".", 1)[0]
        if domain == "camera":
            from homeassistant.components import camera  # noqa: PLC0415 - only when used

            image = await camera.async_get_image(hass, entity_id)
            return image.content, None
        component = hass.data.get("image")
        entity = component.get_entity(entity_id) if component is not None else None
        data = await entity.async_image() if entity is not None else None
        if not data:
            raise _invalid("no_image", source=entity_id)
        return data, None
    if path := call.data.get("file_path"):
        if not hass.config.is_allowed_path(path):
            raise _invalid("path_not_allowed", path=path)
        try:
            return await hass.async_add_executor_job(Path(path).read_bytes), None
        except OSError as err:
            raise _invalid("no_image", source=path) from err
    data = await hub.async_image_bytes(hub.overview_image)
    if data is None:
        raise _invalid("no_image", source=entry.title)
    box = None
    if hub.last_read is not None and (b := hub.last_read.read.bounding_box) and b.unit == "px":
        box = (b.xmin, b.ymin, b.xmax, b.ymax)
    return data, box


async def recognize(call: ServiceCall) -> ServiceResponse:
    """``viewtron_lpr.recognize``: gate the image, then read it with CarsXE."""
    entry = _entry(call)
    cloud = _cloud(entry)
    jpeg, box = await _image_for(call, entry)
    return await cloud.async_recognize(jpeg, box, force=call.data["force"])


async def lookup_vehicle(call: ServiceCall) -> ServiceResponse:
    """``viewtron_lpr.lookup_vehicle``: plate → vehicle, cached."""
    entry = _entry(call)
    cloud = _cloud(entry)
    region = call.data.get("region") or entry.runtime_data.option(CONF_REGION) or None
    return await cloud.async_lookup(_plate(call), region)


def async_setup_cloud_services(hass: HomeAssistant) -> None:
    """Register the CarsXE actions."""
    hass.services.async_register(
        DOMAIN, "recognize", recognize, RECOGNIZE_SCHEMA, supports_response=SupportsResponse.ONLY
    )
    hass.services.async_register(
        DOMAIN,
        "lookup_vehicle",
        lookup_vehicle,
        LOOKUP_SCHEMA,
        supports_response=SupportsResponse.ONLY,
    )
