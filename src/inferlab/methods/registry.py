"""Method name -> its spec (config presets, task builder, bench); `inferlab list` and the smoke test read it.

`METHODS` holds what `inferlab list` and every `--help` print (name, summary, preset names, which presets need
data the user brings) without importing a method's package: importing one loads torch and its model code.
`get_method(name)` imports the package and returns its full `MethodSpec`; a test checks the two agree.
`COMMAND_MODULES` names the modules that declare a package's own subcommands (`inferlab data raven`,
`inferlab assist build`); each module is light to import (torch only inside its `run`) and exports
HELP (one line), DESCRIPTION, add_arguments(parser) and run(args) -> exit code.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass
from typing import Any, Callable

from inferlab.engine.config import check_config
from inferlab.errors import UserError


@dataclass(frozen=True)
class MethodInfo:
    """What the registry knows of a method without importing it."""

    module: str
    summary: str
    presets: tuple[str, ...]
    headline: tuple[str, bool] = ("fd", False)
    """The bench metric the demo report's summary compares with the best baseline, and whether higher is better."""
    user_data: dict[str, str] | None = None
    """Preset -> the config key that must point at the user's data; left at the preset's value, the preset trains
    on placeholder data (the run refuses unless --allow-placeholder-data is given)."""


METHODS = {
    "lebm": MethodInfo("inferlab.methods.lebm", "latent-space EBM prior over a generator, short-run Langevin for "
                       "prior and posterior (Pang et al. 2020)", ("tiny", "tiny_toy", "paper"),
                       user_data={"paper": "data.name"}),
    "damc": MethodInfo("inferlab.methods.damc", "latent EBM prior with a conditional latent diffusion amortizer "
                       "warm-starting short-run Langevin (Yu et al. 2023)", ("tiny", "tiny_toy", "official_toy", "paper"),
                       user_data={"paper": "data.name"}),
    "emd": MethodInfo("inferlab.methods.emd", "EM distillation of an EDM diffusion teacher into a one-step "
                      "generator, Langevin E-step on (eps, z) (Xie et al. 2024)", ("tiny", "tiny_toy", "paper"),
                      user_data={"paper": "data.name"}),
    "alans": MethodInfo("inferlab.methods.alans", "object-CNN frontend + algebraic backend: operators induced by "
                        "least squares on M^k Z (Zhang et al. 2022)", ("tiny", "paper"), ("acc_iid", True)),
    "assist": MethodInfo("inferlab.methods.assist", "editable scene of object nodes with their own radiance fields, "
                         "compositional volume rendering with panoptic masks (arXiv 2311.06211)", ("tiny", "paper"),
                         ("edited_psnr", True)),
    "lpt": MethodInfo("inferlab.methods.lpt", "latent plan z = UNet(z0) steers a causal GPT by cross-attention; z "
                      "inferred from the target return by Langevin (Kong et al. 2024)",
                      ("tiny", "paper", "paper_gridmaze", "paper_pointmaze_umaze", "paper_pointmaze_medium",
                       "paper_connect_four", "paper_hopper", "paper_halfcheetah", "paper_walker2d"),
                      ("maze_return", True)),
    "drc": MethodInfo("inferlab.methods.drc", "unsupervised foreground extraction: EBM-prior fg/bg experts, pixel "
                      "re-assignment, EM with Langevin (Yu et al. 2021)",
                      ("tiny", "paper", "paper_cub", "paper_dog", "paper_car", "paper_textured", "paper_clevr"),
                      ("iou", True)),
    "ldebm": MethodInfo("inferlab.methods.ldebm", "symbol-vector latent EBM prior learned by diffusion recovery "
                        "likelihood, with information bottleneck and k-means pseudo-labels (Yu et al. 2022)",
                        ("tiny", "tiny_toy", "paper", "paper_dailydialog", "paper_yelp", "paper_pinwheel"),
                        ("homogeneity_intent", True)),
    "lanmdp": MethodInfo("inferlab.methods.lanmdp", "energy-based policy over the last c states learned from "
                         "state-only sequences by importance-sampled MLE; acting and planning as prior/posterior "
                         "sampling (Qin et al. 2023)",
                         ("tiny", "paper", "tiny_double_pendulum", "tiny_reacher", "paper_hopper",
                          "paper_halfcheetah", "paper_walker2d", "paper_ant"), ("acc_rate", True),
                         user_data={f"paper_{e}": "task.demo_file" for e in ("hopper", "halfcheetah", "walker2d",
                                                                              "ant")}),
    "halma": MethodInfo("inferlab.methods.halma", "HALMA benchmark: PPO agents (CNN, CNN+LSTM, attention) on digit "
                        "panels, oracle BFS and random, perceptual/conceptual/algorithmic splits (Xie et al. 2021)",
                        ("tiny", "paper"), ("train_normalised_score", True)),
    "sketch": MethodInfo("inferlab.methods.sketch", "emergent graphical conventions: a sketching sender and a "
                         "photo-picking receiver learned with lambda-returns through a differentiable Bezier "
                         "rasteriser (Qiu et al. 2022)", ("tiny", "paper"), ("acc_unseen_instance", True)),
}
METHOD_MODULES = {name: info.module for name, info in METHODS.items()}

COMMAND_MODULES = {
    "data": "inferlab.data.commands",
    "assist": "inferlab.methods.assist.commands",
    "halma": "inferlab.methods.halma.commands",
}

APP_FUNCTIONS = {
    "assist_editor.serve": "inferlab.apps.assist_editor.server:serve",
    "assist_editor.screenshot": "inferlab.apps.assist_editor.screenshot:capture_editor_screenshot",
    "halma_play.serve": "inferlab.apps.halma_play.server:serve",
}
"""Front ends that methods reach by name (methods never import apps/; DESIGN: layers)."""


@dataclass(frozen=True)
class MethodSpec:
    """What a method package exports as `SPEC`.

    make_task(cfg, device, dist_ctx, seed) -> TrainTask   builds data, model and optimisers
    bench(cfg, device, seed, out_dir) -> dict              trains the method and its baselines on the same budget,
                                                           returns {"metrics", "baselines", "notes", "figures"}
    """

    name: str
    summary: str
    config_cls: type
    presets: dict[str, Callable[[], Any]]
    make_task: Callable
    bench: Callable
    baselines: tuple[str, ...] = ()


def method_names() -> list[str]:
    return list(METHODS)


def method_info(name: str) -> MethodInfo:
    if name not in METHODS:
        raise UserError(f"Unknown method {name!r}. Available methods: {', '.join(METHODS)} "
                        "(see `inferlab list`).")
    return METHODS[name]


def get_method(name: str) -> MethodSpec:
    return importlib.import_module(method_info(name).module).SPEC


def app_function(name: str) -> Callable:
    """An app's entry point from APP_FUNCTIONS (ImportError when the app's extra packages are missing)."""
    module, attr = APP_FUNCTIONS[name].split(":")
    return getattr(importlib.import_module(module), attr)


def preset_config(spec: MethodSpec, preset: str) -> Any:
    if preset not in spec.presets:
        raise UserError(f"Method {spec.name} has no preset {preset!r}; presets: {', '.join(spec.presets)}.")
    return check_config(spec.presets[preset]())


def placeholder_data_key(name: str, preset: str, cfg_dict: dict, preset_dict: dict) -> str | None:
    """The config key (e.g. data.name) still at its placeholder value when `preset` needs the user's data, else
    None. `cfg_dict` is the resolved config, `preset_dict` the preset's own, both as nested dicts."""
    key = (method_info(name).user_data or {}).get(preset)
    if key is None:
        return None
    return key if dotted_value(cfg_dict, key) == dotted_value(preset_dict, key) else None


def dotted_value(tree: dict, dotted: str) -> Any:
    """tree['a']['b'] for dotted = 'a.b' (a nested config dict)."""
    for part in dotted.split("."):
        tree = tree[part]
    return tree
