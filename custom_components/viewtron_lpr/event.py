"""Event entity: one event per published plate read."""

from __future__ import annotations

from homeassistant.components.event import EventEntity, EventEntityDescription
from homeassistant.core import HomeAssistant, callback
from homeassistant.helpers.entity_platform import AddEntitiesCallback

from .entity import ViewtronEntity
from .runtime import EVENT_TYPES, PublishedRead, ViewtronConfigEntry

PARALLEL_UPDATES = 0

PLATE_EVENT = EventEntityDescription(
    key="plate",
    translation_key="plate",
    event_types=list(EVENT_TYPES.values()),
)


async def async_setup_entry(
    hass: HomeAssistant, entry: ViewtronConfigEntry, async_add_entities: AddEntitiesCallback
) -> None:
    """Add the plate event entity."""
    async_add_entities([ViewtronPlateEvent(entry.runtime_data, PLATE_EVENT)])


class ViewtronPlateEvent(ViewtronEntity, EventEntity):
    """``allowed`` / ``blocked`` / ``visitor`` / ``unknown``, with the read's fields."""

    async def async_added_to_hass(self) -> None:
        """Subscribe to published reads."""
        await super().async_added_to_hass()
        self._listen("plate", self._on_plate)

    @callback
    def _on_plate(self, published: PublishedRead) -> None:
        self._trigger_event(published.event_type, published.data)
        self.async_write_ha_state()
