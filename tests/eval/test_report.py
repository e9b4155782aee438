import json
from pathlib import Path

import pytest
from PIL import Image

from inferlab.errors import UserError
from inferlab.eval.report import plot_curves, write_report


def test_plot_curves_from_jsonl(tmp_path):
    log = tmp_path / "metrics.jsonl"
    log.write_text("\n".join(json.dumps({"step": i, "loss": 1 / (i + 1), "lr": 0.1}) for i in range(20)))
    path = plot_curves(log, ["loss", "lr"], tmp_path / "curves.png")
    assert Image.open(path).size[0] > 300
    with pytest.raises(UserError, match="available: loss, lr, step"):
        plot_curves(log, ["kl"], tmp_path / "x.png")


def test_report_has_bench_table_rows_images_and_escapes(tmp_path):
    bench = {
        "method": "lebm",
        "metrics": {"fd": 12.3456789, "mmd": 0.01},
        "baselines": {"vae": {"fd": 20.5, "mmd": 0.05}, "gan<x>": {"fd": 30.0}},
        "notes": "tiny & quick",
    }
    rows = [{"step": 1, "loss": 0.5}, {"step": 2, "loss": 0.25}]
    path = write_report(
        tmp_path,
        "Report <b>",
        [("Bench", [bench, Path("samples/grid.png")]), ("Log & notes", ["a < b", rows])],
    )
    text = path.read_text()
    assert path == tmp_path / "index.html"
    assert "<th>metric</th><th>lebm</th><th>vae</th><th>gan&lt;x&gt;</th>" in text
    assert "<tr><td>fd</td><td>12.35</td><td>20.5</td><td>30</td></tr>" in text
    assert "<tr><td>mmd</td><td>0.01</td><td>0.05</td><td>—</td></tr>" in text
    assert '<img src="samples/grid.png"' in text
    assert "<td>0.25</td>" in text
    assert "Report &lt;b&gt;" in text and "<b>" not in text
    assert "a &lt; b" in text and "tiny &amp; quick" in text and "Log &amp; notes" in text
    assert "http" not in text  # self-contained
