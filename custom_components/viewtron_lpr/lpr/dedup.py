"""Decisions and de-duplication of plate reads (no Home Assistant here).

A camera reads the same car several times while it approaches. Inside the dedup window,
reads of one plate from one camera publish once, except that a read reaching a better
decision band than the one published is published too (a "review" read later confirmed
by an "accept" read). Later reads still refresh the best confidence and images.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from .viewtron.models import ListStatus, PlateRead


class Decision(StrEnum):
    """What an automation should make of a read."""

    ACCEPT = "accept"
    REVIEW = "review"
    REJECT = "reject"


_RANK = {Decision.REJECT: 0, Decision.REVIEW: 1, Decision.ACCEPT: 2}


def decide(
    confidence: float | None, list_status: ListStatus, accept: float, review: float
) -> Decision:
    """The confidence band of a read.

    A read without a confidence (NVR posts, older firmware) is ``accept`` when the camera
    itself matched it to a list, ``review`` otherwise.
    """
    if confidence is None:
        return Decision.ACCEPT if list_status is not ListStatus.UNKNOWN else Decision.REVIEW
    if confidence >= accept:
        return Decision.ACCEPT
    if confidence >= review:
        return Decision.REVIEW
    return Decision.REJECT


@dataclass(slots=True)
class _Seen:
    first: float
    decision: Decision
    best: PlateRead


@dataclass(frozen=True, slots=True)
class DedupResult:
    """``publish``: announce this read; ``best``: the best read of the visit so far."""

    publish: bool
    best: PlateRead
    repeat: bool


class Deduplicator:
    """Per (camera, plate) memory of what was published inside the window."""

    def __init__(self, window: float) -> None:
        self.window = window
        self._seen: dict[tuple[str, str], _Seen] = {}

    def offer(self, read: PlateRead, decision: Decision, now: float) -> DedupResult:
        """Record a read at ``now`` (seconds) and say whether to publish it."""
        self._expire(now)
        key = (read.camera_id, read.plate_normalized)
        seen = self._seen.get(key)
        if seen is None:
            self._seen[key] = _Seen(now, decision, read)
            return DedupResult(True, read, repeat=False)
        better = _RANK[decision] > _RANK[seen.decision]
        if better or (read.confidence or 0) > (seen.best.confidence or 0):
            seen.best = read
        if better:
            seen.decision = decision
            return DedupResult(True, read, repeat=True)
        return DedupResult(False, seen.best, repeat=True)

    def _expire(self, now: float) -> None:
        if len(self._seen) > 64 or any(now - s.first > self.window for s in self._seen.values()):
            self._seen = {k: s for k, s in self._seen.items() if now - s.first <= self.window}
