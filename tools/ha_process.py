"""Run and drive a real Home Assistant process (the demo and the end-to-end test).

It writes a small configuration into a throwaway folder, links the integration in, starts
``python -m homeassistant`` in its own process group, completes onboarding over REST, runs
config flows over REST, and reads states and events over REST and the websocket API.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
import contextlib
import json
import os
from pathlib import Path
import signal
import subprocess
import sys
from typing import Any

import aiohttp

ROOT = Path(__file__).resolve().parent.parent
DASHBOARD = ROOT / "dashboards" / "recent_plates.yaml"

CONFIGURATION = """\
homeassistant:
  name: Viewtron LPR demo
  latitude: 52.37
  longitude: 4.89
  elevation: 0
  unit_system: metric
  time_zone: UTC
  internal_url: http://127.0.0.1:{port}
http:
  server_host: 127.0.0.1
  server_port: {port}
api:
config:
onboarding:
frontend:
webhook:
websocket_api:
diagnostics:
repairs:
logbook:
history:
lovelace:
  dashboards:
    lpr-recent:
      mode: yaml
      filename: recent_plates.yaml
      title: Recent plates
      icon: mdi:car
      show_in_sidebar: true
logger:
  default: warning
  logs:
    custom_components.viewtron_lpr: info
"""


class HomeAssistantProcess:
    """One ``hass`` process on 127.0.0.1:``port`` with its config in ``config_dir``."""

    def __init__(self, config_dir: Path, port: int) -> None:
        self.config_dir = config_dir
        self.port = port
        self.url = f"http://127.0.0.1:{port}"
        self.client_id = f"{self.url}/"
        self.token: str | None = None
        self.proc: subprocess.Popen[bytes] | None = None
        self.session: aiohttp.ClientSession | None = None
        self.log_path = config_dir / "hass.log"

    def write_config(self) -> None:
        """configuration.yaml, the dashboard, and a link to the integration."""
        self.config_dir.mkdir(parents=True, exist_ok=True)
        (self.config_dir / "configuration.yaml").write_text(
            CONFIGURATION.format(port=self.port), encoding="utf-8"
        )
        (self.config_dir / "recent_plates.yaml").write_text(
            DASHBOARD.read_text(encoding="utf-8"), encoding="utf-8"
        )
        # The location and analytics onboarding steps are answered by configuration.yaml and
        # "no": mark them done so the UI opens on the dashboard, not on the wizard (and the
        # default integrations that step would add, whose packages are absent, stay out).
        storage = self.config_dir / ".storage"
        storage.mkdir(exist_ok=True)
        onboarding = storage / "onboarding"
        if not onboarding.exists():
            onboarding.write_text(
                json.dumps(
                    {
                        "version": 4,
                        "minor_version": 1,
                        "key": "onboarding",
                        "data": {"done": ["core_config", "analytics"]},
                    }
                ),
                encoding="utf-8",
            )
        custom = self.config_dir / "custom_components"
        custom.mkdir(exist_ok=True)
        link = custom / "viewtron_lpr"
        if not link.exists():
            link.symlink_to(ROOT / "custom_components" / "viewtron_lpr")

    async def start(self, within: float = 180) -> None:
        """Start ``hass`` and wait until its HTTP API answers."""
        self.write_config()
        log = self.log_path.open("wb")
        self.proc = subprocess.Popen(  # noqa: ASYNC220, S603 - a long-running child
            [sys.executable, "-m", "homeassistant", "-c", str(self.config_dir), "--skip-pip"],
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its own process group: stop() ends all of it
        )
        log.close()
        self.session = aiohttp.ClientSession()
        deadline = asyncio.get_running_loop().time() + within
        while asyncio.get_running_loop().time() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"hass exited with {self.proc.returncode}; see {self.log_path}")
            with contextlib.suppress(aiohttp.ClientError):
                async with self.session.get(f"{self.url}/api/onboarding") as resp:
                    if resp.status == 200:
                        return
            await asyncio.sleep(0.5)
        raise TimeoutError(f"hass did not answer within {within:g} s; see {self.log_path}")

    async def stop(self, within: float = 30) -> None:
        """SIGTERM the process group, SIGKILL it if it lingers; close the HTTP session."""
        if self.session is not None:
            await self.session.close()
            self.session = None
        proc, self.proc = self.proc, None
        if proc is None or proc.poll() is not None:
            return
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGTERM)
        for _ in range(int(within * 10)):
            if proc.poll() is not None:
                return
            await asyncio.sleep(0.1)
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()

    # -- REST ------------------------------------------------------------------------
    def _headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}"} if self.token else {}

    async def request(self, method: str, path: str, **kwargs: Any) -> Any:
        """A REST call; returns the JSON answer (raises on an HTTP error)."""
        assert self.session is not None
        async with self.session.request(
            method, self.url + path, headers=self._headers(), **kwargs
        ) as resp:
            text = await resp.text()
            if resp.status >= 400:
                raise RuntimeError(f"{method} {path}: HTTP {resp.status}: {text[:300]}")
            return json.loads(text) if text else None

    async def onboard(self, username: str, password: str) -> None:
        """Create the owner account, log in, and finish onboarding (the location and
        analytics steps were marked done by :meth:`write_config`)."""
        user = await self.request(
            "POST",
            "/api/onboarding/users",
            json={
                "client_id": self.client_id,
                "name": "Demo",
                "username": username,
                "password": password,
                "language": "en",
            },
        )
        token = await self.request(
            "POST",
            "/auth/token",
            data={
                "grant_type": "authorization_code",
                "code": user["auth_code"],
                "client_id": self.client_id,
            },
        )
        self.token = token["access_token"]
        await self.request(
            "POST",
            "/api/onboarding/integration",
            json={"client_id": self.client_id, "redirect_uri": f"{self.client_id}?auth_callback=1"},
        )

    async def config_flow(self, handler: str, steps: list[dict[str, Any]]) -> list[Any]:
        """Start a config flow and answer its steps in order; returns every step's result."""
        results = [
            await self.request("POST", "/api/config/config_entries/flow", json={"handler": handler})
        ]
        for answer in steps:
            flow_id = results[-1]["flow_id"]
            results.append(
                await self.request(
                    "POST", f"/api/config/config_entries/flow/{flow_id}", json=answer
                )
            )
        return results

    async def state(self, entity_id: str) -> dict[str, Any]:
        """One entity's state object."""
        result: dict[str, Any] = await self.request("GET", f"/api/states/{entity_id}")
        return result

    # -- websocket -------------------------------------------------------------------
    @contextlib.asynccontextmanager
    async def websocket(self) -> AsyncIterator[Websocket]:
        """An authenticated websocket connection."""
        assert self.session is not None
        async with self.session.ws_connect(f"{self.url}/api/websocket") as ws:
            await ws.receive_json()  # auth_required
            await ws.send_json({"type": "auth", "access_token": self.token})
            answer = await ws.receive_json()
            if answer["type"] != "auth_ok":
                raise RuntimeError(f"websocket auth failed: {answer}")
            yield Websocket(ws)


class Websocket:
    """Commands and event subscriptions on one websocket connection."""

    def __init__(self, ws: aiohttp.ClientWebSocketResponse) -> None:
        self.ws = ws
        self._id = 0
        self.events: asyncio.Queue[dict[str, Any]] = asyncio.Queue()
        self._results: dict[int, asyncio.Future[Any]] = {}
        self._reader = asyncio.get_running_loop().create_task(self._read())

    async def _read(self) -> None:
        async for message in self.ws:
            data = message.json()
            if data["type"] == "event":
                await self.events.put(data["event"])
            elif data["type"] == "result" and (future := self._results.pop(data["id"], None)):
                if data["success"]:
                    future.set_result(data["result"])
                else:
                    future.set_exception(RuntimeError(str(data["error"])))

    async def command(self, payload: dict[str, Any]) -> Any:
        """Send a command and wait for its result."""
        self._id += 1
        future: asyncio.Future[Any] = asyncio.get_running_loop().create_future()
        self._results[self._id] = future
        await self.ws.send_json({"id": self._id, **payload})
        return await asyncio.wait_for(future, 30)

    async def subscribe(self, event_type: str) -> None:
        """Receive ``event_type`` events into :attr:`events`."""
        await self.command({"type": "subscribe_events", "event_type": event_type})

    async def entity_ids(self, platform: str) -> dict[str, str]:
        """unique_id → entity_id for one integration's entities."""
        entries = await self.command({"type": "config/entity_registry/list"})
        return {e["unique_id"]: e["entity_id"] for e in entries if e["platform"] == platform}

    async def close(self) -> None:
        """Stop reading."""
        self._reader.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await self._reader
