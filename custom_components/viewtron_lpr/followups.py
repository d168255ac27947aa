"""What happens after a read is published, when CarsXE is configured.

A read in the review band gets a (gated) cloud second opinion, announced as a
``viewtron_lpr_second_opinion`` event with the read's ``event_id``; an accepted read gets
its vehicle looked up (cached), announced as a ``viewtron_lpr_vehicle`` event. Both run as
background tasks of the entry, so nothing waits for the cloud.
"""

from __future__ import annotations

import logging

from homeassistant.core import callback
from homeassistant.exceptions import HomeAssistantError

from .cloud import CloudService
from .const import (
    CONF_AUTO_LOOKUP,
    CONF_SECOND_OPINION,
    DOMAIN,
    EVENT_SECOND_OPINION,
    EVENT_VEHICLE,
)
from .lpr.dedup import Decision
from .runtime import PublishedRead, ViewtronHub

_LOGGER = logging.getLogger(__name__)


@callback
def async_follow_up(hub: ViewtronHub, cloud: CloudService, published: PublishedRead) -> None:
    """Start the follow-up the read's decision and the options call for, if any."""
    if published.decision is Decision.REVIEW and hub.option(CONF_SECOND_OPINION):
        hub.entry.async_create_background_task(
            hub.hass, _second_opinion(hub, cloud, published), f"{DOMAIN} second opinion"
        )
    elif published.decision is Decision.ACCEPT and hub.option(CONF_AUTO_LOOKUP):
        hub.entry.async_create_background_task(
            hub.hass, _lookup(hub, cloud, published), f"{DOMAIN} vehicle lookup"
        )


async def _second_opinion(hub: ViewtronHub, cloud: CloudService, published: PublishedRead) -> None:
    """Ask the cloud (gated) and publish whether it agrees with the camera."""
    read = published.read
    jpeg = await hub.async_image_bytes(read.overview_image or read.plate_image)
    if jpeg is None:
        return
    box = read.bounding_box
    pixels = (box.xmin, box.ymin, box.xmax, box.ymax) if box and box.unit == "px" else None
    try:
        result = await cloud.async_recognize(
            jpeg,
            pixels if read.overview_image is not None else None,
            request_id=published.data["event_id"],
        )
    except HomeAssistantError as err:
        _LOGGER.debug("%s: no second opinion: %s", hub.entry.title, err)
        return
    best = max(result["plates"], key=lambda p: p["score"] or 0, default=None)
    hub.hass.bus.async_fire(
        EVENT_SECOND_OPINION,
        {
            "event_id": published.data["event_id"],
            "config_entry_id": hub.entry.entry_id,
            "plate_normalized": read.plate_normalized,
            "called": result["called"],
            "gate_reasons": result["gate"]["reasons"],
            "agree": best is not None and best["plate"] == read.plate_normalized,
            "cloud_plate": best["plate"] if best else None,
            "cloud_score": best["score"] if best else None,
            "cloud_decision": best["decision"] if best else None,
        },
    )


async def _lookup(hub: ViewtronHub, cloud: CloudService, published: PublishedRead) -> None:
    """Look the vehicle up (cached) and publish it."""
    try:
        vehicle = await cloud.async_lookup(
            published.read.plate_normalized, published.data.get("region_code")
        )
    except HomeAssistantError as err:
        _LOGGER.debug("%s: no vehicle lookup: %s", hub.entry.title, err)
        return
    hub.hass.bus.async_fire(
        EVENT_VEHICLE,
        {"event_id": published.data["event_id"], "config_entry_id": hub.entry.entry_id, **vehicle},
    )
