"""A fake CarsXE server speaking its JSON (grows with the cloud-recognition work)."""

from __future__ import annotations

from aiohttp import web


class FakeCarsXE:
    """Accepts the keys in ``valid_keys``; records every request's path and query."""

    def __init__(self, valid_keys: tuple[str, ...] = ("test-key",)) -> None:
        self.valid_keys = set(valid_keys)
        self.requests: list[tuple[str, dict[str, str]]] = []
        self._runner: web.AppRunner | None = None
        self.port = 0

    @property
    def url(self) -> str:
        """Base URL to configure instead of api.carsxe.com."""
        return f"http://127.0.0.1:{self.port}"

    async def start(self) -> str:
        """Listen on a free loopback port; returns the base URL."""
        app = web.Application()
        app.router.add_get("/v1/auth/validate", self._validate)
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

    async def _validate(self, request: web.Request) -> web.Response:
        self.requests.append((request.path, dict(request.query)))
        if request.query.get("key") not in self.valid_keys:
            return web.json_response(
                {"success": False, "error": "Invalid API key", "message": "Unauthorized"},
                status=401,
            )
        return web.json_response({"success": True, "valid": True})
