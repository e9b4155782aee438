"""The game's learning as a TrainTask (official train_dreamer_add_class_gen.train): per batch of games one rollout,
the actor objective (objective.py) maximised by the receiver's projections and, through the rasteriser and the
value model's inputs, the sender; then the value model regressed on the detached lambda-returns. The settings
`retrieve` and `cum` (official train_original_reward_retrieve_5stroke_accum.train) minimise a REINFORCE loss
instead, with the same optimisers and learning-rate schedule and no value model."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import torch

from inferlab.core.optim import guarded_step
from inferlab.envs.sketch_game import game_tensors, sample_games
from inferlab.engine.task import TrainTask
from inferlab.errors import UserError
from inferlab.methods.sketch.config import REINFORCE_SETTINGS, SETTINGS, SketchConfig
from inferlab.methods.sketch.evaluate import SPLITS, evaluate_players, write_canvas_grid
from inferlab.methods.sketch.game import Rollout, play
from inferlab.methods.sketch.networks import Encoder, Receiver, Sender, ValueModel
from inferlab.methods.sketch.objective import (actor_objective, chosen_log_probs, cumulative_returns, lambda_returns,
                                               learning_rates, reinforce_loss)
from inferlab.methods.sketch.pretrain import game_data, pretrain_categories, pretrained_state


class SketchTask(TrainTask):
    """`data` is the training game table (N, 8): [target, sketch instance, 3 categories, 3 photo instances]."""

    def __init__(self, cfg: SketchConfig, device: torch.device, seed: int):
        g = cfg.game
        if g.setting not in SETTINGS:
            raise UserError(f"game.setting={g.setting!r}: allowed: {', '.join(SETTINGS)}.")
        d = cfg.data
        if d.unseen_categories > d.categories - 3 or d.seen_instances > d.instances:
            raise UserError(f"data: need unseen_categories <= categories - 3 ({d.categories - 3}) and "
                            f"seen_instances <= instances ({d.instances}).")
        self.cfg, self.device = cfg, device
        self.game_data = game_data(cfg, seed)
        cats, inst = self.game_data.split("seen")
        self.data = torch.from_numpy(sample_games(np.random.default_rng(seed), cats, inst, d.train_games))
        enc_state, sender_state = pretrained_state(cfg, seed)
        m, size = cfg.model, d.image_size
        self.encoder = Encoder(size, m.features, len(pretrain_categories(cfg))).to(device)
        self.encoder.load_state_dict(enc_state)
        self.encoder.requires_grad_(False).eval()
        self.sender = Sender(size, g.strokes_per_round, m.sender_width).to(device)
        self.sender.load_state_dict(sender_state)
        self.receiver = Receiver(m.features, m.projection).to(device)
        self.value_model = ValueModel(m.features, m.projection).to(device)
        o = cfg.optim
        self.opt_receiver = torch.optim.Adam(self.receiver.parameters(), lr=o.receiver_lr)
        self.opt_sender = torch.optim.Adam(self.sender.parameters(), lr=0.0)
        self.opt_value = torch.optim.Adam(self.value_model.parameters(), lr=o.value_lr)
        self.photos, self.sketches = self.game_data.photos.to(device), self.game_data.sketches.to(device)
        with torch.no_grad():  # the frozen encoder's features of every photo and sketch, (C, I, F)
            self.photo_features, self.sketch_features = (
                self.encoder(x.flatten(0, 1)).view(*x.shape[:2], -1) for x in (self.photos, self.sketches))
        rng = np.random.default_rng(seed + 1)
        self.test_games = {s: torch.from_numpy(sample_games(rng, *self.game_data.split(s), cfg.eval.samples))
                           for s in SPLITS}

    @property
    def rounds(self) -> int:
        return 1 if self.cfg.game.setting == "one_step" else self.cfg.game.max_rounds

    @property
    def train_sender(self) -> bool:
        return self.cfg.game.setting not in ("sender_fix", "retrieve")  # retrieve: official --sender_fixed 1

    def state_objects(self) -> dict:
        return {"sender": self.sender, "receiver": self.receiver, "value_model": self.value_model,
                "opt_sender": self.opt_sender, "opt_receiver": self.opt_receiver, "opt_value": self.opt_value}

    def play(self, games: torch.Tensor, *, greedy: bool, train: bool) -> Rollout:
        g = self.cfg.game
        games = games.to(self.device)
        target, sketch, photos = game_tensors(games, self.photos, self.sketches)
        _, sketch_f, photo_f = game_tensors(games, self.photo_features, self.sketch_features)
        value_model = self.value_model if train and g.setting not in REINFORCE_SETTINGS else None
        return play(self.sender, self.receiver, value_model, self.encoder, sketch, photos,
                    target, rounds=self.rounds, progress_rounds=self.rounds, setting=g.setting,
                    train_sender=self.train_sender and train, greedy=greedy, stroke_width=g.stroke_width,
                    step_cost=g.step_cost, features=(photo_f, sketch_f),
                    receiver_dropout=self.cfg.model.feature_dropout if train else 0.0,
                    value_dropout=self.cfg.model.feature_dropout)

    def train_step(self, batch: torch.Tensor, step: int) -> dict[str, float]:
        g, o = self.cfg.game, self.cfg.optim
        sender_lr, receiver_lr = learning_rates(step, o.sender_lr, o.receiver_lr, o.decay_start, o.decay_every,
                                                o.sender_decay, o.receiver_decay)
        self.opt_sender.param_groups[0]["lr"] = sender_lr if self.train_sender else 0.0
        self.opt_receiver.param_groups[0]["lr"] = receiver_lr
        roll = self.play(batch, greedy=False, train=True)
        if g.setting in REINFORCE_SETTINGS:
            return self._reinforce_step(roll, sender_lr, receiver_lr)
        target = batch[:, 0].to(self.device)
        returns = lambda_returns(roll.rewards, roll.values, roll.alive, g.discount, g.lam)
        objective = actor_objective(roll.probs, target, returns, roll.values, g.discount, g.step_cost)
        self.opt_sender.zero_grad(set_to_none=True)
        params = list(self.receiver.parameters()) + list(self.sender.parameters())
        guarded_step(self.opt_receiver, -objective, params, 0.0, "sketch actor objective")
        if self.train_sender:
            self.opt_sender.step()
        # value regression on the detached returns: -log N(G; V, 1) = (V - G)^2 / 2 + const (official)
        drop = self.cfg.model.feature_dropout
        values = torch.stack([self.value_model(*(self.encoder.dropout(f, drop) for f in
                                                 (roll.sketch_features, roll.photo_features, prev, cur)))
                              for prev, cur in roll.value_inputs], 1)
        value_loss = 0.5 * (values - returns.detach()).pow(2).mean()
        guarded_step(self.opt_value, value_loss, self.value_model.parameters(), 0.0, "sketch value loss")
        return {"objective": objective.item(), "value_loss": value_loss.item(),
                "reward": roll.rewards.sum(1).mean().item(), "rounds": roll.rounds.mean().item(),
                "acc": roll.correct.mean().item(), "sender_lr": sender_lr, "receiver_lr": receiver_lr}

    def _reinforce_step(self, roll: Rollout, sender_lr: float, receiver_lr: float) -> dict[str, float]:
        """One REINFORCE update (objective.reinforce_loss). retrieve: the one pick after the last round, its reward
        undiscounted (official discount ** 0); the sender is fixed. cum: every recorded round with its discounted
        cumulative reward; the loss reaches the sender through the canvas the receiver's probabilities read."""
        g = self.cfg.game
        log_probs, rewards, alive = chosen_log_probs(roll.probs, roll.choices), roll.rewards, roll.alive
        if g.setting == "retrieve":  # the forced waits of the drawing rounds are not learned from
            log_probs, rewards, alive = log_probs[:, -1:], rewards[:, -1:], alive[:, -1:]
        returns = cumulative_returns(rewards, alive, g.discount)
        loss = reinforce_loss(log_probs, returns)
        self.opt_sender.zero_grad(set_to_none=True)
        params = list(self.receiver.parameters()) + list(self.sender.parameters())
        guarded_step(self.opt_receiver, loss, params, 0.0, f"sketch {g.setting} REINFORCE loss")
        if self.train_sender:
            self.opt_sender.step()
        return {"reinforce_loss": loss.item(), "return": returns[:, 0].mean().item(),
                "reward": rewards.sum(1).mean().item(), "rounds": roll.rounds.mean().item(),
                "acc": roll.correct.mean().item(), "sender_lr": sender_lr, "receiver_lr": receiver_lr}

    @torch.no_grad()
    def evaluate(self) -> dict[str, float]:
        metrics = evaluate_players(self)
        metrics["score"] = 1.0 - metrics["acc_seen"]
        return metrics

    @torch.no_grad()
    def sample(self, n: int) -> torch.Tensor:
        """The final canvases of the first n seen-split test games, (n, 1, S, S) in [-1, 1]."""
        games = self.test_games["seen"][torch.arange(n) % len(self.test_games["seen"])]
        roll = self.play(games, greedy=True, train=False)
        last = (roll.rounds.long() - 1).clamp_min(0)
        return roll.canvases[torch.arange(n), last] * 2 - 1

    def write_samples(self, folder: Path, step: int) -> None:
        write_canvas_grid(self, folder / f"canvases_{step:06d}.png")
