"""Decisions and de-duplication of plate reads (no Home Assistant here).

A camera reads the same car several times while it approaches. Inside the dedup window,
reads of one plate from one camera publish once, except that a read reaching a better
decision band than the one published is published too (a "review" read later confirmed
by an "accept" read). Later reads still refresh the best confidence and images.
"""

from __future__ import annotations

from collections import OrderedDict
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
    confidence: float


@dataclass(frozen=True, slots=True)
class DedupResult:
    """``publish``: announce this read; ``improved``: it is the best read of the visit so
    far (its images should replace the ones shown); ``repeat``: not the visit's first."""

    publish: bool
    improved: bool
    repeat: bool


class Deduplicator:
    """Per (camera, plate) memory of what was published inside the window.

    It keeps only a few numbers per plate (never the read or its images), and forgets
    plates first seen more than ``window`` seconds ago, oldest first.
    """

    def __init__(self, window: float) -> None:
        self.window = window
        self._seen: OrderedDict[tuple[str, str], _Seen] = OrderedDict()

    def __len__(self) -> int:
        return len(self._seen)

    def offer(self, read: PlateRead, decision: Decision, now: float) -> DedupResult:
        """Record a read at ``now`` (seconds, non-decreasing) and say whether to publish it."""
        while self._seen:
            oldest = next(iter(self._seen.values()))
            if now - oldest.first <= self.window:
                break
            self._seen.popitem(last=False)
        key = (read.camera_id, read.plate_normalized)
        confidence = read.confidence if read.confidence is not None else 0.0
        seen = self._seen.get(key)
        if seen is None:
            self._seen[key] = _Seen(now, decision, confidence)
            return DedupResult(publish=True, improved=True, repeat=False)
        better = _RANK[decision] > _RANK[seen.decision]
        improved = better or confidence > seen.confidence
        if improved:
            seen.confidence = max(confidence, seen.confidence)
        if better:
            seen.decision = decision
        return DedupResult(publish=better, improved=improved, repeat=True)
