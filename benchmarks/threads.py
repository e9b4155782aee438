"""CPU threads and data parallelism on this machine: `make bench-threads` (run it on an otherwise idle machine).

1. One tiny training run (default: LEBM tiny, 60 steps) with --threads 1 and --threads 2, alone and with a second
   copy running at the same time; prints each configuration's training seconds and the slowdown a second copy
   causes (goal: at most 2.5x with the default of one thread).
2. Data parallelism: `torchrun --nproc_per_node 2` (one thread each) against one process (one thread), in samples
   per second of training (startup, data loading and the final evaluation excluded; the trainer's
   seconds_per_step), and the same with the final evaluation included.

Prints one table and, last, one JSON line with every figure.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path


def train_cmd(method: str, steps: int, threads: int, out: Path, extra: list[str]) -> list[str]:
    return ["-m", "inferlab", "train", method, "--preset", "tiny", "--device", "cpu", "--no-progress", "--threads",
            str(threads), "--out", str(out), "--set", f"train.steps={steps}", f"train.log_every={steps}",
            f"train.checkpoint_every={steps}", *extra]


def run_together(cmds: list[list[str]]) -> list[dict]:
    """Start every command at once; each one's last stdout line (the train JSON)."""
    env = {k: v for k, v in os.environ.items() if k not in ("OMP_NUM_THREADS", "MKL_NUM_THREADS")}
    procs = [subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
             for cmd in cmds]
    results = []
    for proc in procs:
        out, err = proc.communicate()
        if proc.returncode != 0:
            raise SystemExit(f"{' '.join(proc.args)} failed:\n{err[-2000:]}")
        results.append(json.loads([line for line in out.splitlines() if line.startswith("{")][-1]))
    return results


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--method", default="lebm", help="method whose tiny preset is timed (default: lebm)")
    p.add_argument("--steps", type=int, default=60, help="training steps per run (default: 60)")
    p.add_argument("--ddp-steps", type=int, default=200, help="training steps of the data-parallel runs (default: 200)")
    p.add_argument("--set", nargs="*", default=["eval.samples=200"], dest="extra",
                   help="more overrides for every run (default: eval.samples=200)")
    p.add_argument("--only", choices=("threads", "ddp"), help="run one of the two parts (default: both)")
    args = p.parse_args()
    py = [sys.executable]
    figures: dict[str, float] = {}
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        for threads in (1, 2) if args.only != "ddp" else ():
            alone = run_together([py + train_cmd(args.method, args.steps, threads, tmp / f"a{threads}", args.extra)])
            pair = run_together([py + train_cmd(args.method, args.steps, threads, tmp / f"p{threads}{i}", args.extra)
                                 for i in (0, 1)])
            t_alone = alone[0]["seconds_per_step"] * args.steps
            t_pair = max(r["seconds_per_step"] for r in pair) * args.steps
            figures.update({f"threads{threads}_alone_s": round(t_alone, 2),
                            f"threads{threads}_pair_s": round(t_pair, 2),
                            f"threads{threads}_slowdown": round(t_pair / t_alone, 2)})
            print(f"--threads {threads}: {figures}", file=sys.stderr, flush=True)
        if args.only != "threads":
            figures.update(data_parallel(args, py, tmp))
    report(args, figures)


def data_parallel(args, py: list[str], tmp: Path) -> dict[str, float]:
    """Samples/s of one process and of torchrun x2 (one thread each), training only and with the final evaluation."""
    one = run_together([py + train_cmd(args.method, args.ddp_steps, 1, tmp / "ddp1", args.extra)])[0]
    torchrun = py + ["-m", "torch.distributed.run", "--standalone", "--nproc_per_node", "2"]
    two = run_together([torchrun + train_cmd(args.method, args.ddp_steps, 1, tmp / "ddp2", args.extra)])[0]
    batch = json.loads((tmp / "ddp1" / "config.json").read_text())["config"]["train"]["batch_size"]
    rate1, rate2 = batch / one["seconds_per_step"], 2 * batch / two["seconds_per_step"]
    whole1 = batch * args.ddp_steps / one["seconds"]
    whole2 = 2 * batch * args.ddp_steps / two["seconds"]
    return {"ddp1_samples_per_s": round(rate1, 1), "ddp2_samples_per_s": round(rate2, 1),
            "ddp_speedup": round(rate2 / rate1, 2), "ddp_speedup_with_eval": round(whole2 / whole1, 2)}


def report(args, figures: dict[str, float]) -> None:
    """The table, then one JSON line with every figure."""
    if "threads1_alone_s" in figures:
        print(f"{args.method} tiny, {args.steps} steps, training seconds (cores: {os.cpu_count()}):")
    for threads in (1, 2) if "threads1_alone_s" in figures else ():
        print(f"  --threads {threads}: alone {figures[f'threads{threads}_alone_s']:7.2f} s, with a second copy "
              f"{figures[f'threads{threads}_pair_s']:7.2f} s, slowdown {figures[f'threads{threads}_slowdown']:.2f}x")
    if "ddp_speedup" in figures:
        print(f"data parallel, {args.ddp_steps} steps, one thread per process: 1 process "
              f"{figures['ddp1_samples_per_s']:.0f} samples/s, torchrun x2 {figures['ddp2_samples_per_s']:.0f} samples/s, "
              f"speed-up {figures['ddp_speedup']:.2f}x ({figures['ddp_speedup_with_eval']:.2f}x with the final evaluation)")
    print(json.dumps(figures))


if __name__ == "__main__":
    main()
