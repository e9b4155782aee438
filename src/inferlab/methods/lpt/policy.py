"""Test-time agents (envs.rollout Policy protocol): the GPT acting on its history, with the plan z inferred once
per episode (LPT), a return-to-go that falls with each reward (DT), or nothing (BC)."""

from __future__ import annotations

import time
from typing import Any, Callable

import numpy as np
import torch
import torch.nn.functional as F

from inferlab.methods.lpt.model import TrajectoryGPT
from inferlab.methods.lpt.problems import RewardTap
from inferlab.methods.lpt.sequences import SequenceData


class SequencePolicy:
    """Discrete actions: sampled from the softmax over legal actions (`sample`) or its argmax; continuous: the
    tanh mean.

    `make_plan()` -> z (1, K, C) is called at each reset (LPT); `tap` supplies the last reward to DT's
    return-to-go R_{t+1} = R_t - r_t / scale, starting from R_1 = target / scale. Wall times of planning and of
    acting accumulate in `plan_seconds` / `act_seconds` over `episodes` / `steps`.
    """

    def __init__(self, model: TrajectoryGPT, data: SequenceData, *, act_dim: int, max_len: int, target: float,
                 sample: bool, make_plan: Callable[[], torch.Tensor] | None = None, tap: RewardTap | None = None,
                 legal_actions: Callable[[np.ndarray], np.ndarray] | None = None):
        self.model, self.data, self.act_dim, self.max_len = model, data, act_dim, max_len
        self.target, self.make_plan, self.tap, self.legal_actions = target, make_plan, tap, legal_actions
        self.sample = sample
        self.device = next(model.parameters()).device
        self.plan_seconds = self.act_seconds = 0.0
        self.episodes = self.steps = 0

    def reset(self) -> None:
        self.states: list[torch.Tensor] = []
        self.actions: list[torch.Tensor] = []
        self.rtg = [self.target / self.data.return_scale]
        self.plan = None
        if self.make_plan is not None:
            t0 = time.perf_counter()
            self.plan = self.make_plan()
            self.plan_seconds += time.perf_counter() - t0
        self.episodes += 1

    @torch.no_grad()
    def act(self, obs: Any) -> Any:
        t0 = time.perf_counter()
        if self.states and self.tap is not None:
            self.rtg.append(self.rtg[-1] - self.tap.last_reward / self.data.return_scale)
        self.states.append(self.data.normalise_state(obs))
        self.actions.append(torch.zeros(self.act_dim))  # placeholder: a_t is not seen by the s_t token
        keep = slice(-self.max_len, None)
        states = torch.stack(self.states[keep])[None].to(self.device)  # (1, t, S)
        actions = torch.stack(self.actions[keep])[None].to(self.device)  # (1, t, A)
        rtg = torch.tensor(self.rtg[keep], dtype=torch.float32)[None].to(self.device)  # (1, t)
        self.model.eval()
        out = self.model(states, actions, returns_to_go=rtg, plan=self.plan)[0, -1].cpu()  # (A,)
        if self.model.discrete:
            if self.legal_actions is not None:
                out = out.masked_fill(~torch.as_tensor(self.legal_actions(obs)), float("-inf"))
            action: Any = int(torch.multinomial(out.softmax(-1), 1)) if self.sample else int(out.argmax())
            self.actions[-1] = F.one_hot(torch.tensor(action), self.act_dim).float()
        else:
            self.actions[-1] = out
            action = out.numpy()
        self.act_seconds += time.perf_counter() - t0
        self.steps += 1
        return action
