import pytest
import torch

from inferlab.eval.clustering import homogeneity, nmi, purity
from inferlab.eval.text_metrics import corpus_bleu, reverse_perplexity, unigram_kl


def test_clustering_scores_of_perfect_permuted_and_merged_predictions():
    true = [0, 0, 1, 1, 2, 2]
    assert nmi(true, [2, 2, 0, 0, 1, 1]) == pytest.approx(1.0)
    assert purity(true, [0, 0, 0, 0, 1, 1]) == pytest.approx(4 / 6)
    assert homogeneity(true, [0, 1, 2, 3, 4, 5]) == pytest.approx(1.0)
    assert homogeneity(true, [0, 0, 0, 0, 0, 0]) == pytest.approx(0.0)


def test_bleu_and_unigram_kl_on_identical_and_different_corpora():
    refs = [["the", "cat", "sat", "on", "the", "mat"], ["a", "dog", "ran", "in", "the", "park"]]
    assert corpus_bleu(refs, refs) == pytest.approx(100.0)
    assert corpus_bleu([["x", "y", "z", "w"]] * 2, refs) < 1.0
    assert unigram_kl(refs, refs) == pytest.approx(0.0)
    assert unigram_kl([["cat"] * 6] * 2, refs) > 0.5


def test_reverse_perplexity_is_lower_when_samples_match_the_test_text():
    torch.manual_seed(0)
    test = torch.tensor([[2, 4, 5, 6, 3]] * 20)
    wrong = torch.tensor([[2, 7, 7, 7, 3]] * 20)
    good = reverse_perplexity(test, test, 8, steps=60)
    bad = reverse_perplexity(wrong, test, 8, steps=60)
    assert good < 2.0 < bad
