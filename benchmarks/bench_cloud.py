"""Cloud calls per simulated vehicle visit, and decoder calls for plates seen again.

Targets (issue 7): at most one recognition call per vehicle visit; no decoder call for a
plate seen again within 90 days. A visit: the camera reads the car three times in a few
seconds (an uncertain read, then two confident ones); second opinions and automatic
lookups are on. Each plate comes back 30 days later.
Run with ``make bench``.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import timedelta
from typing import Any

from freezegun.api import FrozenDateTimeFactory
from homeassistant.core import HomeAssistant
from homeassistant.core_config import async_process_ha_core_config
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.viewtron_lpr.const import DEFAULT_OPTIONS, DOMAIN
from tests.conftest import Poster, entry_data
from tools import bodies
from tools.fake_carsxe import FakeCarsXE
from tools.fake_viewtron import FakeViewtronDevice
from tools.images import overview_jpeg

VISITS = 20


@pytest.fixture
async def carsxe() -> AsyncIterator[FakeCarsXE]:
    server = FakeCarsXE(valid_keys=("bench",))
    await server.start()
    yield server
    await server.stop()


@pytest.fixture
def config_entry(
    hass: HomeAssistant, camera: FakeViewtronDevice, carsxe: FakeCarsXE
) -> MockConfigEntry:
    entry = MockConfigEntry(
        domain=DOMAIN,
        title="Driveway LPR",
        unique_id=camera.mac.lower(),
        data=entry_data(camera),
        options={
            **DEFAULT_OPTIONS,
            "carsxe_api_key": "bench",
            "carsxe_url": carsxe.url,
            "region": "US-CA",
            "retention_days": 90,
            "second_opinion": True,
            "auto_lookup": True,
        },
    )
    entry.add_to_hass(hass)
    return entry


async def test_cloud_calls_per_visit(
    hass: HomeAssistant,
    loaded_entry: MockConfigEntry,
    carsxe: FakeCarsXE,
    webhook_client: Any,
    freezer: FrozenDateTimeFactory,
) -> None:
    """Measure and print."""
    await async_process_ha_core_config(
        hass, {"external_url": f"http://127.0.0.1:{webhook_client.port}"}
    )
    poster = Poster(hass, webhook_client, loaded_entry.data["webhook_id"])
    plates = [f"VIS{i:03d}" for i in range(VISITS)]
    for plate in plates:
        carsxe.add_image(overview_jpeg(plate), plate, score=0.96)
        carsxe.vehicles[(plate, "US", "CA")] = {"make": "Kia", "vin": "3KPFK4A78HE103497"}
    carsxe.specs_data["3KPFK4A78HE103497"] = {"make": "Kia"}

    async def visit(plate: str) -> None:
        for confidence in (7_200, 9_400, 9_600):
            await poster(
                bodies.camera_plate_post(bodies.Plate(plate, "whiteList", confidence=confidence))
            )
            freezer.tick(timedelta(seconds=1))
        await hass.async_block_till_done(wait_background_tasks=True)
        freezer.tick(timedelta(minutes=2))

    for plate in plates:
        await visit(plate)
    recognitions = carsxe.calls("/platerecognition")
    decodes = carsxe.calls("/v2/platedecoder")
    freezer.tick(timedelta(days=30))
    for plate in plates:
        await visit(plate)
    again_recognitions = carsxe.calls("/platerecognition") - recognitions
    again_decodes = carsxe.calls("/v2/platedecoder") - decodes
    await poster.close()
    cloud = loaded_entry.runtime_data.cloud
    print(
        f"\n{VISITS} visits of 3 reads each: {recognitions / VISITS:.2f} recognition calls "
        f"per visit, {decodes} decoder calls for {VISITS} new plates; the same plates "
        f"30 days later: {again_recognitions / VISITS:.2f} recognition calls per visit, "
        f"{again_decodes} decoder calls (cache hits {cloud.counters['cache_hits']})"
    )
    assert recognitions <= VISITS
    assert again_decodes == 0
