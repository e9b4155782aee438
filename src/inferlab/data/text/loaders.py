"""Readers for text corpora users bring: PTB-style lines, DailyDialog files, Yelp-style sentiment files.

Every reader lower-cases, splits on whitespace and returns word lists (plus labels); `inferlab.data.text.load_corpus`
builds the vocabulary on the training split and encodes. A file that cannot be read raises one UserError naming it.
"""

from __future__ import annotations

from pathlib import Path

from inferlab.errors import UserError


def _read_lines(path: Path) -> list[str]:
    if not path.is_file():
        raise UserError(f"Text file {path} does not exist.")
    try:
        return path.read_text(encoding="utf-8").splitlines()
    except UnicodeDecodeError as exc:
        raise UserError(f"Text file {path} is not UTF-8 text (byte {exc.start}); give plain UTF-8 lines.") from None


def read_lines_corpus(path: str | Path) -> list[list[str]]:
    """PTB style: one sentence per line, tokens separated by spaces; blank lines are skipped."""
    return [line.lower().split() for line in _read_lines(Path(path)) if line.strip()]


def _find(folder: Path, names: tuple[str, ...]) -> Path:
    for name in names:
        if (folder / name).is_file():
            return folder / name
    raise UserError(f"DailyDialog folder {folder} has none of {', '.join(names)}.")


def read_daily_dialog(folder: str | Path) -> tuple[list[list[str]], dict[str, list[int]]]:
    """DailyDialog: dialogues_text.txt (or dialogues.txt), one dialogue per line, utterances ended by `__eou__`;
    dialogues_act.txt and dialogues_emotion.txt, one integer per utterance on the matching line. Returns the
    utterances and their "act" and "emotion" labels."""
    folder = Path(folder)
    text = _read_lines(_find(folder, ("dialogues_text.txt", "dialogues.txt")))
    label_files = {"act": _find(folder, ("dialogues_act.txt",)), "emotion": _find(folder, ("dialogues_emotion.txt",))}
    label_lines = {k: _read_lines(p) for k, p in label_files.items()}
    utterances: list[list[str]] = []
    labels: dict[str, list[int]] = {"act": [], "emotion": []}
    for row, line in enumerate(text):
        if not line.strip():
            continue
        turns = [t.lower().split() for t in line.split("__eou__")]
        turns = turns[:-1] if turns and not turns[-1] else turns
        for key, lines in label_lines.items():
            where = f"{label_files[key]} line {row + 1}"
            try:
                values = [int(v) for v in lines[row].split()]
            except (IndexError, ValueError):
                raise UserError(f"{where}: expected {len(turns)} integer labels for the dialogue on line {row + 1} "
                                f"of the text file.") from None
            if len(values) != len(turns):
                raise UserError(f"{where}: {len(values)} labels for {len(turns)} utterances (one label per "
                                "__eou__-ended utterance).")
            labels[key] += values
        utterances += turns
    return utterances, labels


def read_sentiment_files(folder: str | Path, split: str) -> tuple[list[list[str]], dict[str, list[int]]]:
    """Yelp style (as the official processed Yelp): `sentiment.<split>.0` (negative) and `sentiment.<split>.1`
    (positive), one tokenised sentence per line. Returns sentences and their "sentiment" labels."""
    sentences: list[list[str]] = []
    labels: list[int] = []
    for label in (0, 1):
        lines = read_lines_corpus(Path(folder) / f"sentiment.{split}.{label}")
        sentences += lines
        labels += [label] * len(lines)
    return sentences, {"sentiment": labels}
