import math

import numpy as np
import pytest

from inferlab.eval.modes import mode_stats

CENTERS = np.array([[2 * math.cos(a), 2 * math.sin(a)] for a in np.arange(8) * 2 * math.pi / 8])
STD = 0.02


def test_three_of_eight_modes_covered_all_high_quality():
    rng = np.random.default_rng(0)
    samples = np.concatenate([c + 0.5 * STD * rng.normal(size=(300, 2)) for c in CENTERS[[0, 3, 5]]])
    stats = mode_stats(samples, CENTERS, STD)
    assert stats == {"modes_covered": 3, "hq_ratio": 1.0}


def test_true_mixture_covers_all_modes_with_expected_hq_ratio():
    # for a 2D isotropic Gaussian, P(||x - c|| > 3 std) = exp(-4.5) ~ 1.1%
    rng = np.random.default_rng(2)
    samples = CENTERS[rng.integers(0, 8, size=20_000)] + STD * rng.normal(size=(20_000, 2))
    stats = mode_stats(samples, CENTERS, STD)
    assert stats["modes_covered"] == 8
    assert stats["hq_ratio"] == pytest.approx(1 - math.exp(-4.5), abs=0.003)


def test_far_samples_are_not_high_quality():
    samples = np.full((100, 2), 50.0)
    assert mode_stats(samples, CENTERS, STD) == {"modes_covered": 0, "hq_ratio": 0.0}


def test_a_few_stray_samples_do_not_cover_a_mode_by_default():
    rng = np.random.default_rng(1)
    main = CENTERS[0] + 0.5 * STD * rng.normal(size=(1600, 2))  # expected per mode 200 -> default min_count 2
    stray = CENTERS[[4]]  # exactly one sample on mode 4
    samples = np.concatenate([main, stray])
    assert mode_stats(samples, CENTERS, STD)["modes_covered"] == 1
    assert mode_stats(samples, CENTERS, STD, min_count=1)["modes_covered"] == 2
    assert mode_stats(samples, CENTERS, STD)["hq_ratio"] == pytest.approx(1.0)
