"""Parse-and-classify time per post, side by side with ``xmltodict.parse`` of the same body.

Target (issue 3): at most 0.25x of xmltodict for a 0.8 MB camera-direct post and an NVR post.
Run: .venv/bin/python -m benchmarks.bench_parser
"""

from __future__ import annotations

from collections.abc import Callable
import os
import statistics
import time

import xmltodict

from custom_components.viewtron_lpr.lpr.viewtron.models import PlatePost
from custom_components.viewtron_lpr.lpr.viewtron.parser import parse_post
from tools import bodies


def _per_call(func: Callable[[], object], repeat: int = 7, number: int = 50) -> float:
    """Median seconds per call over ``repeat`` rounds of ``number`` calls."""
    rounds = []
    for _ in range(repeat):
        start = time.perf_counter()
        for _ in range(number):
            func()
        rounds.append((time.perf_counter() - start) / number)
    return statistics.median(rounds)


def main() -> None:
    """Print the figures."""
    cases = {
        "camera-direct LPR": bodies.camera_plate_post(bodies.Plate("ABC1234", "whiteList")),
        "NVR LPR (2 plates)": bodies.nvr_plate_post([bodies.Plate("JP116D"), bodies.Plate("8AB")]),
    }
    print(f"parser benchmark on {os.cpu_count()} cores (median of 7 x 50 calls)")
    print(f"{'post':<20} {'size':>9} {'ours':>10} {'xmltodict':>10} {'ratio':>7}")
    for name, body in cases.items():
        assert isinstance(parse_post(body), PlatePost)
        ours = _per_call(lambda body=body: parse_post(body))
        ref = _per_call(lambda body=body: xmltodict.parse(body))
        print(
            f"{name:<20} {len(body) / 1e6:>7.2f}MB {ours * 1e3:>8.3f}ms {ref * 1e3:>8.3f}ms"
            f" {ours / ref:>6.3f}x"
        )
    decode_body = cases["camera-direct LPR"]
    post = parse_post(decode_body)
    assert isinstance(post, PlatePost)
    image = post.plates[0].overview_image
    assert image is not None
    print(f"overview decode (on request only): {_per_call(image.decode) * 1e3:.3f}ms")


if __name__ == "__main__":
    main()
