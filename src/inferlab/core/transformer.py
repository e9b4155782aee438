"""A GPT-2 style causal transformer whose blocks can also cross-attend to a context (e.g. latent plan tokens).

Block (pre-LayerNorm, GPT-2):  h <- h + SelfAttn(LN(h));  h <- h + CrossAttn(LN(h), LN_c(c)) if c is given;
h <- h + MLP(LN(h)). Self-attention is causal, optionally limited to a sliding window of the last `window`
tokens (the official Latent Plan Transformer uses window = context length). There is no positional embedding
here: callers add their own if they want one.
"""

from __future__ import annotations

import torch
import torch.nn.functional as F
from einops import rearrange
from torch import nn


def causal_mask(length: int, window: int, device: torch.device) -> torch.Tensor:
    """(T, T) bool, True where query i may attend key j: j <= i and (window <= 0 or i - j < window)."""
    i = torch.arange(length, device=device)[:, None]
    j = torch.arange(length, device=device)[None, :]
    allowed = j <= i
    if window > 0:
        allowed = allowed & (i - j < window)
    return allowed


class MultiHeadAttention(nn.Module):
    """softmax(Q K^T / sqrt(d_head) + mask) V over `heads` heads; keys/values from `context` when given."""

    def __init__(self, d_model: int, heads: int, dropout: float):
        super().__init__()
        if d_model % heads:
            raise ValueError(f"d_model={d_model} must be divisible by heads={heads}")
        self.heads, self.dropout = heads, dropout
        self.query = nn.Linear(d_model, d_model)
        self.key_value = nn.Linear(d_model, 2 * d_model)
        self.proj = nn.Linear(d_model, d_model)
        self.resid_drop = nn.Dropout(dropout)

    def forward(self, x: torch.Tensor, context: torch.Tensor | None = None,
                mask: torch.Tensor | None = None) -> torch.Tensor:
        source = x if context is None else context
        q = rearrange(self.query(x), "b t (h d) -> b h t d", h=self.heads)  # (B, H, T, Dh)
        k, v = rearrange(self.key_value(source), "b s (two h d) -> two b h s d", two=2, h=self.heads)
        out = F.scaled_dot_product_attention(q, k, v, attn_mask=mask,
                                             dropout_p=self.dropout if self.training else 0.0)
        return self.resid_drop(self.proj(rearrange(out, "b h t d -> b t (h d)")))  # (B, T, C)


class TransformerBlock(nn.Module):
    """One pre-LN GPT-2 block: causal self-attention, optional cross-attention to a context, MLP (4x width)."""

    def __init__(self, d_model: int, heads: int, *, cross: bool, dropout: float, activation: str = "relu"):
        super().__init__()
        self.ln_self = nn.LayerNorm(d_model)
        self.self_attn = MultiHeadAttention(d_model, heads, dropout)
        self.cross = cross
        if cross:
            self.ln_cross = nn.LayerNorm(d_model)
            self.ln_context = nn.LayerNorm(d_model)
            self.cross_attn = MultiHeadAttention(d_model, heads, dropout)
        self.ln_mlp = nn.LayerNorm(d_model)
        act = nn.ReLU() if activation == "relu" else nn.GELU()
        self.mlp = nn.Sequential(nn.Linear(d_model, 4 * d_model), act, nn.Linear(4 * d_model, d_model),
                                 nn.Dropout(dropout))

    def forward(self, h: torch.Tensor, mask: torch.Tensor, context: torch.Tensor | None = None) -> torch.Tensor:
        h = h + self.self_attn(self.ln_self(h), mask=mask)
        if self.cross:
            if context is None:
                raise ValueError("this block cross-attends: pass a context (B, S, C)")
            h = h + self.cross_attn(self.ln_cross(h), context=self.ln_context(context))
        return h + self.mlp(self.ln_mlp(h))


class CausalTransformer(nn.Module):
    """`layers` TransformerBlocks and a final LayerNorm: token embeddings (B, T, C) -> features (B, T, C)."""

    def __init__(self, d_model: int, layers: int, heads: int, *, cross: bool = False, dropout: float = 0.1,
                 window: int = 0, activation: str = "relu"):
        super().__init__()
        self.window = window
        self.drop = nn.Dropout(dropout)
        self.blocks = nn.ModuleList(TransformerBlock(d_model, heads, cross=cross, dropout=dropout,
                                                     activation=activation) for _ in range(layers))
        self.ln_final = nn.LayerNorm(d_model)

    def forward(self, tokens: torch.Tensor, context: torch.Tensor | None = None) -> torch.Tensor:
        mask = causal_mask(tokens.shape[1], self.window, tokens.device)  # (T, T)
        h = self.drop(tokens)
        for block in self.blocks:
            h = block(h, mask, context)
        return self.ln_final(h)  # (B, T, C)
