"""`inferlab bench emd`: EMD (K Langevin steps) against Diff-Instruct (K = 0) and the teacher's N-step sampler, all
from one teacher per dataset, with the same seed and number of updates: FD on digits, MMD and modes on a 2-D toy."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import torch

from inferlab.core.diffusion import sampler_evaluations
from inferlab.data.registry import load_dataset
from inferlab.engine.bench import seconds_per_call, train_variant
from inferlab.eval.images import save_image_grid, save_scatter
from inferlab.eval.sample_metrics import MMD_MAX_SAMPLES, SampleEvaluator, toy_density
from inferlab.methods.emd.config import EMDConfig, tiny_toy
from inferlab.methods.emd.teacher import TeacherTask
from inferlab.methods.emd.train import EMDTask

STUDENTS = ("emd", "diff_instruct")


def bench(cfg: EMDConfig, device: torch.device, seed: int, out_dir: Path) -> dict:
    from inferlab.methods.emd import teacher_config

    toy = tiny_toy()
    toy_cfg = replace(toy, data=replace(toy.data, name=cfg.eval.toy), emd=cfg.emd, optim=cfg.optim,
                      train=replace(cfg.train, steps=min(toy.train.steps, cfg.train.steps)),
                      eval=replace(cfg.eval, samples=cfg.eval.toy_samples))
    results: dict[str, dict] = {name: {} for name in (*STUDENTS, "teacher")}
    figures: list[str] = []
    for run_cfg, suffix in ((cfg, ""), (toy_cfg, "_toy")):
        train = load_dataset(run_cfg.data.name, n=run_cfg.data.n, seed=seed, split="train")
        evaluator = SampleEvaluator(run_cfg.data.name, train, n=run_cfg.eval.samples, seed=seed)
        t_cfg = teacher_config(run_cfg, train)
        make_teacher = lambda c, d, _ctx, _s: TeacherTask(c, train, evaluator, d, run_cfg.eval.samples)  # noqa: E731
        teacher, t_fit, _ = train_variant(make_teacher, t_cfg, label=f"teacher{suffix}", device=device, seed=seed,
                                          out_dir=out_dir)
        tasks = {"teacher": teacher}
        results["teacher"].update(_renamed(t_fit.metrics), **{f"train_seconds{suffix}": t_fit.seconds})
        for name in STUDENTS:
            k = run_cfg.emd.langevin_steps if name == "emd" else 0
            s_cfg = replace(run_cfg, emd=replace(run_cfg.emd, langevin_steps=k))
            shape = tuple(train.x.shape[1:])
            make = lambda c, d, _ctx, _s: EMDTask(c, teacher.ema, teacher.n_classes, shape, evaluator, d)  # noqa: E731
            tasks[name], fit, _ = train_variant(make, s_cfg, label=f"{name}{suffix}", device=device, seed=seed,
                                                out_dir=out_dir)
            results[name].update(_renamed(fit.metrics), langevin_steps=k, **{
                f"train_seconds{suffix}": fit.seconds, f"seconds_per_iter{suffix}": fit.seconds_per_step})
        if suffix:
            points = {"data": evaluator.reference[:2000].numpy()}
            points.update({name: task.sample(2000).cpu().numpy() for name, task in tasks.items()})
            figures.append(_rel(save_scatter(points, out_dir / "toy_samples.png",
                                             density=toy_density(evaluator.toy), lims=(-5.5, 5.5, -5.5, 5.5)), out_dir))
        else:
            results["emd"].update(speed_metrics(teacher, tasks["emd"], cfg.eval.timing_batch),
                                  grad_var_ratio=grad_var_ratio(tasks["emd"], cfg.train.batch_size,
                                                                cfg.eval.grad_var_repeats))
            figures += [_rel(_class_grid(task, out_dir / f"{name}_by_class.png"), out_dir)
                        for name, task in tasks.items() if teacher.n_classes]
    t = cfg.teacher
    results["teacher"].update(sample_steps=t.sample_steps, nfe=sampler_evaluations(t.sampler, t.sample_steps))
    return {"metrics": results["emd"], "baselines": {k: results[k] for k in ("diff_instruct", "teacher")},
            "figures": figures,
            "notes": f"One EDM teacher per dataset; both students start from it and get the same seed and updates. "
                     f"emd: K={cfg.emd.langevin_steps} Langevin steps; diff_instruct: K=0. fd: Frechet distance on "
                     f"in-project classifier features vs the digits training set (lower is better). "
                     f"mode_coverage (of 25), hq_ratio: {cfg.eval.toy}, {cfg.eval.toy_samples} samples; mmd: the "
                     f"first {min(cfg.eval.toy_samples, MMD_MAX_SAMPLES)} of them. "
                     f"teacher: {t.sampler} sampler, N={t.sample_steps} noise levels, nfe evaluations. "
                     f"speedup = teacher N-step / student one-step sampling time for {cfg.eval.timing_batch} digits; "
                     f"grad_var_ratio = variance of the student's gradient with noise cancellation off / on."}


def _renamed(metrics: dict[str, float]) -> dict[str, float]:
    """Fit metrics under the bench's names: fd (digits); mmd, mode_coverage, hq_ratio (toy)."""
    names = {"fd": "fd", "mmd": "mmd", "modes_covered": "mode_coverage", "hq_ratio": "hq_ratio"}
    return {names[k]: v for k, v in metrics.items() if k in names}


def speed_metrics(teacher: TeacherTask, student: EMDTask, batch: int, repeats: int = 5) -> dict[str, float]:
    """Wall time of the teacher's N-step sampler and of the student's one step for the same batch, and per net call."""
    label = teacher.random_labels(batch)
    z = torch.randn(batch, *student.data_shape, device=student.device)
    sigma = torch.full((batch,), 1.0, device=student.device)
    with torch.no_grad():
        t_sample = seconds_per_call(lambda: teacher.sample(batch, label), repeats)
        s_sample = seconds_per_call(lambda: student.generator(z, label), repeats * 10)
        t_net = seconds_per_call(lambda: teacher.ema(z, sigma, label), repeats * 10)
    return {"teacher_sample_seconds": t_sample, "student_sample_seconds": s_sample, "speedup": t_sample / s_sample,
            "teacher_net_seconds": t_net, "student_net_seconds": s_sample}


def grad_var_ratio(task: EMDTask, batch: int, repeats: int) -> float:
    """Total variance of the generator's M-step gradient over `repeats` fresh updates, cancellation off / on."""
    params = list(task.generator.parameters())

    def total_variance(cancel: bool) -> float:
        grads = []
        for _ in range(repeats):
            loss = task.generator_loss(batch, noise_cancellation=cancel)
            grads.append(torch.cat([g.flatten() for g in torch.autograd.grad(loss, params)]))
        return float(torch.stack(grads).var(dim=0).sum())

    return total_variance(False) / total_variance(True)


def _class_grid(task: TeacherTask | EMDTask, path: Path, per_class: int = 10) -> Path:
    """One row per class label, `per_class` samples each."""
    labels = torch.arange(task.n_classes, device=task.device).repeat_interleave(per_class)
    return save_image_grid(task.sample(len(labels), labels), path, nrow=per_class)


def _rel(path: Path, out_dir: Path) -> str:
    return str(path.relative_to(out_dir))
