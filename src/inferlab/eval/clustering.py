"""Agreement of predicted classes with true labels: NMI, purity, homogeneity (scikit-learn where it has them)."""

from __future__ import annotations

import numpy as np


def _labels(x) -> np.ndarray:
    return np.asarray(x).astype(np.int64).ravel()


def nmi(true, pred) -> float:
    """Normalised mutual information (arithmetic mean normalisation, sklearn's default), in [0, 1]."""
    from sklearn.metrics import normalized_mutual_info_score

    return float(normalized_mutual_info_score(_labels(true), _labels(pred)))


def homogeneity(true, pred) -> float:
    """1 - H(true | pred) / H(true): 1 when each predicted class holds one true label only."""
    from sklearn.metrics import homogeneity_score

    return float(homogeneity_score(_labels(true), _labels(pred)))


def purity(true, pred) -> float:
    """Fraction of items whose true label is the majority label of their predicted class."""
    true, pred = _labels(true), _labels(pred)
    return float(sum(np.bincount(true[pred == k]).max() for k in np.unique(pred)) / len(true))
