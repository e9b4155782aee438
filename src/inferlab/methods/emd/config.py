"""EMD configuration and presets (Xie, Xiao, Kingma, Hou, Wu, Murphy, Salimans, Poole & Gao, NeurIPS 2024)."""

from __future__ import annotations

import math
from dataclasses import dataclass, field, replace
from typing import Literal

from inferlab.data.config import DataConfig
from inferlab.engine.config import bounded
from inferlab.engine.trainer import TrainConfig


@dataclass(frozen=True)
class NetConfig:
    """The raw network F inside the EDM preconditioning; teacher, fake score and student share it."""

    hidden: int = bounded(256, ge=1)
    """Hidden units of the MLP over [c_in x, noise embedding, label embedding]."""
    layers: int = bounded(4, ge=1)
    """Linear layers of that MLP."""
    embed_dim: int = bounded(64, ge=2)
    """Size of the Fourier noise embedding and of the label embedding."""
    sigma_data: float = bounded(0.5, gt=0)
    """sd of the EDM preconditioning (Karras 2022: 0.5 for images in [-1, 1])."""


@dataclass(frozen=True)
class TeacherConfig:
    """The EDM teacher trained in-project, and its N-step sampler."""

    net: NetConfig = field(default_factory=NetConfig)
    conditional: bool = True
    """Class-conditional with a null label (digits); False for unlabelled data such as the 2-D toys."""
    label_dropout: float = bounded(0.1, ge=0, lt=1)
    """Probability of training on the null label, which makes classifier-free guidance possible."""
    guidance: float = bounded(1.0, ge=0)
    """CFG scale w in D_uncond + w (D_cond - D_uncond) for the teacher's samples and scores; 1 = no guidance."""
    p_mean: float = -1.2
    """ln(sigma) ~ N(p_mean, p_std^2) in training (Karras 2022)."""
    p_std: float = bounded(1.2, gt=0)
    """See p_mean."""
    lr: float = bounded(1e-3, ge=0, le=10)
    """Adam learning rate."""
    ema: float = bounded(0.999, ge=0, lt=1)
    """EMA decay of the weights that sample and teach (0 = no EMA)."""
    sampler: Literal["heun", "euler", "stochastic"] = "heun"
    """The teacher's N-step sampler (Karras 2022, Algorithms 1-2)."""
    sample_steps: int = bounded(18, ge=1)
    """N noise levels (Karras 2022: 18 for CIFAR-10, i.e. 35 evaluations with Heun)."""
    sigma_min: float = bounded(0.002, gt=0)
    """Smallest noise level of the sampler."""
    sigma_max: float = bounded(80.0, gt=0)
    """Largest noise level of the sampler."""
    train: TrainConfig = field(default_factory=TrainConfig)
    """Teacher training loop; in `bench` and `train emd` it runs min(train.steps, 20 x distillation steps)."""


@dataclass(frozen=True)
class EMDStepConfig:
    """The EM distillation update (Xie et al. 2024, Algorithm 1)."""

    langevin_steps: int = bounded(8, ge=0)
    """K: Langevin steps of the E-step before the M-step's final noise-free eps update; K = 0 is Diff-Instruct."""
    eps_step: float = bounded(0.3, ge=0)
    """gamma_eps: Langevin step size on the noise eps (update eps + gamma grad + sqrt(2 gamma) n)."""
    z_step: float = bounded(0.001, ge=0)
    """gamma_z: Langevin step size on the generator latent z. Keep it well below gamma_eps: the z chain's noise moves z
    by about sqrt(2 gamma_z K), and the M-step applies at z_K the residual gathered at the earlier z_k; with 0.01 on
    the 2-D grid EMD covered fewer modes than Diff-Instruct (README, Bench)."""
    noise_cancellation: bool = True
    """Remove eps_0 and the injected Langevin noise (as propagated through the chain) from the final eps."""
    init_logsnr: float = bounded(-2 * math.log(2.5), ge=-20.0, le=20.0)
    """lambda*: the log-SNR at which the student starts as the teacher's denoiser, g(z) = D(sigma* z; sigma*) with
    sigma* = exp(-lambda* / 2) (EMD's parametrisation; lambda* = -6 is sigma* = 20.1). Default -1.83 = sigma* 2.5
    (ours)."""
    sigma_min: float = bounded(0.02, gt=0)
    """Distillation noise levels: ln sigma ~ N(p_mean, p_std^2) clipped to [sigma_min, sigma_max]."""
    sigma_max: float = bounded(10.0, gt=0)
    """See sigma_min."""
    p_mean: float = -0.4
    """See sigma_min."""
    p_std: float = bounded(1.2, ge=0)
    """See sigma_min."""
    fake_updates: int = bounded(1, ge=1)
    """Denoising-score-matching updates of the fake score s_phi per generator update."""


@dataclass(frozen=True)
class OptimConfig:
    generator_lr: float = bounded(1e-4, ge=0, le=10)
    """Adam learning rate of the student g_theta."""
    fake_lr: float = bounded(1e-3, ge=0, le=10)
    """Adam learning rate of the fake score s_phi."""
    beta1: float = bounded(0.0, ge=0, lt=1)
    """Adam beta1 for both (DMD / Diff-Instruct practice: 0)."""
    grad_clip: float = bounded(1.0, ge=0)
    """Clip each net's gradient norm to this; 0 = no clipping."""
    generator_ema: float = bounded(0.995, ge=0, lt=1)
    """EMA decay of the student's weights that `sample` and `evaluate` use (0 = the live weights); the E-step, the
    M-step and the fake score's samples use the live weights. Distillation papers evaluate an EMA student."""


@dataclass(frozen=True)
class EvalConfig:
    samples: int = bounded(1000, ge=2)
    """Generated samples per evaluation (FD on digits; MMD and modes on 2-D toys)."""
    toy: str = "toy2d:25gaussians"
    """The 2-D toy `bench` distils besides cfg.data (unconditional teacher)."""
    toy_samples: int = bounded(20000, ge=2)
    """Samples for the toy's mode counts (a mode counts with >= ceil(0.01 N / 25) samples within 3 sd; MMD uses the
    first 5000). Four fresh draws of 5000 from one trained student gave counts up to 4 apart; two draws of 20000
    differed by at most 1 for 11 of 12 students (by 3 for one)."""
    timing_batch: int = bounded(256, ge=1)
    """Batch for the teacher vs student sampling-time comparison."""
    grad_var_repeats: int = bounded(32, ge=2)
    """Independent EMD updates over which the student's gradient variance is measured."""


@dataclass(frozen=True)
class EMDConfig:
    data: DataConfig = field(default_factory=DataConfig)
    teacher: TeacherConfig = field(default_factory=TeacherConfig)
    emd: EMDStepConfig = field(default_factory=EMDStepConfig)
    optim: OptimConfig = field(default_factory=OptimConfig)
    train: TrainConfig = field(default_factory=TrainConfig)
    """Distillation loop (generator updates)."""
    eval: EvalConfig = field(default_factory=EvalConfig)


def tiny() -> EMDConfig:
    """Class-conditional digits (8x8), 1000 distillation updates: teacher ~10 s, Diff-Instruct ~25 s, EMD ~50 s on one
    CPU thread."""
    return EMDConfig(
        data=DataConfig(name="digits"),
        teacher=TeacherConfig(net=NetConfig(hidden=256, layers=4), conditional=True, guidance=1.0, lr=1e-3,
                              train=TrainConfig(steps=3000, batch_size=128, log_every=100, checkpoint_every=1000)),
        emd=EMDStepConfig(langevin_steps=8, fake_updates=4, sigma_min=0.1, p_mean=-1.8),
        optim=OptimConfig(generator_lr=3e-4, fake_lr=3e-3),
        train=TrainConfig(steps=1000, batch_size=128, log_every=50, checkpoint_every=500),
    )


def tiny_toy() -> EMDConfig:
    """Unconditional 25-gaussian grid: the mode-coverage test. sigma_data = 1 (not the grid's std 2.8): c_in x then
    spans about +-4 and the MLP learns the grid's staircase denoiser ten times faster."""
    base = tiny()
    return replace(
        base, data=DataConfig(name="toy2d:25gaussians", n=10000),
        teacher=replace(base.teacher, net=NetConfig(hidden=256, layers=4, sigma_data=1.0), conditional=False,
                        lr=2e-3, ema=0.99, train=replace(base.teacher.train, steps=3000, batch_size=256)),
        train=replace(base.train, steps=700),
    )


def paper() -> EMDConfig:
    """ImageNet-64 settings. Every value marked `unverified` was not read from the paper's text (not available to
    us) and is a guess; the MLP stands in for the EDM U-Net. Point data.name at 64x64 labelled images
    (folder:/data/imagenet64).
    """
    return EMDConfig(
        data=DataConfig(name="digits"),  # placeholder: point it at ImageNet-64
        teacher=TeacherConfig(net=NetConfig(hidden=1024, layers=6, sigma_data=0.5),  # ours: MLP for the EDM U-Net
                              conditional=True,
                              guidance=1.0,  # unverified
                              sampler="heun", sample_steps=40,  # unverified (EDM's ImageNet-64 sampler)
                              # ours: the paper distils a pre-trained EDM teacher
                              train=TrainConfig(steps=100_000, batch_size=256, log_every=100, checkpoint_every=1000)),
        emd=EMDStepConfig(
            langevin_steps=8,  # unverified
            eps_step=0.4**2,  # unverified
            z_step=0.004**2,  # unverified
            noise_cancellation=True,
            init_logsnr=-6.0,  # unverified (sigma* = 20.1)
            sigma_min=0.002, sigma_max=80.0,  # unverified (EDM's range)
            p_mean=-1.2, p_std=1.2,  # unverified (EDM's training distribution)
            fake_updates=1,  # unverified
        ),
        optim=OptimConfig(generator_lr=2e-6, fake_lr=2e-6,  # unverified
                          beta1=0.0, grad_clip=0.0),  # unverified
        train=TrainConfig(steps=300_000, batch_size=128,  # unverified
                          log_every=100, checkpoint_every=1000, eval_every=10_000),
        eval=EvalConfig(samples=50_000),
    )


PRESETS = {"tiny": tiny, "tiny_toy": tiny_toy, "paper": paper}
