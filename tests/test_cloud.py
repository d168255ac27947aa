"""CarsXE in Home Assistant: gated recognition over a signed URL, cached lookups, the
dead-letter queue, repairs, counters and the automatic second opinion."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import aiohttp
import cv2
from freezegun.api import FrozenDateTimeFactory
from homeassistant.core import HomeAssistant
from homeassistant.core_config import async_process_ha_core_config
from homeassistant.exceptions import HomeAssistantError, ServiceValidationError
from homeassistant.helpers import issue_registry as ir
import numpy as np
import pytest
from pytest_homeassistant_custom_component.common import (
    MockConfigEntry,
    async_capture_events,
    async_fire_time_changed,
)

from custom_components.viewtron_lpr.const import DEFAULT_OPTIONS, DOMAIN
from tools import bodies
from tools.fake_carsxe import FakeCarsXE
from tools.fake_viewtron import FakeViewtronDevice
from tools.images import overview_jpeg

from .conftest import Poster, entity_id, entry_data

KEY = "test-key"
VIN = "3KPFK4A78HE103497"


@pytest.fixture
async def carsxe() -> AsyncIterator[FakeCarsXE]:
    server = FakeCarsXE(valid_keys=(KEY,))
    await server.start()
    yield server
    await server.stop()


@pytest.fixture
def config_entry(
    hass: HomeAssistant, camera: FakeViewtronDevice, carsxe: FakeCarsXE
) -> MockConfigEntry:
    """The camera's entry, with a CarsXE key pointing at the fake CarsXE."""
    entry = MockConfigEntry(
        domain=DOMAIN,
        title="Driveway LPR",
        unique_id=camera.mac.lower(),
        data=entry_data(camera),
        options={
            **DEFAULT_OPTIONS,
            "carsxe_api_key": KEY,
            "carsxe_url": carsxe.url,
            "region": "US-CA",
            "retention_days": 90,
        },
    )
    entry.add_to_hass(hass)
    return entry


async def _set_up_with(
    hass: HomeAssistant, entry: MockConfigEntry, **options: Any
) -> MockConfigEntry:
    hass.config_entries.async_update_entry(entry, options={**entry.options, **options})
    assert await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done(wait_background_tasks=True)
    return entry


@pytest.fixture
async def second_opinion_entry(
    hass: HomeAssistant, config_entry: MockConfigEntry
) -> MockConfigEntry:
    """The entry with automatic second opinions on, set up."""
    return await _set_up_with(hass, config_entry, second_opinion=True)


@pytest.fixture
async def auto_lookup_entry(hass: HomeAssistant, config_entry: MockConfigEntry) -> MockConfigEntry:
    """The entry with automatic vehicle lookups on, set up."""
    return await _set_up_with(hass, config_entry, auto_lookup=True)


@pytest.fixture
async def external(hass: HomeAssistant, webhook_client: Any) -> str:
    """Home Assistant's external URL: its (loopback) test server, where CarsXE fetches."""
    url = f"http://127.0.0.1:{webhook_client.port}"
    await async_process_ha_core_config(hass, {"external_url": url})
    return url


async def call(hass: HomeAssistant, service: str, **data: Any) -> Any:
    return await hass.services.async_call(
        DOMAIN, service, data, blocking=True, return_response=True
    )


async def test_recognize_last_overview(
    hass: HomeAssistant,
    loaded_entry: MockConfigEntry,
    poster: Poster,
    carsxe: FakeCarsXE,
    external: str,
) -> None:
    """The gate passes, CarsXE downloads the image at a signed URL, plates come back
    with decisions, and the URL stops working when the call returns."""
    await poster(bodies.camera_plate_post(bodies.Plate("ABC123", "whiteList")))
    carsxe.add_image(overview_jpeg("ABC123"), "abc123", score=0.93)
    result = await call(hass, "recognize")
    assert result["called"] is True
    assert result["gate"]["passed"] is True
    (plate,) = result["plates"]
    assert (plate["plate"], plate["score"], plate["decision"]) == ("ABC123", 0.93, "accept")
    ((url, status),) = carsxe.fetched
    assert status == 200
    assert url.startswith(f"{external}/api/viewtron_lpr/cloud_image/")
    assert "authSig=" in url
    async with aiohttp.ClientSession() as session:
        async with session.get(url) as resp:
            assert resp.status == 404  # withdrawn once the call returned
        async with session.get(url.split("?")[0]) as resp:
            assert resp.status == 401  # never without the signature
    calls = hass.states.get(entity_id(hass, "sensor", loaded_entry, "cloud_calls"))
    assert calls is not None
    assert calls.state == "1"


async def test_gate_avoids_the_call(
    hass: HomeAssistant,
    loaded_entry: MockConfigEntry,
    carsxe: FakeCarsXE,
    external: str,
    tmp_path: Path,
) -> None:
    """A dark frame is not sent (reasons in the response) unless forced."""
    dark = tmp_path / "dark.jpg"
    ok, buf = cv2.imencode(".jpg", np.full((720, 1280), 8, np.uint8))
    assert ok
    dark.write_bytes(buf.tobytes())
    hass.config.allowlist_external_dirs = {str(tmp_path)}
    result = await call(hass, "recognize", file_path=str(dark))
    assert (result["called"], result["plates"]) == (False, [])
    assert "too_dark" in result["gate"]["reasons"]
    assert carsxe.calls("/platerecognition") == 0
    avoided = hass.states.get(entity_id(hass, "sensor", loaded_entry, "cloud_calls_avoided"))
    assert avoided.state == "1"  # type: ignore[union-attr]
    forced = await call(hass, "recognize", file_path=str(dark), force=True)
    assert (forced["called"], forced["plates"]) == (True, [])  # "no plates" is a result
    with pytest.raises(ServiceValidationError) as caught:
        await call(hass, "recognize", file_path="/etc/passwd")
    assert caught.value.translation_key == "path_not_allowed"


async def test_recognize_needs_an_external_url(
    hass: HomeAssistant, loaded_entry: MockConfigEntry, poster: Poster
) -> None:
    """Without an external URL, the error says exactly what to configure."""
    await poster(bodies.camera_plate_post(bodies.Plate("URL1", "whiteList")))
    with pytest.raises(HomeAssistantError) as caught:
        await call(hass, "recognize")
    assert caught.value.translation_key == "no_external_url"


async def test_lookup_is_cached_across_restarts(
    hass: HomeAssistant, loaded_entry: MockConfigEntry, carsxe: FakeCarsXE
) -> None:
    """Decoder and specs once; the same plate again within the cache period: no call."""
    carsxe.vehicles[("7XER187", "US", "CA")] = {
        "make": "Kia",
        "model": "Forte",
        "year": "2017",
        "vin": VIN,
    }
    carsxe.specs_data[VIN] = {"make": "Kia", "doors": "4"}
    first = await call(hass, "lookup_vehicle", plate="7xer 187")
    assert (first["make"], first["vin"], first["cached"]) == ("Kia", VIN, False)
    assert first["specs"] == {"make": "Kia", "doors": "4"}
    assert (carsxe.calls("/v2/platedecoder"), carsxe.calls("/specs")) == (1, 1)
    assert await hass.config_entries.async_reload(loaded_entry.entry_id)
    await hass.async_block_till_done()
    again = await call(hass, "lookup_vehicle", plate="7XER187")
    assert again["cached"] is True
    assert (carsxe.calls("/v2/platedecoder"), carsxe.calls("/specs")) == (1, 1)
    hits = hass.states.get(entity_id(hass, "sensor", loaded_entry, "cloud_cache_hits"))
    assert hits.state == "1"  # type: ignore[union-attr]

    carsxe.vehicles[("NOVIN1", "US", "CA")] = {"make": "Ford"}
    no_vin = await call(hass, "lookup_vehicle", plate="NOVIN1")
    assert no_vin["vin"] is None
    assert "by hand" in no_vin["note"]
    unknown = await call(hass, "lookup_vehicle", plate="NODATA1")
    assert (unknown["found"], unknown["vin"]) == (False, None)


async def test_quota_and_key_repairs(
    hass: HomeAssistant, loaded_entry: MockConfigEntry, carsxe: FakeCarsXE
) -> None:
    """429 and 401 raise repairs and translated errors; the next success clears them."""
    registry = ir.async_get(hass)
    quota_id = f"carsxe_quota_{loaded_entry.entry_id}"
    key_id = f"carsxe_invalid_key_{loaded_entry.entry_id}"
    carsxe.fail_next(
        "/v2/platedecoder",
        429,
        {
            "success": False,
            "message": "limit",
            "usage": {"current": 10, "limit": 10, "remaining": 0},
        },
    )
    with pytest.raises(HomeAssistantError) as caught:
        await call(hass, "lookup_vehicle", plate="Q1")
    assert caught.value.translation_key == "carsxe_quota"
    assert registry.async_get_issue(DOMAIN, quota_id) is not None
    remaining = hass.states.get(entity_id(hass, "sensor", loaded_entry, "cloud_quota_remaining"))
    assert remaining.state == "0"  # type: ignore[union-attr]
    carsxe.fail_next("/v2/platedecoder", 401)
    with pytest.raises(HomeAssistantError) as caught:
        await call(hass, "lookup_vehicle", plate="Q2")
    assert caught.value.translation_key == "carsxe_auth"
    assert registry.async_get_issue(DOMAIN, key_id) is not None
    await call(hass, "lookup_vehicle", plate="Q3")
    assert registry.async_get_issue(DOMAIN, quota_id) is None
    assert registry.async_get_issue(DOMAIN, key_id) is None
    assert carsxe.calls("/v2/platedecoder") == 3  # a 429 is never retried


async def test_dead_letters_survive_restart_and_are_retried(
    hass: HomeAssistant,
    loaded_entry: MockConfigEntry,
    carsxe: FakeCarsXE,
    freezer: FrozenDateTimeFactory,
) -> None:
    """A lookup still failing after the retries is queued, kept, and retried later."""
    carsxe.vehicles[("DLQ1", "US", "CA")] = {"make": "Saab", "vin": VIN}
    for _ in range(3):
        carsxe.fail_next("/v2/platedecoder", 503)
    hub = loaded_entry.runtime_data
    hub.cloud.client._sleep = _no_sleep  # no real backoff waits in the test
    with pytest.raises(HomeAssistantError) as caught:
        await call(hass, "lookup_vehicle", plate="DLQ1")
    assert caught.value.translation_key == "carsxe_unavailable"
    assert len(set(carsxe.idempotency_keys[-3:])) == 1  # retried under one request id
    assert await hass.config_entries.async_reload(loaded_entry.entry_id)
    await hass.async_block_till_done()
    cloud = loaded_entry.runtime_data.cloud
    assert [d["kind"] for d in cloud.dead_letters] == ["lookup"]
    freezer.tick(timedelta(minutes=16))
    async_fire_time_changed(hass)
    await hass.async_block_till_done(wait_background_tasks=True)
    assert cloud.dead_letters == []
    again = await call(hass, "lookup_vehicle", plate="DLQ1")
    assert (again["make"], again["cached"]) == ("Saab", True)


async def _no_sleep(_seconds: float) -> None:
    return None


async def test_second_opinion_for_review_reads(
    hass: HomeAssistant,
    second_opinion_entry: MockConfigEntry,
    carsxe: FakeCarsXE,
    webhook_client: Any,
    external: str,
) -> None:
    """A review-band read is checked by CarsXE automatically; the outcome is an event."""
    config_entry = second_opinion_entry
    opinions = async_capture_events(hass, "viewtron_lpr_second_opinion")
    carsxe.add_image(overview_jpeg("SEC0ND1"), "SEC0ND1", score=0.97)
    poster = Poster(hass, webhook_client, config_entry.data["webhook_id"])
    await poster(bodies.camera_plate_post(bodies.Plate("SEC0ND1", "whiteList", confidence=7_000)))
    await hass.async_block_till_done(wait_background_tasks=True)
    await poster.close()
    (opinion,) = opinions
    assert opinion.data["agree"] is True
    assert (opinion.data["cloud_plate"], opinion.data["cloud_score"]) == ("SEC0ND1", 0.97)


async def test_recognize_sources_and_failures(
    hass: HomeAssistant,
    loaded_entry: MockConfigEntry,
    poster: Poster,
    carsxe: FakeCarsXE,
    external: str,
) -> None:
    """An image entity as the source; no image yet; a CarsXE outage queued as a dead letter."""
    with pytest.raises(ServiceValidationError) as caught:
        await call(hass, "recognize")
    assert caught.value.translation_key == "no_image"
    await poster(bodies.camera_plate_post(bodies.Plate("ENT1", "whiteList")))
    carsxe.add_image(overview_jpeg("ENT1"), "ENT1", score=0.5)
    overview = entity_id(hass, "image", loaded_entry, "overview_image")
    result = await call(hass, "recognize", entity_id=overview)
    assert [(p["plate"], p["decision"]) for p in result["plates"]] == [("ENT1", "reject")]
    cloud = loaded_entry.runtime_data.cloud
    cloud.client._sleep = _no_sleep
    for _ in range(3):
        carsxe.fail_next("/platerecognition", 500)
    with pytest.raises(HomeAssistantError) as caught:
        await call(hass, "recognize", entity_id=overview)
    assert caught.value.translation_key == "carsxe_unavailable"
    assert [d["kind"] for d in cloud.dead_letters] == ["recognize"]
    diag = cloud.diagnostics()
    assert diag["counters"]["failures"] == 1
    assert "payload" not in str(diag["dead_letters"])


async def test_auto_lookup_of_accepted_reads(
    hass: HomeAssistant,
    auto_lookup_entry: MockConfigEntry,
    carsxe: FakeCarsXE,
    webhook_client: Any,
) -> None:
    """With the option on, an accepted read is looked up once and announced."""
    config_entry = auto_lookup_entry
    vehicles = async_capture_events(hass, "viewtron_lpr_vehicle")
    carsxe.vehicles[("AUTO1", "US", "CA")] = {"make": "Volvo", "vin": VIN}
    poster = Poster(hass, webhook_client, config_entry.data["webhook_id"])
    await poster(bodies.camera_plate_post(bodies.Plate("AUTO1", "whiteList"), images=False))
    await hass.async_block_till_done(wait_background_tasks=True)
    await poster.close()
    (vehicle,) = vehicles
    assert (vehicle.data["plate"], vehicle.data["make"]) == ("AUTO1", "Volvo")


async def test_signed_image_expires(
    hass: HomeAssistant,
    loaded_entry: MockConfigEntry,
    external: str,
    freezer: FrozenDateTimeFactory,
) -> None:
    """A published image is served with its signature, and not after its minute."""
    cloud = loaded_entry.runtime_data.cloud
    _token, url = cloud._image_url(b"\xff\xd8jpeg")
    async with aiohttp.ClientSession() as session:
        async with session.get(url) as resp:
            assert (resp.status, await resp.read()) == (200, b"\xff\xd8jpeg")
        freezer.tick(timedelta(seconds=61))
        async with session.get(url) as resp:
            assert resp.status in (401, 404)  # the signature or the token has expired


async def test_gate_thresholds_come_from_the_options(
    hass: HomeAssistant, loaded_entry: MockConfigEntry, poster: Poster, external: str
) -> None:
    """A stricter plate-width option blocks a frame the defaults would pass."""
    hass.config_entries.async_update_entry(
        loaded_entry, options={**loaded_entry.options, "min_plate_width": 1000}
    )
    await hass.async_block_till_done()  # (the entry reloads)
    await poster(bodies.camera_plate_post(bodies.Plate("WIDE1", "whiteList")))
    result = await call(hass, "recognize")
    assert result["gate"]["reasons"] == ["plate_too_small"]
