"""Image entities: the latest plate crop and overview JPEGs, decoded on request."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from homeassistant.components.image import ImageEntity, ImageEntityDescription
from homeassistant.core import HomeAssistant, callback
from homeassistant.helpers.entity_platform import AddEntitiesCallback
from homeassistant.util import dt as dt_util

from .entity import ViewtronEntity
from .lpr.viewtron.models import ImageData
from .runtime import ViewtronConfigEntry, ViewtronHub

PARALLEL_UPDATES = 0


@dataclass(frozen=True, kw_only=True)
class ViewtronImageDescription(ImageEntityDescription):
    """Which of the hub's images an entity serves."""

    image_fn: Callable[[ViewtronHub], ImageData | None]


IMAGES = (
    ViewtronImageDescription(
        key="plate_image", translation_key="plate_image", image_fn=lambda hub: hub.plate_image
    ),
    ViewtronImageDescription(
        key="overview_image",
        translation_key="overview_image",
        image_fn=lambda hub: hub.overview_image,
    ),
)


async def async_setup_entry(
    hass: HomeAssistant, entry: ViewtronConfigEntry, async_add_entities: AddEntitiesCallback
) -> None:
    """Add the two image entities."""
    async_add_entities(
        ViewtronImage(hass, entry.runtime_data, description) for description in IMAGES
    )


class ViewtronImage(ViewtronEntity, ImageEntity):
    """The latest JPEG of one kind; the state is when it changed."""

    entity_description: ViewtronImageDescription
    _attr_content_type = "image/jpeg"

    def __init__(
        self, hass: HomeAssistant, hub: ViewtronHub, description: ViewtronImageDescription
    ) -> None:
        ViewtronEntity.__init__(self, hub, description)
        ImageEntity.__init__(self, hass)
        self._shown: ImageData | None = None

    async def async_added_to_hass(self) -> None:
        """Follow the hub's images."""
        await super().async_added_to_hass()
        self._listen("images", self._on_images)
        self._on_images(write=False)

    @callback
    def _on_images(self, write: bool = True) -> None:
        image = self.entity_description.image_fn(self.hub)
        if image is None or image is self._shown:
            return
        self._shown = image
        self._attr_image_last_updated = dt_util.utcnow()
        if write:
            self.async_write_ha_state()

    async def async_image(self) -> bytes | None:
        """The JPEG bytes (decoded in the executor, once)."""
        return await self.hub.async_image_bytes(self._shown)
