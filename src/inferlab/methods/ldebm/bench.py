"""`inferlab bench ldebm`: LDEBM against SVEBM-IB and a VAE on the same data, seed, networks and updates.

A text config trains the three on its corpus and also on the tiny pinwheel (`tiny_toy`, updates capped at
train.steps); a toy config trains the toy only.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import torch

from inferlab.engine.bench import seconds_per_call, train_variant
from inferlab.eval.images import save_class_scatter, save_text_figure
from inferlab.eval.text_metrics import reverse_perplexity, unigram_kl
from inferlab.methods.ldebm.config import LDEBMConfig, tiny_toy
from inferlab.methods.ldebm.evaluate import sentences_by_class
from inferlab.methods.ldebm.train import LDEBMTask

VARIANTS = ("ldebm", "svebm_ib", "vae")


def variant_config(cfg: LDEBMConfig, label: str) -> LDEBMConfig:
    """svebm_ib: SVEBM-IB as its official code (bpucla/ibebm) sets it: its MLP coupling network, short-run Langevin
    from N(0, I), its IB, KL weights and KL schedule, prior clip, no clustering term (`cfg.svebm`); vae: N(0, I)
    prior. Everything else (encoder, decoder, data, free bits, learning rates, updates) as LDEBM."""
    if label == "svebm_ib":
        sv = cfg.svebm
        return replace(cfg, model=replace(cfg.model, prior="svebm"),
                       loss=replace(cfg.loss, cls_weight=0.0, mi_weight=sv.mi_weight, kl_weight=sv.kl_weight,
                                    kl_cycles=sv.kl_cycles),
                       optim=replace(cfg.optim, prior_grad_clip=sv.prior_grad_clip, prior_weight_decay=0.0))
    if label == "vae":
        return replace(cfg, model=replace(cfg.model, prior="gaussian"))
    return cfg


def _make(label: str):
    def make(cfg, device, dist_ctx, seed):
        from inferlab.methods.ldebm import make_task

        return make_task(cfg, device, dist_ctx, seed)
    return make


def _sampling_seconds(task: LDEBMTask) -> float:
    """Seconds to draw 100 prior latents and decode them."""
    return seconds_per_call(lambda: task.sample(100), repeats=2, warmup=1)


def _text_extras(task: LDEBMTask, cfg: LDEBMConfig) -> dict[str, float]:
    """rppl and wkl of `eval.samples` decoded prior samples against the real test sentences."""
    test = task.evaluation["test"]
    samples = task.sample(cfg.eval.samples).cpu()
    vocab = test.vocab
    return {"rppl": reverse_perplexity(samples, test.ids, len(vocab), steps=cfg.eval.rppl_steps),
            "wkl": unigram_kl([vocab.decode(r) for r in samples], test.sentences())}


def _run(cfg: LDEBMConfig, device: torch.device, seed: int, out_dir: Path, suffix: str) -> tuple[dict, list[str]]:
    results, figures = {}, []
    for label in VARIANTS:
        run_cfg = variant_config(cfg, label)
        task, fit, _ = train_variant(_make(label), run_cfg, label=f"{label}{suffix}", device=device, seed=seed,
                                     out_dir=out_dir)
        metrics = {k: v for k, v in fit.metrics.items() if k != "score"}
        torch.manual_seed(seed)
        if task.is_text:
            metrics.update(_text_extras(task, run_cfg))
            z = task.sample_latent(100)
            text = sentences_by_class(task.decode(z).cpu(), task.classify(z), task.train_set.vocab, per_class=3)
            figures.append(str(save_text_figure(text, out_dir / f"sentences_{label}.png",
                                                title=f"{label}: prior samples by argmax p(y|z)").relative_to(out_dir)))
        else:
            figures.append(str(task.save_samples(2000, out_dir / f"toy_{label}.png").relative_to(out_dir)))
        if label != "vae":
            metrics[f"sampling_seconds{suffix}"] = _sampling_seconds(task)
        metrics[f"train_seconds{suffix}"] = fit.seconds
        results[label] = metrics
    if not task.is_text:
        test = task.evaluation["test"]
        figures.insert(0, str(save_class_scatter(test.x.numpy(), test.y.numpy(), out_dir / "toy_data.png",
                                                 title="data, coloured by arm").relative_to(out_dir)))
    return results, figures


def bench(cfg: LDEBMConfig, device: torch.device, seed: int, out_dir: Path) -> dict:
    runs = []
    if cfg.data.task == "text":
        toy = tiny_toy()
        toy = replace(toy, train=replace(toy.train, steps=min(cfg.eval.toy_steps, cfg.train.steps)),
                      eval=replace(toy.eval, samples=min(toy.eval.samples, max(cfg.eval.samples, 100))))
        runs.append(_run(toy, device, seed, out_dir, "_toy"))
    runs.append(_run(cfg, device, seed, out_dir, "" if cfg.data.task == "text" else "_toy"))
    results = {label: {k: v for r, _ in runs for k, v in r[label].items()} for label in VARIANTS}
    figures = [f for _, figs in runs for f in figs]
    return {"metrics": results["ldebm"], "baselines": {k: results[k] for k in VARIANTS[1:]}, "figures": figures,
            "notes": "toy_nmi / toy_purity: argmax p(y|z) at held-out pinwheel points' posterior means vs the true "
                     "arm (vae: k-means of its posterior means into K clusters, the same whitening); toy_nmi_kmeans: that "
                     "k-means for every model (LDEBM's p(y|z) is trained to imitate it); toy_mmd: "
                     "decoded prior samples vs held-out points (lower is better). Text: nll (nats per sentence) "
                     "and ppl of the importance-sampled bound (EBM priors: log p(z) itself estimated, see README); "
                     "recon_bleu: sacrebleu of greedy decodes from the posterior mean; rppl: a GRU LM trained on "
                     "decoded prior samples, perplexity on real test text; wkl: KL(sample || test) of add-one "
                     "unigram frequencies; homogeneity_<label>: argmax p(y|z), z ~ q(z|x), against the hidden "
                     "intent / sentiment (_kmeans: k-means of the same z, whitened, for every model). sampling_seconds: wall time of 100 prior samples (latent + decode) on a "
                     "shared machine."}
