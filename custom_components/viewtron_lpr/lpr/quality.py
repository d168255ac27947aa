"""Local image-quality gate: is a frame worth a (paid) cloud recognition call?

Per JPEG it measures sharpness (variance of the Laplacian on a reduced grayscale decode),
exposure (mean and 5th/95th percentiles), glare (share of saturated pixels, inside the plate
box when one is known) and, with a box, framing (plate width in pixels, distance from the
frame's edges). It returns pass/fail, reason codes and the measures. CPU-bound: run it in an
executor. No Home Assistant here.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import cv2
import numpy as np

REASONS = (
    "undecodable",
    "motion_blur",
    "too_dark",
    "overexposed",
    "glare",
    "plate_too_small",
    "plate_cut_off",
)

#: Images wider than this are decoded at half size (a 1080p frame becomes 960x540).
REDUCE_ABOVE = 1280


@dataclass(frozen=True, slots=True)
class QualityThresholds:
    """Where each measure starts to mean "not worth sending"."""

    min_sharpness: float = 0.15
    min_mean: float = 40.0
    min_p95: float = 90.0
    max_mean: float = 220.0
    max_p5: float = 200.0
    max_glare: float = 0.15
    min_plate_width: int = 60
    edge_margin: float = 0.005

    @classmethod
    def from_options(cls, options: dict[str, Any]) -> QualityThresholds:
        """Thresholds from a mapping, ignoring unknown keys and keeping defaults."""
        known = {k: v for k, v in options.items() if k in cls.__dataclass_fields__}
        return cls(**known)


@dataclass(frozen=True, slots=True)
class QualityReport:
    """The gate's verdict."""

    passed: bool
    reasons: tuple[str, ...]
    measures: dict[str, float] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        """JSON-safe form."""
        return {"passed": self.passed, "reasons": list(self.reasons), "measures": self.measures}


def jpeg_size(data: bytes) -> tuple[int, int] | None:
    """(width, height) from a JPEG's start-of-frame marker, without decoding it."""
    if not data.startswith(b"\xff\xd8"):
        return None
    pos = 2
    while pos + 9 < len(data):
        if data[pos] != 0xFF:
            return None
        marker = data[pos + 1]
        if marker in (0xD8, 0x01) or 0xD0 <= marker <= 0xD7:  # markers without a length
            pos += 2
            continue
        length = int.from_bytes(data[pos + 2 : pos + 4], "big")
        if 0xC0 <= marker <= 0xCF and marker not in (0xC4, 0xC8, 0xCC):
            height = int.from_bytes(data[pos + 5 : pos + 7], "big")
            width = int.from_bytes(data[pos + 7 : pos + 9], "big")
            return width, height
        pos += 2 + length
    return None


def _decode(data: bytes) -> tuple[np.ndarray[Any, Any], float] | None:
    """Grayscale decode, reduced 2x for large frames; returns (image, scale to original)."""
    size = jpeg_size(data)
    reduce = size is not None and size[0] > REDUCE_ABOVE
    flag = cv2.IMREAD_REDUCED_GRAYSCALE_2 if reduce else cv2.IMREAD_GRAYSCALE
    image = cv2.imdecode(np.frombuffer(data, np.uint8), flag)
    if image is None:
        return None
    return image, (2.0 if reduce else 1.0)


def assess_jpeg(
    data: bytes,
    box: tuple[int, int, int, int] | None = None,
    thresholds: QualityThresholds | None = None,
) -> QualityReport:
    """Assess one JPEG. ``box`` is the plate's (xmin, ymin, xmax, ymax) in image pixels."""
    limits = thresholds or QualityThresholds()
    try:
        decoded = _decode(data)
    except cv2.error:
        decoded = None
    if decoded is None or decoded[0].size == 0:
        return QualityReport(False, ("undecodable",))
    image, scale = decoded
    height, width = image.shape
    reasons: list[str] = []
    measures: dict[str, float] = {"width": width * scale, "height": height * scale}

    region = image
    if box is not None:
        xmin, ymin, xmax, ymax = (round(v / scale) for v in box)
        plate_width = (box[2] - box[0]) if box[2] > box[0] else 0
        measures["plate_width"] = float(plate_width)
        margin_x, margin_y = limits.edge_margin * width, limits.edge_margin * height
        if (
            xmin < margin_x
            or ymin < margin_y
            or xmax > width - margin_x
            or ymax > height - margin_y
        ):
            reasons.append("plate_cut_off")
        if plate_width < limits.min_plate_width:
            reasons.append("plate_too_small")
        cropped = image[max(ymin, 0) : max(ymax, 0), max(xmin, 0) : max(xmax, 0)]
        if cropped.size >= 64:
            region = cropped

    laplacian = float(cv2.Laplacian(region, cv2.CV_32F).var())
    contrast = float(region.var())
    # The Laplacian's two halves, d2/dx2 and d2/dy2, taken apart: motion blur wipes out one
    # direction while the other keeps the sum high. The weaker one, normalised by the
    # region's own contrast (so dim or flat scenes are not "blurred"), is the sharpness.
    d2x = float(cv2.Sobel(region, cv2.CV_32F, 2, 0, ksize=3).var())
    d2y = float(cv2.Sobel(region, cv2.CV_32F, 0, 2, ksize=3).var())
    sharpness = min(d2x, d2y) / contrast if contrast > 1.0 else 0.0
    measures["laplacian_var"] = round(laplacian, 1)
    histogram = cv2.calcHist([image], [0], None, [256], [0, 256]).ravel()
    cumulative = np.cumsum(histogram) / histogram.sum()
    p5 = float(np.searchsorted(cumulative, 0.05))
    p95 = float(np.searchsorted(cumulative, 0.95))
    mean = float(np.dot(histogram, np.arange(256)) / histogram.sum())
    glare = float(np.count_nonzero(region >= 254)) / region.size
    measures.update(sharpness=round(sharpness, 4), mean=round(mean, 1), p5=p5, p95=p95)
    measures["glare"] = round(glare, 4)

    if mean < limits.min_mean or p95 < limits.min_p95:
        reasons.append("too_dark")
    if mean > limits.max_mean or p5 > limits.max_p5:
        reasons.append("overexposed")
    if glare > limits.max_glare:
        reasons.append("glare")
    if sharpness < limits.min_sharpness and not {"too_dark", "glare"} & set(reasons):
        reasons.append("motion_blur")
    ordered = tuple(r for r in REASONS if r in reasons)
    return QualityReport(not ordered, ordered, measures)
