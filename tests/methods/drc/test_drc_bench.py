"""The bench's training-free references: per-image k-means and calling every pixel foreground."""

import torch

from inferlab.data.foreground.base import ForegroundData
from inferlab.methods.drc.bench import all_foreground_metrics, kmeans_metrics


def _squares() -> dict[str, ForegroundData]:
    """Two 8x8 images: a black background with a white 3x3 (then 4x4) square away from the border."""
    images, masks = torch.full((2, 3, 8, 8), -1.0), torch.zeros(2, 1, 8, 8)
    for i, (top, side) in enumerate([(2, 3), (3, 4)]):
        masks[i, :, top:top + side, top:top + side] = 1
        images[i, :, top:top + side, top:top + side] = 1.0
    data = ForegroundData("squares", images, masks)
    return {"train": data, "test": data, "unseen": data}


def test_all_foreground_scores_the_foreground_share_of_each_image():
    metrics = all_foreground_metrics(_squares(), samples=2)
    share = (9 / 64 + 16 / 64) / 2
    dice = (2 * 9 / (9 + 64) + 2 * 16 / (16 + 64)) / 2
    assert abs(metrics["iou"] - share) < 1e-6 and abs(metrics["iou_unseen"] - share) < 1e-6
    assert abs(metrics["dice"] - dice) < 1e-6


def test_kmeans_finds_a_square_of_its_own_colour():
    metrics = kmeans_metrics(_squares(), samples=2, seed=0)
    assert metrics["iou"] > 0.99 and metrics["dice_unseen"] > 0.99
