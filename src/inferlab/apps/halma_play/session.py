"""One person's HALMA session: the env, the episode in play, and its JSON-lines log (one file per episode, inside
the log folder only)."""

from __future__ import annotations

import base64
import io
import json
import threading
import time
from pathlib import Path

import numpy as np
from PIL import Image

from inferlab.envs.halma import RULES, HalmaEnv, Space
from inferlab.envs.halma.rules import DIRECTION_NAMES, OPTION_SLOTS, option_text


def png_data_url(panel: np.ndarray, scale: int = 8) -> str:
    image = Image.fromarray(panel).resize((panel.shape[1] * scale, panel.shape[0] * scale), Image.NEAREST)
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode()


def move_text(move: list[int]) -> str:
    return f"{DIRECTION_NAMES[move[0]]} {option_text(tuple(move[1:]))}"


class PlaySession:
    """Spaces of one split played in turn; `log_dir` receives episode-<session start>-NNNN.jsonl files."""

    def __init__(self, spaces: list[Space], split: str, log_dir: Path, seed: int = 0) -> None:
        self.env = HalmaEnv(split, spaces=spaces, trial_steps=RULES[split].trial_steps)
        self.split, self.log_dir, self.seed = split, Path(log_dir), seed
        self.lock = threading.Lock()
        self.log_dir.mkdir(parents=True, exist_ok=True)
        self.episode, self.space_index, self.over = -1, -1, True
        self.started = time.strftime("%Y%m%d-%H%M%S")
        """Start of the session, in every log name: a later session never appends to an earlier one's files."""
        self.new_episode()

    def new_episode(self, space: int | None = None) -> dict:
        with self.lock:
            self.episode += 1
            self.space_index = (self.space_index + 1) % len(self.env.spaces) if space is None else space
            self.obs, self.info = self.env.reset(seed=self.seed + self.episode, options={"space": self.space_index})
            self.over, self.last = False, None
            self.log_path = self.log_dir / f"episode-{self.started}-{self.episode:04d}.jsonl"
            self._log({"event": "start", "split": self.split, "space_index": self.space_index,
                       "space": self.env.space.to_json(), "trial_steps": self.env.trial_steps})
            return self._state()

    def move(self, direction: int, option: list[int]) -> dict:
        with self.lock:
            if self.over:
                raise EpisodeOver("The episode is over: start a new one (POST /new).")
            action = np.array([direction, *option, *[0] * (OPTION_SLOTS - len(option))], dtype=np.int64)
            counters, trial = self.obs["counters"].tolist(), self.env.trial + 1
            self.obs, reward, terminated, _, self.info = self.env.step(action)
            move = self.info["memo"][-1]["move"]
            self.last = {"move": move, "text": move_text(move), "valid": self.info["valid"],
                         "reached": self.info["reached"]}
            self._log({"event": "move", "trial": trial,
                       "counters_before": counters, "move": move, "distance": self.info["distance"],
                       "valid": self.info["valid"], "reached": self.info["reached"], "reward": reward,
                       "cell": list(self.info["cell"])})
            if terminated:
                self.over = True
                self._log({"event": "end", "trial_steps": self.info["trial_steps"],
                           "success": self.info["success"]})
            return self._state()

    def state(self) -> dict:
        with self.lock:
            return self._state()

    def _state(self) -> dict:
        counters = self.obs["counters"].tolist()
        return {"panel": png_data_url(self.obs["panel"]), "steps_left": counters[0], "trials_left": counters[1],
                "episode_steps_left": counters[2], "episode": self.episode, "space": self.space_index,
                "split": self.split, "over": self.over, "last": self.last,
                "trial_steps": self.info["trial_steps"], "success": self.info["success"],
                "memo": [{"panel": png_data_url(m["panel"], 4), "move": m["move"], "text": move_text(m["move"]),
                          "valid": m["valid"]} for m in self.info["memo"]],
                "log": self.log_path.name}

    def _log(self, record: dict) -> None:
        with self.log_path.open("a") as f:
            f.write(json.dumps({"time": round(time.time(), 3), "episode": self.episode, **record}) + "\n")


class EpisodeOver(Exception):
    """A move after the episode's last trial."""
