"""Action validation for every environment we own or wrap: an action outside the action space is a `ValueError`
that says what was given and what the space allows, never a silent clip, a wrap-around index or a NaN state."""

from __future__ import annotations

from typing import Any

import gymnasium as gym
import numpy as np


def check_action(space: gym.Space, action: Any) -> Any:
    """`action` as the env should use it (an int for Discrete, a float64 array for Box, an int64 array for
    MultiDiscrete), or a `ValueError`."""
    if isinstance(space, gym.spaces.Discrete):
        value = np.asarray(action)
        if value.shape != () or not np.issubdtype(value.dtype, np.integer):
            raise ValueError(f"action {action!r}: this environment takes one whole number from {space.start} to "
                             f"{space.start + space.n - 1}.")
        index = int(value)
        if not space.start <= index < space.start + space.n:
            raise ValueError(f"action {index} is outside the action space: allowed are {space.start} to "
                             f"{space.start + space.n - 1}.")
        return index
    if isinstance(space, gym.spaces.Box):
        try:
            value = np.asarray(action, dtype=np.float64)
        except (TypeError, ValueError):
            raise ValueError(f"action {action!r}: this environment takes an array of shape {space.shape}.") from None
        if value.shape != space.shape:
            raise ValueError(f"action of shape {value.shape}: this environment takes shape {space.shape}.")
        if not np.isfinite(value).all():
            raise ValueError(f"action {value.tolist()} is not finite (NaN or Inf).")
        if (value < space.low).any() or (value > space.high).any():
            raise ValueError(f"action {value.tolist()} is outside the action space [{space.low.tolist()}, "
                             f"{space.high.tolist()}].")
        return value
    if isinstance(space, gym.spaces.MultiDiscrete):
        value = np.asarray(action)
        if value.shape != space.shape or not np.issubdtype(value.dtype, np.integer):
            raise ValueError(f"action {action!r}: this environment takes {space.shape[0]} whole numbers, each from "
                             f"0 to nvec - 1 with nvec = {space.nvec.tolist()}.")
        if (value < 0).any() or (value >= space.nvec).any():
            raise ValueError(f"action {value.tolist()} is outside the action space: each entry must be from 0 to "
                             f"nvec - 1 with nvec = {space.nvec.tolist()}.")
        return value.astype(np.int64)
    raise TypeError(f"check_action does not know {type(space).__name__} spaces.")


class CheckedActions(gym.ActionWrapper):
    """Wraps an env we did not write so that its actions are checked by `check_action`."""

    def action(self, action: Any) -> Any:
        return check_action(self.action_space, action)
