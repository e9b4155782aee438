"""The HALMA play page: a person plays the benchmark in the browser; each episode is logged as JSON lines.

    inferlab halma play --split train --log-dir halma_logs
"""

from inferlab.apps.halma_play.server import make_app, serve

__all__ = ["make_app", "serve"]
