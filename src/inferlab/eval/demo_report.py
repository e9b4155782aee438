"""`inferlab demo`'s index.html: a summary table (every method's headline metric against its best baseline, the
winner marked, links to its section and README), then per method its bench table with the 3-seed mean ± sd of
`make bench` where reports/bench/summary.json exists, the real training data beside the samples, each variant's
loss curves on labelled axes, and every bench figure captioned with method and variant."""

from __future__ import annotations

import html
import json
import os
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from matplotlib.figure import Figure

import inferlab
from inferlab.engine.logging import read_metrics
from inferlab.errors import UserError
from inferlab.eval.report import Captioned, RawHtml, section_id, write_report

Result = Mapping[str, Any]
Headlines = Mapping[str, tuple[str, bool]]
"""method -> (headline metric, higher is better); methods not listed are compared on their "score"."""


def write_demo_report(out_dir: Path, results: Sequence[Result], headlines: Headlines,
                      summary: Mapping[str, Any] | None = None) -> Path:
    """out_dir/index.html for the bench `results` (CLI JSON envelopes); `summary` is make bench's summary.json."""
    summary = summary or {}
    sections = [("Summary", [RawHtml(summary_table(results, headlines, summary, out_dir))])]
    for r in results:
        base = Path(r["out"]).relative_to(out_dir) if Path(r["out"]).is_relative_to(out_dir) else Path(r["out"])
        variants = _variant_runs(Path(r["out"]), [r["method"], *r["baselines"]])
        blocks: list = [f"preset {r['preset']}, seed {r['seed']}, device {r['device']}, {r.get('threads', '?')} "
                        f"thread(s), {r['seconds']:.0f} s wall time", r]
        if r["method"] in summary:
            blocks += ["make bench, mean ± sd over seeds:", _summary_rows(summary[r["method"]])]
        real = _real_data_figure(variants, Path(r["out"]))
        blocks += [Captioned(base / real.relative_to(r["out"]), f"{r['method']}: real training data (what the "
                             "samples below should look like)")] if real else []
        curves = plot_variant_losses(variants, Path(r["out"]) / "demo_losses.png", r["method"])
        blocks += [Captioned(base / curves.relative_to(r["out"]), f"{r['method']} and baselines: training losses "
                             "against update step")] if curves else []
        blocks += [Captioned(base / f, _caption(r["method"], f, variants)) for f in r.get("figures", [])]
        sections.append((r["method"], blocks))
    return write_report(out_dir, "inferlab demo: every method's tiny bench", sections)


def headline(result: Result, headlines: Headlines) -> tuple[str, bool, float | None, str | None, float | None]:
    """(metric, higher_is_better, method's value, best baseline's name, its value) of one bench result."""
    metric, higher = headlines.get(result["method"], ("score", False))
    scored = {k: v[metric] for k, v in result["baselines"].items() if isinstance(v.get(metric), (int, float))}
    best = (max if higher else min)(scored, key=scored.get) if scored else None
    return metric, higher, result["metrics"].get(metric), best, scored.get(best)


def summary_table(results: Sequence[Result], headlines: Headlines, summary: Mapping[str, Any], out_dir: Path) -> str:
    """HTML rows: method (link to its section), headline metric with ↑/↓, method vs best baseline (winner marked),
    the 3-seed means where known, link to the method's README."""
    rows = []
    for r in results:
        metric, higher, mine, rival, theirs = headline(r, headlines)
        win = mine is not None and theirs is not None and (mine > theirs if higher else mine < theirs)
        lose = mine is not None and theirs is not None and (mine < theirs if higher else mine > theirs)
        seeds = summary.get(r["method"], {})
        cells = [f'<a href="#{section_id(r["method"])}">{html.escape(r["method"])}</a>',
                 f"{html.escape(metric)} {'↑' if higher else '↓'}",
                 _cell(mine, win, seeds.get(r["method"], {}).get(metric)),
                 html.escape(rival or "—"), _cell(theirs, lose, seeds.get(rival, {}).get(metric) if rival else None),
                 f'<a href="{html.escape(_readme(r["method"], out_dir))}">README</a>']
        rows.append("<tr>" + "".join(c if c.startswith("<td") else f"<td>{c}</td>" for c in cells) + "</tr>")
    head = "".join(f"<th>{h}</th>" for h in ("method", "headline metric", "method (seed 0)", "best baseline",
                                             "baseline (seed 0)", "details"))
    note = ("<p>Winner in bold on green; ↑ higher is better, ↓ lower is better; in brackets the mean ± sd over "
            "seeds from reports/bench/summary.json (`make bench`) where it exists.</p>")
    return f"<table><thead><tr>{head}</tr></thead><tbody>{''.join(rows)}</tbody></table>{note}"


def _cell(value: float | None, winner: bool, seeds: str | None) -> str:
    text = "—" if value is None else f"{value:.4g}"
    text += f" ({html.escape(seeds)})" if seeds else ""
    return f'<td class="win">{text}</td>' if winner else f"<td>{text}</td>"


def _summary_rows(per_label: Mapping[str, Mapping[str, str]]) -> list[dict]:
    metrics = list(dict.fromkeys(k for m in per_label.values() for k in m))
    return [{"metric": k, **{label: m.get(k, "—") for label, m in per_label.items()}} for k in metrics]


def _readme(method: str, out_dir: Path) -> str:
    path = Path(inferlab.__file__).parent / "methods" / method / "README.md"
    return Path(os.path.relpath(path, out_dir.resolve())).as_posix()


def _variant_runs(bench_dir: Path, labels: Sequence[str]) -> dict[str, Path]:
    """label -> run folder of each variant the bench trained (out/<label> holding metrics.jsonl)."""
    return {label: bench_dir / label for label in labels if (bench_dir / label / "metrics.jsonl").exists()}


def _caption(method: str, figure: str, variants: Mapping[str, Path]) -> str:
    first = Path(figure).parts[0]
    variant = first if first in variants else next((v for v in variants if Path(figure).stem.startswith(v)), None)
    return f"{method} bench, {'variant ' + variant if variant else 'all variants'}: {Path(figure).stem}"


def plot_variant_losses(variants: Mapping[str, Path], path: Path, method: str) -> Path | None:
    """One panel per logged loss (keys with 'loss'), one labelled line per variant; None when none was logged."""
    rows = {label: [r for r in read_metrics(run / "metrics.jsonl") if r.get("kind") == "train"]
            for label, run in variants.items()}
    keys = sorted({k for rs in rows.values() for r in rs for k in r if "loss" in k and _is_number(r[k])})
    if not keys:
        return None
    fig = Figure(figsize=(3.8 * len(keys), 3.0), dpi=100, layout="constrained")
    for ax, key in zip(fig.subplots(1, len(keys), squeeze=False)[0], keys):
        for label, rs in rows.items():
            pts = [(r["step"], r[key]) for r in rs if _is_number(r.get(key))]
            if pts:
                ax.plot(*zip(*pts), lw=1.2, label=label)
        ax.set(title=f"{method}: {key}", xlabel="update step", ylabel=key)
        ax.grid(alpha=0.3)
        ax.legend(fontsize=8)
    fig.savefig(path, format="png")
    return path


def _is_number(v: Any) -> bool:
    return isinstance(v, (int, float)) and not isinstance(v, bool)


def _real_data_figure(variants: Mapping[str, Path], bench_dir: Path) -> Path | None:
    """A grid (images) or scatter (2-D points) of the training data named by the first variant's data.name."""
    for run in variants.values():
        try:
            meta = json.loads((run / "config.json").read_text())
            name = meta["config"]["data"]["name"]
        except (OSError, KeyError, TypeError, json.JSONDecodeError):
            continue
        if not isinstance(name, str):
            continue
        from inferlab.data.registry import load_dataset
        from inferlab.eval.images import save_image_grid, save_scatter

        try:
            x = load_dataset(name, n=meta["config"]["data"].get("n") or 0, seed=meta.get("seed", 0),
                             split="train").x
        except UserError:  # a method's own generator (DRC's textured shapes): its bench figures show its data
            continue
        if x.ndim == 4:
            return save_image_grid(x[:64], bench_dir / "demo_real_data.png")
        if x.ndim == 2 and x.shape[1] == 2:
            return save_scatter({"data": x[:2000].numpy()}, bench_dir / "demo_real_data.png")
    return None
