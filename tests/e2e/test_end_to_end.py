"""The whole path outside the test harness: a real ``hass`` process, real TCP, the real
config flow over REST, the simulator's stream (camera keep-alive posts and the NVR's
absolute-form, soap+xml, Connection: close posts), states and events read back over REST
and the websocket API.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
import importlib.util
from pathlib import Path
import socket

import pytest

from tools import demo

pytestmark = [
    pytest.mark.skipif(
        importlib.util.find_spec("hass_frontend") is None,
        reason="needs home-assistant-frontend (installed in the stack-1 venv only)",
    ),
    pytest.mark.timeout(420),
]

EXPECTED = [
    ("ABC1234", "allowed", "review"),  # first read, 0.87
    ("ABC1234", "allowed", "accept"),  # the same car read better: published again
    ("BAD666", "blocked", "accept"),
    ("GUEST1", "visitor", "accept"),
    ("XYZ987", "unknown", "accept"),
    ("NVR100", "allowed", "accept"),  # NVR group "Whitelist", no confidence
    ("NVR200", "unknown", "review"),
]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture
async def site(tmp_path: Path) -> AsyncIterator[demo.Site]:
    """Home Assistant with the camera and the NVR configured; everything stopped after."""
    running = await demo.start_site(tmp_path / "config", free_port())
    try:
        yield running
    finally:
        log = running.hass.log_path
        await demo.stop_site(running)
        errors = [
            line for line in log.read_text(encoding="utf-8").splitlines() if "viewtron" in line
        ]
        print("\n".join(errors[-20:]))


async def test_stream_to_events_and_states(site: demo.Site) -> None:
    """Every step of the demo's stream lands as it should, read back over the APIs."""
    hass = site.hass
    assert site.settings["path"].startswith("/api/webhook/")
    assert site.settings["port"] == str(hass.port)
    async with hass.websocket() as ws:
        await ws.subscribe(demo.EVENT)
        await demo.play(site, pause=0.05, show=False)
        events = []
        while len(events) < len(EXPECTED):
            events.append((await asyncio.wait_for(ws.events.get(), 30))["data"])
        await asyncio.sleep(0.5)
        assert ws.events.empty(), "a repeat read was published"
        assert [(e["plate_normalized"], e["event_type"], e["decision"]) for e in events] == EXPECTED
        assert events[-1]["channel_id"] == 2
        ids = await ws.entity_ids(demo.DOMAIN)
        dashboard = await ws.command({"type": "lovelace/config", "url_path": "lpr-recent"})
        await ws.close()

    cam = "58:5b:69:5a:84:bb"
    assert (await hass.state(ids[f"{cam}_last_plate"]))["state"] == "XYZ987"
    assert (await hass.state(ids[f"{cam}_connectivity"]))["state"] == "on"
    event_state = await hass.state(ids[f"{cam}_plate"])
    assert event_state["attributes"]["event_type"] == "unknown"
    nvr = "58:5b:69:40:f4:0d"
    assert (await hass.state(ids[f"{nvr}_last_plate"]))["state"] == "NVR200"

    assert hass.session is not None
    async with hass.session.get(
        f"{hass.url}/api/image_proxy/{ids[f'{cam}_overview_image']}",
        headers={"Authorization": f"Bearer {hass.token}"},
    ) as resp:
        assert resp.status == 200
        assert (await resp.read())[:2] == b"\xff\xd8"  # a JPEG

    messages: list[str] = []
    for _ in range(40):  # the recorder commits about once a second
        logbook = await hass.request("GET", f"/api/logbook?entity={ids[f'{cam}_plate']}")
        messages = [item.get("message", "") for item in logbook]
        if any("read BAD666: blocked, accept, 93%" in m for m in messages):
            break
        await asyncio.sleep(0.5)
    assert any("read BAD666: blocked, accept, 93%" in m for m in messages), messages

    cards = [card["type"] for card in dashboard["views"][0]["cards"]]
    assert cards == ["entities", "picture-entity", "picture-entity", "logbook", "history-graph"]
    used = str(dashboard)
    for entity_id in (ids[f"{cam}_last_plate"], ids[f"{cam}_plate_image"], ids[f"{cam}_plate"]):
        assert entity_id in used, f"the dashboard does not show {entity_id}"


async def test_stop_leaves_no_process(tmp_path: Path) -> None:
    """Stopping the site ends the hass process group."""
    running = await demo.start_site(tmp_path / "config", free_port())
    proc = running.hass.proc
    assert proc is not None
    await demo.stop_site(running)
    assert proc.poll() is not None
