"""``make demo``: a real Home Assistant, two simulated devices, a stream of plate reads.

Starts Home Assistant on 127.0.0.1:8123 with a throwaway configuration, onboards it with
demo credentials, adds a fake LPR camera and a fake NVR through the config-flow REST API,
then posts a realistic stream to their webhooks: keepalives in every shape, an allowed car
read three times, a blocked, a visitor and an unknown plate, and an NVR post with two
plates. It prints the events and entity states as they happen and keeps the camera's
heartbeat going until Ctrl-C, which stops everything it started.

python -m tools.demo [--port 8123] [--once]
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
from dataclasses import dataclass
from pathlib import Path
import signal
import tempfile
from typing import Any

from tools import bodies
from tools.fake_viewtron import FakeViewtronDevice
from tools.ha_process import HomeAssistantProcess, Websocket
from tools.sender import EventSender

USERNAME = "demo"
PASSWORD = "demo-password"  # noqa: S105 - printed for the user: a throwaway local instance
DOMAIN = "viewtron_lpr"
EVENT = "viewtron_lpr_plate_detected"

CAMERA = bodies.Camera(mac="58:5b:69:5a:84:bb", serial="NF40D099BCM0", name="Driveway LPR")
NVR = bodies.Camera(mac="58:5B:69:40:F4:0D", serial="NVRSN0001", name="Garage NVR")


@dataclass
class Site:
    """The running demo: Home Assistant, the devices, and a sender per device."""

    hass: HomeAssistantProcess
    camera: FakeViewtronDevice
    nvr: FakeViewtronDevice
    camera_sender: EventSender
    nvr_sender: EventSender
    settings: dict[str, str]


async def add_device(hass: HomeAssistantProcess, device: FakeViewtronDevice) -> dict[str, Any]:
    """Run the integration's config flow over REST; returns the created entry's result."""
    results = await hass.config_flow(
        DOMAIN,
        [
            {
                "host": device.host,
                "port": device.port,
                "username": device.username,
                "password": device.password,
            },
            {},  # no CarsXE key
            {},  # the camera-settings step
        ],
    )
    for result in results[:-1]:
        if result.get("errors"):
            raise RuntimeError(f"config flow error: {result['errors']}")
    settings_step = results[-2]
    created = results[-1]
    if created.get("type") != "create_entry":
        raise RuntimeError(f"config flow did not create an entry: {created}")
    created["camera_settings"] = settings_step.get("description_placeholders", {})
    return created


async def start_site(config_dir: Path, port: int) -> Site:
    """Everything up to a configured Home Assistant with two devices."""
    camera = FakeViewtronDevice(mac=CAMERA.mac, serial=CAMERA.serial, name=CAMERA.name)
    nvr = FakeViewtronDevice(nvr=True, mac=NVR.mac, serial=NVR.serial, name=NVR.name)
    await camera.start()
    await nvr.start()
    hass = HomeAssistantProcess(config_dir, port)
    try:
        await hass.start()
        await hass.onboard(USERNAME, PASSWORD)
        cam_entry = await add_device(hass, camera)
        await add_device(hass, nvr)
    except BaseException:
        await hass.stop()
        await camera.stop()
        await nvr.stop()
        raise
    settings = cam_entry["camera_settings"]
    path = settings["path"]
    nvr_path = (await _entry_path(hass, "Garage NVR")) or path
    return Site(
        hass,
        camera,
        nvr,
        EventSender("127.0.0.1", port, path),
        EventSender("127.0.0.1", port, nvr_path, nvr=True),
        settings,
    )


async def _entry_path(hass: HomeAssistantProcess, title: str) -> str | None:
    """The webhook path of the entry called ``title`` (from the webhook list)."""
    async with hass.websocket() as ws:
        hooks = await ws.command({"type": "webhook/list"})
    for hook in hooks:
        if hook["domain"] == DOMAIN and hook["name"] == title:
            return f"/api/webhook/{hook['webhook_id']}"
    return None


async def stop_site(site: Site) -> None:
    """Stop everything the demo started."""
    await site.camera_sender.close()
    await site.nvr_sender.close()
    await site.hass.stop()
    await site.camera.stop()
    await site.nvr.stop()


def scenario() -> list[tuple[str, str, bytes]]:
    """(description, device, body) in the order a driveway would produce them."""
    allowed = bodies.Plate("ABC 1234", "whiteList", confidence=8_700)
    steps: list[tuple[str, str, bytes]] = [
        (f"keepalive ({shape})", "camera", bodies.keepalive(shape, CAMERA))
        for shape in ("empty", "deviceinfo", "ipc_v21")
    ]
    steps.append(("alarm on", "camera", bodies.alarm_status(True, CAMERA)))
    steps.append(("allowed car, first read", "camera", bodies.camera_plate_post(allowed, CAMERA)))
    allowed.confidence = 9_600
    steps.append(("same car, better read", "camera", bodies.camera_plate_post(allowed, CAMERA)))
    steps.append(("same car again", "camera", bodies.camera_plate_post(allowed, CAMERA)))
    steps.append(("alarm off", "camera", bodies.alarm_status(False, CAMERA)))
    for text, list_type in (
        ("BAD 666", "blackList"),
        ("GUEST 1", "temporaryList"),
        ("XYZ 987", None),
    ):
        plate = bodies.Plate(text, list_type, direction="away", confidence=9_300)
        steps.append(
            (f"{list_type or 'unknown'} plate", "camera", bodies.camera_plate_post(plate, CAMERA))
        )
    steps.append(("NVR keepalive", "nvr", bodies.keepalive("nvr", NVR)))
    steps.append(
        (
            "NVR post with two plates",
            "nvr",
            bodies.nvr_plate_post(
                [bodies.Plate("NVR 100", group="Whitelist"), bodies.Plate("NVR 200")], NVR
            ),
        )
    )
    return steps


async def play(site: Site, pause: float, show: bool = True) -> None:
    """Post the scenario, one step every ``pause`` seconds."""
    for description, device, body in scenario():
        sender = site.camera_sender if device == "camera" else site.nvr_sender
        reply = await sender.post(body)
        if show:
            print(f"  → {device:6} {description:28} HTTP {reply.status}, {len(body):>7} bytes")
        await asyncio.sleep(pause)


async def print_events(ws: Websocket) -> None:
    """Print every plate event as it arrives."""
    while True:
        event = (await ws.events.get())["data"]
        print(
            f"  ★ event: {event['plate_normalized']:<8} {event['event_type']:<8}"
            f" decision={event['decision']:<7} confidence={event['confidence']}"
            f" camera={event['camera_id']}"
        )


async def main(port: int, once: bool) -> None:
    """Run the demo until Ctrl-C (or once through with --once)."""
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    with tempfile.TemporaryDirectory(prefix="viewtron-demo-") as config_dir:
        print(f"Starting Home Assistant on http://127.0.0.1:{port} (config in {config_dir}) ...")
        site = await start_site(Path(config_dir), port)
        try:
            s = site.settings
            print(
                "Added the camera and the NVR through the config flow. A real camera would be set"
                f" to: server {s['server']}, port {s['port']}, path {s['path'][:20]}…"
            )
            async with site.hass.websocket() as ws:
                await ws.subscribe(EVENT)
                printer = asyncio.create_task(print_events(ws))
                print("Posting the simulated stream:")
                await play(site, pause=0.6)
                await asyncio.sleep(1)
                print("Entity states now:")
                ids = await ws.entity_ids(DOMAIN)
                for entity_id in sorted(ids.values()):
                    state = await site.hass.state(entity_id)
                    print(f"  {entity_id:45} {state['state']}")
                printer.cancel()
                await ws.close()
            print(
                f"\nOpen http://127.0.0.1:{port}/lpr-recent and log in as"
                f" {USERNAME} / {PASSWORD}  (Ctrl-C stops everything)"
            )
            while not once and not stop.is_set():
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(stop.wait(), timeout=25)
                if not stop.is_set():
                    await site.camera_sender.post(bodies.keepalive("empty", CAMERA))
                    await site.nvr_sender.post(bodies.keepalive("nvr", NVR))
        finally:
            print("Stopping Home Assistant and the simulated devices ...")
            await stop_site(site)
    print("Stopped.")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, default=8123)
    parser.add_argument("--once", action="store_true", help="stop after the stream")
    args = parser.parse_args()
    asyncio.run(main(args.port, args.once))
