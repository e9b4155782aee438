"""The visual communication game as a PettingZoo parallel environment with two agents, "sender" and "receiver".

A round has two phases (observation key "phase"): in the draw phase (0) the sender's action, strokes
(strokes_per_round, 6) in [0, 1] (quadratic Bézier control points, core/bezier.py), is painted on the canvas; in
the choose phase (1) the receiver's action, 0..2 (a photo) or 3 (wait), is played. Both agents act at every step
(the parallel API) and the other agent's action is ignored in each phase. Both get the same reward (rules.py):
+1 / -1 for a right / wrong pick, -step_cost for waiting; a pick terminates the game, a wait in the last round
truncates it. Observations are float32 in [0, 1]: the sender sees the canvas and the sketch, the receiver the
canvas before and after this round's strokes and the photos.
"""

from __future__ import annotations

import functools

import gymnasium as gym
import numpy as np
import torch
from pettingzoo import ParallelEnv

from inferlab.core.bezier import paint_strokes
from inferlab.data.sketch import SketchData
from inferlab.envs.sketch_game.rules import N_PHOTOS, choice_reward, game_tensors, sample_games

AGENTS = ("sender", "receiver")
DRAW, CHOOSE = 0, 1


class SketchGameEnv(ParallelEnv):
    metadata = {"name": "sketch_game_v0", "render_modes": ["rgb_array"]}

    def __init__(self, data: SketchData, *, split: str = "seen", max_rounds: int = 7, strokes_per_round: int = 5,
                 step_cost: float = 0.0, stroke_width: float = 1.0, render_mode: str | None = None) -> None:
        if render_mode not in (None, "rgb_array"):
            raise ValueError(f"render_mode must be None or 'rgb_array', got {render_mode!r}")
        self.data, self.split = data, split
        self.categories, self.instances = data.split(split)
        self.max_rounds, self.strokes, self.step_cost, self.width = max_rounds, strokes_per_round, step_cost, stroke_width
        self.render_mode = render_mode
        self.possible_agents = list(AGENTS)
        self.agents: list[str] = []
        self.size = data.photos.shape[-1]
        self._rng = np.random.default_rng()

    @functools.lru_cache(maxsize=None)
    def observation_space(self, agent: str) -> gym.spaces.Dict:
        s = self.size
        img = lambda *shape: gym.spaces.Box(0.0, 1.0, shape, np.float32)  # noqa: E731
        common = {"canvas": img(1, s, s), "round": gym.spaces.Discrete(self.max_rounds + 1),
                  "phase": gym.spaces.Discrete(2)}
        if agent == "sender":
            return gym.spaces.Dict({**common, "sketch": img(1, s, s)})
        return gym.spaces.Dict({**common, "previous_canvas": img(1, s, s), "photos": img(N_PHOTOS, 3, s, s)})

    @functools.lru_cache(maxsize=None)
    def action_space(self, agent: str) -> gym.spaces.Space:
        if agent == "sender":
            return gym.spaces.Box(0.0, 1.0, (self.strokes, 6), np.float32)
        return gym.spaces.Discrete(N_PHOTOS + 1)

    def reset(self, seed: int | None = None, options: dict | None = None) -> tuple[dict, dict]:
        if seed is not None:
            self._rng = np.random.default_rng(seed)
        game = torch.from_numpy(sample_games(self._rng, self.categories, self.instances, 1))
        target, sketch, photos = game_tensors(game, self.data.photos, self.data.sketches)
        self.target, self.sketch, self.photos = target, sketch, photos
        self.canvas = torch.zeros_like(sketch)
        self.previous = self.canvas
        self.round, self.phase = 0, DRAW
        self.agents = list(AGENTS)
        return self._observations(), {a: {"target": int(target[0])} for a in self.agents}

    def _observations(self) -> dict:
        common = {"canvas": self.canvas[0].numpy(), "round": self.round, "phase": self.phase}
        return {"sender": {**common, "sketch": self.sketch[0].numpy()},
                "receiver": {**common, "previous_canvas": self.previous[0].numpy(), "photos": self.photos[0].numpy()}}

    def step(self, actions: dict) -> tuple[dict, dict, dict, dict, dict]:
        reward, terminated, truncated = 0.0, False, False
        if self.phase == DRAW:
            strokes = torch.as_tensor(np.asarray(actions["sender"], np.float32)).clamp(0, 1)[None]
            self.previous = self.canvas
            self.canvas = paint_strokes(self.canvas, strokes, width=self.width)
            self.phase = CHOOSE
        else:
            choice = torch.tensor([int(actions["receiver"])])
            reward = float(choice_reward(choice, self.target, self.step_cost)[0])
            self.round += 1
            terminated = int(choice[0]) < N_PHOTOS
            truncated = not terminated and self.round >= self.max_rounds
            self.phase = DRAW
        obs = self._observations()
        agents = self.agents
        self.agents = [] if terminated or truncated else agents
        info = {"target": int(self.target[0]), "round": self.round}
        return (obs, {a: reward for a in agents}, {a: terminated for a in agents},
                {a: truncated for a in agents}, {a: info for a in agents})

    def render(self) -> np.ndarray | None:
        """rgb_array: the canvas beside the sketch and the photos, (S, 5 S, 3) uint8."""
        if self.render_mode is None:
            return None
        tiles = [self.canvas[0].expand(3, -1, -1), self.sketch[0].expand(3, -1, -1), *self.photos[0]]
        return (torch.cat(tiles, dim=2).permute(1, 2, 0).numpy() * 255).round().astype(np.uint8)

    def close(self) -> None:
        pass
