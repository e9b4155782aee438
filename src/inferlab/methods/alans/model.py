"""ALANS (Zhang, Xie, Jia, Wu, Zhu & Zhu, ECCV 2022): the object-CNN frontend (perception.py) and the algebraic
backend (backend.py) wired per component and candidate scoring (scoring.py); the baselines are in baselines.py.
Shapes: B problems, 16 panels (8 context + 8 candidates), S slots over all components, K values."""

from __future__ import annotations

import torch
import torch.nn as nn

from inferlab.methods.alans.backend import IntegerBackend, PositionBackend
from inferlab.methods.alans.data import ATTRS, N_VALUES
from inferlab.methods.alans.perception import ObjectCNN, number_probs, shared_value_probs
from inferlab.methods.alans.scoring import match_probs, mean_divergence

EPS = 1e-6


class ALANS(nn.Module):
    def __init__(self, channels: int = 16, d: int = 3, reg: float = 1e-2, scale: float = 5.0,
                 op_scale: float = 100.0, shared_matrices: bool = False, answer: str = "mean"):
        super().__init__()
        self.op_scale, self.answer = op_scale, answer
        self.frontend = ObjectCNN(channels)
        self.ints = IntegerBackend(("Number", *ATTRS), d, reg, scale, op_scale, shared_matrices)
        self.position = PositionBackend(d, reg, scale, op_scale)

    def forward(self, crops: torch.Tensor, n_slots: tuple[int, ...]) -> dict:
        """crops (B, 16, S, 1, c, c) in [-1, 1], n_slots the slots of each component (summing to S) -> scores
        (B, 8) (log-probabilities of each candidate, summed over components and attributes), the frontend's
        logits (B, 16, S, K) and per component the backend's outputs."""
        b, _, s = crops.shape[:3]
        logits = {k: v.view(b, 16, s, -1) for k, v in self.frontend(crops.flatten(0, 2)).items()}
        exist = torch.softmax(logits["Exist"], -1)[..., 1]  # (B, 16, S)
        values = {a: torch.softmax(logits[a], -1) for a in ATTRS}
        components, offset = [], 0
        for n in n_slots:
            part = slice(offset, offset + n)
            components.append(self.component(exist[..., part], {a: v[:, :, part] for a, v in values.items()}))
            offset += n
        return {"scores": sum(c["score"] for c in components), "logits": logits, "components": components}

    def component(self, exist: torch.Tensor, values: dict[str, torch.Tensor]) -> dict:
        """One component: exist (B, 16, n), values[attr] (B, 16, n, K) -> per attribute the backend's outputs and
        `actions` (operator probabilities, then the 'inconsistent' action), `score` (B, 8) (scoring.py: the
        official `mean` objective or our `match`).

        Type/Size/Color: the panel distribution is P(all entities share value k) (perception.shared_value_probs),
        renormalised for reasoning; rule_prob = min over context panels of its mass; an attribute whose entities
        disagree takes the 'inconsistent' action (official `get_action_probs`). With n > 1 slots Number (counts,
        integer backend) and Position (slot-wise logic backend) are both induced; the one whose operators fit better
        (softmax of -op_scale * smallest normalised residual) is used to score the layout."""
        out, score = {}, 0.0
        for a in ATTRS:
            shared = shared_value_probs(exist, values[a])  # (B, 16, K)
            consistency = shared.sum(-1)
            back = self.ints(a, shared[:, :8] / consistency[:, :8, None].clamp_min(EPS))
            rule_prob = consistency[:, :8].min(-1).values.clamp(0.0, 1.0)[:, None]  # (B, 1)
            if self.answer == "mean":
                with_inconsistent = torch.cat([shared[:, 8:], (1 - consistency[:, 8:, None]).clamp_min(0)], -1)
                per_op = torch.cat([back["per_op"], back["per_op"].new_zeros(*back["per_op"].shape[:2], 1)], -1)
                score = score - mean_divergence(per_op, back["op_probs"] * rule_prob, with_inconsistent)
            else:
                answer = match_probs(back["value_probs"], shared[:, 8:])
                score = score + torch.log(rule_prob * answer + (1 - rule_prob) / 8)
            back["actions"] = torch.cat([back["op_probs"] * rule_prob, 1 - rule_prob], -1)  # (B, 6)
            out[a] = back
        if exist.shape[-1] > 1:
            cells = torch.stack([1 - exist, exist], -1)  # (B, 16, n, 2)
            pos = self.position(cells[:, :8])
            numbers = number_probs(exist, N_VALUES["Number"])  # (B, 16, 9)
            num = self.ints("Number", numbers[:, :8])
            select = torch.softmax(-self.op_scale * torch.stack([pos["fit"], num["fit"]], -1), -1)  # (B, 2)
            if self.answer == "mean":
                score = score - mean_divergence(pos["per_op"], pos["op_probs"] * select[:, :1], cells[:, 8:]) \
                    - mean_divergence(num["per_op"], num["op_probs"] * select[:, 1:], numbers[:, 8:])
            else:
                pos_ll = torch.log((pos["slot_probs"][:, None] * cells[:, 8:]).sum(-1) + EPS).sum(-1)  # (B, 8)
                layout = select[:, :1] * torch.softmax(pos_ll, -1) + select[:, 1:] * match_probs(
                    num["value_probs"], numbers[:, 8:])
                score = score + torch.log(layout + EPS)
            num["actions"] = num["op_probs"]
            pos["actions"] = pos["op_probs"]
            out.update(Position=pos, Number=num, select=select)
        out["score"] = score
        return out

    @torch.no_grad()
    def decode(self, out: dict) -> list[dict[str, torch.Tensor]]:
        """Answer generation by isomorphism, per component: the most probable value of each attribute under the
        executed operators (`Type`, `Size`, `Color`: (B,) value indices) and, with several slots, the layout of the
        better-fitting branch: `slots` (B, n) bool from Position, or the first `Number` slots (count from Number)."""
        decoded = []
        for comp in out["components"]:
            dec = {a: comp[a]["value_probs"].argmax(-1) for a in ATTRS}
            if "select" in comp:
                from_position = comp["Position"]["slot_probs"][..., 1] > 0.5  # (B, n)
                count = comp["Number"]["value_probs"].argmax(-1) + 1  # (B,)
                from_number = torch.arange(from_position.shape[-1], device=count.device) < count[:, None]
                use_position = comp["select"][:, 0] >= comp["select"][:, 1]
                dec["slots"] = torch.where(use_position[:, None], from_position, from_number)
                dec["by_position"] = use_position
            decoded.append(dec)
        return decoded
