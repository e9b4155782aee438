"""`inferlab` command line: thin wiring of registry, engine and eval (DESIGN.md, CLI contract)."""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
import traceback
from pathlib import Path

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
  inferlab data raven --split systematicity --n 100 --out data/raven_sys --answers iraven
  inferlab data pointmaze --maze umaze --steps 100000 --out data/pointmaze-umaze.hdf5
  inferlab data locomotion --env hopper --steps 30000 --out data/hopper-cem.hdf5
  torchrun --nproc_per_node 2 -m inferlab train lebm --preset tiny    data-parallel (gloo on CPU, nccl on CUDA)

exit codes: 0 ok, 2 bad input (message on stderr), 1 runtime failure (e.g. diverged MCMC)."""


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="inferlab", description="Latent-variable models learned by maximum likelihood; "
                                "sampling, planning and reasoning as inference.", epilog=EPILOG,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = p.add_subparsers(dest="command", required=True, metavar="COMMAND")
    sub.add_parser("list", help="one line per method: name, summary, presets")
    c = sub.add_parser("config", help="print a preset's resolved config (every key --set accepts) as JSON")
    c.add_argument("method")
    c.add_argument("--preset", default="tiny")
    c.add_argument("--set", nargs="+", default=[], metavar="KEY=VALUE", dest="overrides")

    def common(sp, with_preset=True):
        if with_preset:
            sp.add_argument("--preset", default="tiny", help="config preset (default: tiny; see `inferlab list`)")
            sp.add_argument("--set", nargs="+", default=[], metavar="KEY=VALUE", dest="overrides",
                            help="override config fields, e.g. --set train.steps=200 model.latent_dim=8")
        sp.add_argument("--device", default="auto", help="auto (CUDA if present), cpu or cuda (default: auto)")

    t = sub.add_parser("train", help="train a method and write a run folder")
    t.add_argument("method", nargs="?", help="method name (optional with --resume)")
    common(t)
    t.add_argument("--seed", type=int, default=0, help="one seed for Python, numpy and torch (default: 0)")
    t.add_argument("--out", help="run folder (default: runs/<method>-<timestamp>)")
    t.add_argument("--resume", metavar="DIR", help="continue the run in DIR from checkpoints/last.pt")
    t.add_argument("--no-progress", action="store_true", help="no progress bar")

    e = sub.add_parser("eval", help="evaluate a run folder's checkpoint")
    e.add_argument("run", metavar="DIR")
    e.add_argument("--checkpoint", choices=("last", "best"), default="last")
    e.add_argument("--json", action="store_true", help="print one JSON object")
    common(e, with_preset=False)

    s = sub.add_parser("sample", help="draw samples from a run folder's checkpoint into a PNG")
    s.add_argument("run", metavar="DIR")
    s.add_argument("-n", type=int, default=64, help="number of samples (default: 64)")
    s.add_argument("--out", required=True, metavar="FILE.png")
    s.add_argument("--checkpoint", choices=("last", "best"), default="last")
    s.add_argument("--seed", type=int, default=0)
    common(s, with_preset=False)

    b = sub.add_parser("bench", help="train a method and its baselines side by side on the same budget")
    b.add_argument("method")
    common(b)
    b.add_argument("--seed", type=int, default=0)
    b.add_argument("--json", action="store_true", help="print the result as JSON on the last line of stdout")
    b.add_argument("--out", help="folder for run folders and figures (default: reports/bench/<method>-<timestamp>)")

    data = sub.add_parser("data", help="generate datasets to files").add_subparsers(dest="dataset", required=True,
                                                                                   metavar="DATASET")
    r = data.add_parser("raven", help="RAVEN / I-RAVEN matrices as official-format .npz files "
                        "(<out>/<config>/RAVEN_<i>_<split>.npz, 6/2/2 split)")
    r.add_argument("--config", help="a configuration name (e.g. center_single) or 'all' (or give --split)")
    r.add_argument("--split", help="instead of --config: an ALANS systematic-generalisation split (iid, "
                   "systematicity, productivity, localism); train/val files follow its training side, test files "
                   "its test side (see inferlab.data.raven.splits)")
    r.add_argument("--n", type=int, required=True, help="problems per configuration (with --split: in all)")
    r.add_argument("--out", required=True, metavar="DIR")
    r.add_argument("--size", type=int, default=160, help="panel size in pixels (default: 160, the official size)")
    r.add_argument("--answers", choices=("raven", "iraven"), default="raven",
                   help="candidate sets: raven (one attribute changed) or iraven (balanced bisection tree)")
    r.add_argument("--seed", type=int, default=0)
    r.add_argument("--no-progress", action="store_true", help="no progress bar")

    pm = data.add_parser("pointmaze", help="D4RL maze2d-style PointMaze wandering (waypoint controller, action "
                         "noise, rewards of the evaluation goal) as one D4RL-format .hdf5 file")
    pm.add_argument("--maze", choices=("umaze", "medium"), default="umaze")
    pm.add_argument("--steps", type=int, required=True, help="env steps in all")
    pm.add_argument("--episode-len", type=int, help="steps per episode (default: the time limit, 300 / 600)")
    pm.add_argument("--action-noise", type=float, default=0.5, help="Gaussian action noise std (default: 0.5)")
    pm.add_argument("--out", required=True, metavar="FILE.hdf5")
    pm.add_argument("--seed", type=int, default=0)
    pm.add_argument("--no-progress", action="store_true", help="no progress bar")
    lo = data.add_parser("locomotion", help="MuJoCo Hopper/HalfCheetah/Walker2d-v5 episodes of a cross-entropy "
                         "policy search (replay-style returns) as one D4RL-format .hdf5 file")
    lo.add_argument("--env", choices=("hopper", "halfcheetah", "walker2d"), required=True)
    lo.add_argument("--steps", type=int, required=True, help="env steps in all")
    lo.add_argument("--max-episode-steps", type=int, default=1000, help="time limit (default: 1000, as D4RL)")
    lo.add_argument("--out", required=True, metavar="FILE.hdf5")
    lo.add_argument("--seed", type=int, default=0)
    lo.add_argument("--no-progress", action="store_true", help="no progress bar")

    a = sub.add_parser("assist", help="ASSIST scenes: build, batch-render after edits, interactive editor")
    assist = a.add_subparsers(dest="assist_command", required=True, metavar="ACTION")
    ab = assist.add_parser("build", help="generate a scene, train its nodes and save it to SCENE_DIR")
    ab.add_argument("scene", metavar="SCENE_DIR")
    ab.add_argument("--preset", default="tiny", help="ASSIST config preset (default: tiny)")
    ab.add_argument("--seed", type=int, default=0, help="scene generator and training seed (default: 0)")
    ab.add_argument("--set", nargs="+", default=[], metavar="KEY=VALUE", dest="overrides",
                    help="override config fields, e.g. --set train.steps=300 scene.n_objects=5")
    ar = assist.add_parser("render", help="apply an edits file, then write RGB, depth and panoptic PNGs per pose")
    ar.add_argument("scene", metavar="SCENE_DIR")
    ar.add_argument("--edits", metavar="FILE", help="JSON list of edits (see methods/assist/edits.py); none = as is")
    ar.add_argument("--camera-path", default="ring:8", help="ring:N (N poses around the scene) or a JSON file "
                    "with 'frames': [{'transform_matrix': 4x4}] (transforms.json style; default: ring:8)")
    ar.add_argument("--out", required=True, metavar="DIR")
    ar.add_argument("--size", type=int, default=128, help="image side for ring paths (default: 128)")
    ar.add_argument("--samples", type=int, default=32, help="samples per node per ray (default: 32)")
    ae = assist.add_parser("edit", help="serve the interactive editor for SCENE_DIR (blocking)")
    ae.add_argument("scene", metavar="SCENE_DIR")
    ae.add_argument("--host", default="127.0.0.1")
    ae.add_argument("--port", type=int, default=8765)

    d = sub.add_parser("demo", help="every method's tiny bench and an HTML report with plots")
    d.add_argument("--out", default="reports/demo")
    d.add_argument("--methods", nargs="+", help="only these methods")
    d.add_argument("--seed", type=int, default=0)
    common(d, with_preset=False)
    return p


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    from inferlab.errors import DivergenceError, UserError

    try:
        return COMMANDS[args.command](args)
    except UserError as exc:
        print(f"inferlab {args.command}: error: {exc}", file=sys.stderr)
        return 2
    except DivergenceError as exc:
        print(f"inferlab {args.command}: stopped, MCMC or loss diverged: {exc}. Nothing was trained on the bad "
              "samples; checkpoints/last.pt still holds the last good state. Lower the Langevin step size or the "
              "learning rate, then resume or retrain.", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print(f"inferlab {args.command}: interrupted.", file=sys.stderr)
        return 130
    except Exception as exc:  # the last guard: one line, traceback on demand
        if os.environ.get("INFERLAB_DEBUG"):
            traceback.print_exc()
        print(f"inferlab {args.command}: internal error: {type(exc).__name__}: {exc} "
              "(set INFERLAB_DEBUG=1 for the traceback)", file=sys.stderr)
        return 1


def cmd_list(args) -> int:
    from inferlab.methods.registry import get_method, method_names

    for name in method_names():
        spec = get_method(name)
        print(f"{name:10s} {spec.summary}  [presets: {', '.join(spec.presets)}]")
    return 0


def cmd_config(args) -> int:
    from inferlab.engine.config import apply_overrides, config_to_dict
    from inferlab.methods.registry import get_method, preset_config

    cfg = apply_overrides(preset_config(get_method(args.method), args.preset), args.overrides)
    print(json.dumps(config_to_dict(cfg), indent=2))
    return 0


def cmd_train(args) -> int:
    from inferlab.engine.checkpoint import load_checkpoint
    from inferlab.engine.config import apply_overrides, config_from_dict, config_to_dict
    from inferlab.engine.device import resolve_device
    from inferlab.engine.distributed import init_distributed, shutdown_distributed
    from inferlab.engine.rundir import new_run_dir, read_run_config, write_run_config
    from inferlab.engine.seed import seed_everything
    from inferlab.engine.trainer import fit
    from inferlab.errors import UserError
    from inferlab.methods.registry import get_method, preset_config

    resume_state = None
    if args.resume:
        run_dir = Path(args.resume)
        meta = read_run_config(run_dir)
        if args.method and args.method != meta["method"]:
            raise UserError(f"--resume {run_dir} is a {meta['method']} run, not {args.method}.")
        spec = get_method(meta["method"])
        cfg = apply_overrides(config_from_dict(spec.config_cls, meta["config"], f"{run_dir}/config.json"),
                              args.overrides)
        seed, preset = meta["seed"], meta["preset"]
        resume_state = load_checkpoint(run_dir / "checkpoints" / "last.pt")
    else:
        if not args.method:
            raise UserError("train needs a METHOD (see `inferlab list`) or --resume DIR.")
        spec = get_method(args.method)
        cfg = apply_overrides(preset_config(spec, args.preset), args.overrides)
        seed, preset, run_dir = args.seed, args.preset, None
    dist_ctx = init_distributed(args.device)
    finished = False
    try:
        device = resolve_device(args.device, dist_ctx.local_rank)
        if dist_ctx.is_main:
            run_dir = run_dir or new_run_dir(spec.name, args.out)
            write_run_config(run_dir, spec.name, preset, config_to_dict(cfg), seed, str(device))
        seed_everything(seed)
        task = spec.make_task(cfg, device, dist_ctx, seed)
        seed_everything(seed + dist_ctx.rank)
        result = fit(task, cfg.train, seed=seed, run_dir=run_dir if dist_ctx.is_main else None, dist_ctx=dist_ctx,
                     resume=resume_state, progress=not args.no_progress)
        finished = True
    finally:
        shutdown_distributed(wait_for_all=finished)
    if dist_ctx.is_main:
        print(json.dumps({"run": str(run_dir), "step": result.step, "seconds": round(result.seconds, 2),
                          "seconds_per_step": round(result.seconds_per_step, 4), "metrics": result.metrics}))
    return 0


def load_run(run: str, device_name: str, checkpoint: str):
    """Rebuild a run's task on `device` with the weights of its last or best checkpoint."""
    from inferlab.engine.checkpoint import load_checkpoint, load_state_dicts
    from inferlab.engine.config import config_from_dict
    from inferlab.engine.device import resolve_device
    from inferlab.engine.rundir import read_run_config
    from inferlab.methods.registry import get_method

    run_dir = Path(run)
    meta = read_run_config(run_dir)
    spec = get_method(meta["method"])
    cfg = config_from_dict(spec.config_cls, meta["config"], f"{run_dir}/config.json")
    path = run_dir / "checkpoints" / f"{checkpoint}.pt"
    state = load_checkpoint(path)
    device = resolve_device(device_name)
    from inferlab.engine.distributed import DistContext

    task = spec.make_task(cfg, device, DistContext(), meta["seed"])
    load_state_dicts(task.state_objects(), state["objects"], path)
    return task, meta, state


def cmd_eval(args) -> int:
    import torch

    task, meta, state = load_run(args.run, args.device, args.checkpoint)
    torch.manual_seed(meta["seed"] + state["step"])  # the seed `fit` evaluated this step with: same numbers
    metrics = task.evaluate()
    if args.json:
        print(json.dumps({"run": args.run, "method": meta["method"], "step": state["step"], "metrics": metrics}))
    else:
        print(f"{meta['method']} run {args.run} at step {state['step']}:")
        for k, v in metrics.items():
            print(f"  {k:24s} {v:.4g}")
    return 0


def cmd_sample(args) -> int:
    import torch

    from inferlab.errors import UserError

    if args.n < 1:
        raise UserError(f"-n {args.n}: the number of samples must be at least 1.")
    task, meta, _ = load_run(args.run, args.device, args.checkpoint)
    torch.manual_seed(args.seed)
    path = task.save_samples(args.n, Path(args.out))
    print(path)
    return 0


def cmd_bench(args) -> int:
    result = run_bench(args.method, args.preset, args.overrides, args.seed, args.device,
                       Path(args.out) if args.out else None)
    if args.json:
        print(json.dumps(result))
    else:
        from inferlab.eval.report import format_bench_table

        print(format_bench_table(result))
    return 0


def run_bench(method: str, preset: str, overrides: list[str], seed: int, device_name: str,
              out: Path | None) -> dict:
    """Run a method's bench and wrap it in the JSON envelope of the CLI contract."""
    from inferlab.engine.config import apply_overrides
    from inferlab.engine.device import resolve_device
    from inferlab.engine.seed import seed_everything
    from inferlab.methods.registry import get_method, preset_config

    spec = get_method(method)
    cfg = apply_overrides(preset_config(spec, preset), overrides)
    device = resolve_device(device_name)
    out = out or Path("reports") / "bench" / f"{method}-{time.strftime('%Y%m%d-%H%M%S')}"
    prepare_bench_dir(out)
    seed_everything(seed)
    t0 = time.perf_counter()
    body = spec.bench(cfg, device, seed, out)
    result = {"method": method, "preset": preset, "seed": seed, "device": str(device),
              "seconds": round(time.perf_counter() - t0, 2), "metrics": body["metrics"],
              "baselines": body["baselines"], "notes": body.get("notes", ""), "figures": body.get("figures", []),
              "out": str(out)}
    (out / BENCH_FILE).write_text(json.dumps(result, indent=2) + "\n")
    return result


BENCH_FILE = "bench.json"
BENCH_MARK = ".inferlab-bench"


def prepare_bench_dir(out: Path) -> None:
    """An empty folder for a bench, marked as one; a folder an earlier bench made (finished or not) is replaced,
    any other non-empty folder is left alone and refused."""
    import shutil

    from inferlab.errors import UserError

    if out.exists() and any(out.iterdir()):
        if not (out / BENCH_MARK).exists():
            raise UserError(f"--out {out} is not empty and was not made by an earlier bench; "
                            "choose an empty or new folder so nothing of yours is overwritten.")
        shutil.rmtree(out)
    out.mkdir(parents=True, exist_ok=True)
    (out / BENCH_MARK).touch()


def cmd_demo(args) -> int:
    from inferlab.eval.report import write_demo_report
    from inferlab.methods.registry import method_names

    out = Path(args.out)
    results = []
    for name in args.methods or method_names():
        print(f"demo: bench {name} (tiny)", file=sys.stderr)
        results.append(run_bench(name, "tiny", [], args.seed, args.device, out / name))
    index = write_demo_report(out, results)
    print(index)
    return 0


def cmd_data_offline_rl(args) -> int:
    """`inferlab data pointmaze|locomotion`: generate, write D4RL-format HDF5, print one JSON line of figures."""
    import numpy as np

    from inferlab.data.offline_rl import save_d4rl_hdf5
    from inferlab.eval.rollout import return_stats

    rng, t0 = np.random.default_rng(args.seed), time.perf_counter()
    if args.dataset == "pointmaze":
        from inferlab.data.pointmaze import pointmaze_dataset

        trajs = pointmaze_dataset(args.maze, rng, n_steps=args.steps, episode_len=args.episode_len,
                                  action_noise=args.action_noise, progress=not args.no_progress)
    else:
        from inferlab.data.locomotion import locomotion_dataset

        trajs = locomotion_dataset(args.env, rng, n_steps=args.steps, max_episode_steps=args.max_episode_steps,
                                   progress=not args.no_progress)
    seconds = time.perf_counter() - t0
    path = save_d4rl_hdf5(trajs, args.out)
    stats = {k: round(v, 3) for k, v in return_stats(trajs).items()
             if k != "success_rate" or args.dataset == "pointmaze"}  # success = any reward: sparse rewards only
    print(json.dumps({"out": str(path), "episodes": len(trajs), "steps": args.steps, "seconds": round(seconds, 2),
                      "steps_per_second": round(args.steps / seconds), **stats}))
    return 0


def cmd_data(args) -> int:
    if args.dataset in ("pointmaze", "locomotion"):
        return cmd_data_offline_rl(args)
    from inferlab.data.raven import CONFIG_NAMES, write_raven, write_raven_split
    from inferlab.errors import UserError

    if (args.config is None) == (args.split is None):
        raise UserError("inferlab data raven: give exactly one of --config (a configuration or 'all') and --split.")
    t0 = time.perf_counter()
    if args.split is not None:
        paths = write_raven_split(args.out, args.split, args.n, size=args.size, answers=args.answers,
                                  seed=args.seed, progress=not args.no_progress)
    else:
        configs = list(CONFIG_NAMES) if args.config == "all" else [args.config]
        paths = write_raven(args.out, configs, args.n, size=args.size, answers=args.answers, seed=args.seed,
                            progress=not args.no_progress)
    seconds = time.perf_counter() - t0
    print(json.dumps({"out": args.out, "files": len(paths), "seconds": round(seconds, 2),
                      "problems_per_second": round(len(paths) / seconds, 1)}))
    return 0


def cmd_assist(args) -> int:
    from inferlab.errors import UserError

    scene = Path(args.scene)
    if args.assist_command == "build":
        from inferlab.methods.assist.store import build_demo_scene

        t0 = time.perf_counter()
        build_demo_scene(scene, seed=args.seed, preset=args.preset, overrides=tuple(args.overrides))
        print(json.dumps({"scene": str(scene), "seconds": round(time.perf_counter() - t0, 2)}))
    elif args.assist_command == "render":
        from inferlab.methods.assist.batch import render_batch

        if args.size < 8 or args.samples < 1:
            raise UserError(f"--size {args.size} / --samples {args.samples}: need size >= 8 and samples >= 1.")
        t0 = time.perf_counter()
        paths = render_batch(scene, args.camera_path, Path(args.out), edits_file=Path(args.edits) if args.edits
                             else None, size=args.size, samples_per_node=args.samples)
        print(json.dumps({"out": args.out, "files": len(paths), "seconds": round(time.perf_counter() - t0, 2)}))
    else:
        from inferlab.apps.assist_editor.server import serve

        serve(scene, host=args.host, port=args.port)
    return 0


COMMANDS = {"list": cmd_list, "config": cmd_config, "train": cmd_train, "eval": cmd_eval, "sample": cmd_sample,
            "bench": cmd_bench, "demo": cmd_demo, "data": cmd_data,
            "assist": cmd_assist}
