"""Device timestamps (reference §2.9)."""

from __future__ import annotations

from datetime import UTC, datetime

_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
#: Reads outside this window are impossible for a working camera clock.
_EARLIEST = datetime(2000, 1, 1, tzinfo=UTC)
_LATEST = datetime(2100, 1, 1, tzinfo=UTC)


def parse_current_time(raw: str | None, received: datetime) -> tuple[datetime, bool]:
    """Interpret ``currentTime`` by magnitude: µs (≥1e15), ms (≥1e12) or s since the epoch.

    Returns ``(timestamp, from_device)``. Missing, non-numeric, negative, ≥ 2**63 (the
    20-digit NVR values are negative int64 read as unsigned) or out-of-window values give
    ``(received, False)``.
    """
    if not raw or not raw.isascii() or not raw.isdigit() or len(raw) > 19:
        return received, False
    value = int(raw)
    if value >= 2**63:
        return received, False
    if value >= 10**15:
        seconds, micros = divmod(value, 1_000_000)
    elif value >= 10**12:
        seconds, millis = divmod(value, 1_000)
        micros = millis * 1_000
    else:
        seconds, micros = value, 0
    if not _EARLIEST.timestamp() <= seconds < _LATEST.timestamp():
        return received, False
    return datetime.fromtimestamp(seconds, UTC).replace(microsecond=micros), True
