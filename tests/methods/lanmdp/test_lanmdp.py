"""LanMDP: the action sampler's box, the cubic metric, context padding, the loss's direction, planning towards a
goal, the MuJoCo tasks' buffer, exact resume, episode cap and refit schedule."""

from dataclasses import replace

import h5py
import numpy as np
import pytest
import torch

from inferlab.core.langevin import box_langevin_sample, polynomial_schedule
from inferlab.data.cubic_paths import cubic_demonstrations
from inferlab.data.offline_rl import Trajectory, save_d4rl_hdf5
from inferlab.engine.distributed import DistContext
from inferlab.envs.scripted_reacher import ReacherExpert
from inferlab.errors import UserError
from inferlab.methods.lanmdp import make_task
from inferlab.methods.lanmdp.config import (PolicyConfig, SamplerConfig, episode_limit, lanmdp_env_steps, paper_mujoco,
                                           tiny_double_pendulum, tiny_reacher, with_variant)
from inferlab.methods.lanmdp.context import RollingContext, context_windows
from inferlab.methods.lanmdp.cubic import cubic_fit_metrics
from inferlab.methods.lanmdp.model import EnergyPolicy
from inferlab.methods.lanmdp.mujoco import REACH_TAIL, load_demonstrations, reach_distance
from inferlab.methods.lanmdp.objective import gaussian_log_prob, lanmdp_loss, one_sigma_floor
from inferlab.methods.lanmdp.sampling import act, plan_to_goal, sample_prior_actions


def policy(c=2, state_dim=2, act_dim=1):
    torch.manual_seed(0)
    return EnergyPolicy(state_dim=state_dim, act_dim=act_dim, context=c, hidden=16, layers=3, init_std=0.0)


def test_sampler_respects_the_action_box_and_keeps_the_best_state():
    torch.manual_seed(0)
    x, best = box_langevin_sample(lambda a: -50 * a.sum(1), torch.zeros(64, 2), [5.0] * 10, low=-0.5, high=0.5,
                                  noise_std=1.0, grad_clip=0.3)
    assert x.abs().max() <= 0.5 and best.abs().max() <= 0.5
    assert torch.allclose(x, torch.full_like(x, 0.5))  # pushed to the upper edge by a clipped gradient
    ctx = torch.randn(32, 2, 2) * 3
    a = sample_prior_actions(policy(), ctx, max_action=0.5, steps=20, s=SamplerConfig(step_size=10.0, noise=2.0))
    assert a.shape == (32, 1) and a.abs().max() <= 0.5
    chosen = act(policy(), ctx, max_action=0.5, s=SamplerConfig(eval_candidates=4, exec_noise=5.0))
    assert chosen.abs().max() <= 0.5


def test_polynomial_schedule_matches_the_official_loop():
    s = polynomial_schedule(10.0, 1.0, 40)
    assert len(s) == 40 and s[0] == 10.0
    assert s[38] == pytest.approx(1.0) and 1.0 < s[-1] < 1.01 and all(a >= b for a, b in zip(s[1:], s[2:-1]))


def test_cubic_metric_on_known_curves():
    demos = cubic_demonstrations(20, np.random.default_rng(0))
    m = cubic_fit_metrics(demos)
    assert m["acc_rate"] == 1.0 and m["acc_res"] < 1e-5
    x = np.linspace(-1, 1, 21)
    lines = np.stack([np.stack([0.3 * x + b, x], -1) for b in (-0.5, 0.0, 0.5)])
    shallow = np.stack([0.4 * x**3 - 0.4 * x, x], -1)[None]
    assert cubic_fit_metrics(lines)["acc_rate"] == 0.0 and np.isnan(cubic_fit_metrics(lines)["acc_res"])
    assert cubic_fit_metrics(shallow)["acc_rate"] == 0.0  # |leading| = 0.4 < 0.5
    zigzag = demos.copy()
    zigzag[:, ::2, 0] += 0.1
    noisy = cubic_fit_metrics(zigzag)
    assert noisy["acc_rate"] == 1.0 and 0.04 < noisy["acc_res"] < 0.06  # a +-0.05 zigzag about the fit


def test_contexts_are_zero_padded_at_episode_starts_as_official():
    states = torch.arange(1, 7, dtype=torch.float32).view(3, 2)  # s0 = (1, 2), s1 = (3, 4), s2 = (5, 6)
    w = context_windows([states, states + 10], c=3, start_window=True)
    assert w.shape == (6, 4, 2)
    assert torch.equal(w[0], torch.stack([torch.zeros(2), torch.zeros(2), torch.zeros(2), states[0]]))
    assert torch.equal(w[1], torch.stack([torch.zeros(2), torch.zeros(2), states[0], states[1]]))
    assert torch.equal(w[2], torch.stack([torch.zeros(2), states[0], states[1], states[2]]))
    assert torch.equal(w[3, -1], states[0] + 10) and (w[3, :-1] == 0).all()  # no leak across episodes
    assert len(context_windows([states], c=3)) == 2  # MuJoCo: transitions only
    roll = RollingContext(2, 3, 2)
    ctx = roll.push(states[:2])
    assert (ctx[:, :2] == 0).all() and torch.equal(ctx[:, 2], states[:2])
    assert torch.equal(roll.push(states[1:])[:, 1:], torch.stack([states[:2], states[1:]], 1))


def test_mujoco_task_with_two_states_of_context_pads_each_episode_start_with_zeros():
    cfg = with_variant(tiny_double_pendulum(), "lanmdp_c2")
    cfg = replace(cfg, task=replace(cfg.task, demos=2, max_episode_steps=20),
                  model_based=replace(cfg.model_based, init_transitions=20, collect_episodes=1, hidden=8,
                                      epochs_init=1))
    task = make_task(cfg, torch.device("cpu"), DistContext(), 0)
    demos = [torch.as_tensor(d.observations, dtype=torch.float32) for d in load_demonstrations(cfg, 0)]
    S = task.state_dim
    assert task.policy.context == 2 and task.data.shape == (2 * 19, 3 * S + 1)  # [s_{t-2}, s_{t-1}, s_t, a_{t-1}]
    for first, states in ((0, demos[0]), (19, demos[1])):  # the transition s_0 -> s_1 of each episode
        window = task.data[first, : 3 * S].view(3, S)
        assert (window[0] == 0).all() and torch.equal(window[1:], states[:2])
    assert torch.equal(task.data[1, : 3 * S].view(3, S), demos[0][:3])  # no padding once two states exist


def test_loss_raises_f_where_the_transition_explains_the_next_state():
    f = torch.zeros(1, 4, requires_grad=True)
    log_lik = gaussian_log_prob(torch.tensor([[[0.0], [0.1], [1.0], [3.0]]]), 0.1)  # residuals of 4 samples
    loss, w = lanmdp_loss(f, log_lik, floor=-20.0, energy_reg=0.0)
    loss.backward()
    assert torch.allclose(w.sum(-1), torch.tensor([4.0]))
    assert f.grad[0, 0] < 0 and f.grad[0, 3] > 0  # gradient descent raises f(a_0), lowers f(a_3)
    assert one_sigma_floor(11, 0.1) < gaussian_log_prob(torch.zeros(1, 11), 0.1).item()


def test_posterior_planning_reaches_the_goal_with_a_flat_prior():
    p = policy(c=3)
    for prm in p.parameters():
        torch.nn.init.zeros_(prm)  # f = 0: only the target term acts
    torch.manual_seed(0)
    states = torch.from_numpy(cubic_demonstrations(6, np.random.default_rng(0)))
    actions = states[:, 1:, :1] - states[:, :-1, :1]
    goals = states[:, -1, 0] + torch.tensor([0.3, -0.3, 0.2, -0.2, 0.1, 0.0])
    planned = plan_to_goal(p, states, actions, goals, start=10, steps=200, step_size=0.5, noise=0.0,
                           target_weight=1.0, grad_clip=0.3, max_action=0.5)
    assert torch.equal(planned[:, :11], states[:, :11])
    assert (planned[:, -1, 0] - goals).abs().max() < 0.02


class ContextBiasedEnergy(torch.nn.Module):
    """f(context, a) = -a^2 / 2 + 5 y_last^2: the policy itself prefers dy = 0 everywhere, but the level of f grows
    with the height of the context (a term without the action, which log Z cancels)."""

    context = 2

    def __init__(self):
        super().__init__()
        self.scale = torch.nn.Parameter(torch.ones(()))

    def forward(self, context, actions):
        return self.scale * (-0.5 * actions[:, 0].pow(2) + 5 * context[:, -1, 0].pow(2))


def test_normalised_planning_keeps_paths_in_the_demonstrations_range():
    torch.manual_seed(0)
    states = torch.from_numpy(cubic_demonstrations(8, np.random.default_rng(1)))
    actions = states[:, 1:, :1] - states[:, :-1, :1]
    goals = states[:, 10, 0]  # the flat path from the planning start is the posterior's mode
    kw = dict(start=10, steps=100, step_size=0.5, noise=0.0, target_weight=0.2, grad_clip=0.3, max_action=0.5)
    raw = plan_to_goal(ContextBiasedEnergy(), states, actions, goals, **kw)
    normalised = plan_to_goal(ContextBiasedEnergy(), states, actions, goals, normaliser_points=41, **kw)
    y_max = states[..., 0].abs().max()
    assert torch.equal(normalised[:, :11], states[:, :11])
    assert normalised[..., 0].abs().max() <= y_max + 0.02  # stays where the demonstrations are
    assert (normalised[:, -1, 0] - goals).abs().max() < 0.1  # the posterior's compromise with a weak target
    assert raw[..., 0].abs().max() > y_max + 1.0  # raw f chases the contexts scored high: the overshoot


def small_reacher(variant="lanmdp"):
    cfg = tiny_reacher()
    cfg = replace(cfg, task=replace(cfg.task, demos=2), policy=replace(cfg.policy, context=2),
                  sampler=replace(cfg.sampler, samples=2, steps=3, eval_steps=3, eval_candidates=2),
                  model_based=replace(cfg.model_based, init_transitions=100, collect_every=2, collect_episodes=1,
                                      hidden=16, epochs_init=2, epochs=1),
                  train=replace(cfg.train, steps=4, batch_size=16, checkpoint_every=2, log_every=1),
                  eval=replace(cfg.eval, samples=1))
    return with_variant(cfg, variant)


@pytest.mark.parametrize("variant", ["lanmdp", "bco"])
def test_reacher_task_resumes_exactly_and_counts_env_steps(variant, tmp_path, seeded_run):
    cfg = small_reacher(variant)

    def train(run_dir, steps, resume=None):
        return seeded_run(cfg, run_dir, steps, resume)

    for d in ("whole", "split"):
        (tmp_path / d / "checkpoints").mkdir(parents=True)
    whole, result = train(tmp_path / "whole", 4)
    assert result.metrics["env_steps"] == 100 + 2 * 50  # initial random transitions + two collected episodes
    train(tmp_path / "split", 2)
    resume = torch.load(tmp_path / "split" / "checkpoints" / "last.pt", weights_only=True)
    split, _ = train(tmp_path / "split", 4, resume)
    for a, b in zip(whole.policy.parameters(), split.policy.parameters()):
        assert torch.equal(a, b)
    assert torch.equal(whole.buffer.s, split.buffer.s) and len(whole.buffer.s) == 200


def test_reach_distance_reads_the_fingertip_target_entries_of_the_last_states():
    obs = np.zeros((20, 10), np.float32)
    obs[:, 8:10] = [3.0, 4.0]  # distance 5 early on
    obs[-REACH_TAIL:, 8:10] = [0.6, 0.8]  # distance 1 over the tail
    episode = Trajectory(obs, np.zeros((20, 2), np.float32), np.zeros(20, np.float32), False)
    assert reach_distance([episode], "reacher") == pytest.approx(1.0)
    assert reach_distance([episode], "hopper") is None


def test_reacher_reach_separates_the_expert_from_a_policy_that_never_moves():
    cfg = replace(small_reacher("bc_actions"), eval=tiny_reacher().eval)  # 50 held-out episodes
    task = make_task(cfg, torch.device("cpu"), DistContext(), 0)
    task.policy_chooser = lambda: (lambda o, _: np.zeros((len(o), task.act_dim)))
    metrics = task.evaluate()
    assert metrics["zero_action_return"] > 0.5  # the return flatters standing still (no control cost) ...
    assert metrics["reach"] < 0.0  # ... the reach measure does not: further from the target than random actions
    assert metrics["reach"] == pytest.approx(metrics["zero_action_reach"])
    assert metrics["score"] == -metrics["reach"]
    expert = ReacherExpert()
    task.policy_chooser = lambda: (lambda o, _: np.stack([expert.act(x) for x in o]))
    assert task.evaluate()["reach"] > 0.8


def test_reacher_residual_scale_is_the_one_step_change_std():
    cfg = small_reacher()
    task = make_task(cfg, torch.device("cpu"), DistContext(), 0)
    scale = task.residual_scale()
    change = (task.buffer.s2 - task.buffer.s).std(0)
    assert scale.shape == (10,) and torch.allclose(scale[6:8], change[6:8])
    assert torch.equal(scale[4:6], torch.full((2,), 0.01))  # the target never moves: floored
    assert scale[6:8].min() > 0.5 > scale[:4].max()  # joint velocities change most in one step
    state = make_task(replace(cfg, loss=replace(cfg.loss, standardise="state")), torch.device("cpu"),
                      DistContext(), 0).residual_scale()
    assert torch.allclose(state, task.buffer.s.std(0).clamp_min(1e-3))


def test_user_demonstrations_load_and_bad_files_are_refused(tmp_path):
    rng = np.random.default_rng(0)
    episodes = [Trajectory(rng.normal(size=(30, 11)).astype(np.float32), rng.uniform(-1, 1, (30, 3)),
                           np.ones(30, np.float32), terminated=False) for _ in range(3)]
    path = save_d4rl_hdf5(episodes, tmp_path / "hopper.hdf5")
    cfg = paper_mujoco("hopper")
    cfg = replace(cfg, task=replace(cfg.task, demo_file=str(path), demos=2),
                  model_based=replace(cfg.model_based, init_transitions=10, collect_episodes=1, hidden=8, layers=2,
                                      epochs_init=1))
    task = make_task(cfg, torch.device("cpu"), DistContext(), 0)
    assert task.data.shape == (2 * 29, 2 * 11 + 3) and task.expert_return == 30.0
    with h5py.File(tmp_path / "bad.hdf5", "w") as f:
        f.create_dataset("observations", data=np.zeros((3, 11)))
    for bad in ("missing.hdf5", str(tmp_path / "bad.hdf5"), "demos.csv"):
        with pytest.raises(UserError):
            make_task(replace(cfg, task=replace(cfg.task, demo_file=bad)), torch.device("cpu"), DistContext(), 0)


def test_cubic_task_refuses_bc_actions():
    from inferlab.methods.lanmdp.config import tiny

    cfg = tiny()
    with pytest.raises(UserError, match="regression"):
        make_task(replace(cfg, policy=replace(cfg.policy, kind="bc_actions")), torch.device("cpu"), DistContext(), 0)
    assert PolicyConfig().context == 6


def test_bco_gets_its_own_learning_rate_and_the_others_keep_lr():
    cfg = tiny_reacher()
    assert with_variant(cfg, "bco").optim.lr == cfg.optim.bco_lr != cfg.optim.lr
    assert with_variant(cfg, "bc_actions").optim.lr == with_variant(cfg, "lanmdp").optim.lr == cfg.optim.lr
    same = replace(cfg, optim=replace(cfg.optim, bco_lr=0.0))
    assert with_variant(same, "bco").optim.lr == cfg.optim.lr


def test_double_pendulum_episode_cap_reaches_demos_env_steps_and_the_baselines_budget():
    cfg = tiny_double_pendulum()
    assert cfg.task.max_episode_steps == 200 and episode_limit(cfg) == 200
    assert episode_limit(tiny_reacher()) == 50  # 0 keeps the env's own limit
    mb = cfg.model_based  # initial buffer in whole collections of 4 x 200 steps, then 6 collections
    assert lanmdp_env_steps(cfg) == 3 * 800 + (cfg.train.steps // mb.collect_every) * 800
    small = replace(cfg, task=replace(cfg.task, demos=2, max_episode_steps=30))
    demos = load_demonstrations(small, 0)
    assert [len(d) for d in demos] == [30, 30] and np.abs(np.concatenate([d.actions for d in demos])).max() < 1


def test_refits_stop_after_refit_until_and_sigma_stops_with_them(seeded_run, tmp_path):
    cfg = small_reacher()
    cfg = replace(cfg, model_based=replace(cfg.model_based, refit_until=1),
                  loss=replace(cfg.loss, sigma=0.1, sigma_end=0.08))
    task, _ = seeded_run(cfg, tmp_path, 2)  # one collection: refitted, sigma at its end value
    assert task.buffer.collections == 1 and task.sigma() == pytest.approx(0.08)
    before = [p.detach().clone() for p in task.model.parameters()]
    logs = task.collect()  # the second collection adds data but no refit
    assert "model_loss" not in logs and task.buffer.collections == 2 and task.sigma() == pytest.approx(0.08)
    assert all(torch.equal(a, b) for a, b in zip(before, task.model.parameters()))
    every = replace(cfg, model_based=replace(cfg.model_based, refit_until=0))  # 4 steps / collect_every 2: 2 refits
    task, _ = seeded_run(every, tmp_path / "every", 2)
    assert task.refits() == 2 and task.sigma() == pytest.approx(0.09)  # halfway after one of two


def test_a_full_collection_runs_rounds_until_it_holds_the_step_budget():
    cfg = tiny_double_pendulum()
    assert cfg.model_based.collect_full and not tiny_reacher().model_based.collect_full
    cfg = replace(cfg, task=replace(cfg.task, demos=1, max_episode_steps=30),
                  model_based=replace(cfg.model_based, init_transitions=30, collect_episodes=1, hidden=16,
                                      epochs_init=1, epochs=1),
                  sampler=replace(cfg.sampler, steps=2, eval_steps=2))
    task = make_task(cfg, torch.device("cpu"), DistContext(), 0)
    start = task.buffer.env_steps
    task.collect()  # the untrained policy lets the pole fall within a few steps: several 1-episode rounds
    assert task.buffer.env_steps - start >= 30 and task.buffer.episodes > 1 and task.buffer.collections == 1
    one_round = make_task(replace(cfg, model_based=replace(cfg.model_based, collect_full=False)),
                          torch.device("cpu"), DistContext(), 0)
    one_round.collect()
    assert one_round.buffer.episodes == 1 and one_round.buffer.env_steps - start < 30
