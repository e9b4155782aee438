"""GAIfO baseline: the discriminator separates transitions, the wrapper pays D's reward, env steps are counted as
the learner takes them, runs are seeded and resume exactly, and the bench reports gaifo (and lanmdp_c2)."""

import json
import math
from dataclasses import replace

import gymnasium as gym
import numpy as np
import pytest
import torch

from inferlab.methods.lanmdp.bench import bench
from inferlab.methods.lanmdp.config import lanmdp_env_steps, tiny_reacher, with_variant
from inferlab.methods.lanmdp.gaifo import (DiscriminatorReward, TransitionDiscriminator, discriminator_update,
                                           transition_reward)


def test_discriminator_learns_to_separate_two_transition_sets():
    torch.manual_seed(0)
    agent, expert = torch.randn(256, 4), torch.randn(256, 4) + torch.tensor([2.0, -2.0, 2.0, -2.0])
    disc = TransitionDiscriminator(2, 16, torch.zeros(2), torch.ones(2))
    opt = torch.optim.Adam(disc.parameters(), lr=1e-2)
    first = discriminator_update(disc, opt, agent, expert, 1)
    last = discriminator_update(disc, opt, agent, expert, 30)
    assert first["disc_accuracy"] < 0.9 < last["disc_accuracy"] and last["disc_loss"] < first["disc_loss"]
    with torch.no_grad():
        assert transition_reward(disc(expert[:, :2], expert[:, 2:])).mean() > 2 * transition_reward(
            disc(agent[:, :2], agent[:, 2:])).mean()


def test_wrapper_pays_the_discriminators_reward_and_records_transitions():
    disc = TransitionDiscriminator(10, 8, torch.zeros(10), torch.ones(10))
    with torch.no_grad():
        last = disc.net[-1]
        last.weight.zero_()
        last.bias.fill_(2.0)  # D's logit is 2 everywhere
    env = DiscriminatorReward(gym.make("Reacher-v5"), disc)
    s, _ = env.reset(seed=0)
    s2, reward, _, _, info = env.step(np.zeros(2, dtype=np.float32))
    assert reward == pytest.approx(math.log1p(math.exp(2.0)))  # -log(1 - sigmoid(2)) = softplus(2)
    assert info["env_reward"] != pytest.approx(reward) and info["env_reward"] <= 0  # Reacher's own reward
    assert np.allclose(env.transitions[0], np.concatenate([s, s2]))


def small_gaifo(rollout_steps=50, env_steps=100):
    cfg = tiny_reacher()
    cfg = replace(cfg, task=replace(cfg.task, demos=2),
                  gaifo=replace(cfg.gaifo, rollout_steps=rollout_steps, env_steps=env_steps, disc_hidden=8),
                  train=replace(cfg.train, batch_size=16, checkpoint_every=1),
                  eval=replace(cfg.eval, samples=1))
    return with_variant(cfg, "gaifo")


def test_gaifo_budget_defaults_to_lanmdps_env_steps():
    cfg = tiny_reacher()
    assert lanmdp_env_steps(cfg) == 2000 + 600 // 100 * 4 * 50
    default = with_variant(cfg, "gaifo")
    assert default.train.steps == lanmdp_env_steps(cfg) // cfg.gaifo.rollout_steps
    assert small_gaifo().train.steps == 2 and small_gaifo().policy.kind == "gaifo"


def test_gaifo_counts_the_learners_env_steps_and_resumes_exactly(tmp_path, seeded_run):
    cfg = small_gaifo()

    def train(run_dir, steps, resume=None):
        return seeded_run(cfg, run_dir, steps, resume)

    for d in ("whole", "split"):
        (tmp_path / d / "checkpoints").mkdir(parents=True)
    whole, result = train(tmp_path / "whole", 2)
    assert whole.model.num_timesteps == 2 * 50 and result.metrics["env_steps"] == 100
    assert all(math.isfinite(v) for v in result.metrics.values())
    train(tmp_path / "split", 1)
    resume = torch.load(tmp_path / "split" / "checkpoints" / "last.pt", weights_only=True)
    split, again = train(tmp_path / "split", 2, resume)
    for a, b in zip([*whole.model.policy.parameters(), *whole.disc.parameters()],
                    [*split.model.policy.parameters(), *split.disc.parameters()]):
        assert torch.equal(a, b)
    assert again.metrics["return"] == result.metrics["return"]  # same seed, same return


def test_bench_reports_gaifo_and_lanmdp_c2_with_return_and_env_steps(tmp_path):
    cfg = tiny_reacher()
    cfg = replace(cfg, task=replace(cfg.task, demos=2),
                  sampler=replace(cfg.sampler, samples=2, steps=3, eval_steps=3),
                  model_based=replace(cfg.model_based, init_transitions=100, collect_every=2, collect_episodes=1,
                                      hidden=16, epochs_init=2, epochs=1),
                  gaifo=replace(cfg.gaifo, rollout_steps=50, disc_hidden=8),
                  train=replace(cfg.train, steps=2, batch_size=16, checkpoint_every=2, log_every=1),
                  eval=replace(cfg.eval, samples=1))
    out = json.loads(json.dumps(bench(cfg, torch.device("cpu"), 0, tmp_path)))
    gaifo, c2 = out["baselines"]["gaifo"], out["baselines"]["lanmdp_c2"]
    assert math.isfinite(gaifo["return"]) and gaifo["env_steps"] == out["baselines"]["bco"]["env_steps"] == 150
    assert math.isfinite(c2["return"]) and c2["env_steps"] == out["metrics"]["reacher_env_steps"] == 150
