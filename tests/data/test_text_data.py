import pytest
import torch

from inferlab.data.text import build_vocab, encode, generate_dialogue_corpus, load_corpus, read_daily_dialog
from inferlab.data.text.vocab import BOS_ID, EOS_ID, PAD_ID, UNK_ID
from inferlab.errors import UserError


def test_vocab_keeps_specials_first_and_encode_cuts_and_maps_unknown_words():
    vocab = build_vocab([["a", "b", "a"], ["c", "a"]], max_size=6)
    assert vocab.words[:4] == ("<pad>", "<unk>", "<s>", "</s>") and vocab.words[4] == "a" and len(vocab) == 6
    ids, cut = encode([["a", "zzz"], ["a", "b", "c", "a"]], vocab, max_len=3)
    assert cut == 1 and ids.shape == (2, 5)
    assert ids[0].tolist() == [BOS_ID, vocab.id("a"), UNK_ID, EOS_ID, PAD_ID]
    assert vocab.decode(ids[1]) == ["a", "b", "<unk>"]  # b and c tie at one count: b kept alphabetically


def test_generated_corpus_has_splits_labels_and_is_seeded():
    train, valid, test = generate_dialogue_corpus(500, seed=3)
    assert (len(train), len(valid), len(test)) == (400, 50, 50)
    assert set(train.labels) == {"intent", "sentiment"}
    assert int(train.labels["intent"].max()) <= 11 and set(train.labels["sentiment"].tolist()) == {0, 1}
    assert torch.equal(train.ids, generate_dialogue_corpus(500, seed=3)[0].ids)
    assert all(s for s in test.sentences())


def test_ptb_and_yelp_style_files_load_with_a_training_vocabulary(tmp_path, capsys):
    ptb = tmp_path / "ptb"
    ptb.mkdir()
    for split in ("train", "valid", "test"):
        (ptb / f"ptb.{split}.txt").write_text(" the cat sat\n\n a dog ran far away today\n")
    train, _, test = load_corpus(f"ptb:{ptb}", max_len=4, vocab_size=8, n=0)
    assert len(train) == 2 and train.cut == 1 and len(train.vocab) == 8
    assert UNK_ID in test.ids[1].tolist()
    assert "ptb:train: 1 of 2 sentences were longer than 4 words and were cut" in capsys.readouterr().err
    yelp = tmp_path / "yelp"
    yelp.mkdir()
    for split in ("train", "dev", "test"):
        (yelp / f"sentiment.{split}.0").write_text("bad food\nrude staff\n")
        (yelp / f"sentiment.{split}.1").write_text("great food\n")
    train, valid, _ = load_corpus(f"yelp:{yelp}", max_len=10, vocab_size=100)
    assert train.labels["sentiment"].tolist() == [0, 0, 1] and len(valid) == 3


def test_daily_dialog_reads_utterances_with_acts_and_emotions_and_names_a_bad_file(tmp_path):
    (tmp_path / "dialogues_text.txt").write_text("Hi there . __eou__ Hello ! __eou__\nBye . __eou__\n")
    (tmp_path / "dialogues_act.txt").write_text("1 2\n3\n")
    (tmp_path / "dialogues_emotion.txt").write_text("0 4\n0\n")
    utterances, labels = read_daily_dialog(tmp_path)
    assert utterances == [["hi", "there", "."], ["hello", "!"], ["bye", "."]]
    assert labels == {"act": [1, 2, 3], "emotion": [0, 4, 0]}
    (tmp_path / "dialogues_act.txt").write_text("1\n3\n")
    with pytest.raises(UserError, match=r"dialogues_act.txt line 1: 1 labels for 2 utterances"):
        read_daily_dialog(tmp_path)
    (tmp_path / "dialogues_act.txt").write_bytes(b"\xff\xfe\n")
    with pytest.raises(UserError, match="dialogues_act.txt is not UTF-8"):
        read_daily_dialog(tmp_path)


def test_missing_user_corpus_is_refused_with_a_message(tmp_path):
    with pytest.raises(UserError, match="not shipped; bring them"):
        load_corpus(f"ptb:{tmp_path / 'nope'}", max_len=10, vocab_size=100)
    with pytest.raises(UserError, match="not known"):
        load_corpus("wiki:x", max_len=10, vocab_size=100)
