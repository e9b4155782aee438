"""IoU and Dice of thresholded foreground masks against hand-computed cases."""

import pytest
import torch

from inferlab.eval.segmentation import foreground_share, iou_dice, mean_iou_dice


def test_iou_and_dice_of_overlapping_masks():
    pred = torch.zeros(1, 1, 4, 4)
    gt = torch.zeros(1, 1, 4, 4)
    pred[..., :2, :] = 0.9  # 8 pixels
    gt[..., 1:3, :] = 1.0  # 8 pixels, 4 shared
    iou, dice = iou_dice(pred, gt)
    assert iou.item() == pytest.approx(4 / 12) and dice.item() == pytest.approx(8 / 16)


def test_threshold_is_strictly_above_one_half_and_empty_pairs_score_one():
    pred = torch.tensor([[0.5, 0.6, 0.0, 0.0], [0.0, 0.0, 0.0, 0.0]])
    gt = torch.tensor([[1.0, 1.0, 0.0, 0.0], [0.0, 0.0, 0.0, 0.0]])
    iou, dice = iou_dice(pred, gt)
    assert iou.tolist() == pytest.approx([0.5, 1.0]) and dice.tolist() == pytest.approx([2 / 3, 1.0])
    assert mean_iou_dice(pred, gt) == pytest.approx({"iou": 0.75, "dice": (2 / 3 + 1) / 2})


def test_shape_mismatch_is_refused():
    with pytest.raises(ValueError, match="one shape"):
        iou_dice(torch.zeros(2, 4), torch.zeros(2, 5))


def test_foreground_share_counts_pixels_strictly_above_one_half_per_image():
    pred = torch.tensor([[0.5, 0.6, 0.9, 0.0], [1.0, 1.0, 1.0, 1.0]])
    assert foreground_share(pred).tolist() == pytest.approx([0.5, 1.0])
