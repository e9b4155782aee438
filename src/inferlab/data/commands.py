"""`inferlab data raven|pointmaze|locomotion`: generate a dataset to files (declared here, registered in
methods/registry.py COMMAND_MODULES; imports torch and the generators only when it runs)."""

from __future__ import annotations

import argparse
import json
import time

from inferlab.cli_options import add_compute_options, positive_int

HELP = "generate datasets to files (RAVEN matrices, PointMaze and MuJoCo locomotion episodes)"
DESCRIPTION = ("Generate a dataset to files on disk, seeded. Each prints one JSON line with what it wrote and how "
               "fast. Each method's README says which config key reads them.")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    data = parser.add_subparsers(dest="dataset", required=True, metavar="DATASET",
                                 title="datasets (DATASET --help for its options)")
    r = data.add_parser("raven", help="RAVEN / I-RAVEN matrices as official-format .npz files",
                        description="RAVEN / I-RAVEN matrices as official-format .npz files "
                        "(<out>/<config>/RAVEN_<i>_<split>.npz, 6/2/2 train/val/test split).")
    r.add_argument("--config", help="a configuration name (e.g. center_single) or 'all' (or give --split)")
    r.add_argument("--split", help="instead of --config: an ALANS systematic-generalisation split (iid, "
                   "systematicity, productivity, localism); train/val files follow its training side, test files "
                   "its test side (see inferlab.data.raven.splits)")
    r.add_argument("--n", type=positive_int, required=True, help="problems per configuration (with --split: in all)")
    r.add_argument("--out", required=True, metavar="DIR", help="folder for the .npz files")
    r.add_argument("--size", type=positive_int, default=160,
                   help="panel size in pixels (default: 160, the official size)")
    r.add_argument("--answers", choices=("raven", "iraven"), default="raven",
                   help="candidate sets: raven (one attribute changed) or iraven (balanced bisection tree)")
    r.add_argument("--seed", type=int, default=0, help="generator seed (default: 0)")
    add_compute_options(r)

    pm = data.add_parser("pointmaze", help="D4RL maze2d-style PointMaze episodes as one .hdf5 file",
                         description="D4RL maze2d-style PointMaze wandering (waypoint controller, action noise, "
                         "rewards of the evaluation goal) as one D4RL-format .hdf5 file.")
    pm.add_argument("--maze", choices=("umaze", "medium"), default="umaze", help="maze layout (default: umaze)")
    pm.add_argument("--steps", type=positive_int, required=True, help="env steps in all")
    pm.add_argument("--episode-len", type=positive_int, help="steps per episode (default: the time limit, 300 / 600)")
    pm.add_argument("--action-noise", type=float, default=0.5, help="Gaussian action noise std (default: 0.5)")
    pm.add_argument("--out", required=True, metavar="FILE.hdf5", help="the file to write")
    pm.add_argument("--seed", type=int, default=0, help="generator seed (default: 0)")
    add_compute_options(pm)

    lo = data.add_parser("locomotion", help="MuJoCo Hopper/HalfCheetah/Walker2d episodes as one .hdf5 file",
                         description="MuJoCo Hopper/HalfCheetah/Walker2d-v5 episodes of a cross-entropy policy "
                         "search (replay-style returns) as one D4RL-format .hdf5 file.")
    lo.add_argument("--env", choices=("hopper", "halfcheetah", "walker2d"), required=True, help="MuJoCo task")
    lo.add_argument("--steps", type=positive_int, required=True, help="env steps in all")
    lo.add_argument("--max-episode-steps", type=positive_int, default=1000, help="time limit (default: 1000, as D4RL)")
    lo.add_argument("--out", required=True, metavar="FILE.hdf5", help="the file to write")
    lo.add_argument("--seed", type=int, default=0, help="generator seed (default: 0)")
    add_compute_options(lo)


def run(args: argparse.Namespace) -> int:
    return {"raven": _raven, "pointmaze": _offline_rl, "locomotion": _offline_rl}[args.dataset](args)


def _offline_rl(args: argparse.Namespace) -> int:
    """Generate, write D4RL-format HDF5, print one JSON line of figures."""
    import numpy as np

    from inferlab.data.offline_rl import check_output_file, save_d4rl_hdf5
    from inferlab.envs.rollout import return_stats

    check_output_file(args.out)
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


def _raven(args: argparse.Namespace) -> int:
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
