"""Quality gate: time per 1080p JPEG (decoding included) and agreement on the labelled set.

Targets (issue 7): ≤ 5 ms per 1080p JPEG; ≥ 95 % agreement, ≥ 90 % of unusable frames
blocked, ≥ 98 % of usable frames passed.
Run: .venv/bin/python -m benchmarks.bench_quality
"""

from __future__ import annotations

from collections import Counter
import os
import statistics
import time

from custom_components.viewtron_lpr.lpr.quality import assess_jpeg
from tools.images import overview_jpeg
from tools.quality_eval import generate


def main() -> None:
    """Print the figures."""
    frame = overview_jpeg("BENCH1", 1920, 1080)
    box = (860, 760, 1060, 850)
    times = []
    for _ in range(300):
        start = time.perf_counter()
        assess_jpeg(frame, box)
        times.append(time.perf_counter() - start)
    print(f"quality gate on {os.cpu_count()} cores")
    print(
        f"1080p JPEG ({len(frame) // 1024} KB), decode + measures: median "
        f"{statistics.median(times) * 1e3:.2f} ms, p95 {sorted(times)[284] * 1e3:.2f} ms"
    )
    outcomes: Counter[tuple[bool, bool]] = Counter()
    for sample in generate(per_kind=60, seed=2026):
        outcomes[(sample.usable, assess_jpeg(sample.jpeg, sample.box).passed)] += 1
    usable = outcomes[(True, True)] + outcomes[(True, False)]
    unusable = outcomes[(False, False)] + outcomes[(False, True)]
    print(
        f"labelled set ({usable} usable, {unusable} unusable, 1280x720): agreement "
        f"{(outcomes[(True, True)] + outcomes[(False, False)]) / (usable + unusable):.1%}, "
        f"unusable blocked {outcomes[(False, False)] / unusable:.1%}, "
        f"usable passed {outcomes[(True, True)] / usable:.1%}"
    )


if __name__ == "__main__":
    main()
