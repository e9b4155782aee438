"""ALANS learning as a TrainTask: cross-entropy over the 8 candidates + auxiliary rule loss (+ optional attribute
loss); the CNN baseline trains on the same batches with the cross-entropy alone."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import torch
import torch.nn.functional as F

from inferlab.core.optim import guarded_step
from inferlab.data.raven.grammar import ANGLE_VALUES
from inferlab.data.raven.problem import Component
from inferlab.data.raven.render import render_panels
from inferlab.engine.task import TrainTask
from inferlab.errors import UserError
from inferlab.methods.alans.config import ALANSConfig
from inferlab.methods.alans.data import ATTRS, LAYOUTS, SPLITS, make_split
from inferlab.methods.alans.model import ALANS, OPERATOR_GROUPS, PanelCNN

VARIANTS = ("alans", "cnn")


def _to_float(images: torch.Tensor) -> torch.Tensor:
    return images.float().div(127.5).sub(1.0)  # uint8 -> [-1, 1]


class ALANSTask(TrainTask):
    """`data` holds problem indices into the in-memory training split; batches are index tensors."""

    def __init__(self, cfg: ALANSConfig, device: torch.device, seed: int):
        if cfg.model.variant not in VARIANTS:
            raise UserError(f"model.variant={cfg.model.variant!r}: allowed: {', '.join(VARIANTS)}.")
        self.cfg, self.device = cfg, device
        size = cfg.data.image_size
        self.train_split = make_split("train", cfg.data.train_problems, size, seed)
        self.tests = {s: make_split(s, cfg.eval.samples, size, seed + 1) for s in SPLITS}
        self.data = torch.arange(cfg.data.train_problems)
        m = cfg.model
        self.model = (ALANS(m.channels, m.matrix_size, m.reg, m.scale) if m.variant == "alans"
                      else PanelCNN(m.channels)).to(device)
        self.opt = torch.optim.Adam(self.model.parameters(), lr=cfg.optim.lr, weight_decay=cfg.optim.weight_decay)

    def state_objects(self) -> dict:
        return {"model": self.model, "opt": self.opt}

    def _inputs(self, split: dict, idx: torch.Tensor) -> torch.Tensor:
        images = split["images"][idx]  # (B, 16, S, S) uint8
        if self.cfg.model.variant == "alans":  # per-position crop of the layout's single slot
            top, left, h, w = split["crop"].tolist()
            images = images[..., top:top + h, left:left + w]
        return _to_float(images).unsqueeze(2).to(self.device)  # (B, 16, 1, h, w)

    def train_step(self, batch: torch.Tensor, step: int) -> dict[str, float]:
        s, lc = self.train_split, self.cfg.loss
        self.model.train()
        out = self.model(self._inputs(s, batch))
        target = s["target"][batch].to(self.device)
        ce = F.cross_entropy(out["scores"], target)
        logs = {"ce": ce.item(), "acc": (out["scores"].argmax(-1) == target).float().mean().item()}
        loss = ce
        if self.cfg.model.variant == "alans":
            groups = s["groups"][batch].to(self.device)  # (B, 3)
            rule_loss = 0.0
            for i, a in enumerate(ATTRS):
                p = out["backend"][a]["op_probs"]  # (B, 5)
                mass = torch.stack([p[:, list(g)].sum(-1) for g in OPERATOR_GROUPS], -1)  # (B, 4)
                rule_loss = rule_loss + F.nll_loss(torch.log(mass + 1e-6), groups[:, i])
            attrs = s["attrs"][batch].to(self.device)  # (B, 16, 3)
            attr_loss = sum(F.cross_entropy(out["attr_logits"][a].flatten(0, 1), attrs[..., i].flatten())
                            for i, a in enumerate(ATTRS))
            exist_loss = F.cross_entropy(out["attr_logits"]["Exist"].flatten(0, 1),
                                         torch.ones(attrs.shape[0] * 16, dtype=torch.long, device=self.device))
            loss = loss + lc.rule_weight * rule_loss + lc.attr_weight * (attr_loss + exist_loss)
            logs.update(rule_loss=rule_loss.item(), attr_loss=attr_loss.item())
        guarded_step(self.opt, loss, self.model.parameters(), 0.0, f"{self.cfg.model.variant} loss")
        return logs

    @torch.no_grad()
    def predict(self, split: str, batch_size: int = 100) -> dict[str, torch.Tensor]:
        """Chosen candidates; for ALANS also the generated answers' attribute indices (n, 3): `decoded` = the value
        most probable under the executed operators (softmax of -distance to every M(k), mixed by operator
        probability), `nearest` = the value whose M(k) is nearest to the likeliest operator's prediction."""
        self.model.eval()
        s = self.tests[split]
        chosen, decoded, nearest = [], [], []
        for idx in torch.arange(len(s["target"])).split(batch_size):
            out = self.model(self._inputs(s, idx))
            chosen.append(out["scores"].argmax(-1).cpu())
            if "backend" in out:
                back = self.model.backend
                decoded.append(torch.stack([out["backend"][a]["value_probs"].argmax(-1) for a in ATTRS], -1).cpu())
                nearest.append(torch.stack([back.decode(a, out["backend"][a]["pred"]) for a in ATTRS], -1).cpu())
        self.model.train()
        if not decoded:
            return {"chosen": torch.cat(chosen)}
        return {"chosen": torch.cat(chosen), "decoded": torch.cat(decoded), "nearest": torch.cat(nearest)}

    def evaluate(self) -> dict[str, float]:
        metrics = {}
        for split in SPLITS:
            pred = self.predict(split)
            metrics[f"acc_{split}"] = (pred["chosen"] == self.tests[split]["target"]).float().mean().item()
            if split == "iid" and "decoded" in pred:
                metrics["generation_acc"] = generation_accuracy(self.tests[split], pred["decoded"])
                metrics["generation_acc_nearest"] = generation_accuracy(self.tests[split], pred["nearest"])
        metrics["score"] = 1.0 - metrics["acc_iid"]
        return metrics

    def sample(self, n: int) -> torch.Tensor:
        """ALANS: the decoded answers of the first n iid test problems, rendered (n, 1, S, S) in [-1, 1]; the CNN
        baseline cannot generate, so it returns the panels it chose."""
        s = self.tests["iid"]
        n_avail = len(s["target"])
        idx = torch.arange(n) % n_avail
        pred = self.predict("iid")
        if "decoded" in pred:
            images = torch.from_numpy(render_answers(pred["decoded"][idx], "left", self.cfg.data.image_size))
        else:
            images = s["images"][idx, 8 + pred["chosen"][idx]]
        return _to_float(images).unsqueeze(1)

    def write_samples(self, folder: Path, step: int) -> None:
        from PIL import Image
        folder.mkdir(parents=True, exist_ok=True)
        x = ((self.sample(8) + 1) * 127.5).clamp(0, 255).byte().squeeze(1).numpy()  # (8, S, S)
        Image.fromarray(np.concatenate(list(x), axis=1)).save(folder / f"samples_{step:06d}.png")


def generation_accuracy(split: dict, decoded: torch.Tensor) -> float:
    """Share of problems whose decoded answer, rendered and read back as attributes, equals the true answer's
    (Type, Size, Color). Rendering is a function of the attributes, so equal attributes = equal rendering up to
    the angle, which is noise in RAVEN."""
    answer = split["attrs"][torch.arange(len(decoded)), 8 + split["target"]]  # (n, 3)
    return (decoded == answer).all(-1).float().mean().item()


def render_answers(decoded: torch.Tensor, layout: str, size: int) -> np.ndarray:
    """Decoded attribute indices (n, 3) -> rendered panels (n, S, S) uint8 (angle 0)."""
    config = LAYOUTS[layout]
    upright = ANGLE_VALUES.index(0)
    panels = [(Component((0,), (int(t) + 1,), (int(sz),), (int(c),), (upright,)),) for t, sz, c in decoded.tolist()]
    return render_panels(tuple(panels), config, size)
