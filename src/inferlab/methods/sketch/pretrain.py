"""In-project stand-ins for the official run's downloaded pretrained parts:

- the receiver's and value model's ImageNet VGG16 -> `Encoder` trained on the pretraining pool (extra instances,
  drawn apart from the game's, of the seen categories and of categories beyond the game's; never an unseen one)
  to classify the category of photos and sketches, sketches thickened at random (`thicken`) as a generic
  extractor is indifferent to line width, then frozen;
- the sender's Learning-to-Paint actor (trained by RL to repaint images through a neural stroke renderer) -> the
  `Sender` trained to redraw those sketches over `max_rounds` rounds: a chamfer loss between its strokes' curve
  points and the sketch's contour pixels (`chamfer_redraw_loss`), the canvas it sees rendered by our rasteriser.
  (A pixel MSE through the rasteriser collapses every stroke to a dot: thin lines make blank canvases cheap.)
Both run inside a forked RNG seeded from the run's seed, so they never change the caller's random stream, and are
cached per process: the bench's settings start from the same pretrained weights, as the official ones do.
"""

from __future__ import annotations

import functools
from dataclasses import replace

import torch
import torch.nn.functional as F

from inferlab.core.bezier import bezier_points, paint_strokes
from inferlab.data.sketch import SketchData, make_sketch_data
from inferlab.data.sketch.categories import CATEGORY_NAMES
from inferlab.methods.sketch.config import SketchConfig
from inferlab.methods.sketch.networks import Encoder, Sender
from inferlab.progress import progress_bar


@functools.lru_cache(maxsize=4)
def game_data(cfg: SketchConfig, seed: int) -> SketchData:
    d = cfg.data
    return make_sketch_data(n_categories=d.categories, n_unseen_categories=d.unseen_categories,
                            n_instances=d.instances, n_seen_instances=d.seen_instances, size=d.image_size, seed=seed)


def pretrain_categories(cfg: SketchConfig) -> list[int]:
    """Indices (in data/sketch/categories.py's order) of the pretraining pool's categories: the game's seen
    categories, then categories beyond the game's, up to `pretrain_categories` in all; never an unseen one."""
    d = cfg.data
    seen = list(range(d.categories - d.unseen_categories))
    extra = max(0, min(d.pretrain_categories, len(CATEGORY_NAMES)) - len(seen))
    return seen + list(range(d.categories, min(len(CATEGORY_NAMES), d.categories + extra)))


def _pretrain_pool(cfg: SketchConfig, seed: int) -> SketchData:
    d, cats = cfg.data, pretrain_categories(cfg)
    pool = make_sketch_data(n_categories=cats[-1] + 1, n_unseen_categories=0, n_instances=d.pretrain_instances,
                            n_seen_instances=d.pretrain_instances, size=d.image_size, seed=seed + 7919)
    return replace(pool, names=tuple(pool.names[c] for c in cats), photos=pool.photos[cats],
                   sketches=pool.sketches[cats], word_vectors=pool.word_vectors[cats])


def contour_targets(sketches: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
    """Per sketch (N, 1, S, S): the distance map to its nearest contour pixel (N, 1, S, S), in pixels, and its
    contour pixels' (x, y) positions padded to one length (N, M, 2) with weights 1 / 0 for padding (N, M)."""
    from scipy.ndimage import distance_transform_edt

    lit = sketches[:, 0] > 0.5
    dist = torch.stack([torch.from_numpy(distance_transform_edt(~m.numpy())).float() for m in lit])[:, None]
    m = int(lit.flatten(1).sum(1).max())
    xy, w = torch.zeros(len(lit), m, 2), torch.zeros(len(lit), m)
    for i, mask in enumerate(lit):
        rows, cols = torch.nonzero(mask, as_tuple=True)
        xy[i, :len(rows)] = torch.stack([cols, rows], 1).float()
        w[i, :len(rows)] = 1.0
    return dist, xy, w


def chamfer_redraw_loss(points: torch.Tensor, new: torch.Tensor, dist: torch.Tensor, contour_xy: torch.Tensor,
                        contour_w: torch.Tensor) -> torch.Tensor:
    """Chamfer loss pulling strokes onto a sketch's contour, in pixel units:
    precision: mean over this round's curve points `new` (B, N, 2) of the distance map `dist` (B, 1, S, S) read
    bilinearly at them; coverage: mean over the contour pixels (`contour_xy` (B, M, 2), weights `contour_w` (B, M))
    of the distance to the nearest point drawn so far (`points` (B, K, 2), this round's included), so that
    drawing nothing never pays."""
    size = dist.shape[-1]
    grid = (new / (size - 1) * 2 - 1)[:, :, None]  # (B, N, 1, 2) in [-1, 1], x first as grid_sample wants
    precision = F.grid_sample(dist, grid, align_corners=True, padding_mode="border").mean()
    nearest = torch.cdist(contour_xy, points).amin(-1)  # (B, M)
    coverage = (nearest * contour_w).sum() / contour_w.sum().clamp_min(1.0)
    return precision + coverage


def thicken(images: torch.Tensor, chosen: torch.Tensor) -> torch.Tensor:
    """Line drawings (N, C, S, S) with the `chosen` ones (N,) bool dilated by a 3 x 3 max filter (1 px wider
    lines each side), the others unchanged."""
    return torch.where(chosen[:, None, None, None], F.max_pool2d(images, 3, 1, 1), images)


def pretrain_encoder(pool: SketchData, cfg: SketchConfig) -> Encoder:
    """Each update: cross-entropy of the category of `batch_size` pool images (photos and sketches, small shifts,
    half the sketches thickened)."""
    p, (n_cat, n_inst) = cfg.pretrain, pool.photos.shape[:2]
    images = torch.cat([pool.photos.flatten(0, 1), pool.sketches.flatten(0, 1).expand(-1, 3, -1, -1)])
    labels = torch.arange(n_cat).repeat_interleave(n_inst).repeat(2)
    is_sketch = torch.arange(len(images)) >= n_cat * n_inst
    enc = Encoder(cfg.data.image_size, cfg.model.features, n_cat)
    opt = torch.optim.Adam(enc.parameters(), lr=p.lr)
    for _ in progress_bar(range(p.encoder_steps), desc="pretrain encoder", leave=False):
        idx = torch.randint(len(images), (p.batch_size,))
        x = torch.roll(images[idx], tuple(torch.randint(-2, 3, (2,)).tolist()), dims=(2, 3))  # small shifts
        x = thicken(x, is_sketch[idx] & (torch.rand(len(idx)) < 0.5))
        loss = F.cross_entropy(enc.head(enc(x)), labels[idx])
        opt.zero_grad()
        loss.backward()
        opt.step()
    with torch.no_grad():
        feats = torch.cat([enc(chunk) for chunk in images.split(256)])
        enc.mean.copy_(feats.mean(0))
        enc.std.copy_(feats.std(0) + 1e-3)
    return enc.requires_grad_(False).eval()


def pretrain_sender(pool: SketchData, cfg: SketchConfig) -> Sender:
    p, g, size = cfg.pretrain, cfg.game, cfg.data.image_size
    sketches = pool.sketches.flatten(0, 1)
    dist, contour_xy, contour_w = contour_targets(sketches)
    sender = Sender(size, g.strokes_per_round, cfg.model.sender_width)
    opt = torch.optim.Adam(sender.parameters(), lr=p.lr)
    for _ in progress_bar(range(p.sender_steps), desc="pretrain sender", leave=False):
        idx = torch.randint(len(sketches), (p.batch_size,))
        sketch = sketches[idx]
        canvas, drawn, loss = torch.zeros_like(sketch), [], 0.0
        for r in range(g.max_rounds):
            strokes = sender(canvas, sketch, r / g.max_rounds)
            new = bezier_points(strokes, 4).flatten(1, 2) * (size - 1)  # (B, S * 5, 2) in pixels
            drawn.append(new)
            loss = loss + chamfer_redraw_loss(torch.cat([d.detach() for d in drawn[:-1]] + [new], 1), new,
                                              dist[idx], contour_xy[idx], contour_w[idx])
            with torch.no_grad():
                canvas = paint_strokes(canvas, strokes, width=g.stroke_width)
        opt.zero_grad()
        (loss / g.max_rounds).backward()
        opt.step()
    return sender


def pretrained_state(cfg: SketchConfig, seed: int) -> tuple[dict, dict]:
    """(encoder, sender) state dicts pretrained from `seed`, cached per process on the config parts they depend on
    (not the game setting, the optimiser, the training loop or the evaluation)."""
    return _pretrained_state(SketchConfig(data=cfg.data, game=replace(cfg.game, setting="complete"),
                                          model=cfg.model, pretrain=cfg.pretrain), seed)


@functools.lru_cache(maxsize=4)
def _pretrained_state(cfg: SketchConfig, seed: int) -> tuple[dict, dict]:
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(seed + 104729)
        pool = _pretrain_pool(cfg, seed)
        enc, sender = pretrain_encoder(pool, cfg), pretrain_sender(pool, cfg)
    return ({k: v.clone() for k, v in enc.state_dict().items()},
            {k: v.clone() for k, v in sender.state_dict().items()})
