"""Text data: a generated dialogue-like corpus with intent and sentiment labels, a vocabulary builder, and loaders
for PTB-style lines, DailyDialog and Yelp-style sentiment files (`load_corpus` picks by spec)."""

from __future__ import annotations

import sys
from pathlib import Path

from inferlab.data.text.corpus import generate_dialogue_corpus
from inferlab.data.text.dataset import TextDataset, make_text_dataset
from inferlab.data.text.loaders import read_daily_dialog, read_lines_corpus, read_sentiment_files
from inferlab.data.text.vocab import Vocabulary, build_vocab, encode
from inferlab.errors import UserError

SPLITS = ("train", "valid", "test")
SPEC_HELP = ("dialogue (generated), ptb:DIR (ptb.train.txt, ptb.valid.txt, ptb.test.txt), dailydialog:DIR "
             "(train/, validation/, test/ folders of DailyDialog files), yelp:DIR (sentiment.{train,dev,test}.{0,1})")


def _read_split(kind: str, folder: Path, split: str) -> tuple[list[list[str]], dict[str, list[int]]]:
    if kind == "ptb":
        return read_lines_corpus(folder / f"ptb.{split}.txt"), {}
    if kind == "dailydialog":
        return read_daily_dialog(folder / {"valid": "validation"}.get(split, split))
    return read_sentiment_files(folder, {"valid": "dev"}.get(split, split))


def load_corpus(spec: str, *, max_len: int, vocab_size: int, n: int = 4000,
                seed: int = 0) -> tuple[TextDataset, TextDataset, TextDataset]:
    """Train / valid / test datasets of `spec` (see SPEC_HELP); user files get a vocabulary of the `vocab_size` most
    frequent training words and sentences cut at `max_len` words."""
    if spec == "dialogue":
        return generate_dialogue_corpus(n, seed, max_len=max_len)
    kind, _, folder = spec.partition(":")
    if kind not in ("ptb", "dailydialog", "yelp") or not folder:
        raise UserError(f"text data {spec!r} is not known; use one of: {SPEC_HELP}.")
    if not Path(folder).is_dir():
        raise UserError(f"text data {spec!r}: folder {folder} does not exist. The {kind} files are not shipped; "
                        f"bring them yourself ({SPEC_HELP}).")
    parts = {split: _read_split(kind, Path(folder), split) for split in SPLITS}
    vocab = build_vocab(parts["train"][0], max_size=vocab_size)
    sets = tuple(make_text_dataset(f"{kind}:{split}", sents, vocab, max_len, labels)
                 for split, (sents, labels) in parts.items())
    for data in sets:
        if data.cut:
            print(f"{data.name}: {data.cut} of {len(data)} sentences were longer than {max_len} words and were cut "
                  "(data.max_len)", file=sys.stderr)
    return sets


__all__ = ["SPLITS", "TextDataset", "Vocabulary", "build_vocab", "encode", "generate_dialogue_corpus",
           "load_corpus", "make_text_dataset", "read_daily_dialog", "read_lines_corpus", "read_sentiment_files"]
