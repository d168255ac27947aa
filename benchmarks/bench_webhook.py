"""POST-to-event latency, throughput and memory through Home Assistant's real HTTP stack.

Run with ``make bench`` (pytest drives a real Home Assistant; the load comes from a
separate process over loopback TCP). Three receivers are measured in one run:

* ours: the viewtron_lpr webhook; latency = post sent → bus event fired;
* the floor: a webhook in the same Home Assistant that only reads the body and replies;
* the seed-style receiver (``benchmarks/seed_receiver.py``), a separate process.

Targets (issue 4): p50 ≤ 1.5 ms, p99 ≤ 4 ms; throughput ≥ 0.4x the floor and ≥ 5x the
seed-style receiver; memory growth < 20 MB over 10,000 posts.
"""

from __future__ import annotations

import asyncio
import cProfile
import gc
import json
import logging
import os
from pathlib import Path
import pstats
import socket
import subprocess
import sys
import tempfile
import time
from typing import Any

from aiohttp import web
from homeassistant.components import webhook
from homeassistant.core import Event, HomeAssistant, callback
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.viewtron_lpr.const import EVENT_PLATE_DETECTED
from custom_components.viewtron_lpr.lpr.viewtron import SUCCESS_REPLY

ROOT = Path(__file__).parent.parent
LATENCY_POSTS = int(os.environ.get("BENCH_LATENCY_POSTS", "400"))
THROUGHPUT_POSTS = int(os.environ.get("BENCH_THROUGHPUT_POSTS", "2000"))
MEMORY_POSTS = int(os.environ.get("BENCH_MEMORY_POSTS", "10000"))


def rss_mb() -> float:
    """Resident memory of this process."""
    with open("/proc/self/status", encoding="ascii") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return float("nan")  # pragma: no cover


async def load(port: int, path: str, count: int, concurrency: int, tag: str) -> list[Any]:
    """Run the load generator process; returns [(plate, sent, replied)]."""
    with tempfile.NamedTemporaryFile(suffix=".json") as out:
        proc = await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            "benchmarks.load",
            str(port),
            path,
            str(count),
            str(concurrency),
            out.name,
            tag,
            cwd=ROOT,
        )
        assert await proc.wait() == 0
        return json.loads(Path(out.name).read_text(encoding="utf-8"))


def pct(values: list[float], q: float) -> float:
    """The q-quantile in milliseconds."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))] * 1e3


async def test_webhook_benchmark(
    hass: HomeAssistant, loaded_entry: MockConfigEntry, webhook_client: Any
) -> None:
    """Measure and print; the figures go to docs/benchmarks.md."""
    # The test harness runs the loop in debug mode and logs every request; a real Home
    # Assistant does neither.
    asyncio.get_running_loop().set_debug(False)
    logging.getLogger().setLevel(logging.WARNING)
    logging.getLogger("aiohttp.access").setLevel(logging.WARNING)
    port = webhook_client.port
    ours = f"/api/webhook/{loaded_entry.data['webhook_id']}"
    event_times: dict[str, float] = {}

    @callback
    def on_event(event: Event) -> None:
        event_times[event.data["plate_normalized"]] = time.monotonic()

    hass.bus.async_listen(EVENT_PLATE_DETECTED, on_event)

    async def floor_handler(_hass: HomeAssistant, _id: str, request: web.Request) -> web.Response:
        await request.read()
        return web.Response(body=SUCCESS_REPLY, content_type="application/xml")

    webhook.async_register(hass, "bench", "floor", "floor", floor_handler, local_only=True)
    lines = [f"webhook benchmark on {os.cpu_count()} cores, 0.8 MB camera posts over loopback"]

    async def settle(count: int) -> None:
        for _ in range(2000):
            if len(event_times) >= count:
                return
            await asyncio.sleep(0.005)

    # -- latency, one sender ---------------------------------------------------------
    profiler = cProfile.Profile() if os.environ.get("BENCH_PROFILE") else None
    if profiler:
        profiler.enable()
    rows = await load(port, ours, LATENCY_POSTS, 1, "L")
    if profiler:
        profiler.disable()
        pstats.Stats(profiler).sort_stats("cumtime").print_stats(40)
    await settle(LATENCY_POSTS)
    latency = [event_times[p] - sent for p, sent, _ in rows]
    reply = [done - sent for _, sent, done in rows]
    lines.append(
        f"ours   POST->event p50 {pct(latency, 0.5):.2f} ms  p99 {pct(latency, 0.99):.2f} ms"
        f"  (POST->reply p50 {pct(reply, 0.5):.2f} ms)"
    )
    floor_rows = await load(port, "/api/webhook/floor", LATENCY_POSTS, 1, "F")
    floor_reply = [done - sent for _, sent, done in floor_rows]
    lines.append(
        f"floor  POST->reply p50 {pct(floor_reply, 0.5):.2f} ms"
        f"  p99 {pct(floor_reply, 0.99):.2f} ms"
    )

    # -- throughput, four senders ----------------------------------------------------
    event_times.clear()
    rows = await load(port, ours, THROUGHPUT_POSTS, 4, "T")
    await settle(THROUGHPUT_POSTS)
    assert len(event_times) == THROUGHPUT_POSTS, "a post was not published"
    start = min(sent for _, sent, _ in rows)
    ours_rate = THROUGHPUT_POSTS / (max(event_times.values()) - start)
    floor_rows = await load(port, "/api/webhook/floor", THROUGHPUT_POSTS, 4, "G")
    floor_rate = THROUGHPUT_POSTS / (
        max(d for _, _, d in floor_rows) - min(s for _, s, _ in floor_rows)
    )

    with tempfile.TemporaryDirectory() as images:
        seed_port = free_port()
        seed = subprocess.Popen(
            [sys.executable, "-m", "benchmarks.seed_receiver", str(seed_port), images], cwd=ROOT
        )
        try:
            await wait_for_port(seed_port)
            seed_lat = await load(seed_port, "/API", LATENCY_POSTS // 2, 1, "S")
            seed_rows = await load(seed_port, "/API", THROUGHPUT_POSTS // 2, 4, "R")
        finally:
            seed.terminate()
            seed.wait()
    seed_rate = len(seed_rows) / (max(d for _, _, d in seed_rows) - min(s for _, s, _ in seed_rows))
    seed_p50 = pct([d - s for _, s, d in seed_lat], 0.5)
    lines.append(
        f"throughput (4 senders): ours {ours_rate:.0f} posts/s (all published), "
        f"floor {floor_rate:.0f}/s, seed-style {seed_rate:.0f}/s (p50 {seed_p50:.2f} ms)"
    )
    lines.append(
        f"ratios: ours/floor {ours_rate / floor_rate:.2f}x, ours/seed {ours_rate / seed_rate:.1f}x"
    )

    # -- memory ----------------------------------------------------------------------
    event_times.clear()
    gc.collect()
    before = rss_mb()
    await load(port, ours, MEMORY_POSTS, 4, "M")
    await settle(MEMORY_POSTS)
    await hass.async_block_till_done()
    gc.collect()
    after = rss_mb()
    lines.append(
        f"memory over {MEMORY_POSTS} posts (published {len(event_times)}): RSS "
        f"{before:.1f} -> {after:.1f} MB ({after - before:+.1f} MB)"
    )
    print("\n" + "\n".join(lines))


def free_port() -> int:
    """A free loopback port."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


async def wait_for_port(port: int) -> None:
    """Wait until something listens on ``port``."""
    for _ in range(200):
        try:
            _reader, writer = await asyncio.open_connection("127.0.0.1", port)
        except OSError:
            await asyncio.sleep(0.05)
        else:
            writer.close()
            return
    raise TimeoutError(port)
