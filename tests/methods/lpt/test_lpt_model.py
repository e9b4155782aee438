"""LPT: network shapes (discrete and continuous actions), the Langevin samplers, the training task's determinism."""

import copy
from dataclasses import replace

import numpy as np
import pytest
import torch

from inferlab.core.transformer import CausalTransformer, causal_mask
from inferlab.engine.distributed import DistContext
from inferlab.engine.seed import seed_everything
from inferlab.engine.trainer import fit
from inferlab.errors import UserError
from inferlab.methods.lpt import make_task
from inferlab.methods.lpt.config import PAPER_ENV, PRESETS, tiny, with_env
from inferlab.methods.lpt.inference import (
    action_nll, infer_plan, parameter_loss, posterior_energy, sample_posterior,
)
from inferlab.methods.lpt.model import LatentPlan, TrajectoryGPT
from inferlab.methods.lpt.train import EVAL_SEED
from inferlab.methods.lpt.unet import ChannelNorm, SignalAttention, conv1d_matmul


def small_plan(n_traj: int = 6, d_model: int = 16) -> LatentPlan:
    return LatentPlan(n_traj=n_traj, n_latent=2, d_model=d_model, unet_dim=8, unet_mults=(1, 2), unet_attn_dim=4,
                      return_hidden=16, return_dropout=0.1)


def small_gpt(conditioning: str, discrete: bool, act_dim: int = 3, d_model: int = 16) -> TrajectoryGPT:
    return TrajectoryGPT(obs_dim=4, act_dim=act_dim, discrete=discrete, conditioning=conditioning, d_model=d_model,
                         layers=1, heads=2, context_len=0, dropout=0.0)


def fixed_batch(discrete: bool, b: int = 6, t: int = 5, act_dim: int = 3) -> dict[str, torch.Tensor]:
    g = torch.Generator().manual_seed(1)
    if discrete:
        targets = torch.randint(act_dim, (b, t), generator=g)
    else:
        targets = torch.rand(b, t, act_dim, generator=g) * 2 - 1
    actions = torch.nn.functional.one_hot(targets, act_dim).float() if discrete else targets
    mask = torch.ones(b, t, dtype=torch.bool)
    mask[0, 3:] = False
    return {"states": torch.randn(b, t, 4, generator=g), "actions": actions, "targets": targets, "mask": mask,
            "returns": torch.linspace(-1, 1, b), "returns_to_go": torch.randn(b, t, generator=g)}


@pytest.mark.parametrize("discrete", [True, False])
@pytest.mark.parametrize("conditioning", ["latent", "return", "none"])
def test_generator_shapes_for_discrete_and_continuous_actions(conditioning, discrete):
    torch.manual_seed(0)
    gpt, plan, batch = small_gpt(conditioning, discrete), small_plan(), fixed_batch(discrete)
    z = plan.prior(plan.chains)
    assert z.shape == (6, 2, 16) and plan.expected_return(z).shape == (6,)
    out = gpt(batch["states"], batch["actions"], returns_to_go=batch["returns_to_go"], plan=z)
    assert out.shape == (6, 5, 3)
    if not discrete:
        assert out.abs().max() <= 1.0
    nll = action_nll(out, batch["targets"], batch["mask"], discrete)
    assert nll.shape == (6,) and torch.isfinite(nll).all() and (nll > 0).all()


def test_action_at_t_ignores_later_tokens_and_the_action_a_t():
    torch.manual_seed(0)
    gpt, batch = small_gpt("none", True), fixed_batch(True)
    out = gpt(batch["states"], batch["actions"])
    states, actions = batch["states"].clone(), batch["actions"].clone()
    states[:, 3:] += 5.0
    actions[:, 2:] = actions[:, 2:].flip(-1)  # changes a_2, a_3, ...
    changed = gpt(states, actions)
    assert torch.allclose(out[:, :3], changed[:, :3], atol=1e-6)
    assert not torch.allclose(out[:, 3:], changed[:, 3:], atol=1e-3)


@pytest.mark.parametrize("width, stride, padding", [(1, 1, 0), (3, 1, 1), (4, 2, 1), (7, 1, 3)])
def test_matmul_convolution_and_channel_norm_match_torch(width, stride, padding):
    g = torch.Generator().manual_seed(0)
    x = torch.randn(3, 5, 16, generator=g, requires_grad=True)
    w, b = torch.randn(6, 5, width, generator=g), torch.randn(6, generator=g)
    ours, ref = conv1d_matmul(x, w, b, stride, padding), torch.nn.functional.conv1d(x, w, b, stride, padding)
    assert ours.shape == ref.shape and torch.allclose(ours, ref, atol=1e-5)
    (grad_ours,), (grad_ref,) = (torch.autograd.grad(y.pow(2).sum(), x) for y in (ours, ref))
    assert torch.allclose(grad_ours, grad_ref, atol=1e-4)
    var, mean = torch.var_mean(x, dim=1, keepdim=True, unbiased=False)
    assert torch.allclose(ChannelNorm(5)(x), (x - mean) / (var + 1e-5).sqrt(), atol=1e-5)


def test_sliding_window_mask():
    mask = causal_mask(5, 2, torch.device("cpu"))
    assert mask.tolist()[4] == [False, False, False, True, True]
    assert mask.tolist()[0] == [True, False, False, False, False]
    cross = CausalTransformer(8, 1, 2, cross=True, dropout=0.0)
    with pytest.raises(ValueError, match="context"):
        cross(torch.randn(1, 3, 8))


def test_self_attention_window_is_the_token_and_context_len_before_it():
    """Official flash-attn window (context_len, 0): with context_len 2, the s_t token (index 2t) sees s_{t-1}
    (index 2t - 2) but not a_{t-2} (index 2t - 3)."""
    torch.manual_seed(0)
    gpt = TrajectoryGPT(obs_dim=4, act_dim=3, discrete=True, conditioning="none", d_model=16, layers=1, heads=2,
                        context_len=2, dropout=0.0)
    batch = fixed_batch(True)
    base = gpt(batch["states"], batch["actions"])[:, 3]
    states = batch["states"].clone()
    states[:, 2] += 1.0
    assert not torch.allclose(gpt(states, batch["actions"])[:, 3], base)
    actions = batch["actions"].clone()
    actions[:, 1] = 1.0 - actions[:, 1]
    assert torch.allclose(gpt(batch["states"], actions)[:, 3], base)


def test_linear_attention_output_is_layer_normalised():
    torch.manual_seed(0)
    attn = SignalAttention(8, linear=True, dim_head=4)
    x = torch.randn(2, 8, 16)
    update = attn(x) - x  # official LinearAttention.to_out ends with a channel LayerNorm (gain 1 at init)
    assert torch.allclose(update.mean(dim=1), torch.zeros(2, 16), atol=1e-5)
    assert torch.allclose(update.pow(2).mean(dim=1), torch.ones(2, 16), atol=1e-2)  # eps 1e-5 in the norm


def test_continuous_action_loss_is_the_element_mean():
    batch = fixed_batch(False)
    outputs = torch.zeros_like(batch["targets"])
    loss = parameter_loss(outputs, batch, discrete=False)["action_loss"]
    assert torch.allclose(loss, batch["targets"][batch["mask"]].pow(2).mean())


def test_paper_presets_take_the_official_scale_and_targets():
    assert PRESETS["paper_hopper"]().data.return_scale == 1000.0
    assert PRESETS["paper_pointmaze_medium"]().data.return_scale == 100.0
    assert PRESETS["paper_pointmaze_umaze"]().eval.target == 165.0
    assert PRESETS["paper_pointmaze_medium"]().eval.target == 280.0
    c4 = PRESETS["paper_connect_four"]().model
    assert (c4.layers, c4.heads, c4.d_model, c4.context_len) == PAPER_ENV["pointmaze_umaze"][:4]


@pytest.fixture(scope="module")
def trained_plan() -> LatentPlan:
    """A plan whose return predictor has learnt r(U(z0)) = 2 * mean of z0's first token (at initialisation
    r hardly depends on z0, so no sampler could move it)."""
    torch.manual_seed(0)
    plan = small_plan(d_model=8)
    opt = torch.optim.Adam(plan.parameters(), lr=3e-3)
    for _ in range(100):
        z0 = torch.randn(16, 2, 8)
        loss = (plan.expected_return(plan.prior(z0)) - 2 * z0[:, 0].mean(-1)).pow(2).mean()
        opt.zero_grad()
        loss.backward()
        opt.step()
    return plan


def test_planning_langevin_raises_the_return_likelihood(trained_plan):
    plan = copy.deepcopy(trained_plan)
    z0 = plan.chains.clone()
    with torch.no_grad():
        start = plan.expected_return(plan.prior(z0))
    target = start + 1.0  # one unit away: squared error 1 for every chain
    z = infer_plan(target, z0, plan, steps=30, step_size=0.3, return_coef=20.0)
    with torch.no_grad():
        error = (plan.expected_return(z) - target).pow(2).mean()
    assert error < 0.5


def test_posterior_langevin_lowers_the_energy_and_the_return_error_on_a_fixed_batch(trained_plan):
    plan = copy.deepcopy(trained_plan)
    torch.manual_seed(0)
    gpt, batch = small_gpt("latent", True, d_model=8), fixed_batch(True)
    z0 = plan.chains.clone()
    with torch.no_grad():
        batch["returns"] = plan.expected_return(plan.prior(z0)) + 1.0
        before = (plan.expected_return(plan.prior(z0)) - batch["returns"]).pow(2).mean()
    z1, stats = sample_posterior(batch, z0, gpt, plan, steps=30, step_size=0.3, return_coef=20.0)
    with torch.no_grad():
        after = (plan.expected_return(plan.prior(z1)) - batch["returns"]).pow(2).mean()
        energy = posterior_energy(z1, batch, gpt, plan, 20.0).mean()
    assert after < 0.5 * before
    assert energy < stats.energy_start
    assert gpt.training and plan.training  # modes restored after sampling with dropout off


def _train(cfg, steps: int):
    seed_everything(0)
    task = make_task(cfg, torch.device("cpu"), DistContext(), 0)
    seed_everything(0)
    fit(task, replace(cfg.train, steps=steps, log_every=1), seed=0, progress=False)
    return task


def test_training_is_deterministic_and_moves_only_the_batch_chains():
    base = tiny()
    cfg = replace(base, data=replace(base.data, episodes=12), train=replace(base.train, batch_size=4),
                  eval=replace(base.eval, samples=2))
    seed_everything(0)
    fresh = make_task(cfg, torch.device("cpu"), DistContext(), 0).plan.chains.clone()
    a, b = _train(cfg, 2), _train(cfg, 2)
    for name in ("model", "plan"):
        sa, sb = a.state_objects()[name].state_dict(), b.state_objects()[name].state_dict()
        assert all(torch.equal(sa[k], sb[k]) for k in sa)
    moved = (a.plan.chains != fresh).flatten(1).any(1)
    assert int(moved.sum()) == 8  # 2 steps x 4 trajectories, one epoch without repeats
    torch.manual_seed(5)
    first = a.sample(3)
    torch.manual_seed(5)
    assert torch.equal(first, a.sample(3)) and np.isfinite(first.numpy()).all()  # sampled actions, seeded
    assert first.shape == (3, 2) and first[0, 0] < first[-1, 0]  # [target, achieved] over rising targets


@pytest.mark.parametrize("noise", [False, True])
def test_noise_free_planning_infers_z_once_per_policy_and_noisy_planning_every_episode(noise):
    base = tiny()
    cfg = replace(base, data=replace(base.data, episodes=12), train=replace(base.train, batch_size=4),
                  latent=replace(base.latent, plan_noise=noise, plan_steps=3))
    task = _train(cfg, 1)
    calls = []
    make_plan = task.make_plan
    task.make_plan = lambda target: calls.append(target) or make_plan(target)
    policy = task.policy(3.0, task.problem.make_env())
    plans = []
    for _ in range(3):
        policy.reset()
        plans.append(policy.plan)
    assert len(calls) == (3 if noise else 1) and policy.episodes == 3
    assert torch.equal(plans[0], plans[2]) != noise
    assert torch.equal(plans[0], make_plan(3.0)) != noise  # the cached z is the one planning gives


def test_connect_four_policy_plays_only_legal_moves():
    base = with_env(tiny(), "connect_four")
    cfg = replace(base, data=replace(base.data, episodes=30), model=replace(base.model, variant="dt"),
                  train=replace(base.train, batch_size=8))
    task = _train(cfg, 1)
    games, _ = task.rollouts(1.0, 3)
    assert all(len(g) >= 4 for g in games)
    assert set(float(g.ret) for g in games) <= {-1.0, 0.0, 1.0}  # a full-column move would still end at -1 ...
    env = task.problem.make_env()
    for i, g in enumerate(games):  # ... so replay each game and check every move was playable
        obs, info = env.reset(seed=EVAL_SEED + i)
        for action in g.actions:
            assert info["action_mask"][int(action)]
            obs, _, done, _, info = env.step(int(action))


def test_bad_config_is_a_user_error():
    base = tiny()
    with pytest.raises(UserError, match="model.variant"):
        make_task(replace(base, model=replace(base.model, variant="xx")), torch.device("cpu"), DistContext(), 0)
    with pytest.raises(UserError, match="divisible"):
        make_task(replace(base, model=replace(base.model, d_model=31)), torch.device("cpu"), DistContext(), 0)
