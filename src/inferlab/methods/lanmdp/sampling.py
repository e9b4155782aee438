"""Decision-making as inference with the energy policy: prior sampling (model-free acting) and, on the path task,
posterior sampling towards a goal (model-based planning), as in the official code."""

from __future__ import annotations

import math

import torch

from inferlab.core.langevin import box_langevin_sample, polynomial_schedule
from inferlab.core.optim import eval_mode, frozen
from inferlab.envs.cubic_path import DX, cubic_transition
from inferlab.methods.lanmdp.config import SamplerConfig
from inferlab.methods.lanmdp.model import EnergyPolicy


def sample_prior_actions(policy: EnergyPolicy, context: torch.Tensor, *, max_action: float, steps: int,
                         s: SamplerConfig, best: bool = False, constant_step: bool = False) -> torch.Tensor:
    """a ~ p_alpha(a | context) by the official short-run sampler: start U[-max, max], then `steps` clipped noisy
    gradient steps on -f with the polynomial step schedule s.step_size -> s.step_size_end (or, with
    `constant_step`, s.step_size_end throughout) (sampler.py prior_sample_new_exmps). context (B, c, S)
    -> actions (B, A): the last state of each chain, or with `best` the highest-f state it visited."""
    a0 = (torch.rand(context.shape[0], policy.act_dim, device=context.device) * 2 - 1) * max_action
    schedule = ([s.step_size_end] * steps if constant_step
                else polynomial_schedule(s.step_size, s.step_size_end, steps))
    with eval_mode(policy), frozen(policy):
        last, lowest = box_langevin_sample(lambda a: -policy(context, a), a0, schedule, low=-max_action,
                                           high=max_action, noise_std=s.noise, grad_clip=s.grad_clip,
                                           name="LanMDP prior sampler")
    return lowest if best else last


@torch.no_grad()
def act(policy: EnergyPolicy, context: torch.Tensor, *, max_action: float, s: SamplerConfig) -> torch.Tensor:
    """The executed action: with one candidate the last state of a prior chain (official cubic validation); with
    more, the candidate of highest f among the last states of `eval_candidates` chains (official MuJoCo evaluate:
    Categorical(softmax f).mode), plus N(0, exec_noise^2), clipped to the box."""
    n, m = context.shape[0], s.eval_candidates
    candidates = sample_prior_actions(policy, context.repeat_interleave(m, 0), max_action=max_action,
                                      steps=s.eval_steps, s=s, constant_step=s.eval_constant_step)  # (n m, A)
    if m > 1:
        f = policy(context.repeat_interleave(m, 0), candidates).view(n, m)
        candidates = candidates.view(n, m, -1)[torch.arange(n), f.argmax(1)]
    if s.exec_noise > 0:
        candidates = candidates + s.exec_noise * torch.randn_like(candidates)
    return candidates.clamp(-max_action, max_action)


def log_policy(policy: EnergyPolicy, context: torch.Tensor, actions: torch.Tensor, points: int,
               max_action: float) -> torch.Tensor:
    """log p_alpha(a | context) = f(context, a) - log Z(context) for a one-dimensional action, with
    log Z = log of the mean of exp f over `points` evenly spaced actions on [-max, max] (the quadrature's constant
    log(2 max) is dropped: it does not depend on the context). Differentiable in the context and the action."""
    grid = torch.linspace(-max_action, max_action, points, device=actions.device).view(-1, 1)
    n = context.shape[0]
    f_grid = policy(context.repeat_interleave(points, 0), grid.repeat(n, 1)).view(n, points)
    return policy(context, actions) - (torch.logsumexp(f_grid, 1) - math.log(points))


def plan_to_goal(policy: EnergyPolicy, states: torch.Tensor, actions: torch.Tensor, goals: torch.Tensor, *,
                 start: int, steps: int, step_size: float, noise: float, target_weight: float, grad_clip: float,
                 max_action: float, normaliser_points: int = 0) -> torch.Tensor:
    """Receding-horizon posterior sampling on the path task (official prior_sample_planning_act_first).

    states (N, T + 1, S) and actions (N, T, 1) are prior-sampled paths; from step `start` on, at each step t the
    remaining actions a_{t:T} (initialised from the prior path's, as official) take `steps` clipped noisy gradient
    steps on E(a) = -sum_{j>=t} f(s_{j-c+1:j}, a_j) + target_weight * (goal - y_T)^2 through the known transition,
    then a_t is executed. Returns the planned paths (N, T + 1, S).

    With `normaliser_points` > 0 each f is replaced by log p_alpha(a_j | context_j) = f - log Z(context_j)
    (`log_policy`), the log-prior the posterior is made of; the official code sums raw f, whose level differs from
    context to context, so the sum also rewards steering the path into contexts the network happens to score high
    (README: planning).
    """
    c = policy.context
    states = states.clone()
    horizon = actions.shape[1]
    for t in range(start, horizon):
        prefix = states[:, : t + 1]  # (N, t + 1, S)

        def energy(a: torch.Tensor) -> torch.Tensor:  # a (N, H, 1), H = horizon - t
            future = prefix[:, -1:].clone().expand(-1, a.shape[1], -1)
            ys = prefix[:, -1:, :1] + a.cumsum(1)  # (N, H, 1)
            xs = future[..., 1:] + DX * torch.arange(1, a.shape[1] + 1, device=a.device).view(1, -1, 1)
            path = torch.cat([prefix, torch.cat([ys, xs], -1)], 1)  # (N, T + 1, S)
            padded = torch.cat([path.new_zeros(path.shape[0], c - 1, path.shape[2]), path], 1)
            ctx = padded.unfold(1, c, 1)[:, t: horizon].permute(0, 1, 3, 2)  # (N, H, c, S)
            ctx, flat_a = ctx.flatten(0, 1), a.flatten(0, 1)
            f = (log_policy(policy, ctx, flat_a, normaliser_points, max_action) if normaliser_points
                 else policy(ctx, flat_a)).view(a.shape[0], -1)
            return -f.sum(1) + target_weight * (goals - path[:, -1, 0]).pow(2)

        with eval_mode(policy), frozen(policy):
            plan, _ = box_langevin_sample(energy, actions[:, t:], [step_size] * steps, low=-max_action,
                                          high=max_action, noise_std=noise, grad_clip=grad_clip,
                                          name="LanMDP posterior planner")
        states[:, t + 1] = cubic_transition(states[:, t], plan[:, 0])
    return states
