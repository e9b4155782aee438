"""A fast discrete grid maze (a gymnasium env) with fixed ASCII layouts in the spirit of D4RL maze2d.

Layout characters: '#' wall, '.' free, 'S' start (free), 'G' goal (free). Observation: the agent's cell as
Box int64 [row, col]. Actions (Discrete(5)): 0 stay, 1 up, 2 down, 3 left, 4 right; a move into a wall stays put.
Reward (maze2d "sparse"): 1.0 for every step that ends on the goal cell, else 0. The episode never terminates;
it is truncated after `max_steps` steps, so the return counts the steps spent on the goal (reach it fast, stay).
"""

from __future__ import annotations

from collections import deque
from typing import Any

import gymnasium as gym
import numpy as np

from inferlab.envs.actions import check_action

LAYOUTS: dict[str, str] = {
    "umaze": """
#######
#G....#
#####.#
#####.#
#S....#
#######
""",
    "medium": """
##########
#..##...G#
#..#....##
##...#.#.#
#..#.....#
#.#..#.#.#
#S..#..#.#
##.##.##.#
#....#...#
##########
""",
    "large": """
#############
#S...#.....##
#.##.#.###..#
#.#..#...#..#
#.#.####.##.#
#...#.....#.#
###.#.###.#.#
#...#.#...#.#
#.###.#.###.#
#.#...#.....#
#.#.###.#####
#...#......G#
#############
""",
}
MAX_STEPS = {"umaze": 60, "medium": 120, "large": 240}
ACTIONS = np.array([(0, 0), (-1, 0), (1, 0), (0, -1), (0, 1)], dtype=np.int64)  # stay, up, down, left, right

Cell = tuple[int, int]


class Maze:
    """A parsed layout: the wall grid, the 'S' and 'G' cells, the list of free cells, and BFS distances."""

    def __init__(self, layout: str) -> None:
        rows = layout.strip().splitlines()
        if len({len(r) for r in rows}) != 1 or set("".join(rows)) - set("#.SG"):
            raise ValueError("a layout is a rectangle of '#', '.', 'S' and 'G' characters")
        if set(rows[0] + rows[-1] + "".join(r[0] + r[-1] for r in rows)) != {"#"}:
            raise ValueError("a layout must be enclosed by walls ('#') on all four sides")
        self.walls = np.array([[ch == "#" for ch in r] for r in rows])
        self.shape: Cell = self.walls.shape  # type: ignore[assignment]
        self.start = self._find(rows, "S")
        self.goal = self._find(rows, "G")
        self.free = [(r, c) for r in range(self.shape[0]) for c in range(self.shape[1]) if not self.walls[r, c]]
        self._distances: dict[Cell, np.ndarray] = {}

    @staticmethod
    def _find(rows: list[str], ch: str) -> Cell:
        hits = [(r, c) for r, row in enumerate(rows) for c, x in enumerate(row) if x == ch]
        if len(hits) != 1:
            raise ValueError(f"a layout needs exactly one {ch!r}, found {len(hits)}")
        return hits[0]

    def move(self, cell: Cell, action: int) -> Cell:
        """The cell reached from `cell` by `action`; a wall blocks the move."""
        r, c = cell[0] + int(ACTIONS[action, 0]), cell[1] + int(ACTIONS[action, 1])
        return cell if self.walls[r, c] else (r, c)

    def distances(self, target: Cell) -> np.ndarray:
        """(H, W) int64 shortest-path steps to `target` by BFS; -1 for walls and unreachable cells (cached)."""
        if target not in self._distances:
            dist = np.full(self.shape, -1, dtype=np.int64)
            dist[target] = 0
            queue = deque([target])
            while queue:
                cell = queue.popleft()
                for a in range(1, len(ACTIONS)):
                    nxt = self.move(cell, a)
                    if dist[nxt] < 0:
                        dist[nxt] = dist[cell] + 1
                        queue.append(nxt)
            self._distances[target] = dist
        return self._distances[target]

    def planner_action(self, cell: Cell, target: Cell, rng: np.random.Generator) -> int:
        """A shortest-path action from `cell` towards `target` (ties broken at random; 0 when already there)."""
        dist = self.distances(target)
        if cell == target:
            return 0
        best = [a for a in range(1, len(ACTIONS)) if dist[self.move(cell, a)] == dist[cell] - 1]
        return int(best[rng.integers(len(best))])


class GridMazeEnv(gym.Env[np.ndarray, np.int64]):
    """Maze `layout` (a key of LAYOUTS); start at 'S', or at a random free non-goal cell with `random_start`."""

    metadata = {"render_modes": ["ansi"], "render_fps": 4}

    def __init__(self, layout: str = "umaze", *, max_steps: int | None = None, random_start: bool = False,
                 render_mode: str | None = None) -> None:
        if layout not in LAYOUTS:
            raise ValueError(f"unknown layout {layout!r}; choose one of {sorted(LAYOUTS)}")
        if render_mode not in (None, "ansi"):
            raise ValueError(f"render_mode must be None or 'ansi', got {render_mode!r}")
        self.maze = Maze(LAYOUTS[layout])
        self.max_steps = MAX_STEPS[layout] if max_steps is None else max_steps
        self.random_start, self.render_mode = random_start, render_mode
        h, w = self.maze.shape
        self.observation_space = gym.spaces.Box(low=0, high=np.array([h - 1, w - 1]), shape=(2,), dtype=np.int64)
        self.action_space = gym.spaces.Discrete(len(ACTIONS))
        self.cell: Cell = self.maze.start
        self.steps = 0

    def _obs(self) -> np.ndarray:
        return np.array(self.cell, dtype=np.int64)

    def reset(self, *, seed: int | None = None, options: dict[str, Any] | None = None
              ) -> tuple[np.ndarray, dict[str, Any]]:
        super().reset(seed=seed)
        self.steps = 0
        self.cell = self.maze.start
        if self.random_start:
            starts = [c for c in self.maze.free if c != self.maze.goal]
            self.cell = starts[self.np_random.integers(len(starts))]
        return self._obs(), {}

    def step(self, action: np.int64 | int) -> tuple[np.ndarray, float, bool, bool, dict[str, Any]]:
        self.cell = self.maze.move(self.cell, check_action(self.action_space, action))
        self.steps += 1
        reward = 1.0 if self.cell == self.maze.goal else 0.0
        return self._obs(), reward, False, self.steps >= self.max_steps, {}

    def render(self) -> str | None:
        if self.render_mode != "ansi":
            return None
        grid = [["#" if w else "." for w in row] for row in self.maze.walls]
        grid[self.maze.goal[0]][self.maze.goal[1]] = "G"
        grid[self.cell[0]][self.cell[1]] = "A"
        return "\n".join("".join(row) for row in grid) + "\n"
