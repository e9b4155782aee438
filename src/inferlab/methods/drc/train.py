"""DRC learning (official EABPModel.learn) as a TrainTask.

Each update on a batch of training images x with indices i:
  1. posterior Langevin from the image's persistent chain z+_i on  -Q(z; x) + 0.01 TV + E(z) + |z|^2 / 2,
  2. prior Langevin from its persistent prior chain z-_i on  E(z) + |z|^2 / 2  (both written back),
  3. one Adam step of the generators on  -mean Q + 0.01 mean TV + 0.1 H_f + 0.1 H_b + 0.1 ortho,
     where Q uses log p = -|x - mu| (scale 1) and H_f, H_b are the pseudo-label cross entropies,
  4. one Adam step of the EBM on  mean E(z+) - mean E(z-).
With model.prior=gaussian, E = 0: no prior chains, no pseudo-label terms, no EBM step.
"""

from __future__ import annotations

from dataclasses import fields
from pathlib import Path

import torch

from inferlab.core.ebm import contrastive_prior_loss
from inferlab.core.langevin import langevin_sample
from inferlab.core.optim import frozen, guarded_step
from inferlab.data.foreground.base import ForegroundData
from inferlab.engine.task import TrainTask
from inferlab.eval.images import save_image_grid
from inferlab.eval.segmentation import foreground_share, iou_dice
from inferlab.methods.drc.chains import PersistentChains
from inferlab.methods.drc.config import DRCConfig
from inferlab.methods.drc.losses import (em_objective, orthogonality_penalty, pseudo_label_cross_entropy,
                                         total_variation)
from inferlab.methods.drc.model import Composition, DRCModel

FIGURE_IMAGES = 8


class DRCTask(TrainTask):
    def __init__(self, cfg: DRCConfig, splits: dict[str, ForegroundData], device: torch.device):
        self.cfg, self.device = cfg, device
        train = splits["train"]
        self.images = train.images.to(device)
        self.tests = {k: v for k, v in splits.items() if k != "train"}
        self.data = torch.arange(len(train))  # the trainer batches indices: the chains are per image
        self.model = DRCModel(cfg.model, train.images.shape[-1]).to(device)
        self.chains = PersistentChains(len(train), self.model.latent_dim).to(device)
        o = cfg.optim
        self.gen_params = [p for m in self.model.generators() for p in m.parameters()]
        self.gen_opt = torch.optim.Adam(self.gen_params, lr=o.lr, betas=(o.beta1, o.beta2))
        self.objects = {"model": self.model, "chains": self.chains, "gen_opt": self.gen_opt}
        if self.model.ebm is not None:
            self.ebm_opt = torch.optim.Adam(self.model.ebm.parameters(), lr=o.lr * o.ebm_lr_ratio,
                                            betas=(o.beta1, o.beta2))
            self.objects["ebm_opt"] = self.ebm_opt
        self.last_eval: tuple[torch.Tensor, torch.Tensor, Composition] | None = None

    def state_objects(self) -> dict:
        return self.objects

    def _langevin(self, energy, z0: torch.Tensor, steps: int, step_size: float, name: str) -> torch.Tensor:
        with frozen(self.model):
            z, _ = langevin_sample(energy, z0, steps, step_size, max_abs=self.cfg.sampler.max_abs, name=name)
        return z

    def infer(self, x: torch.Tensor, z0: torch.Tensor, steps: int) -> torch.Tensor:
        """Posterior Langevin on p(z | x) from z0 (official sample_langevin_posterior)."""
        s = self.cfg.sampler
        return self._langevin(lambda z: self.model.posterior_energy(z, x, s.sigma, s.tv_weight), z0, steps,
                              s.posterior_step_size, "posterior Langevin")

    def train_step(self, index: torch.Tensor, step: int) -> dict[str, float]:
        s, o = self.cfg.sampler, self.cfg.optim
        index = index.to(self.device)
        x = self.images[index]  # (B, 3, S, S)
        if self.cfg.data.flip:
            flip = (torch.rand(x.shape[0], device=self.device) < 0.5)[:, None, None, None]
            x = torch.where(flip, x.flip(-1), x)
        z_pos = self.infer(x, self.chains.read("posterior", index), s.posterior_steps)
        self.chains.write("posterior", index, z_pos)
        out = self.model(z_pos)
        q = em_objective(x, out.fg, out.bg_warped, out.pi_f, out.pi_b, 1.0).mean()
        tv = total_variation(out.bg_warped).mean()
        ortho = orthogonality_penalty(self.model.fg_net) + orthogonality_penalty(self.model.bg_net)
        gen_loss = -q + s.tv_weight * tv + o.ortho_weight * ortho
        logs = {"q": q.item(), "tv": tv.item(), "ortho": ortho.item()}
        if self.model.ebm is not None:
            z_neg = self._langevin(self.model.prior_energy, self.chains.read("prior", index), s.prior_steps,
                                   s.prior_step_size, "prior Langevin")
            self.chains.write("prior", index, z_neg)
            energies, fg_targets, bg_targets = self.model.ebm(torch.cat([z_pos, z_neg]))  # (2B,) one pass
            b = x.shape[0]
            h_f = pseudo_label_cross_entropy(fg_targets[:b].detach(), out.fg_logits).mean()
            h_b = pseudo_label_cross_entropy(bg_targets[:b].detach(), out.bg_logits).mean()
            gen_loss = gen_loss + o.label_weight * (h_f + h_b)
            ebm_loss = contrastive_prior_loss(*energies.chunk(2))
            logs.update(h_f=h_f.item(), h_b=h_b.item(), ebm_loss=ebm_loss.item())
        guarded_step(self.gen_opt, gen_loss, self.gen_params, 0.0, "generator loss")
        if self.model.ebm is not None:
            guarded_step(self.ebm_opt, ebm_loss, self.model.ebm.parameters(), 0.0, "EBM loss")
        with torch.no_grad():
            logs["recon_mse"] = (out.image - x).square().mean().item()
        logs["gen_loss"] = gen_loss.item()
        return logs

    @torch.no_grad()
    def segment(self, images: torch.Tensor) -> Composition:
        """Test-time inference (official test.py): posterior Langevin from N(0, I) for infer_steps, then compose."""
        parts = []
        for x in images.split(self.cfg.eval.batch_size):
            x = x.to(self.device)
            z = self.infer(x, torch.randn(x.shape[0], self.model.latent_dim, device=self.device),
                           self.cfg.sampler.infer_steps)
            parts.append(self.model(z, with_logits=False))
        return Composition(**{f.name: None if getattr(parts[0], f.name) is None
                              else torch.cat([getattr(p, f.name) for p in parts]) for f in fields(Composition)})

    def evaluate(self) -> dict[str, float]:
        self.model.eval()
        metrics: dict[str, float] = {}
        for split, data in self.tests.items():
            n = min(self.cfg.eval.samples, len(data))
            images, masks = data.images[:n], data.masks[:n].to(self.device)
            out = self.segment(images)
            iou, dice = iou_dice(out.pi_f, masks)
            suffix = "" if split == "test" else f"_{split}"
            metrics.update({f"iou{suffix}": float(iou.mean()), f"dice{suffix}": float(dice.mean()),
                            f"fg_share{suffix}": float(foreground_share(out.pi_f).mean()),
                            f"recon_mse{suffix}": float((out.image - images.to(self.device)).square().mean())})
            if split == "test":
                k = min(FIGURE_IMAGES, n)
                head = {f.name: getattr(out, f.name) for f in fields(Composition)}
                self.last_eval = (images[:k], masks[:k],
                                  Composition(**{name: None if v is None else v[:k] for name, v in head.items()}))
        self.model.train()
        metrics["score"] = -metrics.get("iou", 0.0)
        return metrics

    @torch.no_grad()
    def sample(self, n: int) -> torch.Tensor:
        """Images composed from prior samples (Langevin on the EBM prior from N(0, I), prior_steps steps)."""
        self.model.eval()
        z = torch.randn(n, self.model.latent_dim, device=self.device)
        if self.model.ebm is not None:
            s = self.cfg.sampler
            z = self._langevin(self.model.prior_energy, z, s.prior_steps, s.prior_step_size, "prior Langevin")
        image = self.model(z, with_logits=False).image
        self.model.train()
        return image

    def write_samples(self, folder: Path, step: int) -> None:
        """Rows of test images: image, ground truth, predicted mask pi_f, fg expert, warped bg, composed image."""
        if self.last_eval is None:
            return
        images, masks, out = self.last_eval
        rows = [images.to(self.device), _mask_rgb(masks), _mask_rgb(out.pi_f), out.fg, out.bg_warped, out.image]
        save_image_grid(torch.cat(rows), folder / f"segmentation_{step:06d}.png", nrow=images.shape[0])


def _mask_rgb(mask: torch.Tensor) -> torch.Tensor:
    """(N, 1, H, W) in [0, 1] -> grey RGB in [-1, 1] for image grids."""
    return (mask * 2 - 1).expand(-1, 3, -1, -1)
