"""LDEBM learning (official text_generation.py / synthetic_pinwheel.py loop) as a TrainTask; the same task with
model.prior = svebm or gaussian trains the SVEBM-IB and VAE baselines."""

from __future__ import annotations

from contextlib import contextmanager
from pathlib import Path

import numpy as np
import torch
from torch import nn

from inferlab.core.clustering import kmeans_pseudo_labels, official_label_order, uniform_label_order
from inferlab.core.coupling_prior import SymbolVectorCoupling
from inferlab.core.diffusion_recovery import recovery_schedule
from inferlab.core.nets import MLP
from inferlab.core.optim import guarded_step
from inferlab.data.base import TensorDataset
from inferlab.data.text import TextDataset
from inferlab.engine.distributed import DistContext
from inferlab.engine.task import TrainTask
from inferlab.errors import DivergenceError
from inferlab.eval.images import save_class_scatter
from inferlab.methods.ldebm.config import LDEBMConfig
from inferlab.methods.ldebm.evaluate import evaluate_text, evaluate_toy, sentences_by_class
from inferlab.methods.ldebm.nets import TextVAE, ToyVAE
from inferlab.methods.ldebm.objective import cyclic_kl_schedule, entropy_term, gaussian_kl_term, total_loss
from inferlab.methods.ldebm.prior import DiffusionPrior, GaussianPrior, SVEBMPrior

LABEL_ORDERS = {"official": official_label_order, "balanced": uniform_label_order}
"""loss.label_sampling -> the epoch's item order from the pseudo-labels ("none": index order)."""


class ClusterState(nn.Module):
    """Pseudo-labels of the training items and the epoch's item order, kept in checkpoints for exact resume."""

    def __init__(self, n: int):
        super().__init__()
        self.register_buffer("epoch", torch.tensor(-1))
        self.register_buffer("labels", torch.zeros(n, dtype=torch.long))
        self.register_buffer("order", torch.arange(n))


def build_prior(cfg: LDEBMConfig) -> nn.Module:
    m, d = cfg.model, cfg.diffusion
    if m.prior == "gaussian":
        return GaussianPrior(m.latent_dim)
    if m.prior == "svebm":
        sv = cfg.svebm
        net = MLP(m.latent_dim, sv.hidden, m.classes, layers=sv.layers, activation="gelu")
        return SVEBMPrior(net, m.latent_dim, steps=sv.prior_steps, step_size=sv.prior_step_size, max_abs=d.max_abs,
                          partition_samples=cfg.eval.partition_samples)
    net = SymbolVectorCoupling(latent_dim=m.latent_dim, hidden=m.energy_hidden, classes=m.classes,
                               blocks=m.energy_blocks, levels=d.levels, normed=m.spectral_norm)
    sched = recovery_schedule(d.levels, d.beta_start, d.beta_end)
    return DiffusionPrior(net, sched, steps=d.langevin_steps, step_size=d.step_size, max_abs=d.max_abs)


class LDEBMTask(TrainTask):
    """Each epoch (len(train) // batch updates): posterior means of every training item, PCA-whitened, k-means into
    K pseudo-labels, items re-drawn evenly over the clusters. Each update on a batch x with labels c:

    1. (mu, log var) = q(x), z = mu + exp(log var / 2) eps;
    2. the prior's terms at z (prior.py): posterior share of the KL, contrastive / recovery loss, logits at level 0;
    3. loss = recon + kl_w (entropy with free bits + prior term + contrastive) - mi_w I(y; z) + cls_w CE(logits, c);
    4. one backward; clip encoder+decoder and prior gradients separately; Adam steps (lr 1e-3 / 1e-4).
    """

    def __init__(self, cfg: LDEBMConfig, train, evaluation: dict, device: torch.device,
                 dist_ctx: DistContext = DistContext()):
        self.cfg, self.device, self.evaluation = cfg, device, evaluation
        self.train_set = train
        self.is_text = isinstance(train, TextDataset)
        self.items = (train.ids if self.is_text else train.x).to(device)
        m = cfg.model
        if self.is_text:
            self.vae = TextVAE(vocab_size=len(train.vocab), latent_dim=m.latent_dim, hidden=m.hidden,
                               embed_dim=m.embed_dim, dropout=m.dropout).to(device)
        else:
            self.vae = ToyVAE(latent_dim=m.latent_dim, hidden=m.hidden, data_dim=train.x.shape[1]).to(device)
        self.prior = build_prior(cfg).to(device)
        self.data = torch.arange(len(self.items))  # positions into the epoch's item order
        self.per_epoch = len(self.items) // cfg.train.batch_size
        self.kl_weights = cyclic_kl_schedule(cfg.train.steps, cfg.loss.kl_cycles, cfg.loss.kl_weight)
        self.clusters = ClusterState(len(self.items)).to(device)
        o = cfg.optim
        self.vae_opt = torch.optim.Adam(self.vae.parameters(), lr=o.lr)
        self.objects = {"vae": self.vae, "prior": self.prior, "clusters": self.clusters, "vae_opt": self.vae_opt}
        if any(True for _ in self.prior.parameters()):
            self.prior_opt = torch.optim.Adam(self.prior.parameters(), lr=o.prior_lr, weight_decay=o.prior_weight_decay)
            self.objects["prior_opt"] = self.prior_opt

    def state_objects(self) -> dict:
        return self.objects

    @property
    def clustering(self) -> bool:
        return self.cfg.loss.cls_weight > 0 and self.cfg.model.prior != "gaussian"

    @torch.no_grad()
    def posterior_means(self, items: torch.Tensor, chunk: int = 1000) -> torch.Tensor:
        self.vae.eval()
        mu = torch.cat([self.vae.encode(items[i:i + chunk])[0] for i in range(0, len(items), chunk)])
        self.vae.train()
        return mu

    def _recluster(self, epoch: int, seed: int) -> None:
        """New pseudo-labels and item order at the start of `epoch` (official: every epoch, reassign = 1)."""
        lc, n = self.cfg.loss, len(self.items)
        labels = kmeans_pseudo_labels(self.posterior_means(self.items).cpu().numpy(), self.cfg.model.classes,
                                      pca_dims=lc.pca_dims, seed=lc.kmeans_seed, iterations=lc.kmeans_iterations)
        order = (LABEL_ORDERS[lc.label_sampling](labels, n, np.random.default_rng([seed, epoch]))
                 if lc.label_sampling in LABEL_ORDERS else np.arange(n))
        self.clusters.labels.copy_(torch.from_numpy(labels))
        self.clusters.order.copy_(torch.from_numpy(order))
        self.clusters.epoch.fill_(epoch)

    def train_step(self, positions: torch.Tensor, step: int) -> dict[str, float]:
        lc, o = self.cfg.loss, self.cfg.optim
        epoch = step // self.per_epoch
        if self.clustering and int(self.clusters.epoch) != epoch:
            self._recluster(epoch, self.cfg.loss.kmeans_seed)
        idx = self.clusters.order[positions.to(self.device)]
        x = self.items[idx]
        kl_weight = float(self.kl_weights[min(step, len(self.kl_weights) - 1)])
        mu, log_var = self.vae.encode(x)
        if kl_weight == 0:  # the zero phase of a cyclical KL schedule: autoencoding from the mean (official)
            recon = self.vae.recon_loss(x, mu)
            loss, parts = recon, {"recon": recon}
        else:
            z = mu + (0.5 * log_var).exp() * torch.randn_like(mu)
            recon = self.vae.recon_loss(x, z)
            terms = self.prior.terms(z)
            free_bits = lc.free_bits_target if lc.free_bits else None
            encoder_kl = (gaussian_kl_term(mu, log_var, free_bits) if self.prior.gaussian_kl
                          else entropy_term(log_var, free_bits))
            loss, parts = total_loss(recon, encoder_kl, terms.posterior, terms.contrastive, terms.logits,
                                     self.clusters.labels[idx] if self.clustering else None,
                                     kl_weight=kl_weight, mi_weight=lc.mi_weight,
                                     cls_weight=lc.cls_weight if self.clustering else 0.0)
        if not torch.isfinite(loss):
            raise DivergenceError("LDEBM loss", f"is {float(loss.detach())}")
        opts = [self.vae_opt] + ([self.prior_opt] if "prior_opt" in self.objects else [])
        for opt in opts:
            opt.zero_grad(set_to_none=True)
        loss.backward()
        for module, clip in ((self.vae, o.grad_clip), (self.prior, o.prior_grad_clip)):
            if clip > 0 and any(True for _ in module.parameters()):
                torch.nn.utils.clip_grad_norm_(module.parameters(), clip)
        for opt in opts:
            opt.step()
        return {"loss": float(loss.detach()), "kl_weight": kl_weight, **{k: float(v.detach()) for k, v in parts.items()}}

    # --- inference and generation (eval mode: no dropout, no spectral-norm power iterations) ---

    @contextmanager
    def _eval_mode(self):
        self.vae.eval()
        self.prior.eval()
        try:
            yield
        finally:
            self.vae.train()
            self.prior.train()

    def sample_latent(self, n: int) -> torch.Tensor:
        with self._eval_mode():
            return self.prior.sample(n, self.device)

    @torch.no_grad()
    def decode(self, z: torch.Tensor) -> torch.Tensor:
        with self._eval_mode():
            return self.vae.decode(z, self.cfg.data.max_len) if self.is_text else self.vae.decode(z)

    @torch.no_grad()
    def classify(self, z: torch.Tensor) -> torch.Tensor | None:
        """argmax p(y|z) (N,), or None for the Gaussian prior."""
        with self._eval_mode():
            logits = self.prior.classify(z)
        return None if logits is None else logits.argmax(-1)

    def sample(self, n: int) -> torch.Tensor:
        """Decoded prior samples: points (n, 2) for toys, token ids (n, L) for text."""
        return self.decode(self.sample_latent(n))

    def evaluate(self) -> dict[str, float]:
        with self._eval_mode():
            if self.is_text:
                return evaluate_text(self, self.evaluation)
            return evaluate_toy(self, self.evaluation)

    def write_samples(self, folder: Path, step: int) -> None:
        self.save_samples(min(self.cfg.eval.samples, 400 if self.is_text else 2000),
                          folder / f"samples_{step:06d}.png", verbose=False)

    def save_samples(self, n: int, path: Path, verbose: bool = True) -> Path:
        """Toy: decoded prior samples coloured by argmax p(y|z) (PNG). Text: sentences grouped by class (a .txt
        next to `path`, also printed when `verbose`)."""
        z = self.sample_latent(n)
        classes = self.classify(z)
        x = self.decode(z).cpu()
        if self.is_text:
            text = sentences_by_class(x, classes, self.train_set.vocab)
            out = Path(path).with_suffix(".txt")
            out.parent.mkdir(parents=True, exist_ok=True)
            out.write_text(text)
            if verbose:
                print(text, end="")
            return out
        return save_class_scatter(x.numpy(), None if classes is None else classes.cpu().numpy(), Path(path),
                                  title=f"{self.cfg.model.prior} prior samples, coloured by argmax p(y|z)")
