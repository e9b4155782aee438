"""Method name -> its spec (config presets, task builder, bench); `inferlab list` and the smoke test read it."""

from __future__ import annotations

import importlib
from dataclasses import dataclass
from typing import Any, Callable

from inferlab.errors import UserError

METHOD_MODULES = {
    "lebm": "inferlab.methods.lebm",
    "damc": "inferlab.methods.damc",
    "emd": "inferlab.methods.emd",
    "alans": "inferlab.methods.alans",
    "assist": "inferlab.methods.assist",
    "lpt": "inferlab.methods.lpt",
    "ldebm": "inferlab.methods.ldebm",
}


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
    return list(METHOD_MODULES)


def get_method(name: str) -> MethodSpec:
    if name not in METHOD_MODULES:
        raise UserError(f"Unknown method {name!r}. Available methods: {', '.join(METHOD_MODULES)} "
                        "(see `inferlab list`).")
    return importlib.import_module(METHOD_MODULES[name]).SPEC


def preset_config(spec: MethodSpec, preset: str) -> Any:
    if preset not in spec.presets:
        raise UserError(f"Method {spec.name} has no preset {preset!r}; presets: {', '.join(spec.presets)}.")
    return spec.presets[preset]()
