"""EMD: EM distillation of an EDM teacher into a one-step generator (Xie et al., NeurIPS 2024); Diff-Instruct (K = 0)
and the teacher's N-step sampler are its baselines."""

from __future__ import annotations

from dataclasses import replace

import torch

from inferlab.data.base import TensorDataset
from inferlab.data.registry import load_dataset
from inferlab.engine.distributed import DistContext
from inferlab.engine.trainer import fit
from inferlab.eval.sample_metrics import SampleEvaluator
from inferlab.methods.emd.bench import bench
from inferlab.methods.emd.config import PRESETS, EMDConfig, TeacherConfig
from inferlab.methods.emd.teacher import TeacherTask
from inferlab.methods.emd.train import EMDTask
from inferlab.methods.registry import MethodSpec


def teacher_config(cfg: EMDConfig, train: TensorDataset) -> TeacherConfig:
    """cfg.teacher, conditional only on labelled data, trained min(its steps, 20 x distillation steps) updates."""
    t = cfg.teacher
    return replace(t, conditional=t.conditional and train.y is not None,
                   train=replace(t.train, steps=min(t.train.steps, 20 * cfg.train.steps)))


def make_task(cfg: EMDConfig, device: torch.device, dist_ctx: DistContext, seed: int) -> EMDTask:
    """Train the teacher (no run folder of its own), then build the distillation task on its EMA weights."""
    train = load_dataset(cfg.data.name, n=cfg.data.n, seed=seed, split="train")
    evaluator = SampleEvaluator(cfg.data.name, train, n=cfg.eval.samples, seed=seed)
    t_cfg = teacher_config(cfg, train)
    teacher = TeacherTask(t_cfg, train, evaluator, device, cfg.eval.samples)
    fit(teacher, t_cfg.train, seed=seed, progress=dist_ctx.is_main, desc="teacher")
    return EMDTask(cfg, teacher.ema, teacher.n_classes, tuple(train.x.shape[1:]), evaluator, device)


SPEC = MethodSpec(
    name="emd",
    summary="EM distillation of an EDM diffusion teacher into a one-step generator, Langevin E-step on (eps, z) "
            "(Xie et al. 2024)",
    config_cls=EMDConfig,
    presets=PRESETS,
    make_task=make_task,
    bench=bench,
    baselines=("diff_instruct", "teacher"),
)
