"""The visual communication (sketching) game: rules shared with methods/sketch and a PettingZoo parallel env."""

from inferlab.envs.sketch_game.env import SketchGameEnv
from inferlab.envs.sketch_game.rules import N_PHOTOS, choice_reward, game_tensors, sample_games

__all__ = ["SketchGameEnv", "N_PHOTOS", "choice_reward", "game_tensors", "sample_games"]
