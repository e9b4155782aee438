"""ALANS learning as a TrainTask: cross-entropy over the 8 candidates + auxiliary rule loss (+ the optional
attribute loss, `loss.attr_weight`); the baselines (cnn, wren, scl) train on the same batches with the
cross-entropy alone."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import torch
import torch.nn.functional as F

from inferlab.core.optim import guarded_step
from inferlab.data.raven.grammar import ANGLE_VALUES, CONFIGURATIONS
from inferlab.data.raven.problem import Component
from inferlab.data.raven.render import render_panels
from inferlab.engine.task import TrainTask
from inferlab.errors import UserError
from inferlab.methods.alans.config import ALANSConfig
from inferlab.methods.alans.data import ATTRS, SPLIT_NAMES, make_split
from inferlab.methods.alans.losses import attribute_loss, rule_loss
from inferlab.methods.alans.baselines import SCL, CropCNN, WReN
from inferlab.methods.alans.model import ALANS
from inferlab.methods.alans.scoring import ANSWER_OBJECTIVES

VARIANTS = ("alans", "cnn", "wren", "scl")


def _to_float(images: torch.Tensor) -> torch.Tensor:
    return images.float().div(127.5).sub(1.0)  # uint8 -> [-1, 1]


class ALANSTask(TrainTask):
    """`data` holds problem indices into the in-memory training split; batches are index tensors."""

    def __init__(self, cfg: ALANSConfig, device: torch.device, seed: int):
        if cfg.model.variant not in VARIANTS:
            raise UserError(f"model.variant={cfg.model.variant!r}: allowed: {', '.join(VARIANTS)}.")
        if cfg.model.answer not in ANSWER_OBJECTIVES:
            raise UserError(f"model.answer={cfg.model.answer!r}: allowed: {', '.join(ANSWER_OBJECTIVES)}.")
        self.cfg, self.device = cfg, device
        d = cfg.data
        sizes = (d.image_size, d.crop_size, d.panel_size)
        self.train_split = make_split("train", d.train_problems, *sizes, seed)
        self.tests = {s: make_split(s, cfg.eval.samples, *sizes, seed + 1) for s in SPLIT_NAMES}
        self.tests["val"] = make_split("val", cfg.eval.val_samples, *sizes, seed)
        self.data = torch.arange(d.train_problems)
        m, o = cfg.model, cfg.optim
        self.model = {
            "alans": lambda: ALANS(m.channels, m.matrix_size, m.reg, m.scale, m.op_scale, m.shared_matrices, m.answer),
            "cnn": lambda: CropCNN(m.channels),
            "wren": lambda: WReN(m.channels, d.panel_size),
            "scl": lambda: SCL(m.channels, d.panel_size),
        }[m.variant]().to(device, memory_format=torch.channels_last)  # conv weights NHWC: ~30% faster on CPU
        lr = {"alans": o.lr, "cnn": o.cnn_lr, "wren": o.wren_lr, "scl": o.scl_lr}[m.variant]
        self.opt = torch.optim.Adam(self.model.parameters(), lr=lr, weight_decay=o.weight_decay, foreach=True)

    def state_objects(self) -> dict:
        return {"model": self.model, "opt": self.opt}

    def _forward(self, split: dict, idx: torch.Tensor) -> dict:
        variant = self.cfg.model.variant
        if variant in ("alans", "cnn"):  # per-position crops (B, 16, S, 1, c, c)
            crops = _to_float(split["crops"][idx]).unsqueeze(3).to(self.device)
            if variant == "cnn":
                return self.model(crops, split["boxes"].to(self.device))
            return self.model(crops, split["n_slots"])
        return self.model(_to_float(split["panels"][idx]).unsqueeze(2).to(self.device))  # whole panels

    def train_step(self, batch: torch.Tensor, step: int) -> dict[str, float]:
        s, lc = self.train_split, self.cfg.loss
        self.model.train()
        out = self._forward(s, batch)
        target = s["target"][batch].to(self.device)
        ce = F.cross_entropy(out["scores"], target)
        logs = {"ce": ce.item(), "acc": (out["scores"].argmax(-1) == target).float().mean().item()}
        loss = ce
        if self.cfg.model.variant == "alans":
            rules = rule_loss(out["components"], s["groups"][batch].to(self.device))
            loss = loss + lc.rule_weight * rules
            logs["rule_loss"] = rules.item()
            if lc.attr_weight > 0:
                attrs = attribute_loss(out["logits"], s["exist"][batch].to(self.device),
                                       s["attrs"][batch].to(self.device))
                loss = loss + lc.attr_weight * attrs
                logs["attr_loss"] = attrs.item()
        guarded_step(self.opt, loss, self.model.parameters(), 0.0, f"{self.cfg.model.variant} loss")
        return logs

    @torch.no_grad()
    def predict(self, split: str, batch_size: int = 50) -> dict:
        """Chosen candidates (n,); for ALANS also the generated answers (model.ALANS.decode), concatenated."""
        self.model.eval()
        s = self.tests[split]
        chosen, decoded = [], []
        for idx in torch.arange(len(s["target"])).split(batch_size):
            out = self._forward(s, idx)
            chosen.append(out["scores"].argmax(-1).cpu())
            if "components" in out:
                decoded.append(self.model.decode(out))
        self.model.train()
        result = {"chosen": torch.cat(chosen)}
        if decoded:
            result["decoded"] = [{k: torch.cat([batch[c][k] for batch in decoded]).cpu() for k in decoded[0][c]}
                                 for c in range(len(decoded[0]))]
        return result

    def evaluate(self) -> dict[str, float]:
        """acc_<split> on the four test splits and on `val` (the iid validation draw: learning-rate and checkpoint
        selection), generation_acc on iid, score = 1 - acc_val."""
        metrics = {}
        for split in (*SPLIT_NAMES, "val"):
            pred = self.predict(split)
            metrics[f"acc_{split}"] = (pred["chosen"] == self.tests[split]["target"]).float().mean().item()
            if split == "iid" and "decoded" in pred:
                metrics["generation_acc"] = generation_accuracy(self.tests[split], pred["decoded"])
        metrics["score"] = 1.0 - metrics["acc_val"]  # model selection on the validation draw, never a test split
        return metrics

    def sample(self, n: int) -> torch.Tensor:
        """ALANS: the generated (decoded, rendered) answers of the first n iid test problems, (n, 1, S, S) in
        [-1, 1]; the baselines cannot generate, so they return the panels they chose."""
        s = self.tests["iid"]
        idx = torch.arange(n) % len(s["target"])
        pred = self.predict("iid")
        if "decoded" in pred:
            size = self.cfg.data.panel_size
            images = torch.from_numpy(render_answers(pred["decoded"], s["config"], size))[idx]
        else:
            images = s["panels"][idx, 8 + pred["chosen"][idx]]
        return _to_float(images).unsqueeze(1)

    def write_samples(self, folder: Path, step: int) -> None:
        """samples_<step>.png: for 4 iid test problems, a row of the 8 context panels, the chosen candidate, the
        true answer and (ALANS) the generated answer."""
        from PIL import Image
        folder.mkdir(parents=True, exist_ok=True)
        s, n = self.tests["iid"], 4
        pred = self.predict("iid")
        idx = torch.arange(n)
        cols = [s["panels"][idx, k] for k in range(8)]
        cols += [s["panels"][idx, 8 + pred["chosen"][idx]], s["panels"][idx, 8 + s["target"][idx]]]
        if "decoded" in pred:
            cols.append(torch.from_numpy(render_answers(pred["decoded"], s["config"], self.cfg.data.panel_size))[idx])
        grid = torch.stack(cols, 1)  # (n, cols, S, S)
        grid = torch.nn.functional.pad(grid, (1, 1, 1, 1), value=128)
        rows = [torch.cat(list(row), 1) for row in grid]
        Image.fromarray(torch.cat(rows, 0).numpy()).save(folder / f"samples_{step:06d}.png")


def _true_answer(split: dict) -> tuple[torch.Tensor, torch.Tensor]:
    """The answer panels' exist (n, S) and attrs (n, S, 3)."""
    rows = torch.arange(len(split["target"]))
    return split["exist"][rows, 8 + split["target"]], split["attrs"][rows, 8 + split["target"]]


def generation_accuracy(split: dict, decoded: list[dict]) -> float:
    """Share of problems whose generated answer equals the true one: per component, the layout (the occupied slot
    set when decoded by Position, the count when decoded by Number) and every attribute that the answer's entities
    share (an attribute under non-uniform Constant has no single value to generate)."""
    exist, attrs = _true_answer(split)
    ok = torch.ones(len(exist), dtype=torch.bool)
    offset = 0
    for comp, n in zip(decoded, split["n_slots"]):
        e, a = exist[:, offset:offset + n].bool(), attrs[:, offset:offset + n]
        if "slots" in comp:
            same_set = (comp["slots"] == e).all(-1)
            same_count = comp["slots"].sum(-1) == e.sum(-1)
            ok &= torch.where(comp["by_position"], same_set, same_count)
        for i, attr in enumerate(ATTRS):
            values = torch.where(e, a[..., i], -1)
            first = values.max(-1).values  # the value of some occupied slot
            shared = ((values == first[:, None]) | ~e).all(-1)
            ok &= ~shared | (comp[attr] == first)
        offset += n
    return ok.float().mean().item()


def render_answers(decoded: list[dict], config_name: str, size: int) -> np.ndarray:
    """Generated answers -> rendered panels (n, size, size) uint8 (every entity at angle 0)."""
    config = CONFIGURATIONS[config_name]
    upright = ANGLE_VALUES.index(0)
    panels = []
    for i in range(len(decoded[0]["Type"])):
        comps = []
        for comp, layout in zip(decoded, config.layouts):
            n = layout.n_slots
            slots = tuple(int(s) for s in torch.nonzero(comp["slots"][i]).flatten()) if "slots" in comp else (0,)
            levels = [(int(comp[a][i]) + (1 if a == "Type" else 0),) * n for a in ATTRS]
            comps.append(Component(slots, *levels, (upright,) * n))
        panels.append(tuple(comps))
    return render_panels(tuple(panels), config, size)
