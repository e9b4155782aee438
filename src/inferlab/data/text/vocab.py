"""Word vocabulary with the four special tokens, and sentence <-> id-tensor encoding."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import torch

PAD, UNK, BOS, EOS = "<pad>", "<unk>", "<s>", "</s>"
SPECIALS = (PAD, UNK, BOS, EOS)
PAD_ID, UNK_ID, BOS_ID, EOS_ID = range(4)


@dataclass(frozen=True)
class Vocabulary:
    """Index -> word; ids 0..3 are <pad>, <unk>, <s>, </s>."""

    words: tuple[str, ...]

    def __post_init__(self) -> None:
        object.__setattr__(self, "_index", {w: i for i, w in enumerate(self.words)})

    def __len__(self) -> int:
        return len(self.words)

    def id(self, word: str) -> int:
        return self._index.get(word, UNK_ID)

    def decode(self, ids: Iterable[int]) -> list[str]:
        """Words up to the first </s> (or <pad>), without <s>."""
        out = []
        for i in ids:
            i = int(i)
            if i in (EOS_ID, PAD_ID):
                break
            if i != BOS_ID:
                out.append(self.words[i])
        return out


def build_vocab(sentences: Iterable[Sequence[str]], max_size: int | None = None, min_count: int = 1) -> Vocabulary:
    """Specials, then words seen at least `min_count` times by falling count (ties alphabetical), at most
    `max_size` entries in all (the official PTB setup keeps 10k)."""
    counts = Counter(w for s in sentences for w in s if w not in SPECIALS)
    ranked = sorted((w for w, c in counts.items() if c >= min_count), key=lambda w: (-counts[w], w))
    if max_size is not None:
        ranked = ranked[: max(max_size - len(SPECIALS), 0)]
    return Vocabulary(SPECIALS + tuple(ranked))


def encode(sentences: Sequence[Sequence[str]], vocab: Vocabulary, max_len: int) -> tuple[torch.Tensor, int]:
    """Ids (N, max_len + 2): <s> w_1 .. w_m </s> <pad>..., words past `max_len` cut; unknown words -> <unk>.
    Returns the ids and how many sentences were cut."""
    ids = torch.full((len(sentences), max_len + 2), PAD_ID, dtype=torch.long)
    cut = 0
    for row, words in enumerate(sentences):
        cut += len(words) > max_len
        tokens = [BOS_ID] + [vocab.id(w) for w in words[:max_len]] + [EOS_ID]
        ids[row, : len(tokens)] = torch.tensor(tokens)
    return ids, cut
