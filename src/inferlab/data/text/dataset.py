"""The in-memory text dataset: token ids, a vocabulary and optional labels per sentence."""

from __future__ import annotations

from dataclasses import dataclass, field

import torch

from inferlab.data.text.vocab import Vocabulary, encode


@dataclass(frozen=True)
class TextDataset:
    """`ids` (N, L) long: <s> words </s> <pad>...; `labels` name -> (N,) long (e.g. intent, sentiment, act)."""

    name: str
    ids: torch.Tensor
    vocab: Vocabulary
    labels: dict[str, torch.Tensor] = field(default_factory=dict)
    cut: int = 0
    """Sentences longer than the maximum length, cut when encoded."""

    def __len__(self) -> int:
        return self.ids.shape[0]

    def sentences(self) -> list[list[str]]:
        return [self.vocab.decode(row) for row in self.ids]


def make_text_dataset(name: str, sentences: list[list[str]], vocab: Vocabulary, max_len: int,
                      labels: dict[str, list[int]] | None = None) -> TextDataset:
    """Encode `sentences` with `vocab` (see vocab.encode) and keep their labels as tensors."""
    ids, cut = encode(sentences, vocab, max_len)
    tensors = {k: torch.tensor(v, dtype=torch.long) for k, v in (labels or {}).items()}
    return TextDataset(name, ids, vocab, tensors, cut)
