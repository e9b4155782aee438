"""An in-project classifier whose penultimate layer stands in for Inception features on small images.

FID's Inception-v3 expects 299x299 natural photos and needs a download; for 8x8 to 64x64 data inferlab instead
trains a small conv classifier on the labelled real images, caches it, and measures the Fréchet distance between
its penultimate-layer features of real and generated images ("FD" rather than "FID"; values are comparable only
across runs that share the same cached net, i.e. the same data, seed and ARCH_VERSION).
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

import torch
import torch.nn.functional as F
from safetensors import SafetensorError, safe_open
from safetensors.torch import save_file
from torch import nn

from inferlab.data.base import TensorDataset
from inferlab.errors import UserError
from inferlab.eval.frechet import frechet_distance

ARCH_VERSION = "featurenet-v1"
"""Bump when FeatureNet or its training recipe changes, so stale cached weights are not reused."""

FEATURE_DIM = 128
BATCH_SIZE = 64
LR = 2e-3


class FeatureNet(nn.Module):
    """Conv classifier for (C, H, W) images with 8 <= H, W <= 64: features (B, 128) -> logits (B, n_classes)."""

    def __init__(self, *, in_channels: int, n_classes: int, feature_dim: int = FEATURE_DIM):
        super().__init__()
        self.in_channels, self.n_classes = in_channels, n_classes
        self.body = nn.Sequential(
            nn.Conv2d(in_channels, 32, 3, padding=1), nn.ReLU(),
            nn.Conv2d(32, 64, 3, stride=2, padding=1), nn.ReLU(),
            nn.Conv2d(64, 64, 3, padding=1), nn.ReLU(),
            nn.AdaptiveAvgPool2d(4),  # 8x8 inputs are already 4x4 here; larger ones are averaged down
            nn.Flatten(),
            nn.Linear(64 * 4 * 4, feature_dim), nn.ReLU(),
        )
        self.head = nn.Linear(feature_dim, n_classes)

    def embed(self, x: torch.Tensor) -> torch.Tensor:
        """Penultimate features: (B, C, H, W) -> (B, feature_dim)."""
        return self.body(x)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.head(self.embed(x))  # (B, n_classes)


def default_cache_dir() -> Path:
    """$INFERLAB_CACHE, else ~/.cache/inferlab."""
    return Path(os.environ.get("INFERLAB_CACHE") or Path.home() / ".cache" / "inferlab")


def _fingerprint(dataset: TensorDataset, seed: int, epochs: int) -> str:
    h = hashlib.sha256()
    for t in (dataset.x, dataset.y):
        t = t.detach().cpu().contiguous()
        h.update(f"{t.dtype}{tuple(t.shape)}".encode())
        h.update(t.numpy().tobytes())
    h.update(f"{ARCH_VERSION}|{FEATURE_DIM}|{BATCH_SIZE}|{LR}|seed={seed}|epochs={epochs}".encode())
    return h.hexdigest()[:24]


def _check_labelled_images(dataset: TensorDataset) -> None:
    if dataset.y is None:
        raise UserError(f"dataset '{dataset.name}' has no labels; the feature net for FD trains on labelled images")
    if not dataset.is_image:
        raise UserError(f"dataset '{dataset.name}' holds points {tuple(dataset.x.shape)}, FD needs images (N, C, H, W)")
    h, w = dataset.x.shape[-2:]
    if not (8 <= h <= 64 and 8 <= w <= 64):
        raise UserError(f"dataset '{dataset.name}' images are {h}x{w}; FeatureNet supports 8x8 to 64x64")


def _train(dataset: TensorDataset, device: torch.device, seed: int, epochs: int) -> FeatureNet:
    """Cross-entropy with Adam; init and shuffling come only from `seed`, global RNG state is left untouched."""
    x, y = dataset.x.to(device, torch.float32), dataset.y.to(device)
    n_classes = int(dataset.y.max()) + 1
    forked = [device] if device.type == "cuda" else []
    with torch.random.fork_rng(devices=forked, device_type=device.type):
        torch.manual_seed(seed)
        net = FeatureNet(in_channels=x.shape[1], n_classes=n_classes).to(device)
    gen = torch.Generator().manual_seed(seed)
    opt = torch.optim.Adam(net.parameters(), lr=LR)
    sched = torch.optim.lr_scheduler.CosineAnnealingLR(opt, T_max=epochs * -(-len(x) // BATCH_SIZE))
    net.train()
    for _ in range(epochs):
        for idx in torch.randperm(len(x), generator=gen).split(BATCH_SIZE):
            idx = idx.to(device)
            loss = F.cross_entropy(net(x[idx]), y[idx])
            opt.zero_grad(set_to_none=True)
            loss.backward()
            opt.step()
            sched.step()
    return net.eval()


def load_or_train_feature_net(
    dataset: TensorDataset,
    *,
    cache_dir: Path | None = None,
    device: torch.device | str = "cpu",
    seed: int = 0,
    epochs: int = 10,
) -> FeatureNet:
    """The FeatureNet for `dataset`, loaded from `cache_dir/feature_net/<fingerprint>.safetensors` or trained and saved.

    The fingerprint hashes the image and label bytes, their shapes, ARCH_VERSION, the recipe, `seed` and `epochs`.
    Training is deterministic under `seed` (on CPU). The returned net is in eval mode on `device`.
    """
    _check_labelled_images(dataset)
    device = torch.device(device)
    path = Path(cache_dir or default_cache_dir()) / "feature_net" / f"{_fingerprint(dataset, seed, epochs)}.safetensors"
    if path.exists():
        try:
            with safe_open(str(path), framework="pt", device="cpu") as f:
                meta = f.metadata()
                state = {k: f.get_tensor(k) for k in f.keys()}
            with torch.device("meta"):  # no init: draws nothing from the caller's RNG; the weights are loaded next
                net = FeatureNet(in_channels=int(meta["in_channels"]), n_classes=int(meta["n_classes"]))
            net.load_state_dict(state, assign=True)
        except (SafetensorError, OSError, RuntimeError, KeyError, TypeError, ValueError) as err:
            raise UserError(f"The cached feature network {path} is corrupt ({type(err).__name__}). Delete it: the next "
                            "run trains it again (INFERLAB_CACHE sets the cache folder).") from None
        return net.to(device).eval()
    net = _train(dataset, device, seed, epochs)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(f".tmp{os.getpid()}")
    state = {k: v.detach().cpu().contiguous() for k, v in net.state_dict().items()}
    meta = {"in_channels": str(net.in_channels), "n_classes": str(net.n_classes), "arch": ARCH_VERSION}
    save_file(state, str(tmp), metadata=meta)
    os.replace(tmp, path)  # atomic: concurrent runs never read a half-written file
    return net


@torch.no_grad()
def features(net: FeatureNet, images: torch.Tensor, batch: int = 512) -> torch.Tensor:
    """Penultimate features (N, feature_dim) of `images` (N, C, H, W) in [-1, 1], on CPU; eval mode, no grad."""
    net.eval()
    device = next(net.parameters()).device
    out = [net.embed(chunk.to(device, torch.float32)).cpu() for chunk in images.split(batch)]
    return torch.cat(out)


@torch.no_grad()
def accuracy(net: FeatureNet, images: torch.Tensor, labels: torch.Tensor, batch: int = 512) -> float:
    """Fraction of `images` whose argmax logit equals `labels`."""
    net.eval()
    device = next(net.parameters()).device
    preds = torch.cat([net(chunk.to(device, torch.float32)).argmax(1).cpu() for chunk in images.split(batch)])
    return float((preds == labels.cpu()).double().mean())


def fd_score(net: FeatureNet, real_images: torch.Tensor, fake_images: torch.Tensor, batch: int = 512) -> float:
    """Fréchet distance between FeatureNet features of real and generated images (lower is better)."""
    return frechet_distance(features(net, real_images, batch), features(net, fake_images, batch))
