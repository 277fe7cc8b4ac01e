"""What framing a render on faces adds to an episode's cost (`bench.cost_model.framing_lines`)."""

from __future__ import annotations

import pytest

from bench import cost_model, prices


def test_a_42_second_clip_framed_on_faces() -> None:
    lines = cost_model.framing_lines(42, pieces=3)

    services = cost_model.by_service(lines)
    assert services["Rekognition"] == pytest.approx(43 * 0.001)  # captures at 0..42 s
    assert services["MediaConvert"] == pytest.approx(2 * 0.7 * 0.0075)  # JPEGs and the required MP4, SD Basic
    assert cost_model.total(lines) == pytest.approx(0.0537, abs=0.0001)
    assert all(line.basis == "assumed" and line.source for line in lines)


def test_short_clips_pay_mediaconvert_minimum() -> None:
    [capture, *_] = cost_model.framing_lines(3)

    assert capture.quantity == pytest.approx(prices.MEDIACONVERT_MINIMUM_SECONDS / 60)
    assert prices.all_prices()["REKOGNITION_DETECT_FACES_IMAGE"].source == prices.REKOGNITION_PAGE
