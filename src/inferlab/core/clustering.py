"""Pseudo-labels by k-means on PCA-whitened, L2-normalised features (DeepCluster's `preprocess_features` +
`run_kmeans`, Caron et al. 2018, as LDEBM uses them; scikit-learn instead of faiss)."""

from __future__ import annotations

import numpy as np


def whiten(features: np.ndarray, dims: int) -> np.ndarray:
    """Project (N, D) features on their top `dims` principal axes, scale each to unit variance (eigen power -1/2)
    and L2-normalise each row."""
    from sklearn.decomposition import PCA  # imported here: sklearn costs ~0.8 s to import

    x = features.astype(np.float64)
    dims = min(dims, x.shape[1])
    projected = PCA(n_components=dims, whiten=True, svd_solver="full").fit_transform(x)
    return projected / np.maximum(np.linalg.norm(projected, axis=1, keepdims=True), 1e-12)


def kmeans_pseudo_labels(features: np.ndarray, clusters: int, *, pca_dims: int, seed: int, iterations: int = 20,
                         init: str = "points") -> np.ndarray:
    """Cluster index (N,) int64 of each row after `whiten`; one k-means run of `iterations` Lloyd steps (fewer only
    when the assignment stops changing: faiss runs all `niter`, so no tolerance stops it earlier).

    init "points" (official faiss `Clustering`, seed fixed at 2021): the starting centroids are `clusters` distinct
    rows drawn by `seed` alone, so each epoch's clustering starts from the same items and cluster k stays the same
    cluster from epoch to epoch while the latent space drifts; "k-means++": scikit-learn's default seeding (D^2
    sampling, which depends on the data and can renumber the clusters)."""
    from sklearn.cluster import KMeans

    x = whiten(features, pca_dims)
    if init == "points":
        start = x[np.random.default_rng(seed).permutation(len(x))[:clusters]]
    elif init == "k-means++":
        start = "k-means++"
    else:
        raise ValueError(f"k-means init {init!r}: use 'points' or 'k-means++'")
    km = KMeans(n_clusters=clusters, init=start, n_init=1, max_iter=iterations, tol=0.0, random_state=seed,
                algorithm="lloyd")
    return km.fit_predict(x).astype(np.int64)


def uniform_label_order(labels: np.ndarray, n: int, rng: np.random.Generator) -> np.ndarray:
    """n data indices drawn evenly over the non-empty clusters (DeepCluster's `UnifLabelSampler`): each cluster
    gives int(n / clusters) + 1 indices (with replacement only when it is too small), shuffled, cut to n."""
    groups = [np.flatnonzero(labels == k) for k in np.unique(labels)]
    per = int(n / len(groups)) + 1
    picks = np.concatenate([rng.choice(g, per, replace=len(g) <= per) for g in groups])
    rng.shuffle(picks)
    return np.resize(picks, n)


def official_label_order(labels: np.ndarray, n: int, rng: np.random.Generator) -> np.ndarray:
    """The n data indices LDEBM's (and DeepCluster's) training loop actually trains on: `UnifLabelSampler` draws item
    numbers i evenly over the clusters (`uniform_label_order`), but the data set it indexes (`cluster_assign`) lists
    the items sorted by cluster (cluster 0's items in index order, then cluster 1's, ...), so draw i yields the i-th
    item of that sorted list, labelled with its own cluster. Clusters then come about in proportion to their size,
    each item weighted by 1 / (size of the cluster of item number i)."""
    return np.argsort(labels, kind="stable")[uniform_label_order(labels, n, rng)]
