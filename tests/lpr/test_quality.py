"""The quality gate on generated frames with known degradations."""

from __future__ import annotations

from collections import Counter

import cv2
import numpy as np
import pytest

from custom_components.viewtron_lpr.lpr.quality import QualityThresholds, assess_jpeg
from tools.images import overview_jpeg, plate_crop_jpeg
from tools.quality_eval import KINDS, generate


def test_labelled_set_agreement() -> None:
    """≥95 % agreement, ≥90 % of unusable frames blocked, ≥98 % of usable frames passed,
    and each degradation blocked with its own reason."""
    outcomes: Counter[tuple[bool, bool]] = Counter()
    reasons: dict[str, Counter[str]] = {kind: Counter() for kind in KINDS}
    for sample in generate(per_kind=20, seed=3):
        report = assess_jpeg(sample.jpeg, sample.box)
        outcomes[(sample.usable, report.passed)] += 1
        reasons[sample.kind].update(report.reasons)
    usable = outcomes[(True, True)] + outcomes[(True, False)]
    unusable = outcomes[(False, False)] + outcomes[(False, True)]
    agreement = (outcomes[(True, True)] + outcomes[(False, False)]) / (usable + unusable)
    assert agreement >= 0.95
    assert outcomes[(False, False)] / unusable >= 0.90
    assert outcomes[(True, True)] / usable >= 0.98
    for kind in KINDS[1:]:
        assert reasons[kind][kind] >= 18, (kind, reasons[kind])


def test_real_sized_frames_pass_with_measures() -> None:
    """The simulator's 2688x1776 overview and its plate crop pass; measures are reported."""
    report = assess_jpeg(overview_jpeg("GATE1"), (1203, 1100, 1480, 1240))
    assert report.passed, report
    assert report.measures["width"] == 2688
    assert set(report.measures) >= {"sharpness", "mean", "p5", "p95", "glare", "plate_width"}
    crop = assess_jpeg(plate_crop_jpeg("GATE1"))
    assert crop.passed, crop
    assert crop.as_dict()["reasons"] == []


@pytest.mark.parametrize("data", [b"", b"not a jpeg", b"\xff\xd8\xff\xe0" + b"\x00" * 50])
def test_undecodable(data: bytes) -> None:
    """Anything that is not an image fails as undecodable, without raising."""
    report = assess_jpeg(data)
    assert (report.passed, report.reasons) == (False, ("undecodable",))


def test_thresholds_from_options() -> None:
    """Options override defaults; unknown keys are ignored."""
    limits = QualityThresholds.from_options({"min_plate_width": 300, "dedup_window": 30})
    assert limits.min_plate_width == 300
    assert limits.min_sharpness == QualityThresholds().min_sharpness
    ok, buf = cv2.imencode(".jpg", np.full((400, 600), 128, np.uint8))
    assert ok
    report = assess_jpeg(buf.tobytes(), (100, 100, 300, 200), limits)
    assert "plate_too_small" in report.reasons
