"""Connect Four as a single-agent gymnasium environment: the agent plays against an epsilon-search opponent.

Observation: MultiBinary (2, 6, 7) int8 from the agent's view: plane 0 holds the agent's stones, plane 1 the
opponent's; row 0 is the top row, column c is action c. Action: Discrete(7), the column to drop a stone in.
Reward, given only when the game ends: +1 agent wins, -1 opponent wins, 0 draw. A move into a full column ends
the game as a loss for the agent (reward -1) with `info["illegal"] = True`. `info["action_mask"]` (7,) int8
marks the playable columns.
"""

from __future__ import annotations

from typing import Any

import gymnasium as gym
import numpy as np

from inferlab.envs.actions import check_action
from inferlab.envs.c4_solver import COLS, ROWS, EpsilonOpponent, Position


class ConnectFourEnv(gym.Env[np.ndarray, np.int64]):
    """The agent moves first unless `agent_first=False`; the opponent searches `opponent_depth` plies and plays a
    random legal move with probability `opponent_eps` (see `EpsilonOpponent`)."""

    metadata = {"render_modes": ["ansi"], "render_fps": 4}

    def __init__(self, *, opponent_depth: int = 4, opponent_eps: float = 0.1, agent_first: bool = True,
                 render_mode: str | None = None) -> None:
        if render_mode not in (None, "ansi"):
            raise ValueError(f"render_mode must be None or 'ansi', got {render_mode!r}")
        self.opponent = EpsilonOpponent(depth=opponent_depth, eps=opponent_eps)
        self.agent_first = agent_first
        self.render_mode = render_mode
        self.observation_space = gym.spaces.MultiBinary((2, ROWS, COLS))
        self.action_space = gym.spaces.Discrete(COLS)
        self.position = Position()

    def _obs(self) -> np.ndarray:
        planes = self.position.planes()  # plane 0 = the player to move
        agent_to_move = (self.position.moves % 2 == 0) == self.agent_first
        return planes if agent_to_move else planes[::-1].copy()

    def _info(self, illegal: bool = False) -> dict[str, Any]:
        mask = np.array([self.position.can_play(c) for c in range(COLS)], dtype=np.int8)
        return {"illegal": illegal, "action_mask": mask}

    def reset(self, *, seed: int | None = None, options: dict[str, Any] | None = None
              ) -> tuple[np.ndarray, dict[str, Any]]:
        super().reset(seed=seed)
        self.opponent.searcher.table.clear()  # so an episode depends only on the seed and the agent's actions
        self.position = Position()
        if not self.agent_first:
            self.position = self.position.play(self.opponent.act(self.position, self.np_random))
        return self._obs(), self._info()

    def _drop(self, col: int) -> tuple[bool, bool]:
        """Play `col` for the player to move; returns (that player won, the game is over)."""
        won = self.position.is_winning_move(col)
        self.position = self.position.play(col)
        return won, won or self.position.is_full()

    def step(self, action: np.int64 | int) -> tuple[np.ndarray, float, bool, bool, dict[str, Any]]:
        col = check_action(self.action_space, action)
        if not self.position.can_play(col):
            return self._obs(), -1.0, True, False, self._info(illegal=True)
        won, over = self._drop(col)
        reward = 1.0 if won else 0.0
        if not over:  # the opponent replies
            lost, over = self._drop(self.opponent.act(self.position, self.np_random))
            reward = -1.0 if lost else 0.0
        return self._obs(), reward, over, False, self._info()

    def render(self) -> str | None:
        if self.render_mode != "ansi":
            return None
        planes = self._obs()
        rows = ["".join("X" if planes[0, r, c] else "O" if planes[1, r, c] else "." for c in range(COLS))
                for r in range(ROWS)]
        return "\n".join(rows + ["0123456"]) + "\n"
