"""ALANS's algebraic backend (official `attr.py`, `inner.py`, `execute.py`): values lifted to matrices, hidden
operators induced from the 8 context panels by regularised least squares in closed form, operator probabilities
from the fit residuals, the executed operators' predicted answer distributions.

Integer attributes (Number, Type, Size, Color): value k is M^k Z. Position: each slot's exist value (0/1) is one of
two learned 'logic' matrices and the operators act slot-wise. Shapes: B problems, n slots, K values, d x d.
"""

from __future__ import annotations

import torch
import torch.nn as nn

from inferlab.methods.alans.data import N_VALUES

INT_OPERATORS = ("unary", "binary_ltr", "binary_rtl", "ternary_l", "ternary_r")
INT_GROUPS = ((0,), (1,), (2,), (3, 4), (5,))
"""Operators (and the 'inconsistent' action, index 5) per rule group of data.int_group / data.INCONSISTENT."""
POSITION_OPERATORS = ("unary", "binary", "ternary_l", "ternary_r")
POSITION_GROUPS = ((0,), (1,), (2, 3))
"""Operators per rule group of data.position_group."""
ROWS = ((0, 1, 2), (3, 4, 5))
UNARY_PAIRS = ((0, 1), (1, 2), (3, 4), (4, 5), (6, 7))
TERNARY = ((((0, 1, 3), (1, 2, 4), (2, 0, 5), (3, 4, 6), (4, 5, 7)), (5, 3)),
           (((1, 2, 5), (2, 0, 3), (0, 1, 4), (5, 3, 6), (3, 4, 7)), (4, 5)))
"""Distribute_Three's two cyclic directions ("l", "r"): (a, b, c) triples H [X_a; X_b] = X_c across rows, and the
query pair for the answer."""


def sq(x: torch.Tensor) -> torch.Tensor:
    """Squared Frobenius norm over the last two dimensions."""
    return x.pow(2).sum(dim=(-2, -1))


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


def ridge(x: torch.Tensor, y: torch.Tensor, reg: float) -> tuple[torch.Tensor, torch.Tensor]:
    """H = argmin_H mean_i ||H X_i - Y_i||^2 + reg ||H||^2 = (sum Y X^T)(sum X X^T + N reg I)^-1 in closed form;
    x (B, N, m, k), y (B, N, r, k) -> H (B, r, m) and the minimised objective (B,)."""
    n = x.shape[1]
    eye = torch.eye(x.shape[-2], dtype=x.dtype, device=x.device)
    lhs = torch.einsum("bnmk,bnjk->bmj", x, x) + n * reg * eye
    rhs = torch.einsum("bnrk,bnmk->brm", y, x)
    h = torch.linalg.solve(lhs, rhs.transpose(-1, -2)).transpose(-1, -2)  # lhs is symmetric: H lhs = rhs
    residual = sq(h[:, None] @ x - y).mean(1) + reg * sq(h)
    return h, residual


def solve_left(xs: list[torch.Tensor], ys: list[torch.Tensor], reg: float) -> torch.Tensor:
    """argmin_H sum_i ||H X_i - Y_i||^2 + n reg ||H||^2 for lists of (B, m, k) / (B, r, k) (see `ridge`)."""
    return ridge(torch.stack(xs, 1), torch.stack(ys, 1), reg)[0]


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
    """Induce the five integer operators from the 8 context representations t (B, 8, d, d) and execute each on
    the last row: residuals (B, 5) (fit error + reg ||H||^2) and predicted answer representations (B, 5, d, d).
      unary       H X_j = X_{j+1} along rows; predict H X_8
      binary ltr  X_1 H X_2 = X_3; predict X_7 H X_8
      binary rtl  X_3 H X_2 = X_1; predict argmin_X ||X (H X_8) - X_7||^2 (ridge eps)
      ternary l/r H [X_a; X_b] = X_c across rows (TERNARY); predict from the query pair."""
    x = [t[:, i] for i in range(8)]
    res, pred = [], []
    h, r = ridge(torch.stack([x[a] for a, _ in UNARY_PAIRS], 1), torch.stack([x[b] for _, b in UNARY_PAIRS], 1), reg)
    res.append(r)
    pred.append(h @ x[7])
    h = solve_middle([x[0], x[3]], [x[1], x[4]], [x[2], x[5]], reg)
    res.append((sq(x[0] @ h @ x[1] - x[2]) + sq(x[3] @ h @ x[4] - x[5])) / 2 + reg * sq(h))
    pred.append(x[6] @ h @ x[7])
    h = solve_middle([x[2], x[5]], [x[1], x[4]], [x[0], x[3]], reg)
    res.append((sq(x[2] @ h @ x[1] - x[0]) + sq(x[5] @ h @ x[4] - x[3])) / 2 + reg * sq(h))
    pred.append(solve_left([h @ x[7]], [x[6]], eps))  # X G = X_7 with G = H X_8
    for triples, (qa, qb) in TERNARY:
        ins = torch.stack([torch.cat([x[a], x[b]], -2) for a, b, _ in triples], 1)  # (B, 5, 2d, d)
        h, r = ridge(ins, torch.stack([x[c] for *_, c in triples], 1), reg)
        res.append(r)
        pred.append(h @ torch.cat([x[qa], x[qb]], -2))
    return torch.stack(res, 1), torch.stack(pred, 1)


def unit_distance(space: torch.Tensor) -> torch.Tensor:
    """Mean squared distance between distinct values' matrices: residuals and distances are divided by it, so
    the operator and value softmaxes do not depend on the scale of the learned matrices."""
    k = space.shape[0]
    return sq(space[:, None] - space[None]).sum() / (k * (k - 1))


class IntegerBackend(nn.Module):
    """Learned number systems M, Z (d x d): value k of an attribute is M^k Z (an attribute with K values uses the
    first K powers); the five operators of `induce_and_execute`. One M, Z per attribute, or with `shared` one pair
    for all of them (the official `NumberSys`)."""

    def __init__(self, attrs: tuple[str, ...], d: int = 3, reg: float = 1e-2, scale: float = 5.0,
                 op_scale: float = 100.0, shared: bool = False):
        super().__init__()
        self.reg, self.scale, self.op_scale, self.shared = reg, scale, op_scale, shared
        keys = ("all",) if shared else attrs
        g = torch.Generator().manual_seed(0)
        self.m = nn.ParameterDict({k: nn.Parameter(torch.linalg.qr(torch.randn(d, d, generator=g))[0]) for k in keys})
        self.z = nn.ParameterDict({k: nn.Parameter(torch.eye(d) + 0.1 * torch.randn(d, d, generator=g)) for k in keys})

    def space(self, attr: str) -> torch.Tensor:
        key = "all" if self.shared else attr
        return value_space(self.m[key], self.z[key], N_VALUES[attr])

    def forward(self, attr: str, probs: torch.Tensor) -> dict[str, torch.Tensor]:
        """probs (B, 8, K) context value distributions -> op_probs (B, 5), value_probs (B, K) (the answer's value
        distribution, mixed over operators), per_op (B, 5, K) (each operator's), pred (B, d, d) (the likeliest
        operator's prediction), fit (B,) (the smallest normalised residual)."""
        space = self.space(attr)
        unit = unit_distance(space)
        residual, pred = induce_and_execute(expected_rep(probs, space), self.reg)
        op_probs = torch.softmax(-self.op_scale * residual / unit, dim=-1)
        per_op = torch.softmax(-self.scale * sq(pred[:, :, None] - space[None, None]) / unit, dim=-1)  # (B, 5, K)
        top = pred[torch.arange(pred.shape[0], device=pred.device), op_probs.argmax(-1)]
        return {"op_probs": op_probs, "value_probs": (op_probs[..., None] * per_op).sum(1), "per_op": per_op,
                "pred": top, "fit": (residual / unit).min(-1).values}

    def decode(self, attr: str, rep: torch.Tensor) -> torch.Tensor:
        """Answer generation by isomorphism: the value whose M(k) is nearest to rep (..., d, d) -> (...,) index."""
        return sq(rep[..., None, :, :] - self.space(attr)).argmin(-1)

    def encode(self, attr: str, values: torch.Tensor) -> torch.Tensor:
        """values (...,) -> M(values) (..., d, d)."""
        return self.space(attr)[values]


def neighbourhood(t: torch.Tensor, width: int) -> torch.Tensor:
    """Per slot, the matrices of slots s - width .. s + width (ring order) stacked by rows:
    (..., n, d, d) -> (..., n, (2 width + 1) d, d)."""
    return torch.cat([torch.roll(t, -offset, dims=-3) for offset in range(-width, width + 1)], -2)


class PositionBackend(nn.Module):
    """Position as a set: per slot, E[L(exist)] over two learned logic matrices L(0), L(1); operators shared by all
    slots (official `solve_logic` / `execute_logic`):
      unary    H [T_{s-w}; ...; T_{s+w}] (panel j) = T_s (panel j+1): a shift of the occupied set (Progression)
      binary   vec T_c = G (vec T_a kron vec T_b) slot-wise: any per-slot logic, e.g. union / difference
      ternary  H [T_a; T_b] = T_c slot-wise across rows, two cyclic directions (Distribute_Three)
    The official neighbourhood is w = 1; we use w = 2 because RAVEN's Position Progression steps are +-1 and +-2."""

    def __init__(self, d: int = 3, reg: float = 1e-2, scale: float = 5.0, op_scale: float = 100.0, width: int = 2,
                 binary_reg: float = 1.0):
        super().__init__()
        self.reg, self.scale, self.op_scale, self.width, self.binary_reg = reg, scale, op_scale, width, binary_reg
        g = torch.Generator().manual_seed(1)
        self.logic = nn.Parameter(torch.randn(2, d, d, generator=g))

    def forward(self, exist: torch.Tensor) -> dict[str, torch.Tensor]:
        """exist (B, 8, n, 2) context per-slot exist distributions -> op_probs (B, 4), slot_probs (B, n, 2) (the
        answer's per-slot exist distribution, mixed over operators), per_op (B, 4, n, 2) (each operator's), fit (B,)
        (smallest normalised residual)."""
        b, _, n, _ = exist.shape
        space, unit = self.logic, unit_distance(self.logic)
        t = expected_rep(exist, space)  # (B, 8, n, d, d)
        d = t.shape[-1]
        res, pred = [], []
        nb = neighbourhood(t, self.width)
        h, r = ridge(torch.cat([nb[:, a] for a, _ in UNARY_PAIRS], 1), torch.cat([t[:, c] for _, c in UNARY_PAIRS], 1),
                     self.reg)
        res.append(r)
        pred.append(h[:, None] @ nb[:, 7])
        vec = t.reshape(b, 8, n, d * d, 1)
        kron = [torch.einsum("bnik,bnjk->bnij", vec[:, i], vec[:, j]).reshape(b, n, -1, 1)  # vec T_i kron vec T_j
                for i, j in ((0, 1), (3, 4), (6, 7))]
        g, r = ridge(torch.cat(kron[:2], 1), torch.cat([vec[:, 2], vec[:, 5]], 1), self.binary_reg)
        res.append(r)
        pred.append((g[:, None] @ kron[2]).reshape(b, n, d, d))
        for triples, (qa, qb) in TERNARY:
            ins = torch.cat([torch.cat([t[:, i], t[:, j]], -2) for i, j, _ in triples], 1)  # (B, 5n, 2d, d)
            h, r = ridge(ins, torch.cat([t[:, c] for *_, c in triples], 1), self.reg)
            res.append(r)
            pred.append(h[:, None] @ torch.cat([t[:, qa], t[:, qb]], -2))
        residual, pred = torch.stack(res, 1), torch.stack(pred, 1)  # (B, 4), (B, 4, n, d, d)
        op_probs = torch.softmax(-self.op_scale * residual / unit, dim=-1)
        per_op = torch.softmax(-self.scale * sq(pred[..., None, :, :] - space) / unit, dim=-1)  # (B, 4, n, 2)
        return {"op_probs": op_probs, "slot_probs": (op_probs[..., None, None] * per_op).sum(1), "per_op": per_op,
                "fit": (residual / unit).min(-1).values}
