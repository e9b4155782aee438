"""Batched play of the game (official architectures_dreamer_v2.Players.forward; `max` from
architectures_dreamer_max.py): the sender draws, the receiver picks or waits, round after round.

While training, every round's receiver option is sampled and the rollout keeps what the objective needs
(probabilities, rewards, values, alive masks, the detached canvas features for the value regression). The rollout
runs one round past the last recorded one for the bootstrap value, as the official loop does (max_step + 1
iterations). While evaluating, the receiver takes its most probable option and no value is computed. The REINFORCE
settings `retrieve` and `cum` (architectures_retrieve_5stroke.py, architectures_cum.py) have no value model: they
play as in evaluation, with sampled options, and stop once every game is over.
"""

from __future__ import annotations

from dataclasses import dataclass

import torch

from inferlab.core.bezier import paint_strokes
from inferlab.core.optim import frozen
from inferlab.envs.sketch_game import N_PHOTOS, choice_reward
from inferlab.methods.sketch.networks import Encoder, Receiver, Sender, ValueModel

WAIT = N_PHOTOS
WAIT_UNTIL_LAST = ("max", "retrieve")
"""Settings whose receiver cannot pick before the last round: `max`, and `retrieve`, whose receiver picks once after
the sender has drawn every round (official architectures_retrieve_5stroke.Players.forward)."""


@dataclass
class Rollout:
    probs: torch.Tensor
    """(B, R, K+1) receiver probabilities of the recorded rounds (with their graph)."""
    rewards: torch.Tensor
    """(B, R) rewards of the played options (0 after a game is over)."""
    values: torch.Tensor
    """(B, R+1) values (graph to the canvases, value parameters frozen); empty when evaluating."""
    alive: torch.Tensor
    """(B, R) 1 while the game runs."""
    value_inputs: list[tuple[torch.Tensor, torch.Tensor]]
    """Detached (previous, current) canvas features of every recorded round, for the value regression."""
    correct: torch.Tensor
    """(B,) 1 if the game ended with the right pick (waiting through every round counts as wrong)."""
    rounds: torch.Tensor
    """(B,) rounds played."""
    canvases: torch.Tensor
    """(B, R, 1, S, S) detached canvas after each recorded round."""
    sketch_features: torch.Tensor
    """(B, F) frozen-encoder features of the sketches."""
    photo_features: torch.Tensor
    """(B, K, F) frozen-encoder features of the photos."""
    choices: torch.Tensor
    """(B, R) the receiver's option in each recorded round (sampled while training, most probable while evaluating)."""


def play(sender: Sender, receiver: Receiver, value_model: ValueModel | None, encoder: Encoder, sketch: torch.Tensor,
         photos: torch.Tensor, target: torch.Tensor, *, rounds: int, progress_rounds: int, setting: str,
         train_sender: bool, greedy: bool, stroke_width: float, step_cost: float,
         features: tuple[torch.Tensor, torch.Tensor] | None = None, receiver_dropout: float = 0.0,
         value_dropout: float = 0.0) -> Rollout:
    """Play a batch: sketch (B, 1, S, S), photos (B, K, 3, S, S), target (B,). `progress_rounds` is the max_rounds
    the sender's round plane is divided by; the settings of WAIT_UNTIL_LAST force waiting before the last round.
    `features`: the frozen encoder's (photo (B, K, F), sketch (B, F)) features if already computed (the encoder is
    frozen, so they are the same every game). `receiver_dropout` / `value_dropout`: dropout on every feature vector
    the receiver / value model reads (Encoder.dropout; official: each VGG16 call in training mode draws its own
    mask), so the two players and each round see independent masks; the rollout keeps the undropped features."""
    b = sketch.shape[0]
    if features is None:
        with torch.no_grad():
            features = encoder(photos.flatten(0, 1)).view(b, photos.shape[1], -1), encoder(sketch)
    photo_f, sketch_f = features
    canvas = torch.zeros_like(sketch)
    prev_f = encoder(canvas).detach()
    alive = torch.ones(b, dtype=torch.bool, device=sketch.device)
    correct, played = torch.zeros(b, device=sketch.device), torch.zeros(b, device=sketch.device)
    probs_l, rewards_l, values_l, alive_l, inputs_l, canvases_l, choices_l = [], [], [], [], [], [], []
    recording = True
    for i in range(rounds + (0 if value_model is None else 1)):
        canvas0 = canvas.detach()
        # without a value model (evaluation) only the running games draw and are read: the others are over
        run = alive if value_model is None else slice(None)
        with torch.set_grad_enabled(train_sender and torch.is_grad_enabled()):
            drawn = paint_strokes(canvas0[run], sender(canvas0[run], sketch[run], i / progress_rounds),
                                  width=stroke_width)
        canvas, cur_f = (drawn, encoder(drawn)) if value_model is not None else (
            canvas0.index_put((alive,), drawn), prev_f.index_put((alive,), encoder(drawn)))
        probs = receiver(*(encoder.dropout(f, receiver_dropout) for f in (photo_f, prev_f, cur_f)))
        if setting in WAIT_UNTIL_LAST and i < rounds - 1:
            probs = torch.zeros_like(probs).index_fill_(1, torch.tensor([WAIT], device=probs.device), 1.0)
        choice = probs.argmax(-1) if greedy else torch.multinomial(probs.detach(), 1)[:, 0]
        reward = choice_reward(choice, target, step_cost) * alive
        if value_model is not None:
            with frozen(value_model):
                values_l.append(value_model(*(encoder.dropout(f, value_dropout)
                                              for f in (sketch_f, photo_f, prev_f, cur_f))))
        ends = alive & (choice != WAIT)
        if recording:
            played += alive
            correct += (ends & (choice == target)).float()
            probs_l.append(probs)
            rewards_l.append(reward)
            alive_l.append(alive.float())
            inputs_l.append((prev_f, cur_f.detach()))
            canvases_l.append(canvas.detach())
            choices_l.append(choice)
        next_alive = alive & (choice == WAIT)
        if not alive.any() or (value_model is None and not next_alive.any()):
            break
        if not next_alive.any() or i == rounds - 1:
            recording = False
        alive, prev_f = next_alive, cur_f.detach()
    values = torch.stack(values_l, 1) if values_l else torch.zeros(b, 0)
    return Rollout(torch.stack(probs_l, 1), torch.stack(rewards_l, 1), values, torch.stack(alive_l, 1), inputs_l,
                   correct, played, torch.stack(canvases_l, 1), sketch_f, photo_f, torch.stack(choices_l, 1))
