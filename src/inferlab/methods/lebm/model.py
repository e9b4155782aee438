"""Build LEBM's latent variable model (generator + EBM or Gaussian prior) from its config."""

from __future__ import annotations

from torch import nn

from inferlab.core.ebm import LatentEBMPrior
from inferlab.core.latent_model import LatentVariableModel
from inferlab.core.nets import build_decoder
from inferlab.methods.lebm.config import ModelConfig


def build_generator(cfg: ModelConfig, data_shape: tuple[int, ...]) -> nn.Module:
    """g_beta: z -> x. Images get a tanh output in [-1, 1]; 2-D points a linear one."""
    return build_decoder(cfg.generator, latent_dim=cfg.latent_dim, data_shape=data_shape,
                         width=cfg.generator_width, layers=cfg.generator_layers)


def build_model(cfg: ModelConfig, data_shape: tuple[int, ...]) -> LatentVariableModel:
    prior = None
    if cfg.prior == "ebm":
        prior = LatentEBMPrior(latent_dim=cfg.latent_dim, hidden=cfg.energy_hidden, layers=cfg.energy_layers,
                               sigma=cfg.prior_sigma, activation=cfg.energy_activation)
    return LatentVariableModel(generator=build_generator(cfg, data_shape), prior=prior, latent_dim=cfg.latent_dim,
                               prior_sigma=cfg.prior_sigma, likelihood_sigma=cfg.likelihood_sigma)
