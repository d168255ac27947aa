"""Logbook: plate reads as readable lines ("read ABC1234: allowed, accept, 96 %")."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from homeassistant.components.logbook import (
    LOGBOOK_ENTRY_ENTITY_ID,
    LOGBOOK_ENTRY_MESSAGE,
    LOGBOOK_ENTRY_NAME,
)
from homeassistant.core import HomeAssistant, callback

from .const import DOMAIN, EVENT_PLATE_DETECTED


@callback
def async_describe_events(
    hass: HomeAssistant,
    async_describe_event: Callable[[str, str, Callable[[Any], dict[str, str]]], None],
) -> None:
    """Describe plate events, attached to the camera's plate event entity."""

    @callback
    def describe(event: Any) -> dict[str, str]:
        data = event.data
        confidence = data.get("confidence")
        parts = [data.get("event_type", "unknown"), data.get("decision", "")]
        if confidence is not None:
            parts.append(f"{confidence:.0%}")
        if data.get("match") == "fuzzy":
            parts.append(f"looks like {data.get('matched_plate')}")
        description = {
            LOGBOOK_ENTRY_NAME: "Plate",
            LOGBOOK_ENTRY_MESSAGE: f"read {data.get('plate_normalized')}: {', '.join(parts)}",
        }
        if entity_id := data.get("entity_id"):
            description[LOGBOOK_ENTRY_ENTITY_ID] = entity_id
        if entry := hass.config_entries.async_get_entry(data.get("config_entry_id", "")):
            description[LOGBOOK_ENTRY_NAME] = entry.title
        return description

    async_describe_event(DOMAIN, EVENT_PLATE_DETECTED, describe)
