"""The bench's training-rounds curve: the mean rounds of every logged update's games in windows of updates."""

import json

import pytest

from inferlab.methods.sketch.bench import rounds_window, rounds_windows
from inferlab.methods.sketch.config import paper, tiny


def test_window_means_of_every_update_ignore_the_evaluation_rows(tmp_path):
    rows = [{"step": s, "kind": "train", "rounds": float(s % 7)} for s in range(1, 61)]
    rows.insert(30, {"step": 30, "kind": "eval", "rounds_seen": 99.0, "acc_seen": 0.5})
    (tmp_path / "metrics.jsonl").write_text("".join(json.dumps(r) + "\n" for r in rows))
    expected = [sum(s % 7 for s in range(a, b)) / (b - a) for a, b in ((1, 26), (26, 51), (51, 61))]
    assert rounds_windows(tmp_path, 25) == pytest.approx(expected)


def test_tiny_logs_every_update_and_windows_of_25():
    assert tiny().train.log_every == 1 and rounds_window(tiny()) == 25
    assert rounds_window(paper()) == paper().train.steps // 20
