"""Loss-curve plots and a self-contained HTML report (inline CSS, images referenced relative to the report)."""

from __future__ import annotations

import html
import json
import math
import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path, PurePath
from typing import Any

from matplotlib.figure import Figure

from inferlab.errors import UserError



class RawHtml(str):
    """A block written as it is (the caller escapes what it puts in)."""


@dataclass(frozen=True)
class Captioned:
    """An image with a caption under it."""

    path: PurePath
    caption: str


Block = str | PurePath | Captioned | Sequence[Mapping[str, Any]] | Mapping[str, Any]
"""str: a paragraph (RawHtml: as it is); Path: an image; Captioned: an image and its caption; list of dicts: a
table (one row per dict); a bench result {"method", "metrics", "baselines"}: a side-by-side metric table; any other
dict: a two-column name/value table."""
Section = tuple[str, Sequence[Block]]

CSS = """
body { font-family: system-ui, sans-serif; max-width: 64rem; margin: 2rem auto; padding: 0 1rem; color: #222; }
h1 { border-bottom: 2px solid #ddd; padding-bottom: .3rem; }
table { border-collapse: collapse; margin: 1rem 0; }
th, td { border: 1px solid #ccc; padding: .25rem .6rem; text-align: right; }
th:first-child, td:first-child { text-align: left; }
thead th { background: #f3f3f3; }
img { max-width: 100%; image-rendering: pixelated; margin: .5rem 0; display: block; }
figure { margin: 1rem 0; } figcaption { color: #555; font-size: .9rem; }
td.win { background: #d9f2d9; font-weight: bold; }
"""


def _read_rows(metrics: str | Path | Sequence[Mapping[str, Any]]) -> list[Mapping[str, Any]]:
    if not isinstance(metrics, (str, PurePath)):
        return list(metrics)
    path = Path(metrics)
    if not path.is_file():
        raise UserError(f"metrics file {path} does not exist; expected a run folder's metrics.jsonl")
    return [json.loads(line) for line in path.read_text().splitlines() if line.strip()]


def plot_curves(
    metrics: str | Path | Sequence[Mapping[str, Any]], keys: Sequence[str], path: str | Path, x_key: str = "step"
) -> Path:
    """PNG with one panel per metric in `keys` against `x_key` (row index when absent), from metrics.jsonl or dicts."""
    rows = _read_rows(metrics)
    present = sorted({k for r in rows for k in r})
    missing = [k for k in keys if k not in present]
    if missing:
        raise UserError(f"metrics {missing} not logged; available: {', '.join(present) or 'none'}")
    fig = Figure(figsize=(3.6 * len(keys), 3.0), dpi=100, layout="constrained")
    axes = fig.subplots(1, len(keys), squeeze=False)[0]
    for ax, key in zip(axes, keys):
        pts = [(r.get(x_key, i), r[key]) for i, r in enumerate(rows) if key in r]
        ax.plot([p[0] for p in pts], [p[1] for p in pts], lw=1.2)
        ax.set(title=key, xlabel=x_key)
        ax.grid(alpha=0.3)
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, format="png")
    return path


def _fmt(v: Any) -> str:
    if isinstance(v, float):
        return "nan" if math.isnan(v) else f"{v:.4g}"
    return "—" if v is None else str(v)


def _table(header: Sequence[Any], rows: Sequence[Sequence[Any]]) -> str:
    head = "".join(f"<th>{html.escape(_fmt(h))}</th>" for h in header)
    body = "".join("<tr>" + "".join(f"<td>{html.escape(_fmt(v))}</td>" for v in row) + "</tr>" for row in rows)
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def _bench_table(result: Mapping[str, Any]) -> str:
    """Rows = metric names, columns = the method then each baseline (missing values shown as —)."""
    runs = {str(result.get("method", "method")): result["metrics"], **result.get("baselines", {})}
    names = list(dict.fromkeys(k for m in runs.values() for k in m))
    out = _table(["metric", *runs], [[n, *(m.get(n) for m in runs.values())] for n in names])
    if result.get("notes"):
        out += f"<p>{html.escape(str(result['notes']))}</p>"
    return out


def _image(path: PurePath, out_dir: Path) -> str:
    rel = Path(os.path.relpath(out_dir / path, out_dir)).as_posix()  # absolute paths become relative
    return f'<img src="{html.escape(rel)}" alt="{html.escape(path.name)}">'


def _block(block: Block, out_dir: Path) -> str:
    if isinstance(block, RawHtml):
        return str(block)
    if isinstance(block, Captioned):
        return f"<figure>{_image(block.path, out_dir)}<figcaption>{html.escape(block.caption)}</figcaption></figure>"
    if isinstance(block, str):
        return f"<p>{html.escape(block)}</p>"
    if isinstance(block, PurePath):
        return _image(block, out_dir)
    if isinstance(block, Mapping):
        return _bench_table(block) if "metrics" in block else _table(["name", "value"], list(block.items()))
    rows = list(block)
    cols = list(dict.fromkeys(k for r in rows for k in r))
    return _table(cols, [[r.get(c) for c in cols] for r in rows])


def section_id(heading: str) -> str:
    """The anchor write_report gives a section (for links to it)."""
    return "".join(c if c.isalnum() else "-" for c in heading.lower()).strip("-") or "section"


def write_report(
    out_dir: str | Path, title: str, sections: Sequence[Section], filename: str = "index.html"
) -> Path:
    """Write `out_dir/filename`: a title and one <h2> per (heading, blocks) section; all text is HTML-escaped."""
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    parts = [f"<h1>{html.escape(title)}</h1>"]
    for heading, blocks in sections:
        parts.append(f'<section id="{section_id(heading)}"><h2>{html.escape(heading)}</h2>')
        parts.extend(_block(b, out_dir) for b in blocks)
        parts.append("</section>")
    doc = (
        f'<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8"><title>{html.escape(title)}</title>'
        f"<style>{CSS}</style></head>\n<body>\n" + "\n".join(parts) + "\n</body></html>\n"
    )
    path = out_dir / filename
    path.write_text(doc, encoding="utf-8")
    return path


def format_bench_table(result: Mapping[str, Any]) -> str:
    """The bench result as a plain-text table for the terminal: metrics down, method then baselines across."""
    runs = {str(result["method"]): result["metrics"], **result.get("baselines", {})}
    names = list(dict.fromkeys(k for m in runs.values() for k in m))
    width = max(len(n) for n in names) + 2
    lines = [f"{result['method']} bench ({result['preset']} preset, seed {result['seed']}, {result['device']}, "
             f"{result['seconds']:.0f} s)", "metric".ljust(width) + "".join(f"{r:>14s}" for r in runs)]
    lines += [n.ljust(width) + "".join(f"{_fmt(m.get(n)):>14s}" for m in runs.values()) for n in names]
    return "\n".join(lines + ([result["notes"]] if result.get("notes") else []))
