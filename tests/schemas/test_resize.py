"""smart_resize follows FORMAT.md's rule exactly, edge cases included.

Expected sizes are worked out by hand from the rule in the comments, not taken from the code.
"""

from __future__ import annotations

import math

import pytest

from schemas.resize import (
    DEFAULT_MAX_PIXELS,
    DEFAULT_MIN_PIXELS,
    FACTOR,
    AspectRatioError,
    smart_resize,
    visual_tokens,
)

#: A budget that never binds, to test step 2 (rounding to multiples of 28) on its own.
OPEN = {"min_pixels": 1, "max_pixels": 10**12}


@pytest.mark.parametrize(
    ("side", "expected"),
    [
        (14, 28),  # 14/28 = 0.5 -> round half to even -> 0 -> max(28, 0) = 28
        (42, 56),  # 1.5 -> 2 -> 56
        (70, 56),  # 2.5 -> 2 (half to even, not 3) -> 56
        (98, 112),  # 3.5 -> 4 -> 112
        (13, 28),  # 0.46 -> 0 -> floor of 28
        (43, 56),  # 1.54 -> 2
        (1, 28),
        (28, 28),
    ],
)
def test_rounding_is_half_to_even_with_a_floor_of_one_factor(side: int, expected: int) -> None:
    assert smart_resize(side, 5 * FACTOR, **OPEN) == (expected, 5 * FACTOR)
    assert smart_resize(5 * FACTOR, side, **OPEN) == (5 * FACTOR, expected)


def test_max_budget_scales_down_with_floor() -> None:
    # 10000x10000 with max 2048*28*28: beta = sqrt(1e8 / 1605632) = 7.8918;
    # 10000 / 7.8918 / 28 = 45.25 -> floor 45 -> 1260.
    assert smart_resize(10_000, 10_000) == (1260, 1260)
    assert 1260 * 1260 <= DEFAULT_MAX_PIXELS


def test_min_budget_scales_up_with_ceil() -> None:
    # 10x10 with min 512*28*28: beta = sqrt(401408 / 100) = 63.357; 10 * 63.357 / 28 = 22.63
    # -> ceil 23 -> 644.
    assert smart_resize(10, 10) == (644, 644)
    assert 644 * 644 >= DEFAULT_MIN_PIXELS


def test_exactly_at_budget_edges_is_unchanged() -> None:
    h, w = 56 * FACTOR, 36 * FACTOR  # 2016 tokens
    assert smart_resize(h, w, max_pixels=h * w) == (h, w)
    assert smart_resize(h, w, min_pixels=h * w, max_pixels=h * w) == (h, w)


def test_a_letter_page_at_72_dpi_lands_on_multiples_of_28() -> None:
    # 792 / 28 = 28.29 -> 28 -> 784; 612 / 28 = 21.86 -> 22 -> 616; 784*616 is inside the budget.
    assert smart_resize(792, 612) == (784, 616)


@pytest.mark.parametrize(("height", "width"), [(1, 200), (200, 1), (28, 5600), (100, 20_000)])
def test_aspect_ratio_of_exactly_200_is_accepted(height: int, width: int) -> None:
    h, w = smart_resize(height, width)
    assert h % FACTOR == 0 and w % FACTOR == 0


@pytest.mark.parametrize(("height", "width"), [(100, 20_001), (20_001, 100), (1, 201)])
def test_aspect_ratio_above_200_is_an_error(height: int, width: int) -> None:
    assert max(height, width) / min(height, width) > 200  # 200.01 and beyond
    with pytest.raises(AspectRatioError, match="exceeds 200"):
        smart_resize(height, width)


@pytest.mark.parametrize(("height", "width"), [(0, 10), (10, 0), (-5, 10)])
def test_non_positive_sizes_are_rejected(height: int, width: int) -> None:
    with pytest.raises(ValueError):
        smart_resize(height, width)


def test_outputs_are_fixed_points_within_the_budget() -> None:
    """FORMAT.md's promise: an image already at a smart_resize size is left as it is."""
    for height in range(20, 4000, 97):
        for width in range(20, 4000, 89):
            if max(height, width) / min(height, width) > 200:
                continue
            h, w = smart_resize(height, width)
            assert h % FACTOR == 0 and w % FACTOR == 0
            assert h * w <= DEFAULT_MAX_PIXELS
            assert smart_resize(h, w) == (h, w), (height, width)


@pytest.mark.parametrize(("height", "width"), [(3508, 2480), (10_000, 300), (14_400, 14_400)])
def test_downscale_sides_are_floored_from_the_exact_scale(height: int, width: int) -> None:
    h, w = smart_resize(height, width)
    beta = math.sqrt(height * width / DEFAULT_MAX_PIXELS)
    assert h <= height / beta < h + FACTOR
    assert w <= width / beta < w + FACTOR


@pytest.mark.parametrize(("height", "width"), [(100, 3000), (300, 200), (40, 40)])
def test_upscale_sides_are_ceiled_from_the_exact_scale(height: int, width: int) -> None:
    h, w = smart_resize(height, width)
    beta = math.sqrt(DEFAULT_MIN_PIXELS / (height * width))
    assert h - FACTOR < height * beta <= h
    assert w - FACTOR < width * beta <= w


def test_visual_tokens() -> None:
    assert visual_tokens(1540, 1008) == 55 * 36
