"""How ALANS scores the 8 candidates from the executed operators, as pure functions of tensors (official
`model.py`). Two answer objectives, each followed by cross-entropy over the candidates:

  mean   (official --loss mean, its default) score(c) = -sum_attr sum_op P(op) JSD(P_op(answer), P_c), with P(op)
         the operator probabilities times rule_prob (the 'inconsistent' action is left out), the candidate's
         distribution including the 'inconsistent' value (the prediction puts no mass there); Position: the mean over
         slots of the per-slot JSD, weighted by P(select Position); Number weighted by P(select Number).
  match  (ours) score(c) = sum_attr log[rule_prob * P(c) + (1 - rule_prob) / 8] with P(c) proportional to
         sum_k P_pred(k) P_c(k), the probability that the candidate's perceived value equals the predicted one
         (the structure of the official --loss prob, whose P(c) is instead a softmax over candidates of -JSD).
"""

from __future__ import annotations

import torch

EPS = 1e-6
ANSWER_OBJECTIVES = ("mean", "match")


def jsd(p: torch.Tensor, q: torch.Tensor) -> torch.Tensor:
    """Jensen-Shannon divergence over the last axis: 0.5 KL(p || m) + 0.5 KL(q || m), m = (p + q) / 2 (official
    criteria.JSD, with log(0) guarded)."""
    m = (p + q) / 2
    return 0.5 * (p * (torch.log(p + EPS) - torch.log(m + EPS))).sum(-1) + \
        0.5 * (q * (torch.log(q + EPS) - torch.log(m + EPS))).sum(-1)


def mean_divergence(per_op: torch.Tensor, weights: torch.Tensor, candidates: torch.Tensor) -> torch.Tensor:
    """sum_op weights[op] JSD(per_op[op], candidate): per_op (B, O, K), weights (B, O), candidates (B, 8, K) ->
    (B, 8). With a slot axis, per_op (B, O, n, 2) and candidates (B, 8, n, 2), the JSD is averaged over slots."""
    div = jsd(per_op[:, None], candidates[:, :, None])  # (B, 8, O) or (B, 8, O, n)
    if div.dim() == 4:
        div = div.mean(-1)
    return (div * weights[:, None]).sum(-1)


def match_probs(pred: torch.Tensor, candidates: torch.Tensor) -> torch.Tensor:
    """P(answer = candidate c) proportional to sum_k P_pred(k) P_c(k), the probability that the candidate's
    perceived value equals the predicted one: pred (B, K), candidates (B, 8, K) -> (B, 8)."""
    match = (pred[:, None] * candidates).sum(-1) + EPS
    return match / match.sum(-1, keepdim=True)
