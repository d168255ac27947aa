"""The hub's robustness: overload, bugs, unload mid-stream, and what reaches the log."""

from __future__ import annotations

import asyncio
import logging
import time
from typing import Any

from homeassistant.core import HomeAssistant
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry, async_capture_events

from custom_components.viewtron_lpr import runtime
from custom_components.viewtron_lpr.const import EVENT_PLATE_DETECTED
from custom_components.viewtron_lpr.lpr.viewtron import SUCCESS_REPLY
from tools import bodies

from .conftest import WEBHOOK_ID, Poster


@pytest.fixture
def slow_processing(monkeypatch: pytest.MonkeyPatch) -> None:
    """Parse every post in the executor and make it take 50 ms, with a tiny queue budget."""
    real = runtime.parse_split

    def slow(split: Any, **kwargs: Any) -> Any:
        time.sleep(0.05)
        return real(split, **kwargs)

    monkeypatch.setattr(runtime, "parse_split", slow)
    monkeypatch.setattr(runtime, "INLINE_PARSE_MAX_BYTES", 0)
    monkeypatch.setattr(runtime, "MAX_QUEUED_BYTES", 1_000)


async def post_concurrently(client: Any, plates: list[str]) -> None:
    async def one(plate: str) -> None:
        body = bodies.camera_plate_post(bodies.Plate(plate, "whiteList"), images=False)
        resp = await client.post(f"/api/webhook/{WEBHOOK_ID}", data=body)
        assert (resp.status, await resp.read()) == (200, SUCCESS_REPLY)

    await asyncio.gather(*(one(plate) for plate in plates))


async def test_flood_slows_the_sender_and_loses_nothing(
    hass: HomeAssistant, loaded_entry: MockConfigEntry, webhook_client: Any, slow_processing: None
) -> None:
    """Over the queue budget, replies wait for room instead of posts being dropped."""
    events = async_capture_events(hass, EVENT_PLATE_DETECTED)
    await post_concurrently(webhook_client, ["F1", "F2", "F3"])
    await hass.async_block_till_done()
    assert sorted(e.data["plate_normalized"] for e in events) == ["F1", "F2", "F3"]
    counters = loaded_entry.runtime_data.counters
    assert counters.backpressure >= 1
    assert counters.dropped == 0


async def test_drop_only_after_the_backpressure_timeout(
    hass: HomeAssistant,
    loaded_entry: MockConfigEntry,
    webhook_client: Any,
    slow_processing: None,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """A post still without room after the timeout is dropped, counted and logged (no plate)."""
    monkeypatch.setattr(runtime, "BACKPRESSURE_TIMEOUT", 0.01)
    caplog.set_level(logging.INFO)
    events = async_capture_events(hass, EVENT_PLATE_DETECTED)
    await post_concurrently(webhook_client, ["D1", "D2", "D3"])
    await hass.async_block_till_done()
    counters = loaded_entry.runtime_data.counters
    assert counters.dropped >= 1
    assert len(events) == 3 - counters.dropped
    assert "dropping" in caplog.text
    for plate in ("D1", "D2", "D3"):
        assert plate not in caplog.text


async def test_a_bug_does_not_lose_later_posts(
    hass: HomeAssistant,
    loaded_entry: MockConfigEntry,
    poster: Poster,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """An unexpected error handling one post is logged; the next post is published."""
    events = async_capture_events(hass, EVENT_PLATE_DETECTED)
    real = runtime.parse_split

    def flaky(split: Any, **kwargs: Any) -> Any:
        if b"BUG1" in split.markup:
            raise RuntimeError("simulated bug")
        return real(split, **kwargs)

    monkeypatch.setattr(runtime, "parse_split", flaky)
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
) -> None:
    """Plates are logged at debug level only."""
    caplog.set_level(logging.INFO)
    await poster(bodies.camera_plate_post(bodies.Plate("PRIV1", "whiteList")))
    await poster(bodies.camera_plate_post(bodies.Plate("PRIV2", "blackList")))
    await poster(b"<config>PRIV3")
    for plate in ("PRIV1", "PRIV2", "PRIV3"):
        assert plate not in caplog.text
    caplog.set_level(logging.DEBUG)
    await poster(bodies.camera_plate_post(bodies.Plate("PRIV4", "whiteList")))
    assert "PRIV4" in caplog.text  # the debug log is where they are, and only there
