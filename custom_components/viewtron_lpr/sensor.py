"""Sensor: the last plate read."""

from __future__ import annotations

from typing import Any

from homeassistant.components.sensor import SensorEntity, SensorEntityDescription
from homeassistant.core import HomeAssistant, callback
from homeassistant.helpers.entity_platform import AddEntitiesCallback

from .entity import ViewtronEntity
from .runtime import PublishedRead, ViewtronConfigEntry

PARALLEL_UPDATES = 0

LAST_PLATE = SensorEntityDescription(key="last_plate", translation_key="last_plate")
_ATTRIBUTES = ("plate_raw", "confidence", "list", "decision", "direction", "timestamp", "event_id")


async def async_setup_entry(
    hass: HomeAssistant, entry: ViewtronConfigEntry, async_add_entities: AddEntitiesCallback
) -> None:
    """Add the last-plate sensor."""
    async_add_entities([ViewtronLastPlateSensor(entry.runtime_data, LAST_PLATE)])


class ViewtronLastPlateSensor(ViewtronEntity, SensorEntity):
    """State: the normalised plate; a few small attributes."""

    async def async_added_to_hass(self) -> None:
        """Subscribe to published reads; show the last one (after a reload)."""
        await super().async_added_to_hass()
        self._listen("plate", self._on_plate)
        if self.hub.last_read is not None:
            self._apply(self.hub.last_read)

    def _apply(self, published: PublishedRead) -> None:
        self._attr_native_value = published.read.plate_normalized
        attrs: dict[str, Any] = {key: published.data.get(key) for key in _ATTRIBUTES}
        self._attr_extra_state_attributes = attrs

    @callback
    def _on_plate(self, published: PublishedRead) -> None:
        self._apply(published)
        self.async_write_ha_state()
