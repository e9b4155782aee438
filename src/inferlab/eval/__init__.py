"""Metrics (FD on in-project classifier features, MMD, mode coverage) and the image/plot/HTML report writers."""

from inferlab.eval.features import FeatureNet, accuracy, fd_score, features, load_or_train_feature_net
from inferlab.eval.frechet import frechet_distance
from inferlab.eval.images import save_image_grid, save_scatter
from inferlab.eval.mmd import mmd_rbf
from inferlab.eval.modes import mode_stats
from inferlab.eval.report import plot_curves, write_report

__all__ = [
    "FeatureNet",
    "accuracy",
    "fd_score",
    "features",
    "frechet_distance",
    "load_or_train_feature_net",
    "mmd_rbf",
    "mode_stats",
    "plot_curves",
    "save_image_grid",
    "save_scatter",
    "write_report",
]
