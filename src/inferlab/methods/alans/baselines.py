"""Connectionist baselines for ALANS's splits, trained on the same batches with the answer cross-entropy alone.
Shapes: B problems, 16 panels (8 context + 8 candidates), S slots, F features.

  cnn   per-slot crops (ALANS's input): a crop CNN plus an embedding of the slot's box, summed over slots into a
        panel feature; an MLP embeds each row of 3 panels and scores the completed third row against rows 1 and 2.
  wren  WReN (Barrett et al., ICML 2018): a CNN embeds each whole panel, tagged with its position; a relation
        network g over all ordered pairs of the 8 context panels and one candidate, summed, then f -> the score.
        Published: 4 conv layers of 32 channels, g 4 x 512, f 256-256-1 with dropout 0.5, on 80 px panels.
  scl   SCL, Scattering Compositional Learner (Wu, Dong, Grosse & Ba, 2020; official dhh1995/SCL): a CNN per panel,
        its per-channel spatial maps transformed by one MLP and split into groups, each group mapped by one shared
        MLP to a few features ("objects -> attributes"); per feature, the 9 values (8 context + candidate) pass one
        shared set of 5 expert MLPs ("rules"), softmax over experts, and one MLP scores the (F, 5) table. Official
        RAVEN run: conv 16-16-32-32 with residual blocks, 80 px, spatial 25 -> 80, 10 groups, 80 features,
        visual MLP 128, experts 64-32, scorer 128, a residual block on the features; lr 5e-3, weight decay 0.01.
Scaled like ALANS's object CNN: `channels` sets the conv widths (ALANS's), hidden sizes are 64 or less (WReN's g
and f 32: its 81 pairs per candidate dominate the cost); see README.
"""

from __future__ import annotations

import torch
import torch.nn as nn

from inferlab.methods.alans.perception import conv_stack


def mlp(*sizes: int, dropout: float = 0.0) -> nn.Sequential:
    """Linear layers with ReLU between them (none after the last); optional dropout before the last layer."""
    layers: list[nn.Module] = []
    for i, (a, b) in enumerate(zip(sizes[:-1], sizes[1:])):
        if i == len(sizes) - 2 and dropout > 0:
            layers.append(nn.Dropout(dropout))
        layers.append(nn.Linear(a, b))
        if i < len(sizes) - 2:
            layers.append(nn.ReLU())
    return nn.Sequential(*layers)


def panel_encoder(channels: int) -> nn.Sequential:
    """4 conv layers (3x3, stride 2, BatchNorm, ReLU; widths c, c, 2c, 2c) that keep the spatial map: a 64 px panel
    -> (2c, 4, 4)."""
    c = channels
    widths = (1, c, c, 2 * c, 2 * c)
    layers: list[nn.Module] = []
    for a, b in zip(widths[:-1], widths[1:]):
        layers += [nn.Conv2d(a, b, 3, 2, 1), nn.BatchNorm2d(b), nn.ReLU()]
    return nn.Sequential(*layers)


def row_scores(row: nn.Module, score: nn.Module, f: torch.Tensor) -> torch.Tensor:
    """Score each candidate's completed third row against rows 1 and 2: f (B, 16, F) -> (B, 8)."""
    r1, r2 = row(f[:, 0:3].flatten(1)), row(f[:, 3:6].flatten(1))  # (B, H)
    r3 = row(torch.cat([f[:, 6:8].flatten(1)[:, None].expand(-1, 8, -1), f[:, 8:]], -1))  # (B, 8, H)
    return score(torch.cat([r1[:, None].expand_as(r3), r2[:, None].expand_as(r3), r3], -1)).squeeze(-1)


def with_candidate(f: torch.Tensor) -> torch.Tensor:
    """(B, 16, F) -> (B, 8, 9, F): the 8 context panels followed by each candidate (official SCL `transform`)."""
    context = f[:, None, :8].expand(-1, 8, -1, -1)
    return torch.cat([context, f[:, 8:, None]], 2)


class CropCNN(nn.Module):
    """`cnn`: crops (B, 16, S, 1, c, c), boxes (S, 4) (centre row, centre column, height, width) -> scores (B, 8)."""

    def __init__(self, channels: int = 16, hidden: int = 64):
        super().__init__()
        self.crop = conv_stack(channels)
        self.box = nn.Linear(4, 2 * channels)
        self.row = mlp(6 * channels, hidden, hidden)
        self.score = mlp(3 * hidden, hidden, 1)

    def forward(self, crops: torch.Tensor, boxes: torch.Tensor) -> dict:
        b, p, s = crops.shape[:3]
        h = self.crop(crops.flatten(0, 2)).view(b, p, s, -1)  # (B, 16, S, 2c)
        f = torch.relu(h + self.box(boxes)).sum(2)  # (B, 16, 2c)
        return {"scores": row_scores(self.row, self.score, f)}


class WReN(nn.Module):
    """`wren`: panels (B, 16, 1, P, P) -> scores (B, 8)."""

    def __init__(self, channels: int = 16, panel_size: int = 64, embed: int = 32, hidden: int = 32,
                 dropout: float = 0.5):
        super().__init__()
        self.cnn = panel_encoder(channels)
        side = -(-panel_size // 16)
        self.embed = nn.Linear(2 * channels * side * side, embed)
        self.g = mlp(2 * (embed + 9), hidden, hidden, hidden, hidden)
        self.f = mlp(hidden, hidden, hidden, 1, dropout=dropout)

    def forward(self, panels: torch.Tensor) -> dict:
        b = panels.shape[0]
        e = self.embed(self.cnn(panels.flatten(0, 1)).flatten(1)).view(b, 16, -1)  # (B, 16, E)
        x = with_candidate(e)  # (B, 8, 9, E)
        tags = torch.eye(9, device=x.device).expand(b, 8, 9, 9)
        x = torch.cat([x, tags], -1)  # (B, 8, 9, E + 9)
        pairs = torch.cat([x[:, :, :, None].expand(-1, -1, -1, 9, -1), x[:, :, None].expand(-1, -1, 9, -1, -1)], -1)
        return {"scores": self.f(self.g(pairs).sum((2, 3))).squeeze(-1)}  # (B, 8)


class SCL(nn.Module):
    """`scl`: panels (B, 16, 1, P, P) -> scores (B, 8)."""

    def __init__(self, channels: int = 16, panel_size: int = 64, spatial: int = 32, groups: int = 8,
                 features: int = 32, visual_hidden: int = 64, expert_hidden: tuple[int, int] = (32, 16),
                 experts: int = 5, scorer_hidden: int = 64):
        super().__init__()
        self.cnn = panel_encoder(channels)
        side = -(-panel_size // 16)
        self.transform = nn.Linear(side * side, spatial)  # per channel, the spatial map -> `spatial` values
        self.groups, self.features = groups, features
        self.visual = mlp(2 * channels * spatial // groups, visual_hidden, features // groups)  # shared by groups
        self.residual = mlp(features, features, features)
        self.experts = nn.ModuleList(mlp(9, *expert_hidden, 1) for _ in range(experts))  # shared by features
        self.scorer = mlp(features * experts, scorer_hidden, 1)

    def forward(self, panels: torch.Tensor) -> dict:
        b = panels.shape[0]
        maps = self.cnn(panels.flatten(0, 1)).flatten(2)  # (B*16, 2c, side^2)
        x = self.transform(maps).flatten(1).view(b * 16, self.groups, -1)  # (B*16, G, 2c*T/G)
        f = self.visual(x).view(b, 16, self.features)
        f = f + self.residual(f)  # (B, 16, F)
        x = with_candidate(f).transpose(2, 3)  # (B, 8, F, 9): per feature, the 9 panels' values
        rules = torch.softmax(torch.cat([expert(x) for expert in self.experts], -1), -1)  # (B, 8, F, 5)
        return {"scores": self.scorer(rules.flatten(2)).squeeze(-1)}
