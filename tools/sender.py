"""Send webhook posts over real TCP, byte for byte the way the devices do.

A camera keeps one persistent HTTP/1.1 connection (``Connection: keep-alive``,
``application/xml``) and sends origin-form request lines (``POST /path HTTP/1.1``).
An NVR opens a connection per post with an absolute-form request line
(``POST http://host:port/path HTTP/1.1``), ``application/soap+xml`` and
``Connection: close`` (reference §2.1).
"""

from __future__ import annotations

import asyncio
import contextlib
from dataclasses import dataclass


@dataclass(frozen=True)
class Reply:
    """What the receiver answered."""

    status: int
    headers: dict[str, str]
    body: bytes


class EventSender:
    """Posts bodies to ``http://host:port/path`` as a camera (default) or an NVR."""

    def __init__(self, host: str, port: int, path: str, *, nvr: bool = False) -> None:
        self.host = host
        self.port = port
        self.path = path
        self.nvr = nvr
        self._conn: tuple[asyncio.StreamReader, asyncio.StreamWriter] | None = None

    def _request(self, body: bytes, content_type: str | None) -> bytes:
        if self.nvr:
            target = f"http://{self.host}:{self.port}{self.path}"
            ctype = content_type or "application/soap+xml; charset=utf-8"
            extra = "Connection: close\r\n"
        else:
            target = self.path
            ctype = content_type or "application/xml; charset=utf-8"
            extra = "Connection: keep-alive\r\nAccept-Encoding: gzip, deflate\r\n"
        head = (
            f"POST {target} HTTP/1.1\r\nHost: {self.host}:{self.port}\r\n"
            f"Content-Type: {ctype}\r\nContent-Length: {len(body)}\r\n{extra}\r\n"
        )
        return head.encode() + body

    async def post(self, body: bytes, *, content_type: str | None = None) -> Reply:
        """Send one post and read the reply."""
        if self._conn is None or self.nvr or self._conn[1].is_closing():
            self._conn = await asyncio.open_connection(self.host, self.port)
        reader, writer = self._conn
        writer.write(self._request(body, content_type))
        await writer.drain()
        reply = await _read_reply(reader)
        if self.nvr or reply.headers.get("connection", "").lower() == "close":
            await self.close()
        return reply

    async def close(self) -> None:
        """Close the connection, if open."""
        if self._conn is not None:
            writer = self._conn[1]
            self._conn = None
            writer.close()
            with contextlib.suppress(ConnectionError):
                await writer.wait_closed()


async def _read_reply(reader: asyncio.StreamReader) -> Reply:
    status_line = await reader.readline()
    if not status_line:
        raise ConnectionError("connection closed before a reply")
    status = int(status_line.split()[1])
    headers: dict[str, str] = {}
    while (line := await reader.readline()) not in (b"\r\n", b"\n", b""):
        name, _, value = line.decode("latin-1").partition(":")
        headers[name.strip().lower()] = value.strip()
    if "content-length" in headers:
        body = await reader.readexactly(int(headers["content-length"]))
    elif headers.get("transfer-encoding", "").lower() == "chunked":
        body = b""
        while size := int((await reader.readline()).strip(), 16):
            body += await reader.readexactly(size)
            await reader.readline()
        await reader.readline()
    else:
        body = await reader.read()
    return Reply(status, headers, body)
