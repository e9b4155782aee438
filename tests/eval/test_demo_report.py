"""The demo report: summary table with headline metric, direction, winner and links; captions; real data; loss
curves for the method and its baselines; the seed summary beside the seed-0 figures."""

import json

from inferlab.eval.demo_report import headline, write_demo_report


def _variant(folder, label, losses, data="toy2d:8gaussians"):
    run = folder / label
    run.mkdir(parents=True)
    (run / "config.json").write_text(json.dumps({"seed": 0, "config": {"data": {"name": data, "n": 300}}}))
    rows = [{"step": 10 * (i + 1), "kind": "train", "gen_loss": v} for i, v in enumerate(losses)]
    (run / "metrics.jsonl").write_text("".join(json.dumps(r) + "\n" for r in rows))


def test_demo_report_summary_links_captions_curves_and_seeds(tmp_path):
    bench = tmp_path / "lebm"
    _variant(bench, "lebm", [3.0, 2.0, 1.0])
    _variant(bench, "abp", [3.0, 2.5, 2.2])
    (bench / "abp" / "samples").mkdir()
    (bench / "abp" / "samples" / "samples_000030.png").write_bytes(b"\x89PNG")
    result = {"method": "lebm", "preset": "tiny", "seed": 0, "device": "cpu", "threads": 1, "seconds": 5.0,
              "metrics": {"fd": 10.0}, "baselines": {"abp": {"fd": 30.0}}, "notes": "",
              "figures": ["abp/samples/samples_000030.png"], "out": str(bench)}
    assert headline(result, {"lebm": ("fd", False)}) == ("fd", False, 10.0, "abp", 30.0)
    summary = {"lebm": {"lebm": {"fd": "11 ± 1.2"}, "abp": {"fd": "29 ± 2"}}}
    page = write_demo_report(tmp_path, [result], {"lebm": ("fd", False)}, summary=summary).read_text()
    top = page[:page.index('id="lebm"')]
    assert 'href="#lebm"' in top and "fd ↓" in top and "README.md" in top
    assert '<td class="win">10 (11 ± 1.2)</td>' in top and "<td>30 (29 ± 2)</td>" in top
    assert "lebm bench, variant abp: samples_000030" in page
    assert (bench / "demo_losses.png").stat().st_size > 1000 and "training losses against update step" in page
    assert (bench / "demo_real_data.png").exists() and "real training data" in page


def test_higher_is_better_headline_picks_the_strongest_baseline():
    result = {"method": "lpt", "metrics": {"maze_return": 12.0}, "baselines": {"bc": {"maze_return": 2.0},
                                                                               "dt": {"maze_return": 9.0}}}
    assert headline(result, {"lpt": ("maze_return", True)}) == ("maze_return", True, 12.0, "dt", 9.0)


def test_data_the_shared_registry_does_not_know_is_left_out_not_an_error(tmp_path):
    bench = tmp_path / "drc"
    _variant(bench, "drc", [2.0, 1.0], data="textured")  # DRC generates its own data outside data/registry
    result = {"method": "drc", "preset": "tiny", "seed": 0, "device": "cpu", "threads": 1, "seconds": 5.0,
              "metrics": {"iou": 0.5}, "baselines": {}, "notes": "", "figures": [], "out": str(bench)}
    page = write_demo_report(tmp_path, [result], {"drc": ("iou", True)}, summary={}).read_text()
    assert 'id="drc"' in page and not (bench / "demo_real_data.png").exists()
