import numpy as np
import torch

from inferlab.envs.halma import RULES, STYLES, HalmaEnv, generate_split
from inferlab.methods.halma.episodes import HalmaBatch
from inferlab.methods.halma.networks import ActorCritic, log_prob_entropy, slot_mask
from inferlab.methods.halma.ppo import gae


def test_batch_follows_the_env_rules():
    spaces = generate_split("train", 0, 3)
    batch = HalmaBatch(spaces, 6, STYLES["train"], 3, fixed=True)
    envs = [HalmaEnv("train", spaces=[s], trial_steps=6) for s in spaces]
    for env in envs:
        env.reset(seed=0)
    actions = np.random.default_rng(0).integers(0, 4, size=(18, 3, 4))
    for step in actions:
        rewards, _ = batch.step(torch.from_numpy(step))
        for i, env in enumerate(envs):
            if env.trial < 3:
                _, reward, _, _, info = env.step(step[i])
                assert reward == rewards[i] and tuple(batch.cell[i].tolist()) == env.cell
    assert batch.done().all()
    for i, env in enumerate(envs):
        assert batch.trial_log[i].tolist() == env.trial_log and batch.success[i].tolist() == env.success


def test_slots_after_eos_do_not_count():
    actions = torch.tensor([[0, 1, 0, 3], [2, 0, 2, 2], [1, 2, 3, 1]])
    assert slot_mask(actions).tolist() == [[1, 1, 1, 0], [1, 1, 0, 0], [1, 1, 1, 1]]
    logits = torch.zeros(3, 4, 4)
    logp, entropy = log_prob_entropy(logits, actions)
    assert torch.allclose(logp, torch.log(torch.tensor(0.25)) * torch.tensor([3.0, 2.0, 4.0]))


def test_gae_with_an_episode_end():
    rewards, values = torch.tensor([[0.0], [1.0], [0.0]]), torch.tensor([[0.5], [0.5], [0.5]])
    ends = torch.tensor([[False], [True], [False]])
    adv = gae(rewards, values, ends, torch.tensor([2.0]), gamma=0.9, lam=1.0)
    assert torch.allclose(adv[:, 0], torch.tensor([0.9 * 1.0 - 0.5, 0.5, 0.9 * 2.0 - 0.5]))


def test_lstm_memory_resets_at_episode_starts():
    torch.manual_seed(0)
    agent = ActorCritic("cnn_lstm", width=4, features=8)
    panel, counters = torch.rand(2, 3, 32, 32), torch.rand(2, 3)
    state = (torch.randn(1, 2, 8), torch.randn(1, 2, 8))
    fresh, _ = agent.features_of(panel, counters, agent.initial_state(2), torch.ones(2, dtype=torch.bool))
    reset, _ = agent.features_of(panel, counters, state, torch.tensor([True, False]))
    assert torch.allclose(fresh[0], reset[0]) and not torch.allclose(fresh[1], reset[1])
