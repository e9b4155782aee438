"""The bench's frame metrics: depth errors split into object and ground pixels, panoptic mIoU and PQ."""

from __future__ import annotations

import numpy as np
import pytest

from inferlab.data.scenes3d import Render
from inferlab.methods.assist.bench import frame_metrics
from inferlab.methods.assist.render import Frame


def _truth() -> Render:
    """A 4 x 4 view: sky in row 0, object 1 (class 2) in the centre 2 x 2, ground elsewhere."""
    instance = np.zeros((4, 4), dtype=np.int32)
    instance[1:3, 1:3] = 1
    depth = np.full((4, 4), 5.0, dtype=np.float32)
    depth[0] = np.inf
    return Render(rgb=np.full((4, 4, 3), 0.5, dtype=np.float32), depth=depth, instance=instance,
                  class_id=np.where(instance == 1, 2, 0).astype(np.int32))


def test_depth_errors_are_split_into_object_and_ground_pixels():
    truth = _truth()
    depth = truth.depth.copy()
    depth[1:3, 1:3] += 0.4  # objects: 4 pixels off by 0.4
    depth[3, 0] += 1.0  # ground: one of 8 pixels off by 1
    frame = Frame(rgb=truth.rgb, depth=depth, instance=truth.instance.astype(np.int64),
                  class_id=truth.class_id.astype(np.int64))
    m = frame_metrics([frame], [truth], max_depth=10.0)
    assert m["object_depth_mae"] == pytest.approx(0.4)
    assert m["ground_depth_mae"] == pytest.approx(1.0 / 8)
    assert m["depth_mae"] == pytest.approx((4 * 0.4 + 1.0) / 12)
    assert m["panoptic_miou"] == 1.0 and m["panoptic_pq"] == 1.0
    wrong_class = Frame(rgb=truth.rgb, depth=truth.depth, instance=frame.instance, class_id=frame.class_id * 2)
    scored = frame_metrics([wrong_class], [truth], max_depth=10.0)
    assert scored["panoptic_miou"] == 1.0 and scored["panoptic_pq"] == pytest.approx(1 / 3)  # the object: FP + FN
