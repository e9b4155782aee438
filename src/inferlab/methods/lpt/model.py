"""LPT's networks: the trajectory generator p(tau | z) (shared with BC and DT), and the latent plan: the UNet
prior z = U(z0), z0 ~ N(0, I), the return predictor p(y | z) and the persistent posterior chains z0 per trajectory.
"""

from __future__ import annotations

from typing import Literal

import torch
from einops import rearrange
from torch import nn

from inferlab.core.transformer import CausalTransformer
from inferlab.methods.lpt.unet import UNet1d

Conditioning = Literal["latent", "return", "none"]


class TrajectoryGPT(nn.Module):
    """A causal GPT over interleaved tokens (s_1, a_1, s_2, a_2, ...) that predicts a_t from the s_t token.

    conditioning="latent" (LPT): every block cross-attends to the plan tokens z (B, K, C), no return token.
    conditioning="return" (Decision Transformer): tokens (R_1, s_1, a_1, R_2, ...) with R_t the return-to-go.
    conditioning="none" (behaviour cloning): the (s, a) tokens alone.
    Discrete actions enter one-hot and leave as logits; continuous ones leave through tanh.
    """

    def __init__(self, *, obs_dim: int, act_dim: int, discrete: bool, conditioning: Conditioning, d_model: int,
                 layers: int, heads: int, context_len: int, dropout: float):
        super().__init__()
        self.conditioning, self.discrete = conditioning, discrete
        self.embed_state = nn.Linear(obs_dim, d_model)
        self.embed_action = nn.Linear(act_dim, d_model)
        if conditioning == "return":
            self.embed_return = nn.Linear(1, d_model)
        self.embed_ln = nn.LayerNorm(d_model)
        # The official self-attention is flash-attn with window (context_len, 0): itself + context_len earlier keys.
        self.gpt = CausalTransformer(d_model, layers, heads, cross=conditioning == "latent", dropout=dropout,
                                     window=context_len + 1 if context_len > 0 else 0)
        self.predict_action = nn.Linear(d_model, act_dim)

    def forward(self, states: torch.Tensor, actions: torch.Tensor, *, returns_to_go: torch.Tensor | None = None,
                plan: torch.Tensor | None = None) -> torch.Tensor:
        """states (B, T, S), actions (B, T, A), returns_to_go (B, T), plan (B, K, C) -> action outputs (B, T, A)."""
        parts = [self.embed_state(states), self.embed_action(actions)]
        if self.conditioning == "return":
            parts.insert(0, self.embed_return(returns_to_go[..., None]))
        tokens = self.embed_ln(rearrange(torch.stack(parts, dim=2), "b t k c -> b (t k) c"))  # (B, T*k, C)
        h = self.gpt(tokens, context=plan if self.conditioning == "latent" else None)
        state_h = rearrange(h, "b (t k) c -> b t k c", k=len(parts))[:, :, len(parts) - 2]  # (B, T, C)
        out = self.predict_action(state_h)
        return out if self.discrete else torch.tanh(out)


class LatentPlan(nn.Module):
    """z0 ~ N(0, I) of shape (K, C); z = U(z0) by a 1-D UNet over the flattened K*C numbers; y | z ~ N(r(z), .)
    with r a Swish MLP. `chains` (N, K, C) holds each training trajectory's persistent posterior sample of z0."""

    def __init__(self, *, n_traj: int, n_latent: int, d_model: int, unet_dim: int, unet_mults: tuple[int, ...],
                 unet_attn_dim: int, return_hidden: int, return_dropout: float):
        super().__init__()
        self.shape = (n_latent, d_model)
        self.unet = UNet1d(unet_dim, unet_mults, attn_dim=unet_attn_dim)
        self.predict_return = nn.Sequential(
            nn.Linear(n_latent * d_model, return_hidden), nn.SiLU(), nn.Dropout(return_dropout),
            nn.Linear(return_hidden, return_hidden), nn.SiLU(), nn.Dropout(return_dropout),
            nn.Linear(return_hidden, 1))
        self.register_buffer("chains", torch.randn(n_traj, n_latent, d_model))

    def prior(self, z0: torch.Tensor) -> torch.Tensor:
        """z = U(z0): (B, K, C) -> (B, K, C)."""
        z = self.unet(rearrange(z0, "b k c -> b 1 (k c)"))
        return rearrange(z, "b 1 (k c) -> b k c", k=self.shape[0])

    def expected_return(self, z: torch.Tensor) -> torch.Tensor:
        """r(z): (B, K, C) -> (B,) predicted scaled return."""
        return self.predict_return(rearrange(z, "b k c -> b (k c)")).squeeze(-1)
