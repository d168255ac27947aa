"""The event sender speaks HTTP/1.1 the way cameras and NVRs do."""

from __future__ import annotations

from collections.abc import AsyncIterator

from aiohttp import web
import pytest

from custom_components.viewtron_lpr.lpr.viewtron import SUCCESS_REPLY
from tools import bodies
from tools.sender import EventSender

Seen = list[tuple[str, str, str, str, int]]


@pytest.fixture
async def receiver() -> AsyncIterator[tuple[int, Seen]]:
    """An aiohttp receiver (the server library Home Assistant uses) that acks like HA will."""
    seen: Seen = []

    async def handler(request: web.Request) -> web.Response:
        body = await request.read()
        seen.append(
            (
                request.path,
                request.content_type,
                request.headers.get("Connection", ""),
                str(request.url.host),
                len(body),
            )
        )
        return web.Response(body=SUCCESS_REPLY, content_type="application/xml")

    app = web.Application(client_max_size=16 * 1024 * 1024)
    app.router.add_post("/api/webhook/abc", handler)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    yield site._server.sockets[0].getsockname()[1], seen  # type: ignore[union-attr]
    await runner.cleanup()


async def test_camera_keeps_one_connection(receiver: tuple[int, Seen]) -> None:
    """Origin-form request lines, application/xml, keep-alive, several posts per socket."""
    port, seen = receiver
    sender = EventSender("127.0.0.1", port, "/api/webhook/abc")
    body = bodies.camera_plate_post(bodies.Plate("KEEP1"))
    first = await sender.post(body)
    conn = sender._conn
    second = await sender.post(bodies.keepalive("empty"))
    assert sender._conn is conn
    await sender.close()
    assert (first.status, first.body) == (200, SUCCESS_REPLY)
    assert second.headers["content-type"].startswith("application/xml")
    assert seen[0] == ("/api/webhook/abc", "application/xml", "keep-alive", "127.0.0.1", len(body))
    assert seen[1][4] == 0


async def test_nvr_absolute_form_is_routed_by_path(receiver: tuple[int, Seen]) -> None:
    """aiohttp routes the NVR's ``POST http://host:port/path`` by its path."""
    port, seen = receiver
    sender = EventSender("127.0.0.1", port, "/api/webhook/abc", nvr=True)
    body = bodies.nvr_plate_post([bodies.Plate("NVR1"), bodies.Plate("NVR2")])
    reply = await sender.post(body)
    assert (reply.status, reply.body) == (200, SUCCESS_REPLY)
    assert sender._conn is None  # Connection: close
    assert seen == [("/api/webhook/abc", "application/soap+xml", "close", "127.0.0.1", len(body))]
