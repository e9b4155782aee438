"""`make bench`: every method's bench over several seeds; one JSON line per run and a mean/sd summary."""

from __future__ import annotations

import argparse
import json
import math
import statistics
from pathlib import Path

from inferlab.cli import run_bench
from inferlab.jsonfile import strict_dumps
from inferlab.methods.registry import method_names


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("--out", default="reports/bench")
    p.add_argument("--seeds", type=int, nargs="+", default=[0, 1, 2])
    p.add_argument("--preset", default="tiny")
    p.add_argument("--methods", nargs="+", default=method_names())
    args = p.parse_args()
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    summary = {}
    with (out / "bench.jsonl").open("a") as log:
        for method in args.methods:
            runs = [run_bench(method, args.preset, [], seed, "auto", out / f"{method}-seed{seed}") for seed in args.seeds]
            for r in runs:
                log.write(strict_dumps(r) + "\n")
            summary[method] = {label: _summarise([_part(r, label) for r in runs])
                               for label in [method, *runs[0]["baselines"]]}
    (out / "summary.json").write_text(json.dumps(summary, indent=2) + "\n")
    print(json.dumps(summary))


def _part(result: dict, label: str) -> dict:
    """The metrics of the method itself (label == method) or of one baseline."""
    return result["metrics"] if label == result["method"] else result["baselines"][label]


def _summarise(runs: list[dict]) -> dict[str, str]:
    """'mean ± sd' over seeds for every numeric metric; a seed where it is NaN or missing is left out and counted."""
    keys = dict.fromkeys(k for r in runs for k, v in r.items() if isinstance(v, (int, float)))
    summary = {}
    for k in keys:
        values = [r[k] for r in runs if isinstance(r.get(k), (int, float)) and math.isfinite(r[k])]
        text = _mean_sd(values) if values else "—"
        summary[k] = text if len(values) == len(runs) else f"{text} ({len(values)} of {len(runs)} seeds finite)"
    return summary


def _mean_sd(values: list[float]) -> str:
    return f"{statistics.mean(values):.4g} ± {statistics.stdev(values) if len(values) > 1 else 0.0:.2g}"


if __name__ == "__main__":
    main()
