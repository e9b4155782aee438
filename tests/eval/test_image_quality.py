"""PSNR, SSIM and panoptic mIoU against values worked out by hand."""

from __future__ import annotations

import numpy as np
import pytest

from inferlab.eval.image_quality import panoptic_miou, panoptic_quality, psnr, ssim


def test_psnr_known_values():
    a = np.zeros((4, 4, 3))
    assert psnr(a, a + 0.1) == pytest.approx(20.0)  # MSE 0.01
    assert psnr(a, a + 0.5, data_range=2.0) == pytest.approx(10 * np.log10(4 / 0.25))
    assert psnr(a, a) == float("inf")


def test_ssim_of_constant_images_is_the_luminance_term():
    a, b = np.full((16, 16), 0.2), np.full((16, 16), 0.6)
    c1 = 0.01**2
    assert ssim(a, b) == pytest.approx((2 * 0.2 * 0.6 + c1) / (0.2**2 + 0.6**2 + c1))
    assert ssim(a, a) == pytest.approx(1.0)


def test_ssim_of_a_scaled_contrast_image():
    """y = 0.5 + k (x - 0.5) with x symmetric about 0.5 keeps every local mean at 0.5 in the limit of exact
    symmetry, so SSIM ~ (2 k var + C2) / ((1 + k^2) var + C2); a checkerboard makes the Gaussian-window statistics
    nearly exact."""
    x = 0.5 + 0.4 * ((np.indices((40, 40)).sum(0) % 2) * 2 - 1)  # +-0.4 checkerboard, variance 0.16
    k, c2 = 0.5, 0.03**2
    expected = (2 * k * 0.16 + c2) / ((1 + k * k) * 0.16 + c2)
    assert ssim(x, 0.5 + k * (x - 0.5)) == pytest.approx(expected, abs=2e-3)
    assert ssim(x, 1.0 - x) < 0  # inverted contrast: negative structure term


def test_ssim_checks_shapes_and_averages_channels():
    rng = np.random.default_rng(0)
    x = rng.random((20, 20, 3))
    assert ssim(x, x) == pytest.approx(1.0)
    with pytest.raises(ValueError, match="same shape"):
        ssim(x, x[:10])


def test_panoptic_miou_by_hand():
    target = np.array([[0, 0, 1, 1], [0, 0, 2, 2]])
    pred = np.array([[0, 0, 1, 2], [0, 0, 2, 2]])
    # id 0: 4/4; id 1: 1/2; id 2: 2/3 -> mean 13/18
    assert panoptic_miou(pred, target) == pytest.approx((1 + 0.5 + 2 / 3) / 3)
    assert panoptic_miou(target, target) == 1.0
    hallucinated = np.where(target == 1, 7, target)  # id 1 missed, id 7 invented: two zero IoUs
    assert panoptic_miou(hallucinated, target) == pytest.approx(2 / 4)


def test_panoptic_quality_by_hand():
    t_inst = np.array([[[0, 0, 1, 1], [0, 0, 2, 2]]])
    p_inst = np.array([[[0, 0, 1, 2], [0, 0, 2, 2]]])
    # classes: background 0, instance 1 class 1, instance 2 class 2 (predicted with the same classes)
    # class 0: one TP of IoU 1; class 1: IoU 1/2 is no match -> FP + FN, PQ 0; class 2: TP of IoU 2/3
    assert panoptic_quality(p_inst, p_inst, t_inst, t_inst) == pytest.approx((1 + 0 + 2 / 3) / 3)
    assert panoptic_quality(t_inst, t_inst, t_inst, t_inst) == 1.0
    wrong_class = np.where(t_inst == 2, 1, t_inst)  # right masks, instance 2 labelled class 1
    # class 0: 1; class 1: TP (IoU 1) + FP (instance 2 as class 1) -> 1 / 1.5; class 2: FN -> 0
    assert panoptic_quality(t_inst, wrong_class, t_inst, t_inst) == pytest.approx((1 + 1 / 1.5 + 0) / 3)
    with pytest.raises(ValueError, match="same shape"):
        panoptic_quality(t_inst, t_inst, t_inst, t_inst[:, :1])
