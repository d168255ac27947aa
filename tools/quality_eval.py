"""A labelled evaluation set for the quality gate, generated (never committed).

Synthetic plates rendered with OpenCV on varied backgrounds, then degraded at known levels:
blurred, darkened, over-exposed, glared, shrunk or cut off. Each frame is labelled usable or
unusable by construction; levels between "clearly fine" and "clearly bad" are not generated,
so every label is unambiguous. Frames are 1280x720 (the gate's benchmark uses 1080p).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import cv2
import numpy as np

from tools.images import render_plate

KINDS = (
    "clean",
    "motion_blur",
    "too_dark",
    "overexposed",
    "glare",
    "plate_too_small",
    "plate_cut_off",
)
LETTERS = list("ABCDEFGHJKLMNPRSTUVWXYZ0123456789")
WIDTH, HEIGHT = 1280, 720


@dataclass(frozen=True)
class Sample:
    """One labelled frame."""

    jpeg: bytes
    box: tuple[int, int, int, int]
    usable: bool
    kind: str


def _background(rng: np.random.Generator) -> np.ndarray:
    top, bottom = rng.uniform(60, 200, 3), rng.uniform(60, 200, 3)
    ramp = np.linspace(0, 1, HEIGHT, dtype=np.float32)[:, None, None]
    rows = (top * (1 - ramp) + bottom * ramp).astype(np.uint8)
    frame = np.ascontiguousarray(np.broadcast_to(rows, (HEIGHT, WIDTH, 3)))
    for _ in range(int(rng.integers(5, 25))):  # clutter: walls, bushes, kerbs
        x, y = int(rng.integers(0, WIDTH)), int(rng.integers(0, HEIGHT))
        w, h = int(rng.integers(30, 350)), int(rng.integers(15, 200))
        color = tuple(int(c) for c in rng.integers(30, 230, 3))
        cv2.rectangle(frame, (x, y), (x + w, y + h), color, -1)
    noise = np.zeros(frame.shape, np.int16)
    cv2.randn(noise, 0, 6)
    return cv2.add(frame.astype(np.int16), noise, dtype=cv2.CV_16S).clip(0, 255).astype(np.uint8)


def _scene(rng: np.random.Generator, plate_width: int) -> tuple[np.ndarray, tuple[int, ...]]:
    frame = _background(rng)
    text = "".join(rng.choice(LETTERS, int(rng.integers(5, 8))))
    plate_height = max(plate_width * 52 // 110, 8)
    plate = render_plate(text, plate_width, plate_height)
    x = int(rng.integers(WIDTH // 5, WIDTH * 4 // 5 - plate_width))
    y = int(rng.integers(HEIGHT // 3, HEIGHT * 5 // 6 - plate_height))
    car_color = tuple(int(c) for c in rng.integers(20, 200, 3))
    cv2.rectangle(
        frame,
        (x - plate_width, y - plate_height * 3),
        (x + plate_width * 2, y + plate_height * 2),
        car_color,
        -1,
    )
    frame[y : y + plate_height, x : x + plate_width] = plate
    return frame, (x, y, x + plate_width, y + plate_height)


def _degrade(
    rng: np.random.Generator, frame: np.ndarray, box: tuple[int, ...], kind: str
) -> tuple[np.ndarray, tuple[int, ...]]:
    x0, y0, x1, y1 = box
    if kind == "clean":  # usable variation: exposure and slight softness
        frame = cv2.convertScaleAbs(frame, alpha=rng.uniform(0.8, 1.05), beta=rng.uniform(-10, 5))
        if rng.random() < 0.5:
            frame = cv2.GaussianBlur(frame, (3, 3), 0.6)
    elif kind == "motion_blur":  # a car crossing: horizontal smear of 15-30 % of the plate
        length = max(int((x1 - x0) * rng.uniform(0.15, 0.3)), 9)
        frame = cv2.blur(frame, (length, 1 + int(rng.integers(0, 3))))
    elif kind == "too_dark":
        frame = cv2.convertScaleAbs(frame, alpha=rng.uniform(0.05, 0.18))
    elif kind == "overexposed":
        frame = cv2.convertScaleAbs(frame, alpha=rng.uniform(2.6, 4.0), beta=rng.uniform(60, 120))
    elif kind == "glare":  # a headlight or sun reflection over most of the plate
        axes = (int((x1 - x0) * rng.uniform(0.45, 0.7)), int((y1 - y0) * rng.uniform(0.5, 0.8)))
        cv2.ellipse(frame, ((x0 + x1) // 2, (y0 + y1) // 2), axes, 0, 0, 360, (255,) * 3, -1)
    elif kind == "plate_cut_off":  # the frame ends inside the plate (the box is clipped)
        cut = x0 + int((x1 - x0) * rng.uniform(0.4, 0.7))
        frame = np.ascontiguousarray(frame[:, :cut])
        box = (x0, y0, cut, y1)
    return frame, box


def generate(per_kind: int = 40, seed: int = 7) -> Iterator[Sample]:
    """``per_kind`` frames of each degradation and three times as many clean, usable ones
    (so that usable and unusable frames are about equally many)."""
    rng = np.random.default_rng(seed)
    for kind in KINDS:
        for _ in range(per_kind * (3 if kind == "clean" else 1)):
            small = kind == "plate_too_small"
            plate_width = int(rng.integers(20, 40) if small else rng.integers(110, 260))
            frame, box = _scene(rng, plate_width)
            frame, box = _degrade(rng, frame, box, kind)
            ok, buf = cv2.imencode(".jpg", frame, [cv2.IMWRITE_JPEG_QUALITY, 85])
            if not ok:  # pragma: no cover
                raise RuntimeError("JPEG encoding failed")
            yield Sample(buf.tobytes(), tuple(box), kind == "clean", kind)  # type: ignore[arg-type]
