"""The base entity: identity and device info for every entity of an entry."""

from __future__ import annotations

from homeassistant.helpers.device_registry import DeviceInfo
from homeassistant.helpers.dispatcher import async_dispatcher_connect
from homeassistant.helpers.entity import Entity, EntityDescription

from .const import DOMAIN
from .runtime import ViewtronHub


class ViewtronEntity(Entity):
    """An entity of one Viewtron camera or NVR, fed by the hub's signals."""

    _attr_has_entity_name = True
    _attr_should_poll = False

    def __init__(self, hub: ViewtronHub, description: EntityDescription) -> None:
        self.hub = hub
        self.entity_description = description
        uid = hub.entry.unique_id or hub.entry.entry_id
        self._attr_unique_id = f"{uid}_{description.key}"
        self._attr_device_info = DeviceInfo(identifiers={(DOMAIN, uid)})

    def _listen(self, suffix: str, target: object) -> None:
        """Call ``target`` on the hub's ``<signal>_<suffix>`` until the entity is removed."""
        self.async_on_remove(
            async_dispatcher_connect(self.hass, f"{self.hub.signal}_{suffix}", target)  # type: ignore[arg-type]
        )
