"""Decision bands and de-duplication, without Home Assistant."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from custom_components.viewtron_lpr.lpr.dedup import Decision, Deduplicator, decide
from custom_components.viewtron_lpr.lpr.viewtron.models import (
    DeviceIdentity,
    ListStatus,
    PlateRead,
)


def read(plate: str, confidence: float | None, camera: str = "cam") -> PlateRead:
    return PlateRead(
        plate_raw=plate,
        plate_normalized=plate,
        confidence=confidence,
        timestamp=datetime(2026, 11, 23, tzinfo=UTC),
        timestamp_from_device=True,
        camera_id=camera,
        device=DeviceIdentity(),
        source="camera",
    )


@pytest.mark.parametrize(
    ("confidence", "status", "expected"),
    [
        (0.95, ListStatus.UNKNOWN, Decision.ACCEPT),
        (0.90, ListStatus.ALLOW, Decision.ACCEPT),
        (0.8999, ListStatus.ALLOW, Decision.REVIEW),
        (0.60, ListStatus.BLOCK, Decision.REVIEW),
        (0.59, ListStatus.ALLOW, Decision.REJECT),
        (None, ListStatus.ALLOW, Decision.ACCEPT),
        (None, ListStatus.VISITOR, Decision.ACCEPT),
        (None, ListStatus.UNKNOWN, Decision.REVIEW),
    ],
)
def test_decide(confidence: float | None, status: ListStatus, expected: Decision) -> None:
    """Bands from the thresholds; no confidence counts only with a camera-side match."""
    assert decide(confidence, status, 0.90, 0.60) is expected


def test_first_accept_publishes_at_once_and_repeats_do_not() -> None:
    """The first read publishes; repeats inside the window only improve the best read."""
    dedup = Deduplicator(30)
    first = dedup.offer(read("A1", 0.91), Decision.ACCEPT, 0)
    assert (first.publish, first.improved, first.repeat) == (True, True, False)
    second = dedup.offer(read("A1", 0.99), Decision.ACCEPT, 5)
    assert (second.publish, second.improved, second.repeat) == (False, True, True)
    worse = dedup.offer(read("A1", 0.95), Decision.ACCEPT, 6)
    assert (worse.publish, worse.improved) == (False, False)


def test_confirmation_publishes_the_better_read() -> None:
    """review → accept publishes again; accept → review does not."""
    dedup = Deduplicator(30)
    assert dedup.offer(read("B1", 0.7), Decision.REVIEW, 0).publish
    result = dedup.offer(read("B1", 0.95), Decision.ACCEPT, 1)
    assert (result.publish, result.improved, result.repeat) == (True, True, True)
    assert not dedup.offer(read("B1", 0.7), Decision.REVIEW, 2).publish


def test_window_and_keys() -> None:
    """Other plates and other cameras are separate; the window expires."""
    dedup = Deduplicator(30)
    assert dedup.offer(read("C1", 0.95), Decision.ACCEPT, 0).publish
    assert dedup.offer(read("C2", 0.95), Decision.ACCEPT, 1).publish
    assert dedup.offer(read("C1", 0.95, camera="other"), Decision.ACCEPT, 2).publish
    assert not dedup.offer(read("C1", 0.95), Decision.ACCEPT, 30).publish
    assert dedup.offer(read("C1", 0.95), Decision.ACCEPT, 30.5).publish


def test_memory_is_bounded_by_the_window() -> None:
    """Old entries are dropped, so a busy road does not grow memory."""
    dedup = Deduplicator(10)
    for index in range(1000):
        dedup.offer(read(f"P{index}", 0.95), Decision.ACCEPT, index)
    assert len(dedup) == 11
