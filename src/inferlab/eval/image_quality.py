"""Image quality of renders: PSNR, SSIM (Wang et al. 2004), panoptic mIoU and panoptic quality of instance maps."""

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


def _segments(instance: np.ndarray, class_id: np.ndarray) -> dict[int, tuple[np.ndarray, int]]:
    """id -> (pixel mask, class: the most frequent class id under the mask) of one view's instance map."""
    out = {}
    for i in np.unique(instance):
        mask = instance == i
        values, counts = np.unique(class_id[mask], return_counts=True)
        out[int(i)] = (mask, int(values[np.argmax(counts)]))
    return out


def panoptic_quality(pred_instance: np.ndarray, pred_class: np.ndarray, true_instance: np.ndarray,
                     true_class: np.ndarray) -> float:
    """Panoptic quality (Kirillov et al. 2019) of (V, H, W) instance and class maps, the mean over classes of

        PQ_c = sum_{(p, g) in TP_c} IoU(p, g) / (|TP_c| + |FP_c| / 2 + |FN_c| / 2),

    where in each view a predicted segment p matches a true segment g (a true positive) when both have class c
    and IoU(p, g) > 0.5 (a match is then unique); unmatched predicted segments are FP, unmatched true ones FN.
    A segment is one instance id in one view; its class is the most frequent class id under it. Classes count
    when they have a TP, FP or FN in any view; a background id is a segment like any other ("stuff" class).
    """
    pred_instance, pred_class = np.asarray(pred_instance), np.asarray(pred_class)
    true_instance, true_class = np.asarray(true_instance), np.asarray(true_class)
    if not pred_instance.shape == pred_class.shape == true_instance.shape == true_class.shape:
        raise ValueError("panoptic_quality needs four maps of the same shape, got "
                         f"{[a.shape for a in (pred_instance, pred_class, true_instance, true_class)]}")
    iou_sum: dict[int, float] = {}
    counts: dict[int, list[int]] = {}  # class -> [TP, FP, FN]
    for p_inst, p_cls, t_inst, t_cls in zip(pred_instance, pred_class, true_instance, true_class):
        pred, true = _segments(p_inst, p_cls), _segments(t_inst, t_cls)
        matched_pred, matched_true = set(), set()
        for g, (g_mask, g_cls) in true.items():
            for p, (p_mask, p_cls_) in pred.items():
                if p in matched_pred or p_cls_ != g_cls:
                    continue
                iou = (p_mask & g_mask).sum() / (p_mask | g_mask).sum()
                if iou > 0.5:
                    matched_pred.add(p)
                    matched_true.add(g)
                    iou_sum[g_cls] = iou_sum.get(g_cls, 0.0) + float(iou)
                    counts.setdefault(g_cls, [0, 0, 0])[0] += 1
                    break
        for p, (_, c) in pred.items():
            if p not in matched_pred:
                counts.setdefault(c, [0, 0, 0])[1] += 1
        for g, (_, c) in true.items():
            if g not in matched_true:
                counts.setdefault(c, [0, 0, 0])[2] += 1
    return float(np.mean([iou_sum.get(c, 0.0) / (tp + fp / 2 + fn / 2) for c, (tp, fp, fn) in counts.items()]))
