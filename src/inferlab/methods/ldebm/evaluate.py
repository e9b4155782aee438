"""Metrics of a trained LDEBM task (or a baseline): class agreement, sample quality, likelihood, reconstruction."""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

import numpy as np
import torch

from inferlab.core.clustering import kmeans_pseudo_labels
from inferlab.data.text.vocab import PAD_ID, Vocabulary
from inferlab.eval.clustering import homogeneity, nmi, purity
from inferlab.eval.mmd import mmd_rbf
from inferlab.eval.text_metrics import corpus_bleu

if TYPE_CHECKING:
    from inferlab.methods.ldebm.train import LDEBMTask


def kmeans_classes(task: LDEBMTask, z: torch.Tensor) -> np.ndarray:
    """k-means of z into K clusters after the PCA-whitening LDEBM's pseudo-labels use, seeded by k-means++ (a one-off
    clustering has no previous epoch to stay consistent with; k-means++ is the stronger start)."""
    lc = task.cfg.loss
    return kmeans_pseudo_labels(z.cpu().numpy(), task.cfg.model.classes, pca_dims=lc.pca_dims, seed=lc.kmeans_seed,
                                iterations=lc.kmeans_iterations, init="k-means++")


def predicted_classes(task: LDEBMTask, z: torch.Tensor) -> tuple[np.ndarray, np.ndarray]:
    """(argmax p(y|z), `kmeans_classes`); the Gaussian prior has no p(y|z): its classes are the k-means ones."""
    classes, km = task.classify(z), kmeans_classes(task, z)
    return (km if classes is None else classes.cpu().numpy()), km


def evaluate_toy(task: LDEBMTask, evaluation: dict) -> dict[str, float]:
    """toy_nmi / toy_purity of the classes of held-out points' posterior means against the true arm; toy_nmi_kmeans
    of k-means of the same means (the clustering LDEBM's p(y|z) is trained to imitate); toy_mmd of decoded prior
    samples g(z) against held-out points (score)."""
    test = evaluation["test"]
    mu = task.posterior_means(test.x.to(task.device))
    pred, km = predicted_classes(task, mu)
    n = min(task.cfg.eval.samples, len(test))
    samples = task.sample(n)
    mmd = mmd_rbf(samples.cpu(), test.x[:n])
    return {"toy_nmi": nmi(test.y, pred), "toy_purity": purity(test.y, pred), "toy_nmi_kmeans": nmi(test.y, km),
            "toy_mmd": mmd, "score": mmd}


@torch.no_grad()
def importance_sampled_nll(task: LDEBMTask, ids: torch.Tensor, samples: int, chunk: int = 10) -> torch.Tensor:
    """-log p(x) per sentence, log p(x) ~ log mean_i p(x | z_i) p(z_i) / q(z_i | x), z_i ~ q(z | x) (official
    `sampling_for_likelihood`); log p(z) from the prior's `log_prob` (exact for N(0, I), estimated for the EBMs)."""
    out = []
    for i in range(0, len(ids), chunk):
        x = ids[i:i + chunk].repeat_interleave(samples, 0)
        mu, log_var = task.vae.encode(x)
        z = mu + (0.5 * log_var).exp() * torch.randn_like(mu)
        log_q = (-(z - mu) ** 2 / (2 * log_var.exp()) - 0.5 * log_var - 0.5 * math.log(2 * math.pi)).sum(1)
        log_w = -task.vae.token_nll(x, z).double() + task.prior.log_prob(z).double() - log_q.double()
        out.append(-(torch.logsumexp(log_w.view(-1, samples), 1) - math.log(samples)))
    return torch.cat(out)


@torch.no_grad()
def evaluate_text(task: LDEBMTask, evaluation: dict) -> dict[str, float]:
    """nll (nats per sentence) and ppl (per token, </s> counted) of the importance-sampled bound, recon_bleu of
    greedy decodes from the posterior mean, homogeneity_<label> of argmax p(y|z), z ~ q(z|x) (official
    compute_homogeneity), and homogeneity_<label>_kmeans of k-means of the same z, for every label the test set
    has."""
    test, e = evaluation["test"], task.cfg.eval
    ids = test.ids[: e.nll_sentences].to(task.device)
    nll = importance_sampled_nll(task, ids, e.importance_samples)
    tokens = int((ids[:, 1:] != PAD_ID).sum())
    mu, log_var = task.vae.encode(ids)
    decoded = task.vae.decode(mu, task.cfg.data.max_len).cpu()
    vocab = test.vocab
    out = {"nll": float(nll.mean()), "ppl": math.exp(float(nll.sum()) / tokens),
           "recon_bleu": corpus_bleu([vocab.decode(r) for r in decoded], [vocab.decode(r) for r in ids.cpu()])}
    all_ids = test.ids.to(task.device)
    mu, log_var = task.vae.encode(all_ids)
    z = mu + (0.5 * log_var).exp() * torch.randn_like(mu)
    pred, km = predicted_classes(task, z)
    for name, labels in test.labels.items():
        out[f"homogeneity_{name}"] = homogeneity(labels.numpy(), pred)
        out[f"homogeneity_{name}_kmeans"] = homogeneity(labels.numpy(), km)
    out["score"] = out["nll"]
    return out


def sentences_by_class(ids: torch.Tensor, classes: torch.Tensor | None, vocab: Vocabulary, per_class: int = 5) -> str:
    """Up to `per_class` decoded sentences under a heading per class (one group when there are no classes)."""
    groups = np.zeros(len(ids), dtype=np.int64) if classes is None else classes.cpu().numpy()
    lines = []
    for k in sorted(set(groups.tolist())):
        members = np.flatnonzero(groups == k)
        lines.append(f"class {k} ({len(members)} of {len(ids)} samples):" if classes is not None
                     else f"samples ({len(ids)}):")
        lines += ["  " + " ".join(vocab.decode(ids[i])) for i in members[:per_class]]
    return "\n".join(lines) + "\n"
