"""Rules of the visual communication game (Qiu et al., NeurIPS 2022), shared by the PettingZoo env and the
batched training loop of methods/sketch.

A game: the receiver sees `n_photos` photos of distinct categories; the sender sees a sketch of the target's
category (an instance drawn independently of the target photo's instance: a category-level reference). Each round
the sender adds strokes to the shared canvas; then the receiver picks photo 0..n_photos-1 or waits
(option `n_photos`). A pick ends the game, reward +1 if right and -1 if wrong (official `cal_reward`); a wait
costs `step_cost` (official default 0). After `max_rounds` rounds a game still waiting is over and counts as lost.
"""

from __future__ import annotations

import numpy as np
import torch

N_PHOTOS = 3
"""Photos per game (official game_size 4 = 3 photos + the wait option)."""


def sample_games(rng: np.random.Generator, categories: np.ndarray, instances: np.ndarray, n: int,
                 n_photos: int = N_PHOTOS) -> np.ndarray:
    """n games as an int64 table (n, 2 + 2 n_photos): [target, sketch instance, photo categories...,
    photo instances...]; categories distinct within a game, instances drawn uniformly (official
    `get_batch_random`: the sketch's and the target photo's instances drawn independently)."""
    if len(categories) < n_photos:
        raise ValueError(f"a game needs {n_photos} distinct categories, the split has {len(categories)}")
    cats = np.stack([rng.choice(categories, n_photos, replace=False) for _ in range(n)])
    target = rng.integers(0, n_photos, n)
    sketch = rng.choice(instances, n)
    photo_inst = rng.choice(instances, (n, n_photos))
    return np.concatenate([target[:, None], sketch[:, None], cats, photo_inst], axis=1).astype(np.int64)


def game_tensors(games: torch.Tensor, photos: torch.Tensor, sketches: torch.Tensor
                 ) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
    """(target (B,), sketch (B, 1, S, S), photos (B, n_photos, 3, S, S)) of a game table (B, 2 + 2 n_photos),
    from the data's photos (C, I, 3, S, S) and sketches (C, I, 1, S, S)."""
    k = (games.shape[1] - 2) // 2
    target, cats, inst = games[:, 0], games[:, 2:2 + k], games[:, 2 + k:]
    sketch = sketches[cats.gather(1, target[:, None])[:, 0], games[:, 1]]
    return target, sketch, photos[cats, inst]


def choice_reward(choice: torch.Tensor, target: torch.Tensor, step_cost: float, n_photos: int = N_PHOTOS
                  ) -> torch.Tensor:
    """Reward of the receiver's option per game: +1 right pick, -1 wrong pick, -step_cost for waiting."""
    pick = torch.where(choice == target, 1.0, -1.0)
    return torch.where(choice < n_photos, pick, torch.full_like(pick, -step_cost))
