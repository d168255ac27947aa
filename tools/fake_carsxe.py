"""A fake CarsXE server speaking its JSON (reference: shared/reference/carsxe_api.md).

``/v1/auth/validate``, ``POST /platerecognition`` (it downloads ``image_url`` like the real
service, so a test proves the image URL works from outside), ``GET /v2/platedecoder`` and
``GET /specs`` (which echoes the key in ``input`` like the real one). Faults are injected
per path with ``fail_next(path, status, body)``.
"""

from __future__ import annotations

import hashlib
from typing import Any

import aiohttp
from aiohttp import web


def image_id(data: bytes) -> str:
    """How the fake recognises an image it was told about."""
    return hashlib.sha256(data).hexdigest()


class FakeCarsXE:
    """Accepts the keys in ``valid_keys``; records every request."""

    def __init__(self, valid_keys: tuple[str, ...] = ("test-key",)) -> None:
        self.valid_keys = set(valid_keys)
        self.requests: list[tuple[str, dict[str, str]]] = []
        self.idempotency_keys: list[str] = []
        self.fetched: list[tuple[str, int]] = []
        self.images: dict[str, list[dict[str, Any]]] = {}
        self.vehicles: dict[tuple[str, str, str | None], dict[str, Any]] = {}
        self.specs_data: dict[str, dict[str, Any]] = {}
        self._faults: dict[str, list[tuple[int, dict[str, Any]]]] = {}
        self._runner: web.AppRunner | None = None
        self.port = 0

    @property
    def url(self) -> str:
        """Base URL to configure instead of api.carsxe.com."""
        return f"http://127.0.0.1:{self.port}"

    def calls(self, path: str) -> int:
        """How many requests reached ``path``."""
        return sum(1 for p, _ in self.requests if p == path)

    def add_image(
        self, jpeg: bytes, plate: str, score: float = 0.95, region: str = "us-ca"
    ) -> None:
        """Make ``jpeg`` recognisable as ``plate``."""
        self.images[image_id(jpeg)] = [
            {
                "box": {"xmin": 100, "ymin": 200, "xmax": 300, "ymax": 260},
                "plate": plate.lower(),
                "region": {"code": region, "score": 0.9},
                "score": score,
                "candidates": [{"plate": plate.lower(), "score": score}],
                "dscore": 0.99,
            }
        ]

    def fail_next(self, path: str, status: int, body: dict[str, Any] | None = None) -> None:
        """The next request to ``path`` gets this answer."""
        self._faults.setdefault(path, []).append(
            (status, body or {"success": False, "message": f"injected {status}"})
        )

    async def start(self) -> str:
        """Listen on a free loopback port; returns the base URL."""
        app = web.Application()
        app.router.add_get("/v1/auth/validate", self._validate)
        app.router.add_post("/platerecognition", self._recognize)
        app.router.add_get("/v2/platedecoder", self._decode)
        app.router.add_get("/specs", self._specs)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        self.port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
        return self.url

    async def stop(self) -> None:
        """Stop listening."""
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    def _gate(self, request: web.Request) -> web.Response | None:
        self.requests.append((request.path, dict(request.query)))
        self.idempotency_keys.append(request.headers.get("Idempotency-Key", ""))
        if request.query.get("key") not in self.valid_keys:
            return web.json_response(
                {"success": False, "message": "User with this API key was not found"}, status=401
            )
        if faults := self._faults.get(request.path):
            status, body = faults.pop(0)
            return web.json_response(body, status=status)
        return None

    async def _validate(self, request: web.Request) -> web.Response:
        if (refused := self._gate(request)) is not None:  # (a Response is falsy: a mapping)
            return refused
        return web.json_response({"success": True, "valid": True})

    async def _recognize(self, request: web.Request) -> web.Response:
        if (refused := self._gate(request)) is not None:
            return refused
        body = await request.json()
        url = body.get("image_url")
        if not url:
            return web.json_response({"success": False, "message": "Missing upload URL"}, 400)
        async with aiohttp.ClientSession() as session, session.get(url) as resp:
            data = await resp.read()
            self.fetched.append((url, resp.status))
        if resp.status != 200:
            return web.json_response(
                {"success": False, "message": "Could not download the image"}, status=400
            )
        results = self.images.get(image_id(data))
        if not results:
            return web.json_response(
                {"success": False, "message": "No plates detected in image"}, status=404
            )
        return web.json_response(
            {"success": True, "message": "", "results": results, "processing_time": 117.8}
        )

    async def _decode(self, request: web.Request) -> web.Response:
        if (refused := self._gate(request)) is not None:
            return refused
        q = request.query
        found = self.vehicles.get((q.get("plate", ""), q.get("country", "US"), q.get("state")))
        if found is None:
            return web.json_response(
                {"success": False, "message": "No data found for this plate"}, status=404
            )
        return web.json_response({"success": True, "input": dict(q), **found})

    async def _specs(self, request: web.Request) -> web.Response:
        if (refused := self._gate(request)) is not None:
            return refused
        vin = request.query.get("vin", "")
        if vin not in self.specs_data:
            return web.json_response({"success": False, "message": "No data found"}, status=404)
        return web.json_response(
            {
                "success": True,
                "input": {"key": request.query.get("key"), "vin": vin},
                "attributes": self.specs_data[vin],
            }
        )
