"""Camera and NVR posts through Home Assistant's real HTTP server to events and entities."""

from __future__ import annotations

from datetime import timedelta
import json
from typing import Any

from freezegun.api import FrozenDateTimeFactory
from homeassistant.const import STATE_OFF, STATE_ON, STATE_UNKNOWN
from homeassistant.core import Event, HomeAssistant
from homeassistant.helpers import issue_registry as ir
import pytest
from pytest_homeassistant_custom_component.common import (
    MockConfigEntry,
    async_capture_events,
    async_fire_time_changed,
)

from custom_components.viewtron_lpr.const import DOMAIN, EVENT_PLATE_DETECTED
from custom_components.viewtron_lpr.lpr.viewtron import SUCCESS_REPLY
from tools import bodies
from tools.images import overview_jpeg, plate_crop_jpeg

from .conftest import WEBHOOK_ID, Poster, entity_id

Events = list[Event]


@pytest.fixture
def events(hass: HomeAssistant) -> Events:
    """Every viewtron_lpr_plate_detected event."""
    return async_capture_events(hass, EVENT_PLATE_DETECTED)


async def test_camera_post_becomes_event_and_entities(
    hass: HomeAssistant,
    loaded_entry: MockConfigEntry,
    poster: Poster,
    events: Events,
    hass_client: Any,
) -> None:
    """A 0.8 MB camera post: bus event, event entity, sensor, and both images."""
    body = bodies.camera_plate_post(
        bodies.Plate("AB 123", "whiteList", direction="approach", confidence=9_600)
    )
    reply = await poster(body)
    assert (reply.status, reply.body) == (200, SUCCESS_REPLY)
    assert reply.headers["content-type"].startswith("application/xml")

    (event,) = events
    data = event.data
    assert data["plate_raw"] == "AB 123"
    assert data["plate_normalized"] == "AB123"
    assert data["confidence"] == pytest.approx(0.96)
    assert (data["list"], data["event_type"], data["decision"]) == ("allow", "allowed", "accept")
    assert data["direction"] == "approach"
    assert data["camera_id"] == "58:5b:69:5a:84:bb"
    assert data["config_entry_id"] == loaded_entry.entry_id
    assert data["device_id"]
    assert data["bounding_box"] == {
        "xmin": 1232,
        "ymin": 1279,
        "xmax": 1456,
        "ymax": 1403,
        "unit": "px",
    }
    assert data["vehicle"] == {"color": "grey", "type": "saloon car", "brand": "Tesla"}
    assert len(data["event_id"]) == 32
    assert "T" in data["timestamp"]
    json.dumps(data)  # JSON-safe, no bytes

    state = hass.states.get(entity_id(hass, "event", loaded_entry, "plate"))
    assert state is not None
    assert data["entity_id"] == state.entity_id  # the logbook files the read under it
    assert state.attributes["event_type"] == "allowed"
    assert state.attributes["plate_normalized"] == "AB123"
    assert state.attributes["decision"] == "accept"
    sensor = hass.states.get(entity_id(hass, "sensor", loaded_entry, "last_plate"))
    assert sensor is not None
    assert sensor.state == "AB123"
    assert sensor.attributes["list"] == "allow"

    client = await hass_client()
    for key, expected in (
        ("plate_image", plate_crop_jpeg("AB 123")),
        ("overview_image", overview_jpeg("AB 123")),
    ):
        image_id = entity_id(hass, "image", loaded_entry, key)
        assert hass.states.get(image_id).state != STATE_UNKNOWN  # type: ignore[union-attr]
        resp = await client.get(f"/api/image_proxy/{image_id}")
        assert resp.status == 200
        assert await resp.read() == expected


@pytest.mark.parametrize(
    ("list_type", "event_type"),
    [("blackList", "blocked"), ("temporaryList", "visitor"), (None, "unknown")],
)
async def test_list_status_to_event_type(
    hass: HomeAssistant,
    loaded_entry: MockConfigEntry,
    poster: Poster,
    events: Events,
    list_type: str | None,
    event_type: str,
) -> None:
    """Block list, visitor list and not-on-any-list reads."""
    await poster(bodies.camera_plate_post(bodies.Plate("LIST1", list_type), images=False))
    assert events[0].data["event_type"] == event_type
    state = hass.states.get(entity_id(hass, "event", loaded_entry, "plate"))
    assert state.attributes["event_type"] == event_type  # type: ignore[union-attr]


@pytest.mark.parametrize(
    ("confidence", "decision"), [(9_000, "accept"), (8_999, "review"), (5_999, "reject")]
)
async def test_decision_bands(
    poster: Poster, events: Events, confidence: int, decision: str
) -> None:
    """Default thresholds: accept ≥ 0.90, review ≥ 0.60, else reject."""
    await poster(
        bodies.camera_plate_post(bodies.Plate("BAND1", "whiteList", confidence=confidence))
    )
    assert events[0].data["decision"] == decision


async def test_nvr_post_with_two_plates(
    hass: HomeAssistant, poster: Poster, events: Events
) -> None:
    """An NVR post (absolute-form request line, soap+xml, Connection: close) → two events."""
    body = bodies.nvr_plate_post(
        [bodies.Plate("NVR1", group="Whitelist"), bodies.Plate("NVR2")],
        bodies.Camera(mac="58:5B:69:5A:84:BB"),
    )
    reply = await poster(body, nvr=True)
    assert (reply.status, reply.body) == (200, SUCCESS_REPLY)
    assert [(e.data["plate_normalized"], e.data["event_type"]) for e in events] == [
        ("NVR1", "allowed"),
        ("NVR2", "unknown"),
    ]
    # no confidence: accept only for a camera-side list match
    assert [e.data["decision"] for e in events] == ["accept", "review"]
    assert events[0].data["channel_id"] == 2


async def test_dedup_window(
    hass: HomeAssistant, poster: Poster, events: Events, freezer: FrozenDateTimeFactory
) -> None:
    """Repeated reads publish once; a better band publishes again; the window expires."""
    plate = bodies.Plate("DUP1", "whiteList", confidence=7_000)
    await poster(bodies.camera_plate_post(plate, images=False))
    await poster(bodies.camera_plate_post(plate, images=False))
    assert [e.data["decision"] for e in events] == ["review"]
    plate.confidence = 9_500
    await poster(bodies.camera_plate_post(plate, images=False))
    await poster(bodies.camera_plate_post(plate, images=False))
    assert [e.data["decision"] for e in events] == ["review", "accept"]
    freezer.tick(timedelta(seconds=31))
    await poster(bodies.camera_plate_post(plate, images=False))
    assert len(events) == 3
    other = bodies.Plate("DUP2", "whiteList")
    await poster(bodies.camera_plate_post(other, images=False))
    assert len(events) == 4


async def test_repeat_reads_refresh_images(
    hass: HomeAssistant,
    loaded_entry: MockConfigEntry,
    poster: Poster,
    events: Events,
    hass_client: Any,
) -> None:
    """A suppressed repeat with a better confidence still brings its better images."""
    plate = bodies.Plate("IMG1", "whiteList", confidence=9_100)
    await poster(bodies.camera_plate_post(plate, crop=plate_crop_jpeg("IMG1", 200, 100)))
    plate.confidence = 9_900
    await poster(bodies.camera_plate_post(plate, crop=plate_crop_jpeg("IMG1", 224, 124)))
    assert len(events) == 1
    client = await hass_client()
    resp = await client.get(
        f"/api/image_proxy/{entity_id(hass, 'image', loaded_entry, 'plate_image')}"
    )
    assert await resp.read() == plate_crop_jpeg("IMG1", 224, 124)


async def test_keepalives_drive_connectivity(
    hass: HomeAssistant,
    loaded_entry: MockConfigEntry,
    poster: Poster,
    freezer: FrozenDateTimeFactory,
) -> None:
    """Every keepalive shape turns connectivity on; three missed heartbeats turn it off."""
    conn = entity_id(hass, "binary_sensor", loaded_entry, "connectivity")
    assert hass.states.get(conn).state == STATE_OFF  # type: ignore[union-attr]
    for shape in ("empty", "deviceinfo", "ipc_v21", "nvr"):
        reply = await poster(bodies.keepalive(shape))
        assert reply.body == SUCCESS_REPLY
        assert hass.states.get(conn).state == STATE_ON  # type: ignore[union-attr]
    freezer.tick(timedelta(seconds=89))
    async_fire_time_changed(hass)
    await hass.async_block_till_done()
    assert hass.states.get(conn).state == STATE_ON  # type: ignore[union-attr]
    freezer.tick(timedelta(seconds=2))
    async_fire_time_changed(hass)
    await hass.async_block_till_done()
    assert hass.states.get(conn).state == STATE_OFF  # type: ignore[union-attr]
    await poster(bodies.alarm_status(True))
    assert hass.states.get(conn).state == STATE_ON  # type: ignore[union-attr]
    counters = loaded_entry.runtime_data.counters
    assert (counters.keepalives, counters.alarm_status) == (4, 1)


async def test_silence_raises_and_clears_repair(
    hass: HomeAssistant,
    loaded_entry: MockConfigEntry,
    poster: Poster,
    freezer: FrozenDateTimeFactory,
) -> None:
    """Silent longer than the option: a repair issue; the next keepalive clears it."""
    issue_id = f"camera_silent_{loaded_entry.entry_id}"
    registry = ir.async_get(hass)
    freezer.tick(timedelta(minutes=9))
    async_fire_time_changed(hass)
    await hass.async_block_till_done()
    assert registry.async_get_issue(DOMAIN, issue_id) is None
    freezer.tick(timedelta(minutes=2))
    async_fire_time_changed(hass)
    await hass.async_block_till_done()
    issue = registry.async_get_issue(DOMAIN, issue_id)
    assert issue is not None
    assert issue.translation_key == "camera_silent"
    assert WEBHOOK_TAIL not in str(issue.translation_placeholders)
    await poster(bodies.keepalive("empty"))
    assert registry.async_get_issue(DOMAIN, issue_id) is None


WEBHOOK_TAIL = "0123456789abcdef" * 2


async def test_other_devices_posts_are_not_published(
    hass: HomeAssistant, loaded_entry: MockConfigEntry, poster: Poster, events: Events
) -> None:
    """A post naming another MAC is counted, not published, and does not count as contact."""
    stranger = bodies.Camera(mac="11:22:33:44:55:66", serial="OTHER")
    await poster(bodies.camera_plate_post(bodies.Plate("STR1", "whiteList"), stranger))
    assert events == []
    assert loaded_entry.runtime_data.counters.unmatched == 1
    conn = entity_id(hass, "binary_sensor", loaded_entry, "connectivity")
    assert hass.states.get(conn).state == STATE_OFF  # type: ignore[union-attr]


HOSTILE = {
    "malformed": (b"<config><smartType>VEHICE</smartType><listInfo><item>", None),
    "entity-bomb": (
        b'<?xml version="1.0"?><!DOCTYPE l [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;">'
        b"]><config><smartType>&b;</smartType></config>",
        None,
    ),
    "20MB": (b"<config>" + b"A" * (20 * 1024 * 1024) + b"</config>", None),
    "5MB-xml": (b"<config>" + b"A" * (5 * 1024 * 1024) + b"</config>", None),
    "binary": (bytes(range(256)) * 64, "application/octet-stream"),
    "wrong-content-type": (b'{"plate": "ABC"}', "application/json"),
    "unknown-type": (b"<config><messageType>firmwareUpgrade</messageType></config>", None),
}


@pytest.mark.parametrize("name", list(HOSTILE))
async def test_hostile_body_then_valid_post(
    hass: HomeAssistant,
    loaded_entry: MockConfigEntry,
    poster: Poster,
    events: Events,
    name: str,
) -> None:
    """Each hostile body gets the success reply, raises nothing, and loses nothing after it."""
    body, content_type = HOSTILE[name]
    reply = await poster(body, content_type=content_type)
    assert (reply.status, reply.body) == (200, SUCCESS_REPLY)
    assert events == []
    reply = await poster(bodies.camera_plate_post(bodies.Plate("AFTER1", "whiteList")))
    assert (reply.status, reply.body) == (200, SUCCESS_REPLY)
    assert [e.data["plate_normalized"] for e in events] == ["AFTER1"]


async def test_empty_and_stray_methods(
    hass: HomeAssistant, loaded_entry: MockConfigEntry, webhook_client: Any
) -> None:
    """GET is not a webhook method (405); an empty POST is a keepalive with the reply."""
    resp = await webhook_client.get(f"/api/webhook/{WEBHOOK_ID}")
    assert resp.status == 405
    resp = await webhook_client.post(f"/api/webhook/{WEBHOOK_ID}")
    assert (resp.status, await resp.read()) == (200, SUCCESS_REPLY)


async def test_attributes_stay_small(
    hass: HomeAssistant, loaded_entry: MockConfigEntry, poster: Poster
) -> None:
    """Every entity's state attributes stay under 4 KB, images never in them."""
    await poster(bodies.camera_plate_post(bodies.Plate("SIZE1", "whiteList")))
    await poster(bodies.keepalive("empty"))
    states = [
        s for s in hass.states.async_all() if s.entity_id.split(".")[1].startswith("driveway")
    ]
    assert len(states) == 5
    for state in states:
        assert len(json.dumps(dict(state.attributes), default=str)) < 4096, state.entity_id
