from dataclasses import replace

import torch

from inferlab.engine.distributed import DistContext
from inferlab.engine.seed import seed_everything
from inferlab.engine.trainer import TrainConfig, fit
from inferlab.methods.damc import make_task
from inferlab.methods.damc.config import DiffusionConfig, official_toy, tiny_toy
from inferlab.methods.damc.model import UNetDenoiser, build_amortizer
from inferlab.methods.damc.official_toy import OfficialToyTask
from inferlab.methods.damc.toy import official_latents, true_generator
from inferlab.methods.damc.train import generator_loss

SMALL = DiffusionConfig(steps=10, width=64, time_dim=16, embed_dim=16, encoder="mlp", encoder_width=32)


def test_dsm_loss_decreases_on_a_fixed_toy_posterior():
    torch.manual_seed(0)
    x = torch.randn(256, 2)
    z_post = torch.tanh(2 * x) + 0.1 * torch.randn(256, 2)  # a fixed "posterior" sample per x
    q = build_amortizer(SMALL, latent_dim=2, data_shape=(2,))
    opt = torch.optim.AdamW(q.parameters(), lr=2e-3)
    keep = torch.ones(256, dtype=torch.bool)
    losses = []
    for _ in range(200):
        loss = q(z_post, x, keep)
        opt.zero_grad()
        loss.backward()
        opt.step()
        losses.append(loss.item())
    first, last = sum(losses[:20]) / 20, sum(losses[-20:]) / 20
    assert last < 0.7 * first, (first, last)


def test_unconditional_and_conditional_modes():
    torch.manual_seed(0)
    q = build_amortizer(SMALL, latent_dim=3, data_shape=(1, 8, 8))
    x = torch.randn(6, 1, 8, 8)
    keep = torch.tensor([True, False, True, False, True, False])
    torch.manual_seed(1)
    mixed = q.embed(x, 6, keep)
    torch.manual_seed(1)
    null = q.embed(None, 6)
    assert torch.allclose(mixed[keep], q.encoder(x)[keep])  # conditional rows: the x-embedding
    assert torch.allclose(mixed[~keep], null[~keep])  # dropped rows: the null embedding of the same xi
    # sampling: conditional draws depend on x, unconditional ones cannot see it
    torch.manual_seed(2)
    a = q.sample(x)
    torch.manual_seed(2)
    b = q.sample(x + 1.0)
    assert a.shape == (6, 3) and not torch.allclose(a, b)
    torch.manual_seed(2)
    c = q.sample(n=6)
    torch.manual_seed(2)
    assert torch.equal(c, q.sample(n=6)) and c.shape == (6, 3)


def _short_run(tmp_path, name):
    cfg = tiny_toy()
    cfg = replace(cfg, data=replace(cfg.data, n=200), train=TrainConfig(steps=3, batch_size=50, log_every=1),
                  eval=replace(cfg.eval, samples=50))
    seed_everything(0)
    task = make_task(cfg, torch.device("cpu"), DistContext(), 0)
    seed_everything(0)
    fit(task, cfg.train, seed=0, run_dir=tmp_path / name, progress=False)
    return {k: v.state_dict() for k, v in task.state_objects().items() if isinstance(v, torch.nn.Module)}


def test_short_tiny_run_is_deterministic(tmp_path):
    first, second = _short_run(tmp_path, "a"), _short_run(tmp_path, "b")
    assert first.keys() == second.keys()
    for name in first:
        for key, value in first[name].items():
            assert torch.equal(value, second[name][key]), (name, key)
    initial = make_task(tiny_toy(), torch.device("cpu"), DistContext(), 0).q.state_dict()
    assert any(not torch.equal(initial[k], first["amortizer"][k]) for k in initial)  # it did train


def test_denoiser_is_the_official_u_with_concatenated_skips():
    net = UNetDenoiser(latent_dim=4, embed_dim=8, width=16, time_dim=6)
    dims = [(layer.lin.in_features, layer.lin.out_features) for layer in [*net.down, net.mid, *net.up]]
    # down 2 nz -> w/2 -> w -> w, mid w -> w, up [w + w] -> w, [w + w] -> w/2, [w/2 + w/2] -> nz (official nf = w / 64)
    assert dims == [(8, 8), (8, 16), (16, 16), (16, 16), (32, 16), (32, 8), (16, 4)]
    seen = {}
    hooks = [layer.register_forward_hook(lambda m, args, out, i=i: seen.__setitem__(i, (args[0].shape, out.shape)))
             for i, layer in enumerate([*net.down, net.mid, *net.up])]
    z = torch.randn(5, 4)
    eps_hat = net(z, torch.linspace(-5, 9, 5), torch.randn(5, 8))
    for hook in hooks:
        hook.remove()
    assert eps_hat.shape == (5, 4)
    assert [tuple(seen[i][0]) for i in range(7)] == [(5, d_in) for d_in, _ in dims]
    # each up layer reads the matching down layer's output: zeroing the last up layer leaves eps_hat = z (residual)
    for p in net.up[-1].parameters():
        p.data.zero_()
    assert torch.allclose(net(z, torch.zeros(5), torch.randn(5, 8)), z)


def test_generator_loss_is_the_official_sum_of_squares_and_nll_divides_by_two_sigma_squared():
    torch.manual_seed(0)
    x, x_hat = torch.randn(6, 3, 4, 4), torch.randn(6, 3, 4, 4)
    official = torch.sum((x_hat - x) ** 2, dim=[1, 2, 3]).mean()  # train_gen_recon.py's g_loss
    assert torch.allclose(generator_loss(x, x_hat, 0.1, "sum_squares"), official)
    assert torch.allclose(generator_loss(x, x_hat, 0.1, "nll"), official / (2 * 0.1**2))


def _toy_cfg(cfg, **optim):
    return replace(cfg, data=replace(cfg.data, n=60), diffusion=replace(SMALL, steps=5),
                   sampler=replace(cfg.sampler, posterior_steps=3, prior_steps=3),
                   optim=replace(cfg.optim, **optim), train=TrainConfig(steps=3, batch_size=30, log_every=1),
                   eval=replace(cfg.eval, samples=40, reference_steps=10))


def test_zero_learning_rate_trains_and_leaves_that_network_unchanged(tmp_path):
    cfg = _toy_cfg(tiny_toy(), generator_lr=0.0, energy_lr=0.0)
    task = make_task(cfg, torch.device("cpu"), DistContext(), 0)
    before = {k: v.clone() for k, v in [*task.model.generator.state_dict().items(),
                                         *task.model.prior.state_dict().items()]}
    q_before = [p.clone() for p in task.q.parameters()]
    fit(task, cfg.train, seed=0, run_dir=tmp_path, progress=False)
    after = {**task.model.generator.state_dict(), **task.model.prior.state_dict()}
    assert all(torch.equal(before[k], after[k]) for k in before)
    assert task.gen_opt.param_groups[0]["lr"] == 0.0
    assert any(not torch.equal(a, b) for a, b in zip(q_before, task.q.parameters()))  # q still trains


def test_official_toy_keeps_g_fixed_and_reports_the_three_posterior_errors():
    z = official_latents(500, 0)
    assert z.shape == (500, 2) and torch.equal(z, official_latents(500, 0))
    assert 1.5 < z.norm(dim=1).mean() < 3 and z.mean(0).norm() < 0.3  # two opposite arms at radius about 2
    cfg = _toy_cfg(official_toy())
    task = make_task(cfg, torch.device("cpu"), DistContext(), 0)
    assert isinstance(task, OfficialToyTask) and task.model.prior is None
    assert torch.allclose(task.model.generator(z[:5]), true_generator(z[:5]))  # g is G*
    batch = task.data[:30]
    assert torch.equal(batch, official_latents(60, 0)[:30])  # data = the fixed latents
    g_before = [p.clone() for p in task.model.generator.parameters()]
    for step in range(2):
        logs = task.train_step(batch, step)
    assert all(torch.equal(a, b) for a, b in zip(g_before, task.model.generator.parameters()))
    assert logs["gen_grad_norm"] > 0 and "prior_loss" not in logs
    metrics = task.evaluate()
    assert {"amortized_mse", "amortized_refined_mse", "reference_mse", "short_run_mse", "score"} <= metrics.keys()
    assert all(0 < v < 100 for v in metrics.values())
