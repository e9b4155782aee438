"""Training of every node's field on the composite render: RGB loss + instance-mask loss (ASSIST Sec. 3.3).

    L = mean_r |C(r) - C_gt(r)|^2 + lambda_mask * mean_r -log(W_{k*(r)}(r) / sum_k W_k(r) + 1e-6)

with W_k(r) node k's share of the compositing weights on ray r and k*(r) the true instance of r's pixel (the
background node for ground and sky). The mask term makes each node own exactly its object: empty space inside a
node's box must stay transparent where the true pixel is another node's, which is what keeps nodes separable.
The single-field baseline trains the same way on one node over the whole scene, with the RGB loss alone.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import torch
from torch import nn

from inferlab.core.optim import guarded_step
from inferlab.data.scenes3d import Intrinsics, camera_rays
from inferlab.engine.distributed import DistContext
from inferlab.engine.task import TrainTask
from inferlab.errors import UserError
from inferlab.eval.image_quality import psnr
from inferlab.eval.images import save_image_grid
from inferlab.methods.assist.config import ASSISTConfig
from inferlab.methods.assist.data import (
    graph_from_scene, make_scene_views, ring_path, scene_camera, whole_scene_node,
)
from inferlab.methods.assist.graph import BACKGROUND_ID, SceneGraph
from inferlab.methods.assist.render import render_rays_sparse

GRID_PARAMETERS = ("grid", "table", "texture", "sky_bias", "sky_dir")
"""Parameters trained with optim.grid_lr (grids, hash tables, texture, sky); the rest (decoders, MLPs) use net_lr."""


def instance_mask_loss(node_weights: torch.Tensor, target_slot: torch.Tensor) -> torch.Tensor:
    """Cross-entropy of the weight shares W_k / sum_k W_k (N, K) against the true node slot (N,)."""
    shares = node_weights / node_weights.sum(dim=1, keepdim=True).clamp_min(1e-8)
    return -torch.log(shares.gather(1, target_slot.unsqueeze(1)).squeeze(1) + 1e-6).mean()


class ASSISTTask(TrainTask):
    """`data` holds the training rays (V H W, 10); a batch is a set of rays rendered compositionally."""

    def __init__(self, cfg: ASSISTConfig, device: torch.device, seed: int):
        if cfg.variant not in ("assist", "single_field"):
            raise UserError(f"variant={cfg.variant!r}: allowed: assist, single_field.")
        self.cfg, self.device = cfg, device
        self.views = make_scene_views(cfg.scene, seed)
        self.data = self.views.train_rays
        graph = graph_from_scene(self.views.scene, cfg.field)
        if cfg.variant == "single_field":
            graph = SceneGraph({BACKGROUND_ID: graph.background, 1: whole_scene_node(self.views.scene, cfg.field)})
            self.samples = cfg.render.samples_per_node * cfg.scene.n_objects
        else:
            self.samples = cfg.render.samples_per_node
        self.graph = graph
        self.fields = nn.ModuleDict({str(i): n.field for i, n in graph.nodes.items()}).to(device)
        grids = [p for name, p in self.fields.named_parameters() if name.split(".")[-1] in GRID_PARAMETERS]
        nets = [p for name, p in self.fields.named_parameters() if name.split(".")[-1] not in GRID_PARAMETERS]
        self.opt = torch.optim.Adam([{"params": grids, "lr": cfg.optim.grid_lr},
                                     {"params": nets, "lr": cfg.optim.net_lr}])
        decay, steps = cfg.optim.final_lr_fraction, cfg.train.steps
        self.schedule = torch.optim.lr_scheduler.LambdaLR(self.opt, lambda step: decay ** min(step / steps, 1.0))
        slot_of = np.full(max(graph.nodes) + 1, -1)
        for slot, node in enumerate(graph.objects(), start=1):
            slot_of[node.node_id] = slot
        slot_of[BACKGROUND_ID] = 0
        self.slot_of = torch.as_tensor(slot_of)
        gen = torch.Generator().manual_seed(seed + 17)
        test = torch.from_numpy(np.stack([self._test_rows(i) for i in range(len(self.views.test))]).reshape(-1, 9))
        self.eval_rays = test[torch.randperm(len(test), generator=gen)[:cfg.eval.samples]]

    def _test_rows(self, i: int) -> np.ndarray:
        o, d = camera_rays(self.views.intr, self.views.test_poses[i])
        return np.concatenate([o, d, self.views.test[i].rgb], axis=-1).astype(np.float32)

    def state_objects(self) -> dict:
        return {"fields": self.fields, "opt": self.opt, "schedule": self.schedule}

    def render(self, origins: torch.Tensor, dirs: torch.Tensor, jitter: bool,
               frozen_background: torch.Tensor | None = None) -> dict[str, torch.Tensor]:
        return render_rays_sparse(self.graph.objects(), self.graph.background, origins.to(self.device),
                                  dirs.to(self.device), samples_per_node=self.samples, jitter=jitter,
                                  frozen_background=frozen_background)

    def train_step(self, batch: torch.Tensor, step: int) -> dict[str, float]:
        on_object = (batch[:, 9] > 0).to(self.device)  # the ground behind an object's pixel is never seen
        out = self.render(batch[:, :3], batch[:, 3:6], jitter=True, frozen_background=on_object)
        rgb_loss = (out["rgb"] - batch[:, 6:9].to(self.device)).pow(2).mean()
        loss, logs = rgb_loss, {"rgb_mse": rgb_loss.item()}
        if self.cfg.variant == "assist":
            target = self.slot_of[batch[:, 9].long()].to(self.device)
            mask_loss = instance_mask_loss(out["node_weights"], target)
            loss = loss + self.cfg.loss.mask_weight * mask_loss
            logs["mask_ce"] = mask_loss.item()
        guarded_step(self.opt, loss, self.fields.parameters(), 0.0, f"{self.cfg.variant} loss")
        self.schedule.step()
        return logs

    @torch.no_grad()
    def evaluate(self) -> dict[str, float]:
        """PSNR on `eval.samples` fixed random pixels of the held-out views; score = -PSNR."""
        rays = self.eval_rays
        pred = torch.cat([self.render(c[:, :3], c[:, 3:6], jitter=False)["rgb"].cpu()
                          for c in rays.split(4096)])
        value = psnr(pred.clamp(0, 1).numpy(), rays[:, 6:9].numpy())
        return {"psnr": value, "score": -value}

    @torch.no_grad()
    def sample(self, n: int) -> torch.Tensor:
        """n renders (n, 3, 32, 32) in [-1, 1] from a ring of cameras around the scene (data.ring_path)."""
        intr = Intrinsics.from_fov(32, 32, self.cfg.scene.fov_deg)
        images = []
        for c2w in ring_path(n, scene_camera(self.cfg.scene)):
            o, d = camera_rays(intr, c2w)
            rgb = self.render(torch.from_numpy(o.reshape(-1, 3)).float(), torch.from_numpy(d.reshape(-1, 3)).float(),
                              jitter=False)["rgb"]
            images.append(rgb.view(32, 32, 3).permute(2, 0, 1).cpu())
        return torch.stack(images).clamp(0, 1) * 2 - 1

    def write_samples(self, folder: Path, step: int) -> None:
        save_image_grid(self.sample(8), folder / f"samples_{step:06d}.png", nrow=4, upscale=2)


def make_task(cfg: ASSISTConfig, device: torch.device, dist_ctx: DistContext, seed: int) -> ASSISTTask:
    """The registry's task builder; one process (a scene's rays are few; no data parallelism)."""
    if dist_ctx.enabled:
        raise UserError(f"assist trains in one process, but torchrun started {dist_ctx.world_size}; run "
                        "`inferlab train assist` without torchrun.")
    return ASSISTTask(cfg, device, seed)
