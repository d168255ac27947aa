"""Sensor: the last plate read."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from homeassistant.components.sensor import (
    SensorEntity,
    SensorEntityDescription,
    SensorStateClass,
)
from homeassistant.const import EntityCategory
from homeassistant.core import HomeAssistant, callback
from homeassistant.helpers.dispatcher import async_dispatcher_connect
from homeassistant.helpers.entity_platform import AddEntitiesCallback

from .cloud import CloudService
from .entity import ViewtronEntity
from .runtime import PublishedRead, ViewtronConfigEntry, ViewtronHub

PARALLEL_UPDATES = 0

LAST_PLATE = SensorEntityDescription(key="last_plate", translation_key="last_plate")
_ATTRIBUTES = ("plate_raw", "confidence", "list", "decision", "direction", "timestamp", "event_id")


@dataclass(frozen=True, kw_only=True)
class CloudSensorDescription(SensorEntityDescription):
    """A CarsXE counter."""

    value_fn: Callable[[CloudService], int | None]


CLOUD_SENSORS = (
    CloudSensorDescription(
        key="cloud_calls", translation_key="cloud_calls", value_fn=lambda c: c.counters["calls"]
    ),
    CloudSensorDescription(
        key="cloud_calls_avoided",
        translation_key="cloud_calls_avoided",
        value_fn=lambda c: c.counters["avoided_by_gate"],
    ),
    CloudSensorDescription(
        key="cloud_cache_hits",
        translation_key="cloud_cache_hits",
        value_fn=lambda c: c.counters["cache_hits"],
    ),
    CloudSensorDescription(
        key="cloud_quota_remaining",
        translation_key="cloud_quota_remaining",
        value_fn=lambda c: c.quota_remaining,
    ),
)


async def async_setup_entry(
    hass: HomeAssistant, entry: ViewtronConfigEntry, async_add_entities: AddEntitiesCallback
) -> None:
    """Add the last-plate sensor, and the CarsXE counters when a key is configured."""
    hub = entry.runtime_data
    entities: list[SensorEntity] = [ViewtronLastPlateSensor(hub, LAST_PLATE)]
    if hub.cloud is not None:
        entities.extend(ViewtronCloudSensor(hub, hub.cloud, d) for d in CLOUD_SENSORS)
    async_add_entities(entities)


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


class ViewtronCloudSensor(ViewtronEntity, SensorEntity):
    """Calls made, calls the gate avoided, cache hits, quota left (when CarsXE says)."""

    entity_description: CloudSensorDescription
    _attr_entity_category = EntityCategory.DIAGNOSTIC
    _attr_state_class = SensorStateClass.MEASUREMENT

    def __init__(
        self, hub: ViewtronHub, cloud: CloudService, description: CloudSensorDescription
    ) -> None:
        super().__init__(hub, description)
        self.cloud = cloud

    async def async_added_to_hass(self) -> None:
        """Follow the cloud counters."""
        await super().async_added_to_hass()
        self.async_on_remove(
            async_dispatcher_connect(self.hass, self.cloud.signal, self.async_write_ha_state)
        )

    @property
    def native_value(self) -> int | None:
        """The counter."""
        return self.entity_description.value_fn(self.cloud)
