"""The bench's figures: panels of one episode with moves and validity, per-split bars of normalised score for every
agent, and steps per trial 1/2/3."""

from __future__ import annotations

from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import torch  # noqa: E402

from inferlab.envs.halma import RULES, SPLITS, HalmaEnv  # noqa: E402
from inferlab.envs.halma.rules import DIRECTION_NAMES, option_text  # noqa: E402
from inferlab.methods.halma.networks import ActorCritic, sample_actions  # noqa: E402


@torch.no_grad()
def episode_panels(agent: ActorCritic, env: HalmaEnv, seed: int, max_moves: int = 12) -> list[tuple]:
    """(panel, move text, valid, counters) of the agent's first moves in the env's space 0 (seeded)."""
    obs, _ = env.reset(seed=seed, options={"space": 0})
    state, starts, out = agent.initial_state(1), torch.ones(1, dtype=torch.bool), []
    for _ in range(max_moves):
        panel = torch.from_numpy(obs["panel"]).permute(2, 0, 1)[None].float() / 255.0
        counters = torch.from_numpy(obs["counters"])[None].float() / torch.tensor(
            [env.trial_steps, 3, 3 * env.trial_steps])
        feats, state = agent.features_of(panel, counters, state, starts)
        action = sample_actions(agent.heads(feats)[0])[0].numpy()
        starts = torch.zeros_like(starts)
        shown = obs["panel"]
        obs, _, terminated, _, info = env.step(action)
        out.append((shown, f"{DIRECTION_NAMES[action[0]]} {option_text(tuple(action[1:]))}", info["valid"],
                    info["reached"]))
        if terminated:
            break
    return out


def write_figures(results: dict, agent: ActorCritic, name: str, spaces, out_dir: Path, seed: int) -> list[Path]:
    out_dir = Path(out_dir)
    paths = []
    agents = list(results)
    fig, ax = plt.subplots(figsize=(8, 3.5))
    width = 0.8 / len(agents)
    for i, a in enumerate(agents):
        ax.bar([s + i * width for s in range(len(SPLITS))],
               [results[a][f"{split}_normalised_score"] for split in SPLITS], width, label=a)
    ax.set_xticks([s + 0.4 - width / 2 for s in range(len(SPLITS))], SPLITS)
    ax.axhline(0, color="k", lw=0.5)
    ax.set_ylabel("normalised score (1 = oracle)")
    ax.legend(fontsize=7, ncol=3)
    fig.tight_layout()
    paths.append(out_dir / "halma_normalised_scores.png")
    fig.savefig(paths[-1], dpi=100)
    plt.close(fig)

    fig, axes = plt.subplots(1, len(SPLITS), figsize=(12, 3), sharey=False)
    for ax, split in zip(axes, SPLITS):
        for a in agents:
            ax.plot([1, 2, 3], [results[a][f"{split}_steps_trial{t}"] for t in (1, 2, 3)], marker="o", label=a)
        ax.set_title(split)
        ax.set_xticks([1, 2, 3])
        ax.set_xlabel("trial")
    axes[0].set_ylabel("steps per trial")
    axes[-1].legend(fontsize=7)
    fig.tight_layout()
    paths.append(out_dir / "halma_steps_per_trial.png")
    fig.savefig(paths[-1], dpi=100)
    plt.close(fig)

    env = HalmaEnv("train", spaces=list(spaces.evaluation["train"]), trial_steps=RULES["train"].trial_steps)
    moves = episode_panels(agent, env, seed)
    fig, axes = plt.subplots(1, len(moves), figsize=(1.6 * len(moves), 2.2), squeeze=False)
    for ax, (panel, text, valid, reached) in zip(axes[0], moves):
        ax.imshow(panel, interpolation="nearest")
        ax.set_title(f"{text}\n{'goal' if reached else 'valid' if valid else 'invalid'}", fontsize=7,
                     color="green" if valid else "red")
        ax.axis("off")
    fig.suptitle(f"{name}: one episode on a train space", fontsize=8)
    fig.tight_layout()
    paths.append(out_dir / "halma_episode_panels.png")
    fig.savefig(paths[-1], dpi=100)
    plt.close(fig)
    return paths
