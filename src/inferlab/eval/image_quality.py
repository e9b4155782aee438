"""Image quality of renders: PSNR, SSIM (Wang et al. 2004) and panoptic mIoU of instance-id maps."""

from __future__ import annotations

import numpy as np
import torch
import torch.nn.functional as F


def psnr(pred: np.ndarray, target: np.ndarray, data_range: float = 1.0) -> float:
    """10 log10(data_range^2 / MSE) over all pixels and channels (inf for identical images)."""
    mse = float(np.mean((np.asarray(pred, dtype=np.float64) - np.asarray(target, dtype=np.float64)) ** 2))
    return float("inf") if mse == 0 else float(10.0 * np.log10(data_range**2 / mse))


def _gaussian_window(size: int, sigma: float) -> torch.Tensor:
    x = torch.arange(size, dtype=torch.float64) - (size - 1) / 2
    g = torch.exp(-(x**2) / (2 * sigma**2))
    g = g / g.sum()
    return torch.outer(g, g)


def ssim(pred: np.ndarray, target: np.ndarray, data_range: float = 1.0, window: int = 11,
         sigma: float = 1.5) -> float:
    """Mean SSIM of two (H, W) or (H, W, C) images, each channel on its own, averaged:

    SSIM = (2 mu_x mu_y + C1)(2 sigma_xy + C2) / ((mu_x^2 + mu_y^2 + C1)(sigma_x^2 + sigma_y^2 + C2)),
    C1 = (0.01 L)^2, C2 = (0.03 L)^2, local statistics under an 11x11 Gaussian window of sd 1.5 over the valid
    region (no padding), as in Wang et al. 2004; the window shrinks to the image for images smaller than 11.
    """
    x = torch.as_tensor(np.asarray(pred, dtype=np.float64))
    y = torch.as_tensor(np.asarray(target, dtype=np.float64))
    if x.shape != y.shape:
        raise ValueError(f"ssim needs images of the same shape, got {tuple(x.shape)} and {tuple(y.shape)}")
    if x.dim() == 2:
        x, y = x.unsqueeze(-1), y.unsqueeze(-1)
    x, y = x.permute(2, 0, 1).unsqueeze(1), y.permute(2, 0, 1).unsqueeze(1)  # (C, 1, H, W)
    size = min(window, x.shape[-1], x.shape[-2])
    w = _gaussian_window(size, sigma).view(1, 1, size, size)
    mu_x, mu_y = F.conv2d(x, w), F.conv2d(y, w)
    var_x = F.conv2d(x * x, w) - mu_x**2
    var_y = F.conv2d(y * y, w) - mu_y**2
    cov = F.conv2d(x * y, w) - mu_x * mu_y
    c1, c2 = (0.01 * data_range) ** 2, (0.03 * data_range) ** 2
    s = ((2 * mu_x * mu_y + c1) * (2 * cov + c2)) / ((mu_x**2 + mu_y**2 + c1) * (var_x + var_y + c2))
    return float(s.mean())


def panoptic_miou(pred: np.ndarray, target: np.ndarray) -> float:
    """Mean over ids of IoU(pred == id, target == id), over every id in the target or the prediction.

    Inputs are instance-id maps of one or many views (any equal shapes); counts are summed over all pixels before
    the ratio, so an id is one segment across views. A predicted id absent from the target counts as IoU 0.
    """
    pred, target = np.asarray(pred).ravel(), np.asarray(target).ravel()
    if pred.shape != target.shape:
        raise ValueError(f"panoptic_miou needs maps of the same size, got {pred.size} and {target.size} pixels")
    ious = []
    for i in np.union1d(np.unique(pred), np.unique(target)):
        p, t = pred == i, target == i
        ious.append((p & t).sum() / (p | t).sum())
    return float(np.mean(ious))
