"""Load generator, run as a separate process: posts camera bodies over raw TCP.

Each sender keeps one persistent connection (as a camera does) and waits for each reply
before its next post. Every post carries a unique plate; the send and reply times
(``time.monotonic``, comparable across processes on Linux) are written as JSON.

python -m benchmarks.load PORT PATH COUNT CONCURRENCY OUT.json TAG
"""

from __future__ import annotations

import asyncio
import json
import sys
import time

from tools import bodies

TOKEN = b"BENCH00000"


def template() -> tuple[bytes, bytes]:
    """A 0.8 MB camera post split around its plate text (no copy per post)."""
    body = bodies.camera_plate_post(bodies.Plate(TOKEN.decode(), "whiteList"))
    head, _, tail = body.partition(TOKEN)
    return head, tail


async def sender(
    host: str, port: int, path: str, plates: list[str], parts: tuple[bytes, bytes]
) -> list[tuple[str, float, float]]:
    head, tail = parts
    reader, writer = await asyncio.open_connection(host, port)
    results = []
    for plate in plates:
        length = len(head) + len(plate) + len(tail)
        request = (
            f"POST {path} HTTP/1.1\r\nHost: {host}:{port}\r\n"
            "Content-Type: application/xml; charset=utf-8\r\n"
            f"Content-Length: {length}\r\nConnection: keep-alive\r\n\r\n"
        ).encode()
        sent = time.monotonic()
        writer.writelines([request, head, plate.encode(), tail])
        await writer.drain()
        size = 0
        while (line := await reader.readline()) not in (b"\r\n", b""):
            if line.lower().startswith(b"content-length:"):
                size = int(line.split(b":")[1])
        await reader.readexactly(size)
        results.append((plate, sent, time.monotonic()))
    writer.close()
    return results


async def main(port: int, path: str, count: int, concurrency: int, out: str, tag: str) -> None:
    parts = template()
    plates = [f"{tag}{i:0{len(TOKEN) - len(tag)}d}" for i in range(count)]
    chunks = [plates[i::concurrency] for i in range(concurrency)]
    results = await asyncio.gather(
        *(sender("127.0.0.1", port, path, chunk, parts) for chunk in chunks)
    )
    with open(out, "w", encoding="utf-8") as file:
        json.dump([row for rows in results for row in rows], file)


if __name__ == "__main__":
    asyncio.run(
        main(
            int(sys.argv[1]),
            sys.argv[2],
            int(sys.argv[3]),
            int(sys.argv[4]),
            sys.argv[5],
            sys.argv[6],
        )
    )
