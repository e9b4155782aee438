from dataclasses import replace

import torch

from inferlab.engine.distributed import DistContext
from inferlab.engine.seed import seed_everything
from inferlab.engine.trainer import TrainConfig, fit
from inferlab.methods.damc import make_task
from inferlab.methods.damc.config import DiffusionConfig, tiny_toy
from inferlab.methods.damc.model import build_amortizer

SMALL = DiffusionConfig(steps=10, width=64, blocks=1, time_dim=16, embed_dim=16, encoder="mlp", encoder_width=32)


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
