"""`inferlab` command line: thin wiring of registry, engine and eval (docs/architecture.md, CLI contract).

Generic commands live here; a package's own subcommands (`inferlab data ...`, `inferlab assist ...`) are declared
by the package and listed in methods/registry.py COMMAND_MODULES. Building the parser imports neither torch nor any
method: `inferlab list` and every `--help` stay fast.
"""

from __future__ import annotations

import argparse
import importlib
import json
import os
import shutil
import sys
import time
import traceback
from pathlib import Path

from inferlab.cli_options import add_compute_options, positive_int
from inferlab.jsonfile import strict_dumps
from inferlab.methods.registry import COMMAND_MODULES, METHODS

EPILOG = """examples:
  inferlab list
  inferlab config lebm --preset paper               every config key and its value
  inferlab train lebm --preset tiny --set train.steps=500 --out runs/lebm-demo
  inferlab train --resume runs/lebm-demo            continue a killed or finished run (add --set train.steps=N)
  inferlab eval runs/lebm-demo --json
  inferlab sample runs/lebm-demo -n 64 --out samples.png
  inferlab bench lebm --preset tiny --json          method and baselines, same data/seed/budget; JSON on the last line
  inferlab demo --out reports/demo                  every method's tiny bench and an HTML report
  inferlab assist build scenes/s0 --seed 0           generate + train an editable scene of object nodes
  inferlab assist render scenes/s0 --edits edits.json --camera-path ring:8 --out renders/
  inferlab assist edit scenes/s0                    browser editor on http://127.0.0.1:8765/
  inferlab data raven --config all --n 100 --out data/raven --size 80 --answers iraven
  inferlab data pointmaze --maze umaze --steps 100000 --out data/pointmaze-umaze.hdf5
  inferlab data locomotion --env hopper --steps 30000 --out data/hopper-cem.hdf5
  torchrun --nproc_per_node 2 -m inferlab train lebm --preset tiny    data-parallel (gloo on CPU, nccl on CUDA)

Every computing command takes --threads N (CPU threads per process, default 1) and --no-progress.
Exit codes: 0 ok, 2 bad input (message on stderr), 1 runtime failure (e.g. diverged MCMC).
Architecture, contracts and the run-folder layout: docs/architecture.md."""

METHOD_HELP = "method name (`inferlab list`: " + ", ".join(METHODS) + ")"
RUN_HELP = "run folder written by `inferlab train` (holds config.json and checkpoints/)"


def methods_table() -> str:
    """One line per method: name, presets (paper presets that need the user's data marked *), summary."""
    lines = []
    for name, info in METHODS.items():
        presets = ", ".join(p + ("*" if p in (info.user_data or {}) else "") for p in info.presets)
        lines.append(f"  {name:8s} presets: {presets}\n           {info.summary}")
    return "\n".join(lines) + ("\n  * trains on placeholder data unless you point it at your own (e.g. --set "
                               "data.name=folder:/data/svhn); refused without --allow-placeholder-data")


def build_parser() -> argparse.ArgumentParser:
    raw = argparse.RawDescriptionHelpFormatter
    p = argparse.ArgumentParser(prog="inferlab", description="Latent-variable models learned by maximum likelihood; "
                                "sampling, planning and reasoning as inference.", epilog=EPILOG, formatter_class=raw)
    sub = p.add_subparsers(dest="command", required=True, metavar="COMMAND", title="commands (COMMAND --help)")
    sub.add_parser("list", help="one line per method: name, summary, presets",
                   description="One line per method: name, one-line summary, presets (* = needs your data).")

    def config_options(sp) -> None:
        sp.add_argument("--preset", default="tiny", help="config preset (default: tiny; see `inferlab list`)")
        sp.add_argument("--set", nargs="+", default=[], metavar="KEY=VALUE", dest="overrides",
                        help="override config fields, e.g. --set train.steps=200 model.latent_dim=8 "
                        "(`inferlab config METHOD` lists every key)")

    def device_option(sp) -> None:
        sp.add_argument("--device", default="auto", help="auto (CUDA if present), cpu or cuda (default: auto)")

    def placeholder_option(sp) -> None:
        sp.add_argument("--allow-placeholder-data", action="store_true",
                        help="run a paper preset (* in `inferlab list`) on its placeholder data anyway")

    c = sub.add_parser("config", help="print a preset's resolved config (every key --set accepts) as JSON",
                       description="Print a preset's resolved config as JSON: every key --set accepts.",
                       epilog="methods and presets:\n" + methods_table(), formatter_class=raw)
    c.add_argument("method", nargs="?", metavar="METHOD", help=METHOD_HELP)
    config_options(c)

    t = sub.add_parser("train", help="train a method and write a run folder",
                       description="Train a method from a preset and write a run folder (config.json, checkpoints/, "
                       "metrics.jsonl, tb/, samples/); or continue one with --resume DIR.",
                       epilog="methods and presets:\n" + methods_table(), formatter_class=raw)
    t.add_argument("method", nargs="?", metavar="METHOD", help=METHOD_HELP + "; optional with --resume")
    config_options(t)
    device_option(t)
    t.add_argument("--seed", type=int, default=0, help="one seed for Python, numpy and torch (default: 0)")
    t.add_argument("--out", metavar="DIR", help="run folder (default: runs/<method>-<timestamp>)")
    t.add_argument("--resume", metavar="DIR", help="continue the run in DIR from checkpoints/last.pt")
    placeholder_option(t)
    add_compute_options(t)

    e = sub.add_parser("eval", help="evaluate a run folder's checkpoint",
                       description="Evaluate a run folder's checkpoint with the seed its training evaluation used.")
    e.add_argument("run", metavar="DIR", help=RUN_HELP)
    e.add_argument("--checkpoint", choices=("last", "best"), default="last", help="which checkpoint (default: last)")
    e.add_argument("--json", action="store_true", help="print one JSON object")
    device_option(e)
    add_compute_options(e, progress=False)

    s = sub.add_parser("sample", help="draw samples from a run folder's checkpoint into a PNG",
                       description="Draw samples from a run folder's checkpoint and save them as one PNG grid.")
    s.add_argument("run", metavar="DIR", help=RUN_HELP)
    s.add_argument("-n", type=positive_int, default=64, help="number of samples (default: 64)")
    s.add_argument("--out", required=True, metavar="FILE.png", help="the PNG to write")
    s.add_argument("--checkpoint", choices=("last", "best"), default="last", help="which checkpoint (default: last)")
    s.add_argument("--seed", type=int, default=0, help="sampling seed (default: 0)")
    device_option(s)
    add_compute_options(s, progress=False)

    b = sub.add_parser("bench", help="train a method and its baselines side by side on the same budget",
                       description="Train a method and its baselines on the same data, seed and update budget; "
                       "print their metrics (--json: one JSON object on the last line of stdout).",
                       epilog="methods and presets:\n" + methods_table(), formatter_class=raw)
    b.add_argument("method", nargs="?", metavar="METHOD", help=METHOD_HELP)
    config_options(b)
    device_option(b)
    b.add_argument("--seed", type=int, default=0, help="one seed for every variant (default: 0)")
    b.add_argument("--json", action="store_true", help="print the result as JSON on the last line of stdout")
    b.add_argument("--out", metavar="DIR",
                   help="folder for run folders and figures (default: reports/bench/<method>-<timestamp>)")
    placeholder_option(b)
    add_compute_options(b)

    d = sub.add_parser("demo", help="every method's tiny bench and an HTML report with plots",
                       description="Every method's tiny bench, --jobs at a time in worker processes (longest "
                       "first), then an HTML report (OUT/index.html). A failed bench is named with its error line, "
                       "the others still run and the report is written without it; the exit code is then 1.")
    d.add_argument("--out", default="reports/demo", metavar="DIR", help="report folder (default: reports/demo)")
    d.add_argument("--methods", nargs="+", metavar="METHOD", help="only these methods (default: all)")
    d.add_argument("--seed", type=int, default=0, help="seed of every bench (default: 0)")
    d.add_argument("--jobs", type=int, metavar="N",
                   help="benches run at once, each in its own process (default: the cores this process may use, "
                   "from its CPU affinity, divided by --threads; 2 on a 2-core machine)")
    device_option(d)
    add_compute_options(d)

    for name, module in COMMAND_MODULES.items():
        mod = importlib.import_module(module)
        mod.add_arguments(sub.add_parser(name, help=mod.HELP, description=mod.DESCRIPTION))
    return p


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    args.command_line = ["inferlab", *(sys.argv[1:] if argv is None else argv)]
    from inferlab.errors import DivergenceError, UserError

    try:
        if getattr(args, "seed", None) is not None:
            from inferlab.engine.seed import check_seed

            check_seed(args.seed)
        _apply_compute_options(args)
        code = _handler(args.command)(args)
        sys.stdout.flush()  # a closed pipe shows here, inside the guard, not at interpreter exit
        return code
    except UserError as exc:
        print(f"inferlab {args.command}: error: {exc}", file=sys.stderr)
        return 2
    except DivergenceError as exc:
        print(f"inferlab {args.command}: stopped, MCMC or loss diverged: {exc}. Lower the Langevin step size or "
              "the learning rate, then resume or retrain.", file=sys.stderr)
        return 1
    except BrokenPipeError:  # the reader went away (`inferlab eval RUN | head -1`): nothing left to say
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())  # no second error at interpreter exit
        return 141
    except KeyboardInterrupt as exc:
        print(f"inferlab {args.command}: interrupted{': ' + str(exc) if str(exc) else '.'}", file=sys.stderr)
        return getattr(exc, "exit_code", 130)
    except Exception as exc:  # the last guard: one line, traceback on demand
        if os.environ.get("INFERLAB_DEBUG"):
            traceback.print_exc()
        print(f"inferlab {args.command}: internal error: {type(exc).__name__}: {exc} "
              "(set INFERLAB_DEBUG=1 for the traceback)", file=sys.stderr)
        return 1


def _handler(command: str):
    if command in COMMAND_MODULES:
        return importlib.import_module(COMMAND_MODULES[command]).run
    return COMMANDS[command]


def _apply_compute_options(args) -> None:
    """--threads and --no-progress, before any torch work; METHOD back out of a --set list that swallowed it."""
    if getattr(args, "no_progress", False):
        from inferlab.progress import silence

        silence()
    if hasattr(args, "threads"):
        from inferlab.engine.threads import set_threads

        args.threads = set_threads(args.threads)
    if hasattr(args, "method") and hasattr(args, "overrides"):
        _recover_method(args)


def _recover_method(args) -> None:
    """`inferlab train --set train.steps=10 lebm`: --set took METHOD as one more KEY=VALUE; take it back."""
    from inferlab.errors import UserError

    stray = [o for o in args.overrides if "=" not in o]
    if not stray:
        return
    if args.method is None and stray == [args.overrides[-1]]:
        args.method = args.overrides.pop()
        return
    raise UserError(f"--set takes KEY=VALUE pairs; {stray[0]!r} has no '='. Put METHOD before --set "
                    f"(`inferlab {args.command} METHOD --set key=value ...`).")


def cmd_list(args) -> int:
    from inferlab.methods.registry import method_names

    for name in method_names():
        info = METHODS[name]
        presets = ", ".join(p + ("*" if p in (info.user_data or {}) else "") for p in info.presets)
        print(f"{name:10s} {info.summary}  [presets: {presets}]")
    print("* needs data you bring (e.g. --set data.name=folder:DIR); without it the preset trains on placeholder "
          "data and is refused unless --allow-placeholder-data is given.")
    return 0


def _need_method(args) -> str:
    from inferlab.errors import UserError

    if not args.method:
        raise UserError(f"{args.command} needs a METHOD: one of {', '.join(METHODS)} (see `inferlab list`).")
    return args.method


def cmd_config(args) -> int:
    from inferlab.engine.config import apply_overrides, config_to_dict
    from inferlab.methods.registry import dotted_value, get_method, preset_config

    spec = get_method(_need_method(args))
    cfg = apply_overrides(preset_config(spec, args.preset), args.overrides)
    key = _placeholder_key(spec, args.preset, cfg)
    if key:
        print(f"note: preset {args.preset!r} trains on placeholder data ({key}="
              f"{json.dumps(dotted_value(config_to_dict(cfg), key))}); set {key} to your data.", file=sys.stderr)
    print(json.dumps(config_to_dict(cfg), indent=2))
    return 0


def _placeholder_key(spec, preset: str, cfg) -> str | None:
    from inferlab.engine.config import config_to_dict
    from inferlab.methods.registry import placeholder_data_key, preset_config

    return placeholder_data_key(spec.name, preset, config_to_dict(cfg), config_to_dict(preset_config(spec, preset)))


def refuse_placeholder_data(spec, preset: str, cfg, allowed: bool) -> None:
    """UserError when a paper preset would train on placeholder data and the user did not say that is intended."""
    from inferlab.errors import UserError

    key = _placeholder_key(spec, preset, cfg)
    if key and not allowed:
        raise UserError(f"preset {preset!r} of {spec.name} expects your data, but {key} is still the placeholder "
                        "(a small generated set). Point it at your data (e.g. --set data.name=folder:/data/svhn; the "
                        "method's README lists the forms), or add --allow-placeholder-data to run on it.")


def cmd_train(args) -> int:
    from inferlab.engine.checkpoint import load_checkpoint, load_state_dicts
    from inferlab.engine.config import apply_overrides, config_from_dict, config_to_dict
    from inferlab.engine.device import resolve_device
    from inferlab.engine.distributed import init_distributed, shutdown_distributed
    from inferlab.engine.rundir import (LAST, check_new_run_dir, create_run_dir, default_run_dir, read_run_config,
                                        write_run_config)
    from inferlab.engine.seed import seed_everything
    from inferlab.engine.trainer import fit
    from inferlab.errors import UserError
    from inferlab.methods.registry import get_method, preset_config

    resume_state, previous = None, None
    if args.resume:
        run_dir = Path(args.resume)
        previous = read_run_config(run_dir)
        if args.method and args.method != previous["method"]:
            raise UserError(f"--resume {run_dir} is a {previous['method']} run, not {args.method}.")
        spec = get_method(previous["method"])
        cfg = apply_overrides(config_from_dict(spec.config_cls, previous["config"], f"{run_dir}/config.json"),
                              args.overrides)
        seed, preset = previous["seed"], previous["preset"]
        if (run_dir / LAST).is_file():
            resume_state = load_checkpoint(run_dir / LAST)
            if resume_state["step"] >= cfg.train.steps:
                raise UserError(f"--resume {run_dir}: the checkpoint is at step {resume_state['step']} and "
                                f"train.steps={cfg.train.steps}, so there is nothing left to train; pass "
                                f"--set train.steps=N with N > {resume_state['step']} to train on.")
        else:
            print(f"inferlab train: {run_dir} has no checkpoint yet; starting it from step 0 with its config.",
                  file=sys.stderr)
    else:
        if not args.method:
            raise UserError("train needs a METHOD (see `inferlab list`) or --resume DIR.")
        spec = get_method(args.method)
        cfg = apply_overrides(preset_config(spec, args.preset), args.overrides)
        refuse_placeholder_data(spec, args.preset, cfg, args.allow_placeholder_data)
        seed, preset = args.seed, args.preset
        run_dir = Path(args.out) if args.out else default_run_dir(spec.name)
        check_new_run_dir(run_dir)
    dist_ctx = init_distributed(args.device)
    finished = False
    try:
        device = resolve_device(args.device, dist_ctx.local_rank)
        seed_everything(seed)
        task = spec.make_task(cfg, device, dist_ctx, seed)
        if resume_state is not None:  # refuse a changed config before config.json is touched
            load_state_dicts(task.state_objects(), resume_state["objects"], run_dir / LAST)
        if dist_ctx.is_main:
            create_run_dir(run_dir)
            write_run_config(run_dir, spec.name, preset, config_to_dict(cfg), seed, str(device), previous,
                             args.command_line)
        seed_everything(seed + dist_ctx.rank)
        result = fit(task, cfg.train, seed=seed, run_dir=run_dir if dist_ctx.is_main else None, dist_ctx=dist_ctx,
                     resume=resume_state, progress=not args.no_progress)
        finished = True
    finally:
        shutdown_distributed(wait_for_all=finished)
    if dist_ctx.is_main:
        print(strict_dumps({"run": str(run_dir), "step": result.step, "seconds": round(result.seconds, 2),
                          "seconds_per_step": round(result.seconds_per_step, 4), "threads": args.threads,
                          "world_size": dist_ctx.world_size, "metrics": result.metrics}))
    return 0


def load_run(run: str, device_name: str, checkpoint: str):
    """Rebuild a run's task on `device` with the weights of its last or best checkpoint."""
    from inferlab.engine.checkpoint import load_checkpoint, load_state_dicts
    from inferlab.engine.config import config_from_dict
    from inferlab.engine.device import resolve_device
    from inferlab.engine.distributed import DistContext
    from inferlab.engine.rundir import read_run_config
    from inferlab.methods.registry import get_method

    run_dir = Path(run)
    meta = read_run_config(run_dir)
    spec = get_method(meta["method"])
    cfg = config_from_dict(spec.config_cls, meta["config"], f"{run_dir}/config.json")
    path = run_dir / "checkpoints" / f"{checkpoint}.pt"
    state = load_checkpoint(path)
    device = resolve_device(device_name)
    task = spec.make_task(cfg, device, DistContext(), meta["seed"])
    load_state_dicts(task.state_objects(), state["objects"], path)
    return task, meta, state


def cmd_eval(args) -> int:
    import torch

    task, meta, state = load_run(args.run, args.device, args.checkpoint)
    torch.manual_seed(meta["seed"] + state["step"])  # the seed `fit` evaluated this step with: same numbers
    metrics = task.evaluate()
    if args.json:
        print(strict_dumps({"run": args.run, "method": meta["method"], "step": state["step"], "metrics": metrics}))
    else:
        print(f"{meta['method']} run {args.run} at step {state['step']}:")
        for k, v in metrics.items():
            print(f"  {k:24s} {v:.4g}")
    return 0


def cmd_sample(args) -> int:
    import torch

    task, meta, _ = load_run(args.run, args.device, args.checkpoint)
    torch.manual_seed(args.seed)
    path = task.save_samples(args.n, Path(args.out))
    print(path)
    return 0


def cmd_bench(args) -> int:
    result = run_bench(_need_method(args), args.preset, args.overrides, args.seed, args.device,
                       Path(args.out) if args.out else None, allow_placeholder_data=args.allow_placeholder_data)
    if args.json:
        print(strict_dumps(result))
    else:
        from inferlab.eval.report import format_bench_table

        print(format_bench_table(result))
    return 0


def run_bench(method: str, preset: str, overrides: list[str], seed: int, device_name: str,
              out: Path | None, *, allow_placeholder_data: bool = False) -> dict:
    """Run a method's bench and wrap it in the JSON envelope of the CLI contract."""
    import torch

    from inferlab.engine.config import apply_overrides
    from inferlab.engine.device import resolve_device
    from inferlab.engine.seed import seed_everything
    from inferlab.methods.registry import get_method, preset_config

    spec = get_method(method)
    cfg = apply_overrides(preset_config(spec, preset), overrides)
    refuse_placeholder_data(spec, preset, cfg, allow_placeholder_data)
    device = resolve_device(device_name)
    out = out or Path("reports") / "bench" / f"{method}-{time.strftime('%Y%m%d-%H%M%S')}"
    staging = prepare_bench_dir(out)
    seed_everything(seed)
    t0 = time.perf_counter()
    try:
        body = spec.bench(cfg, device, seed, staging)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    result = {"method": method, "preset": preset, "seed": seed, "device": str(device),
              "threads": torch.get_num_threads(), "seconds": round(time.perf_counter() - t0, 2),
              "metrics": body["metrics"], "baselines": body["baselines"], "notes": body.get("notes", ""),
              "figures": body.get("figures", []), "out": str(out)}
    (staging / BENCH_FILE).write_text(strict_dumps(result, indent=2) + "\n")
    replace_folder(staging, out)
    return result


BENCH_FILE = "bench.json"
BENCH_MARK = ".inferlab-bench"


def prepare_bench_dir(out: Path) -> Path:
    """A fresh staging folder beside `out` where the bench writes; `out` itself is only replaced when the bench
    succeeds (`replace_folder`). A non-empty `out` that no bench made is refused before any work."""
    from inferlab.errors import UserError

    if out.exists() and (not out.is_dir() or (any(out.iterdir()) and not (out / BENCH_MARK).exists())):
        raise UserError(f"--out {out} is not empty and was not made by an earlier bench; "
                        "choose an empty or new folder so nothing of yours is overwritten.")
    staging = out.with_name(f".{out.name}.partial")
    shutil.rmtree(staging, ignore_errors=True)
    staging.mkdir(parents=True)
    (staging / BENCH_MARK).touch()
    return staging


def replace_folder(new: Path, old: Path) -> None:
    """Put `new` where `old` is, deleting `old`'s earlier contents only once `new` is complete."""
    trash = old.with_name(f".{old.name}.old")
    shutil.rmtree(trash, ignore_errors=True)
    if old.exists():
        old.rename(trash)
    new.rename(old)
    shutil.rmtree(trash, ignore_errors=True)


def cmd_demo(args) -> int:
    from inferlab.eval.demo_pool import check_jobs, default_jobs, run_benches
    from inferlab.eval.demo_report import write_demo_report
    from inferlab.methods.registry import method_info, method_names

    out = Path(args.out)
    names = args.methods or method_names()
    for name in names:
        method_info(name)  # an unknown name fails before the first bench, not after an hour
    jobs = check_jobs(args.jobs if args.jobs is not None else default_jobs(args.threads))
    t0 = time.perf_counter()
    print(f"demo: {len(names)} tiny benches, {min(jobs, len(names))} at a time, {args.threads} thread(s) each",
          file=sys.stderr, flush=True)
    outcomes = run_benches(names, seed=args.seed, device=args.device, out=out, jobs=jobs, threads=args.threads,
                           log=lambda line: print(line, file=sys.stderr, flush=True))
    results = [o.result for o in outcomes if o.result is not None]
    index = write_demo_report(out, results, {name: info.headline for name, info in METHODS.items()},
                              summary=_bench_summary())
    print(f"demo: {len(names)} benches in {time.perf_counter() - t0:.0f} s", file=sys.stderr)
    print(index)
    failed = [o for o in outcomes if o.result is None]
    for o in failed:
        print(f"inferlab demo: bench {o.method} failed: {o.error}", file=sys.stderr)
    return 1 if failed else 0


def _bench_summary(path: Path = Path("reports/bench/summary.json")) -> dict:
    """`make bench`'s seed summary when it exists (the demo report shows it beside the seed-0 figures)."""
    try:
        return json.loads(path.read_text())
    except (OSError, json.JSONDecodeError):
        return {}


COMMANDS = {"list": cmd_list, "config": cmd_config, "train": cmd_train, "eval": cmd_eval, "sample": cmd_sample,
            "bench": cmd_bench, "demo": cmd_demo}
