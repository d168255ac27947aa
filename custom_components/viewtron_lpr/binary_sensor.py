"""Binary sensor: is the camera talking to Home Assistant?"""

from __future__ import annotations

from homeassistant.components.binary_sensor import (
    BinarySensorDeviceClass,
    BinarySensorEntity,
    BinarySensorEntityDescription,
)
from homeassistant.const import EntityCategory
from homeassistant.core import HomeAssistant, callback
from homeassistant.helpers.entity_platform import AddEntitiesCallback

from .entity import ViewtronEntity
from .runtime import ViewtronConfigEntry

PARALLEL_UPDATES = 0

CONNECTIVITY = BinarySensorEntityDescription(
    key="connectivity",
    translation_key="connectivity",
    device_class=BinarySensorDeviceClass.CONNECTIVITY,
    entity_category=EntityCategory.DIAGNOSTIC,
)


async def async_setup_entry(
    hass: HomeAssistant, entry: ViewtronConfigEntry, async_add_entities: AddEntitiesCallback
) -> None:
    """Add the connectivity sensor."""
    async_add_entities([ViewtronConnectivity(entry.runtime_data, CONNECTIVITY)])


class ViewtronConnectivity(ViewtronEntity, BinarySensorEntity):
    """On while keepalives or posts arrive; off after three missed heartbeats."""

    async def async_added_to_hass(self) -> None:
        """Follow the hub's liveness."""
        await super().async_added_to_hass()
        self._listen("status", self._on_status)

    @property
    def is_on(self) -> bool:
        """Heard from recently."""
        return self.hub.connected

    @callback
    def _on_status(self) -> None:
        self.async_write_ha_state()
