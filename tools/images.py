"""Real JPEGs made with OpenCV: plate crops and camera overview frames."""

from __future__ import annotations

from functools import lru_cache

import cv2
import numpy as np


def _encode(image: np.ndarray, quality: int) -> bytes:
    ok, buf = cv2.imencode(".jpg", image, [cv2.IMWRITE_JPEG_QUALITY, quality])
    if not ok:  # pragma: no cover - OpenCV always encodes a valid uint8 image
        raise RuntimeError("JPEG encoding failed")
    return buf.tobytes()


def render_plate(text: str, width: int = 224, height: int = 124) -> np.ndarray:
    """A white plate with a dark border and the text in black, as a BGR image."""
    plate = np.full((height, width, 3), 235, np.uint8)
    cv2.rectangle(plate, (2, 2), (width - 3, height - 3), (40, 40, 40), 3)
    scale = min(width / (len(text) * 24 + 20), height / 50)
    (tw, th), _ = cv2.getTextSize(text, cv2.FONT_HERSHEY_SIMPLEX, scale, 3)
    origin = ((width - tw) // 2, (height + th) // 2)
    cv2.putText(plate, text, origin, cv2.FONT_HERSHEY_SIMPLEX, scale, (20, 20, 20), 3, cv2.LINE_AA)
    return plate


@lru_cache(maxsize=64)
def plate_crop_jpeg(text: str, width: int = 224, height: int = 124) -> bytes:
    """The camera's plate crop for ``text``."""
    return _encode(render_plate(text, width, height), 90)


@lru_cache(maxsize=16)
def overview_jpeg(text: str, width: int = 2688, height: int = 1776, seed: int = 1) -> bytes:
    """A driveway-like overview frame with a car and the plate, sized like the camera's.

    Sensor-like noise keeps the JPEG at a realistic size (about 0.5 MB at 2688x1776).
    """
    rng = np.random.default_rng(seed)
    rows = np.linspace(90, 170, height, dtype=np.float32)[:, None]
    frame = np.repeat(np.repeat(rows, width, axis=1)[:, :, None], 3, axis=2)
    frame += rng.normal(0, 8.5, (height, width, 3)).astype(np.float32)
    image = np.clip(frame, 0, 255).astype(np.uint8)
    car_w, car_h = width * 2 // 5, height * 2 // 5
    x0, y0 = (width - car_w) // 2, height // 2 - car_h // 4
    cv2.rectangle(image, (x0, y0), (x0 + car_w, y0 + car_h), (60, 60, 150), -1)
    plate = render_plate(text, car_w // 4, car_w // 8)
    px, py = x0 + (car_w - plate.shape[1]) // 2, y0 + car_h - plate.shape[0] - car_h // 10
    image[py : py + plate.shape[0], px : px + plate.shape[1]] = plate
    return _encode(image, 80)
