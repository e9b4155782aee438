"""Run under torchrun by test_ddp.py: a few LEBM steps on gloo, then each rank saves its weights."""

import sys
from dataclasses import replace
from pathlib import Path

import torch

from inferlab.engine.distributed import init_distributed, shutdown_distributed
from inferlab.engine.seed import seed_everything
from inferlab.engine.trainer import fit
from inferlab.methods.lebm import make_task
from inferlab.methods.lebm.config import tiny

out = Path(sys.argv[1])
ctx = init_distributed("cpu")
cfg = tiny()
cfg = replace(cfg, train=replace(cfg.train, steps=4, batch_size=32, checkpoint_every=100), eval=replace(cfg.eval, samples=64))
seed_everything(0)
task = make_task(cfg, torch.device("cpu"), ctx, seed=0)
initial = {k: v.clone() for k, v in task.model.state_dict().items()}
seed_everything(ctx.rank)
fit(task, cfg.train, seed=0, dist_ctx=ctx, progress=False)
flat = torch.cat([p.detach().flatten() for p in task.model.parameters()])
assert ctx.all_equal(flat)
torch.save({"initial": initial, "final": task.model.state_dict()}, out / f"rank{ctx.rank}.pt")
shutdown_distributed()
