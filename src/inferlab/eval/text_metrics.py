"""Text metrics: corpus BLEU (sacrebleu), unigram KL between two corpora, and reverse perplexity."""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Sequence

import torch
import torch.nn.functional as F
from torch import nn

from inferlab.data.text.vocab import PAD_ID


def corpus_bleu(hypotheses: Sequence[Sequence[str]], references: Sequence[Sequence[str]]) -> float:
    """sacrebleu corpus BLEU (0-100) of tokenised hypotheses against one reference each (tokenize="none")."""
    import sacrebleu

    return float(sacrebleu.corpus_bleu([" ".join(h) for h in hypotheses], [[" ".join(r) for r in references]],
                                       tokenize="none").score)


def unigram_kl(samples: Sequence[Sequence[str]], reference: Sequence[Sequence[str]]) -> float:
    """KL(p_samples || p_reference) of word frequencies, both add-one smoothed over the union vocabulary (nats)."""
    a, b = Counter(w for s in samples for w in s), Counter(w for s in reference for w in s)
    words = set(a) | set(b)
    na, nb = sum(a.values()) + len(words), sum(b.values()) + len(words)
    return float(sum((a[w] + 1) / na * math.log(((a[w] + 1) / na) / ((b[w] + 1) / nb)) for w in words))


class _GRULM(nn.Module):
    def __init__(self, vocab_size: int, hidden: int):
        super().__init__()
        self.embed = nn.Embedding(vocab_size, hidden, padding_idx=PAD_ID)
        self.rnn = nn.GRU(hidden, hidden, batch_first=True)
        self.out = nn.Linear(hidden, vocab_size)

    def nll(self, ids: torch.Tensor) -> torch.Tensor:
        """Summed token NLL per sentence (B,), <pad> ignored."""
        h, _ = self.rnn(self.embed(ids[:, :-1]))
        return F.cross_entropy(self.out(h).transpose(1, 2), ids[:, 1:], ignore_index=PAD_ID, reduction="none").sum(1)


def reverse_perplexity(train_ids: torch.Tensor, test_ids: torch.Tensor, vocab_size: int, *, steps: int,
                       hidden: int = 64, batch_size: int = 64, lr: float = 3e-3, seed: int = 0) -> float:
    """Perplexity on real `test_ids` of a small GRU LM trained for `steps` Adam updates on model samples
    `train_ids` (both (N, L) <s> ... </s> <pad>): low when the samples cover the real text (Zhao et al. 2018)."""
    gen = torch.Generator().manual_seed(seed)
    with torch.random.fork_rng():
        torch.manual_seed(seed)
        lm = _GRULM(vocab_size, hidden)
    opt = torch.optim.Adam(lm.parameters(), lr=lr)
    train_ids = train_ids.cpu()
    for _ in range(steps):
        batch = train_ids[torch.randint(len(train_ids), (min(batch_size, len(train_ids)),), generator=gen)]
        loss = lm.nll(batch).sum() / (batch[:, 1:] != PAD_ID).sum().clamp(min=1)
        opt.zero_grad()
        loss.backward()
        opt.step()
    with torch.no_grad():
        test_ids = test_ids.cpu()
        return float(math.exp(lm.nll(test_ids).sum() / (test_ids[:, 1:] != PAD_ID).sum()))
