"""Managing allow / block / visitor plates from Home Assistant, and the HA-side copy."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from homeassistant.auth.models import User
from homeassistant.config_entries import ConfigEntryState
from homeassistant.core import Context, HomeAssistant
from homeassistant.exceptions import HomeAssistantError, ServiceValidationError, Unauthorized
from homeassistant.util import dt as dt_util
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry, async_capture_events

from custom_components.viewtron_lpr.const import DEFAULT_OPTIONS, DOMAIN, EVENT_PLATE_DETECTED
from tools import bodies
from tools.fake_viewtron import FakeViewtronDevice, StoredPlate

from .conftest import Poster, entry_data, ha_local_now

GROUP = {"allow": "2", "block": "3", "visitor": "1"}  # the fake camera's groups


async def call(hass: HomeAssistant, service: str, **data: Any) -> Any:
    return await hass.services.async_call(
        DOMAIN, service, data, blocking=True, return_response=service != "remove_plate"
    )


def on_camera(camera: FakeViewtronDevice) -> dict[str, str]:
    return {p.plate: p.group_id for p in camera.plates}


async def test_add_list_remove(
    hass: HomeAssistant, loaded_entry: MockConfigEntry, camera: FakeViewtronDevice
) -> None:
    """A plate goes onto the camera with owner and window, is listed, and is removed."""
    result = await call(
        hass,
        "add_plate",
        plate="ab-123 cd",
        list="visitor",
        owner="Aunt May",
        valid_from="2026-11-28 08:00:00",
        valid_until="2026-11-28 20:00:00",
    )
    assert result == {
        "plate": "AB123CD",
        "list": "visitor",
        "action": "added",
        "stored_on": "camera",
    }
    stored = camera.find("AB123CD")
    assert stored is not None
    assert (stored.group_id, stored.owner) == (GROUP["visitor"], "Aunt May")
    assert (stored.begin, stored.end) == ("2026-11-28 08:00:00", "2026-11-28 20:00:00")

    listed = await call(hass, "list_plates")
    assert listed["source"] == "camera"
    assert listed["stale"] is False
    assert listed["plates"] == [
        {
            "plate": "AB123CD",
            "list": "visitor",
            "owner": "Aunt May",
            "telephone": None,
            "valid_from": "2026-11-28T08:00:00",
            "valid_until": "2026-11-28T20:00:00",
        }
    ]
    assert (await call(hass, "list_plates", list="allow"))["count"] == 0

    await call(hass, "add_plate", plate="AB123CD", list="visitor", owner="May Parker")
    assert camera.find("AB123CD").owner == "May Parker"  # type: ignore[union-attr]

    await call(hass, "remove_plate", plate="AB 123 CD")  # every list searched
    assert camera.find("AB123CD") is None
    assert (await call(hass, "list_plates"))["count"] == 0


async def test_moving_between_lists(
    hass: HomeAssistant, loaded_entry: MockConfigEntry, camera: FakeViewtronDevice
) -> None:
    """A plate on another list moves only with replace: true."""
    await call(hass, "add_plate", plate="MOVE1", list="allow")
    with pytest.raises(ServiceValidationError) as caught:
        await call(hass, "add_plate", plate="MOVE1", list="block")
    assert caught.value.translation_key == "on_other_list"
    assert caught.value.translation_placeholders == {"plate": "MOVE1", "list": "allow"}
    assert on_camera(camera) == {"MOVE1": GROUP["allow"]}
    result = await call(hass, "add_plate", plate="MOVE1", list="block", replace=True)
    assert result["action"] == "moved"
    assert on_camera(camera) == {"MOVE1": GROUP["block"]}
    with pytest.raises(ServiceValidationError) as caught:
        await call(hass, "remove_plate", plate="MOVE1", list="allow")
    assert caught.value.translation_key == "plate_not_listed"


async def test_failed_move_is_put_back(
    hass: HomeAssistant, loaded_entry: MockConfigEntry, camera: FakeViewtronDevice
) -> None:
    """The camera refuses the new list: the plate goes back where it was, and we say so."""
    await call(hass, "add_plate", plate="BACK1", list="allow", owner="Bob")
    camera.fail_next("AddLicensePlates", 202)
    with pytest.raises(HomeAssistantError) as caught:
        await call(hass, "add_plate", plate="BACK1", list="block", replace=True)
    assert caught.value.translation_key == "move_failed_restored"
    assert on_camera(camera) == {"BACK1": GROUP["allow"]}
    assert camera.find("BACK1").owner == "Bob"  # type: ignore[union-attr]

    camera.fail_next("AddLicensePlates", 202)
    camera.fail_next("AddLicensePlates", 7)
    with pytest.raises(HomeAssistantError) as caught:
        await call(hass, "add_plate", plate="BACK1", list="block", replace=True)
    assert caught.value.translation_key == "move_failed_removed"
    assert on_camera(camera) == {}


async def test_paging_past_one_hundred(
    hass: HomeAssistant, loaded_entry: MockConfigEntry, camera: FakeViewtronDevice
) -> None:
    """list_plates pages through the camera (100 a page)."""
    camera.plates.extend(StoredPlate(f"P{i:04d}", GROUP["allow"]) for i in range(150))
    camera.plates.extend(StoredPlate(f"B{i:04d}", GROUP["block"]) for i in range(120))
    camera.requests.clear()
    listed = await call(hass, "list_plates")
    assert listed["count"] == 270
    assert camera.requests.count("GetLicensePlates") == 2 + 2 + 1  # allow, block, visitor
    synced = await call(hass, "sync_plates")
    assert synced["count"] == 270


@pytest.mark.parametrize(
    ("fault", "key"),
    [
        (202, "library_full"),
        (7, "busy"),
        (4, "permission_denied"),
        (16, "device_error"),
        (401, "auth_failed"),
    ],
)
async def test_device_errors_are_translated(
    hass: HomeAssistant,
    loaded_entry: MockConfigEntry,
    camera: FakeViewtronDevice,
    fault: int,
    key: str,
) -> None:
    """Each device failure is a translated message; a 401 also starts re-authentication."""
    await hass.async_block_till_done()
    camera.fail_next("AddLicensePlates", fault)
    with pytest.raises(HomeAssistantError) as caught:
        await call(hass, "add_plate", plate="ERR1", list="allow")
    assert caught.value.translation_key == key
    assert caught.value.translation_placeholders["name"] == "Driveway LPR"
    flows = hass.config_entries.flow.async_progress_by_handler(DOMAIN)
    assert bool(flows) is (fault == 401)


async def test_half_done_add_is_reported(
    hass: HomeAssistant, loaded_entry: MockConfigEntry, camera: FakeViewtronDevice
) -> None:
    """Added but the details were refused: rolled back and said so."""
    camera.fail_next("ModifyLicensePlate", 16)
    with pytest.raises(HomeAssistantError) as caught:
        await call(hass, "add_plate", plate="HALF1", list="visitor", owner="X")
    assert caught.value.translation_key == "partial_change_rolled_back"
    assert camera.find("HALF1") is None


async def test_unreachable_camera(
    hass: HomeAssistant, loaded_entry: MockConfigEntry, camera: FakeViewtronDevice
) -> None:
    """Camera down: the change fails with cannot_connect; listing falls back to the copy."""
    await call(hass, "add_plate", plate="KEEP1", list="allow")
    await camera.stop()
    with pytest.raises(HomeAssistantError) as caught:
        await call(hass, "add_plate", plate="DOWN1", list="allow")
    assert caught.value.translation_key == "cannot_connect"
    listed = await call(hass, "list_plates")
    assert (listed["source"], listed["count"]) == ("home_assistant_copy", 1)


async def test_bad_input(hass: HomeAssistant, loaded_entry: MockConfigEntry) -> None:
    """Invalid plates and windows are refused before anything is sent; cloud actions
    without a CarsXE key say how to get one."""
    for service, data in (("recognize", {}), ("lookup_vehicle", {"plate": "AB1"})):
        with pytest.raises(ServiceValidationError) as caught:
            await hass.services.async_call(
                DOMAIN, service, data, blocking=True, return_response=True
            )
        assert caught.value.translation_key == "carsxe_not_configured"
    with pytest.raises(ServiceValidationError) as caught:
        await call(hass, "add_plate", plate="!!!", list="allow")
    assert caught.value.translation_key == "invalid_plate"
    with pytest.raises(ServiceValidationError) as caught:
        await call(
            hass,
            "add_plate",
            plate="WIN1",
            list="visitor",
            valid_from="2026-11-28 20:00:00",
            valid_until="2026-11-28 08:00:00",
        )
    assert caught.value.translation_key == "invalid_window"
    with pytest.raises(ServiceValidationError) as caught:
        await call(hass, "list_plates", config_entry_id="nope")
    assert caught.value.translation_key == "target_not_found"


async def test_non_admin_cannot_change_lists(
    hass: HomeAssistant,
    loaded_entry: MockConfigEntry,
    hass_read_only_user: User,
    hass_admin_user: User,
) -> None:
    """Only administrators may add or remove; anyone may list."""
    user = Context(user_id=hass_read_only_user.id)
    for service, data in (
        ("add_plate", {"plate": "GATE1", "list": "allow"}),
        ("remove_plate", {"plate": "GATE1"}),
    ):
        with pytest.raises(Unauthorized):
            await hass.services.async_call(DOMAIN, service, data, blocking=True, context=user)
    listed = await hass.services.async_call(
        DOMAIN, "list_plates", {}, blocking=True, context=user, return_response=True
    )
    assert listed["count"] == 0  # type: ignore[index]
    admin = Context(user_id=hass_admin_user.id)
    await hass.services.async_call(
        DOMAIN, "add_plate", {"plate": "GATE1", "list": "allow"}, blocking=True, context=admin
    )


async def test_targeting_by_device_and_with_two_entries(
    hass: HomeAssistant, loaded_entry: MockConfigEntry, nvr_entry: MockConfigEntry
) -> None:
    """With two devices the target is required; device_id and entry id both work."""
    with pytest.raises(ServiceValidationError) as caught:
        await call(hass, "list_plates")
    assert caught.value.translation_key == "target_required"
    device_id = nvr_entry.runtime_data.device_id
    result = await call(hass, "add_plate", device_id=device_id, plate="NV1", list="allow")
    assert result["stored_on"] == "home_assistant"
    listed = await call(hass, "list_plates", config_entry_id=nvr_entry.entry_id)
    assert [p["plate"] for p in listed["plates"]] == ["NV1"]
    listed = await call(hass, "list_plates", config_entry_id=loaded_entry.entry_id)
    assert listed["count"] == 0


# -- an NVR: lists live in Home Assistant; its posts get their list from there -----------


@pytest.fixture
async def nvr() -> Any:
    device = FakeViewtronDevice(
        nvr=True, mac="58:5b:69:40:f4:0d", serial="NVRSN0001", clock=ha_local_now
    )
    await device.start()
    yield device
    await device.stop()


@pytest.fixture
async def nvr_entry(hass: HomeAssistant, nvr: FakeViewtronDevice) -> MockConfigEntry:
    entry = MockConfigEntry(
        domain=DOMAIN,
        title="Garage NVR",
        unique_id=nvr.mac,
        data=entry_data(nvr, webhook_id="f" * 64),
        options=dict(DEFAULT_OPTIONS),
    )
    entry.add_to_hass(hass)
    assert await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()
    return entry


async def nvr_post(poster: Poster, *plates: str) -> None:
    nvr_camera = bodies.Camera(mac="58:5B:69:40:F4:0D", serial="NVRSN0001")
    await poster(bodies.nvr_plate_post([bodies.Plate(p) for p in plates], nvr_camera), nvr=True)


@pytest.fixture
async def nvr_poster(hass: HomeAssistant, nvr_entry: MockConfigEntry, webhook_client: Any) -> Any:
    sender = Poster(hass, webhook_client, nvr_entry.data["webhook_id"])
    yield sender
    await sender.close()


async def test_nvr_mirror_only_lists_give_posts_their_list(
    hass: HomeAssistant, nvr_entry: MockConfigEntry, nvr_poster: Poster
) -> None:
    """Exact, look-alike and expired matches, and the list survives a restart."""
    events = async_capture_events(hass, EVENT_PLATE_DETECTED)
    now = dt_util.now().replace(tzinfo=None)
    added = await call(hass, "add_plate", plate="RES 100", list="allow", owner="Resident")
    assert added["stored_on"] == "home_assistant"
    assert "no plate database API" in added["note"]
    await call(hass, "add_plate", plate="BAN 666", list="block")
    await call(
        hass,
        "add_plate",
        plate="OLDVISIT",
        list="visitor",
        valid_from=(now - timedelta(days=3)).isoformat(),
        valid_until=(now - timedelta(days=2)).isoformat(),
    )
    await call(
        hass,
        "add_plate",
        plate="NEWVISIT",
        list="visitor",
        valid_from=(now - timedelta(hours=1)).isoformat(),
        valid_until=(now + timedelta(hours=5)).isoformat(),
    )

    await nvr_post(nvr_poster, "RES100", "8AN666", "OLDVISIT", "NEWVISIT", "NOBODY1")
    got = [
        (e.data["plate_normalized"], e.data["event_type"], e.data["decision"], e.data["match"])
        for e in events
    ]
    assert got == [
        ("RES100", "allowed", "accept", "exact"),
        ("8AN666", "blocked", "review", "fuzzy"),
        ("OLDVISIT", "unknown", "review", "expired"),
        ("NEWVISIT", "visitor", "accept", "exact"),
        ("NOBODY1", "unknown", "review", None),
    ]
    assert events[1].data["matched_plate"] == "BAN666"
    assert events[0].data["list_source"] == "mirror"

    # Home Assistant restarts: the copy is read back from storage
    assert await hass.config_entries.async_reload(nvr_entry.entry_id)
    await hass.async_block_till_done()
    assert nvr_entry.state is ConfigEntryState.LOADED
    listed = await call(hass, "list_plates")
    assert listed["source"] == "home_assistant"
    assert sorted(p["plate"] for p in listed["plates"]) == [
        "BAN666",
        "NEWVISIT",
        "OLDVISIT",
        "RES100",
    ]
    removed = await call(hass, "sync_plates")
    assert removed["count"] == 4
    await call(hass, "remove_plate", plate="RES100")
    assert (await call(hass, "list_plates"))["count"] == 3


async def test_camera_lookalike_read_is_review(
    hass: HomeAssistant, loaded_entry: MockConfigEntry, poster: Poster, camera: FakeViewtronDevice
) -> None:
    """A camera with the plate API: a misread of an allowed plate becomes a fuzzy review."""
    events = async_capture_events(hass, EVENT_PLATE_DETECTED)
    await call(hass, "add_plate", plate="ABC1234", list="allow")
    await poster(bodies.camera_plate_post(bodies.Plate("A8C1234", None), images=False))
    await poster(bodies.camera_plate_post(bodies.Plate("ABC1234", None), images=False))
    got = [(e.data["event_type"], e.data["decision"], e.data["match"]) for e in events]
    # the look-alike: allowed but review; the exact plate without a camera-side match: the
    # camera is authoritative (not listed any more, or expired), so unknown
    assert got == [("allowed", "review", "fuzzy"), ("unknown", "accept", None)]


async def test_stale_copy_never_accepts_an_allow(
    hass: HomeAssistant,
    loaded_entry: MockConfigEntry,
    poster: Poster,
    freezer: Any,
) -> None:
    """A device-backed copy older than its maximum age: an allow match is review at most."""
    events = async_capture_events(hass, EVENT_PLATE_DETECTED)
    await call(hass, "add_plate", plate="STALE1", list="allow")
    cam = bodies.Camera()
    body = bodies.nvr_plate_post([bodies.Plate("STALE1")], cam)  # a post without a list
    await poster(body, nvr=True)
    freezer.tick(timedelta(hours=25))
    await poster(body.replace(b"STALE1", b"STALE1 "), nvr=True)
    assert [(e.data["event_type"], e.data["decision"]) for e in events] == [
        ("allowed", "accept"),
        ("allowed", "review"),
    ]
    assert loaded_entry.runtime_data.mirror.stale
