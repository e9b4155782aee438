"""Gymnasium-API environments we own: Connect Four against a search opponent, and a discrete grid maze."""

from inferlab.envs.c4_solver import EpsilonOpponent, Position, Searcher, solve
from inferlab.envs.connect_four import ConnectFourEnv
from inferlab.envs.gridmaze import LAYOUTS, GridMazeEnv, Maze

__all__ = ["LAYOUTS", "ConnectFourEnv", "EpsilonOpponent", "GridMazeEnv", "Maze", "Position", "Searcher", "solve"]
