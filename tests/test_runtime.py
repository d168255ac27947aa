"""The hub's robustness: overload, bugs, unload mid-stream, and what reaches the log."""

from __future__ import annotations

import logging
from typing import Any

from homeassistant.core import HomeAssistant
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry, async_capture_events

from custom_components.viewtron_lpr import runtime
from custom_components.viewtron_lpr.const import EVENT_PLATE_DETECTED
from custom_components.viewtron_lpr.lpr.viewtron import SUCCESS_REPLY
from tools import bodies

from .conftest import WEBHOOK_ID, Poster


async def test_overload_drops_with_a_count_not_an_error(
    hass: HomeAssistant,
    loaded_entry: MockConfigEntry,
    poster: Poster,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Beyond the queue's byte budget a post is counted as dropped; the reply still goes out."""
    events = async_capture_events(hass, EVENT_PLATE_DETECTED)
    monkeypatch.setattr(runtime, "MAX_QUEUED_BYTES", 100_000)
    reply = await poster(bodies.camera_plate_post(bodies.Plate("BIG1", "whiteList")))
    assert reply.body == SUCCESS_REPLY
    assert loaded_entry.runtime_data.counters.dropped == 1
    await poster(bodies.camera_plate_post(bodies.Plate("SMALL1", "whiteList"), images=False))
    assert [e.data["plate_normalized"] for e in events] == ["SMALL1"]


async def test_a_bug_does_not_lose_later_posts(
    hass: HomeAssistant,
    loaded_entry: MockConfigEntry,
    poster: Poster,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """An unexpected error handling one post is logged; the next post is published."""
    events = async_capture_events(hass, EVENT_PLATE_DETECTED)
    real = runtime.parse_post

    def flaky(body: bytes, **kwargs: Any) -> Any:
        if b"BUG1" in body:
            raise RuntimeError("simulated bug")
        return real(body, **kwargs)

    monkeypatch.setattr(runtime, "parse_post", flaky)
    await poster(bodies.camera_plate_post(bodies.Plate("BUG1", "whiteList"), images=False))
    await poster(bodies.camera_plate_post(bodies.Plate("OK1", "whiteList"), images=False))
    assert [e.data["plate_normalized"] for e in events] == ["OK1"]
    assert "unexpected error handling a post" in caplog.text


async def test_unload_while_posts_are_queued(
    hass: HomeAssistant, loaded_entry: MockConfigEntry, webhook_client: Any
) -> None:
    """Unloading with work queued cancels it cleanly (no lingering task)."""
    body = bodies.camera_plate_post(bodies.Plate("Q1", "whiteList"))
    for _ in range(3):
        resp = await webhook_client.post(f"/api/webhook/{WEBHOOK_ID}", data=body)
        assert await resp.read() == SUCCESS_REPLY
    assert await hass.config_entries.async_unload(loaded_entry.entry_id)
    await hass.async_block_till_done()


async def test_no_plates_in_logs_above_debug(
    hass: HomeAssistant,
    loaded_entry: MockConfigEntry,
    poster: Poster,
    caplog: pytest.LogCaptureFixture,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Plates, even in warnings about dropped posts, are logged at debug level only."""
    caplog.set_level(logging.INFO)
    monkeypatch.setattr(runtime, "MAX_QUEUED_BYTES", 100_000)
    await poster(bodies.camera_plate_post(bodies.Plate("PRIV1", "whiteList")))
    monkeypatch.setattr(runtime, "MAX_QUEUED_BYTES", 64 * 1024 * 1024)
    await poster(bodies.camera_plate_post(bodies.Plate("PRIV2", "blackList")))
    await poster(b"<config>PRIV3")
    assert "dropping" in caplog.text
    for plate in ("PRIV1", "PRIV2", "PRIV3"):
        assert plate not in caplog.text
