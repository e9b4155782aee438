"""ALANS (Zhang, Xie, Jia, Wu, Zhu & Zhu, ECCV 2022): an object-CNN perception frontend and an algebraic backend,
plus the pure-neural CNN baseline. Shapes: B problems, P = 16 panels (8 context + 8 candidates), K values, d x d
matrices."""

from __future__ import annotations

import torch
import torch.nn as nn

from inferlab.methods.alans.data import ATTRS, N_VALUES

OPERATORS = ("unary", "binary_ltr", "binary_rtl", "ternary_l", "ternary_r")
OPERATOR_GROUPS = ((0,), (1,), (2,), (3, 4))
"""Operators per rule group of data.operator_group: a rule's auxiliary target is the total probability of its group."""


def _conv_stack(channels: int, patch: int = 2) -> nn.Sequential:
    """Conv encoder; the first layer sees (patch x patch) pixel patches with stride `patch`."""
    c = channels
    first = nn.Conv2d(1, c, 3, 2, 1) if patch == 2 else nn.Conv2d(1, c, patch, patch)
    return nn.Sequential(
        first, nn.BatchNorm2d(c), nn.ReLU(),
        nn.Conv2d(c, c, 3, 2, 1), nn.BatchNorm2d(c), nn.ReLU(),
        nn.Conv2d(c, 2 * c, 3, 2, 1), nn.BatchNorm2d(2 * c), nn.ReLU(),
        nn.Conv2d(2 * c, 2 * c, 3, 2, 1), nn.BatchNorm2d(2 * c), nn.ReLU(),
        nn.AdaptiveAvgPool2d(1), nn.Flatten())


class ObjectCNN(nn.Module):
    """Perception frontend: one crop per position -> P(exist), P(Type), P(Size), P(Color) (official attr heads)."""

    def __init__(self, channels: int = 16):
        super().__init__()
        self.body = _conv_stack(channels)  # 32 px crop -> 16 x 16 maps
        self.heads = nn.ModuleDict({"Exist": nn.Linear(2 * channels, 2),
                                    **{a: nn.Linear(2 * channels, N_VALUES[a]) for a in ATTRS}})

    def forward(self, crops: torch.Tensor) -> dict[str, torch.Tensor]:
        h = self.body(crops)  # (N, 2c)
        return {k: head(h) for k, head in self.heads.items()}  # logits (N, K)


def value_space(m: torch.Tensor, z: torch.Tensor, k: int) -> torch.Tensor:
    """M(k) = M^k Z for k = 0..K-1: (K, d, d)."""
    out, cur = [], z
    for _ in range(k):
        out.append(cur)
        cur = m @ cur
    return torch.stack(out)


def expected_rep(probs: torch.Tensor, space: torch.Tensor) -> torch.Tensor:
    """Panel representation = E_{k ~ probs}[M(k)]: probs (..., K), space (K, d, d) -> (..., d, d)."""
    return torch.einsum("...k,kij->...ij", probs, space)


def _sq(x: torch.Tensor) -> torch.Tensor:
    return x.pow(2).sum(dim=(-2, -1))


def solve_left(xs: list[torch.Tensor], ys: list[torch.Tensor], reg: float) -> torch.Tensor:
    """argmin_H sum_i ||H X_i - Y_i||^2 + n reg ||H||^2 = (sum Y X^T)(sum X X^T + n reg I)^-1 (closed form)."""
    lhs = sum(x @ x.transpose(-1, -2) for x in xs)
    lhs = lhs + len(xs) * reg * torch.eye(lhs.shape[-1], dtype=lhs.dtype, device=lhs.device)
    rhs = sum(y @ x.transpose(-1, -2) for x, y in zip(xs, ys))
    return torch.linalg.solve(lhs.transpose(-1, -2), rhs.transpose(-1, -2)).transpose(-1, -2)  # H lhs = rhs


def solve_middle(lefts: list[torch.Tensor], rights: list[torch.Tensor], ys: list[torch.Tensor],
                 reg: float) -> torch.Tensor:
    """argmin_H sum_i ||A_i H B_i - Y_i||^2 + n reg ||H||^2, via vec(A H B) = (A kron B^T) vec(H) (row-major)."""
    d = ys[0].shape[-1]
    ks = [torch.einsum("...ij,...lk->...ikjl", a, b).reshape(*a.shape[:-2], d * d, d * d)
          for a, b in zip(lefts, rights)]  # (A kron B^T)[(i,k),(j,l)] = A_ij B_lk
    lhs = sum(k.transpose(-1, -2) @ k for k in ks)
    lhs = lhs + len(ks) * reg * torch.eye(d * d, dtype=lhs.dtype, device=lhs.device)
    rhs = sum(k.transpose(-1, -2) @ y.reshape(*y.shape[:-2], d * d, 1) for k, y in zip(ks, ys))
    return torch.linalg.solve(lhs, rhs).reshape(*ys[0].shape[:-2], d, d)


def induce_and_execute(t: torch.Tensor, reg: float, eps: float = 1e-3) -> tuple[torch.Tensor, torch.Tensor]:
    """Induce the five hidden operators from the 8 context representations t (B, 8, d, d) by regularised least
    squares, and execute each on the last row: returns residuals (B, 5) (fit error + reg ||H||^2) and predicted
    answer representations (B, 5, d, d). Rows: (0,1,2), (3,4,5), (6,7,?)."""
    x = [t[:, i] for i in range(8)]
    res, pred = [], []
    # unary: H X_j = X_{j+1} along rows; predict H X_8
    pairs = ((0, 1), (1, 2), (3, 4), (4, 5), (6, 7))
    h = solve_left([x[a] for a, _ in pairs], [x[b] for _, b in pairs], reg)
    res.append(sum(_sq(h @ x[a] - x[b]) for a, b in pairs) / len(pairs) + reg * _sq(h))
    pred.append(h @ x[7])
    # binary, left to right: X_1 H X_2 = X_3; predict X_7 H X_8
    h = solve_middle([x[0], x[3]], [x[1], x[4]], [x[2], x[5]], reg)
    res.append((_sq(x[0] @ h @ x[1] - x[2]) + _sq(x[3] @ h @ x[4] - x[5])) / 2 + reg * _sq(h))
    pred.append(x[6] @ h @ x[7])
    # binary, right to left: X_3 H X_2 = X_1; predict argmin_X ||X (H X_8) - X_7||^2 (small ridge eps)
    h = solve_middle([x[2], x[5]], [x[1], x[4]], [x[0], x[3]], reg)
    res.append((_sq(x[2] @ h @ x[1] - x[0]) + _sq(x[5] @ h @ x[4] - x[3])) / 2 + reg * _sq(h))
    g = h @ x[7]
    pred.append(solve_left([g], [x[6]], eps))  # X G = X_7
    # ternary (official directions "l", "r"): H [X_a; X_b] = X_c across rows (Distribute_Three's cyclic shifts)
    for triples, query in ((((0, 1, 3), (1, 2, 4), (2, 0, 5), (3, 4, 6), (4, 5, 7)), (5, 3)),
                           (((1, 2, 5), (2, 0, 3), (0, 1, 4), (5, 3, 6), (3, 4, 7)), (4, 5))):
        ins = [torch.cat([x[a], x[b]], dim=-2) for a, b, _ in triples]  # (B, 2d, d)
        h = solve_left(ins, [x[c] for *_, c in triples], reg)  # (B, d, 2d)
        res.append(sum(_sq(h @ i - x[c]) for i, (*_, c) in zip(ins, triples)) / len(triples) + reg * _sq(h))
        pred.append(h @ torch.cat([x[query[0]], x[query[1]]], dim=-2))
    return torch.stack(res, 1), torch.stack(pred, 1)


class AlgebraicBackend(nn.Module):
    """Per attribute: learned M, Z (d x d); value k is M^k Z; operators induced in closed form."""

    def __init__(self, d: int = 3, reg: float = 1e-2, scale: float = 5.0):
        super().__init__()
        self.reg, self.scale = reg, scale
        g = torch.Generator().manual_seed(0)
        self.m = nn.ParameterDict({a: nn.Parameter(torch.linalg.qr(torch.randn(d, d, generator=g))[0]) for a in ATTRS})
        self.z = nn.ParameterDict({a: nn.Parameter(torch.eye(d) + 0.1 * torch.randn(d, d, generator=g)) for a in ATTRS})

    def space(self, attr: str) -> torch.Tensor:
        return value_space(self.m[attr], self.z[attr], N_VALUES[attr])

    def _unit(self, space: torch.Tensor) -> torch.Tensor:
        """Mean squared distance between distinct values: distances are divided by it (scale invariance)."""
        k = space.shape[0]
        dist = _sq(space[:, None] - space[None])
        return dist.sum() / (k * (k - 1))

    def forward(self, probs: dict[str, torch.Tensor]) -> dict[str, dict[str, torch.Tensor]]:
        """probs[attr]: (B, 8, K) context value distributions -> per attr: op_probs (B, 5), value_probs (B, K)
        (answer value distribution), pred (B, d, d) (the likeliest operator's predicted answer representation)."""
        out = {}
        for a in ATTRS:
            space = self.space(a)
            unit = self._unit(space)
            t = expected_rep(probs[a], space)  # (B, 8, d, d)
            residual, pred = induce_and_execute(t, self.reg)
            op_probs = torch.softmax(-self.scale * residual / unit, dim=-1)  # (B, 5)
            dist = _sq(pred[:, :, None] - space[None, None])  # (B, 5, K)
            per_op = torch.softmax(-self.scale * dist / unit, dim=-1)
            value_probs = (op_probs[..., None] * per_op).sum(1)  # (B, K)
            top = pred[torch.arange(pred.shape[0]), op_probs.argmax(-1)]  # (B, d, d): the likeliest operator's
            out[a] = {"op_probs": op_probs, "value_probs": value_probs, "pred": top}
        return out

    def decode(self, attr: str, rep: torch.Tensor) -> torch.Tensor:
        """Answer generation by isomorphism: the value whose M(k) is nearest to rep (..., d, d) -> (...,) index."""
        return _sq(rep[..., None, :, :] - self.space(attr)).argmin(-1)

    def encode(self, attr: str, values: torch.Tensor) -> torch.Tensor:
        """values (...,) -> M(values) (..., d, d)."""
        return self.space(attr)[values]


class ALANS(nn.Module):
    def __init__(self, channels: int = 16, d: int = 3, reg: float = 1e-2, scale: float = 5.0):
        super().__init__()
        self.frontend = ObjectCNN(channels)
        self.backend = AlgebraicBackend(d, reg, scale)

    def forward(self, crops: torch.Tensor) -> dict:
        """crops (B, 16, 1, h, w) in [-1, 1] -> logits over candidates (B, 8) and intermediate quantities."""
        b = crops.shape[0]
        logits = self.frontend(crops.flatten(0, 1))
        logits = {k: v.view(b, 16, -1) for k, v in logits.items()}
        probs = {a: torch.softmax(logits[a], -1) for a in ATTRS}
        back = self.backend({a: probs[a][:, :8] for a in ATTRS})
        # candidate score: log-probability that the candidate's perceived value equals the predicted one
        score = sum(torch.log((back[a]["value_probs"][:, None] * probs[a][:, 8:]).sum(-1) + 1e-6) for a in ATTRS)
        exist = torch.softmax(logits["Exist"], -1)[..., 1]  # (B, 16); one slot: P(Number = 1) = P(exist)
        return {"scores": score, "attr_logits": logits, "backend": back, "number_probs": exist}


class PanelCNN(nn.Module):
    """Baseline: a CNN embeds every whole panel; an MLP scores each candidate's completed third row against the
    first two rows (a WReN/CoPINet-style row-relation scorer, no symbolic structure)."""

    def __init__(self, channels: int = 16, hidden: int = 64):
        super().__init__()
        self.body = _conv_stack(channels, patch=4)  # 64 px panel -> 16 x 16 maps: the same cost as ALANS
        self.row = nn.Sequential(nn.Linear(6 * channels, hidden), nn.ReLU(), nn.Linear(hidden, hidden))
        self.score = nn.Sequential(nn.Linear(3 * hidden, hidden), nn.ReLU(), nn.Linear(hidden, 1))

    def forward(self, panels: torch.Tensor) -> dict:
        b = panels.shape[0]
        f = self.body(panels.flatten(0, 1)).view(b, 16, -1)  # (B, 16, F)
        r1, r2 = self.row(f[:, 0:3].flatten(1)), self.row(f[:, 3:6].flatten(1))  # (B, H)
        r3 = self.row(torch.cat([f[:, 6:8].flatten(1)[:, None].expand(-1, 8, -1), f[:, 8:]], -1))  # (B, 8, H)
        x = torch.cat([r1[:, None].expand_as(r3), r2[:, None].expand_as(r3), r3], -1)
        return {"scores": self.score(x).squeeze(-1)}  # (B, 8)
