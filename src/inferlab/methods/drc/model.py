"""DRC's generative model: z = [z_f | z_b | z_s], foreground and background experts, pixel re-assignment of the
background, per-pixel gating, and the latent EBM prior (official EABPModel.forward)."""

from __future__ import annotations

from dataclasses import dataclass

import torch
import torch.nn.functional as F
from torch import nn

from inferlab.core.ebm import reference_energy
from inferlab.methods.drc.config import ModelConfig
from inferlab.methods.drc.losses import em_objective, total_variation
from inferlab.methods.drc.networks import PartGenerator, ReassignNet, RegionEBM


@dataclass
class Composition:
    """Everything one pass of the generators produces (images in [-1, 1], masks in [0, 1])."""

    fg: torch.Tensor  # (B, 3, S, S) foreground expert
    bg: torch.Tensor  # (B, 3, S, S) background expert before re-assignment
    bg_warped: torch.Tensor  # (B, 3, S, S) background after pixel re-assignment
    pi_f: torch.Tensor  # (B, 1, S, S) gating of the foreground = the predicted foreground mask
    pi_b: torch.Tensor  # (B, 1, S, S) = 1 - pi_f
    grid: torch.Tensor | None  # (B, S, S, 2) re-assignment grid, None without re-assignment
    fg_logits: torch.Tensor | None  # (B, Kf) encoder logits of the generated foreground
    bg_logits: torch.Tensor | None  # (B, Kb) encoder logits of the generated background

    @property
    def image(self) -> torch.Tensor:
        return self.pi_f * self.fg + self.pi_b * self.bg_warped


class DRCModel(nn.Module):
    def __init__(self, cfg: ModelConfig, image_size: int):
        super().__init__()
        self.cfg = cfg
        self.dims = (cfg.zf_dim, cfg.zb_dim, cfg.zs_dim)
        self.latent_dim = sum(self.dims)
        parts = dict(fc_channels=cfg.fc_channels, width=cfg.decoder_width, encoder_width=cfg.encoder_width,
                     image_size=image_size)
        self.fg_net = PartGenerator(z_dim=cfg.zf_dim, classes=cfg.fg_classes, **parts)
        self.bg_net = PartGenerator(z_dim=cfg.zb_dim, classes=cfg.bg_classes, **parts)
        self.sp_net = ReassignNet(z_dim=cfg.zs_dim, fc_channels=cfg.fc_channels, width=cfg.decoder_width,
                                  image_size=image_size) if cfg.reassign else None
        self.ebm = RegionEBM(zf_dim=cfg.zf_dim, zb_dim=cfg.zb_dim, zs_dim=cfg.zs_dim, hidden=cfg.ebm_hidden,
                             fg_classes=cfg.fg_classes, bg_classes=cfg.bg_classes) if cfg.prior == "ebm" else None

    def generators(self) -> list[nn.Module]:
        return [m for m in (self.fg_net, self.bg_net, self.sp_net) if m is not None]

    def forward(self, z: torch.Tensor, with_logits: bool = True) -> Composition:
        """Compose the image from z; `with_logits=False` skips the pseudo-label encoders (not needed by Langevin)."""
        zf, zb, zs = z.split(self.dims, dim=1)
        bg, bg_mask, bg_logits, bg_feat = self.bg_net(zb, with_logits)
        fg, fg_mask, fg_logits, _ = self.fg_net(zf, with_logits)
        grid, bg_warped, bg_mask_warped = None, bg, bg_mask
        if self.sp_net is not None:
            grid = self.sp_net(zs, bg_feat.detach())
            warped = F.grid_sample(torch.cat([bg, bg_mask], dim=1), grid, align_corners=False)  # one pass, 4 channels
            bg_warped, bg_mask_warped = warped[:, :3], warped[:, 3:]
        pi = torch.cat([fg_mask, bg_mask_warped], dim=1).softmax(dim=1)  # (B, 2, S, S)
        return Composition(fg=fg, bg=bg, bg_warped=bg_warped, pi_f=pi[:, :1], pi_b=pi[:, 1:], grid=grid,
                           fg_logits=fg_logits, bg_logits=bg_logits)

    def prior_energy(self, z: torch.Tensor) -> torch.Tensor:
        """-log p(z) + const = E(z) + |z|^2 / 2 per sample (E = 0 for the Gaussian prior)."""
        energy = reference_energy(z, 1.0)
        return energy if self.ebm is None else energy + self.ebm(z)[0]

    def posterior_energy(self, z: torch.Tensor, x: torch.Tensor, sigma: float, tv_weight: float) -> torch.Tensor:
        """-Q(z; x) summed over pixels + tv_weight TV(warped bg) + E(z) + |z|^2 / 2, per sample (official
        sample_langevin_posterior, with log p = -|x - mu| / (2 sigma^2))."""
        out = self(z, with_logits=False)
        q = em_objective(x, out.fg, out.bg_warped, out.pi_f, out.pi_b, 2 * sigma**2)
        tv = total_variation(out.bg_warped).flatten(1).sum(1)
        return -q.flatten(1).sum(1) + tv_weight * tv + self.prior_energy(z)
