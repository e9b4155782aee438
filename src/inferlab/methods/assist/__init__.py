"""ASSIST: interactive scene nodes for scalable and realistic indoor simulation (arXiv 2311.06211).

A scene is a graph of nodes (background + objects), each with its own radiance field in its own bounding box,
rendered together by compositing every node's samples along each ray; edits move, copy, delete or swap nodes
(also across scenes) without retraining. Baseline: one field over the whole scene.
"""

from __future__ import annotations


def __getattr__(name: str):
    """SPEC loads on first use (PEP 562), so `inferlab assist --help` imports no model code."""
    if name != "SPEC":
        raise AttributeError(f"module 'inferlab.methods.assist' has no attribute {name!r}")
    from inferlab.methods.assist.bench import bench
    from inferlab.methods.assist.config import PRESETS, ASSISTConfig
    from inferlab.methods.assist.train import make_task
    from inferlab.methods.registry import METHODS, MethodSpec

    spec = MethodSpec(name="assist", summary=METHODS["assist"].summary, config_cls=ASSISTConfig, presets=PRESETS,
                      make_task=make_task, bench=bench, baselines=("single_field", "boxes_only"))
    globals()["SPEC"] = spec
    return spec
