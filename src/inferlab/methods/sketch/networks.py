"""The players' networks (official architectures_dreamer_v2.py, scaled to 32 px):

Encoder      our stand-in for ImageNet VGG16 up to fc7: a small CNN pretrained in-project (pretrain.py), then frozen,
             its features standardised with the pretraining images' mean and std (without it the receiver's bilinear
             match of canvas and photo features barely learns: supervised, 48% vs 82% on unseen instances);
             canvases and sketches (1 channel) are repeated to 3 channels as the official 3-channel canvases are.
Sender       CNN over (canvas, sketch, round/max_rounds, x and y coordinate planes) -> strokes (S, 6) in [0, 1] by a
             sigmoid (official: the Learning-to-Paint ResNet-18 actor, 5 x (6 + 3 colour) outputs, colour unused).
Receiver     lin1 projects the photos' and the previous canvas's features, lin2 the current canvas's; the logits
             over (photo 1..3, wait) are their dot products (official ReceiverOnestep).
ValueModel   lin1 (sum of the photos' projections; the sketch's), lin2 (previous canvas), lin3 (current canvas) ->
             400 -> 100 (ELU) -> 1 (official ValueModel).
"""

from __future__ import annotations

import torch
from torch import nn


def _conv_stack(c_in: int, widths: tuple[int, ...], stride_by_pool: bool) -> nn.Sequential:
    mods: list[nn.Module] = []
    for w in widths:
        if stride_by_pool:
            mods += [nn.Conv2d(c_in, w, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2)]
        else:
            mods += [nn.Conv2d(c_in, w, 3, stride=2, padding=1), nn.ReLU()]
        c_in = w
    return nn.Sequential(*mods)


class Encoder(nn.Module):
    """(N, 1 or 3, S, S) in [0, 1] -> (N, features); `head` classifies categories during pretraining only."""

    def __init__(self, size: int, features: int, n_classes: int):
        super().__init__()
        self.convs = _conv_stack(3, (32, 64, 64), stride_by_pool=True)
        self.fc = nn.Sequential(nn.Flatten(), nn.Linear(64 * (size // 8) ** 2, features), nn.ReLU())
        self.head = nn.Linear(features, n_classes)
        self.register_buffer("mean", torch.zeros(features))
        self.register_buffer("std", torch.ones(features))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        """Features standardised by `mean` and `std` (set after pretraining, on the pretraining images)."""
        return (self.fc(self.convs(x.expand(-1, 3, -1, -1))) - self.mean) / self.std

    def dropout(self, features: torch.Tensor, p: float) -> torch.Tensor:
        """Standardised features with dropout applied to the fc layer's output beneath them (official: VGG16 left in
        training mode, dropout on fc7): each unit is zeroed with probability p (then reads as an inactive unit,
        -mean / std), the others scaled by 1 / (1 - p); the identity at p = 0."""
        if p == 0:
            return features
        keep = torch.bernoulli(torch.full_like(features, 1 - p))
        return ((features * self.std + self.mean) * keep / (1 - p) - self.mean) / self.std


class Sender(nn.Module):
    def __init__(self, size: int, strokes: int, width: int):
        super().__init__()
        r = torch.linspace(0, 1, size)
        self.register_buffer("coords", torch.stack(torch.meshgrid(r, r, indexing="ij"))[None], persistent=False)
        self.convs = _conv_stack(5, (width, 2 * width, 2 * width), stride_by_pool=False)
        self.fc = nn.Sequential(nn.Flatten(), nn.Linear(2 * width * (size // 8) ** 2, 256), nn.ReLU(),
                                nn.Linear(256, strokes * 6))
        self.strokes = strokes

    def forward(self, canvas: torch.Tensor, sketch: torch.Tensor, progress: float) -> torch.Tensor:
        """canvas, sketch (B, 1, S, S); progress = round / max_rounds -> strokes (B, strokes, 6) in [0, 1]."""
        b = canvas.shape[0]
        planes = [canvas, sketch, torch.full_like(canvas, progress), self.coords.expand(b, -1, -1, -1)]
        return torch.sigmoid(self.fc(self.convs(torch.cat(planes, 1)))).view(b, self.strokes, 6)


class Receiver(nn.Module):
    def __init__(self, features: int, projection: int):
        super().__init__()
        self.lin1 = nn.Linear(features, projection, bias=False)
        self.lin2 = nn.Linear(features, projection, bias=False)

    def forward(self, photos: torch.Tensor, previous: torch.Tensor, current: torch.Tensor) -> torch.Tensor:
        """Features of photos (B, K, F), previous canvas (B, F), current canvas (B, F) -> probabilities (B, K+1)."""
        keys = self.lin1(torch.cat([photos, previous[:, None]], 1))  # (B, K+1, P)
        return torch.softmax((keys @ self.lin2(current)[:, :, None])[..., 0], dim=-1)


class ValueModel(nn.Module):
    def __init__(self, features: int, projection: int):
        super().__init__()
        self.lin1 = nn.Linear(features, projection, bias=False)
        self.lin2 = nn.Linear(features, projection, bias=False)
        self.lin3 = nn.Linear(features, projection, bias=False)
        self.mlp = nn.Sequential(nn.Linear(4 * projection, 100), nn.ELU(), nn.Linear(100, 1))

    def forward(self, sketch: torch.Tensor, photos: torch.Tensor, previous: torch.Tensor,
                current: torch.Tensor) -> torch.Tensor:
        """Features of the sketch (B, F), photos (B, K, F) and both canvases (B, F) -> value (B,)."""
        h = torch.cat([self.lin1(photos).sum(1), self.lin1(sketch), self.lin2(previous), self.lin3(current)], -1)
        return self.mlp(h)[:, 0]
