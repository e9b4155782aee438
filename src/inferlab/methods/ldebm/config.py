"""LDEBM configuration and presets (Yu et al., ICML 2022; official code yuPeiyu98/LDEBM)."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Literal

from inferlab.engine.config import bounded
from inferlab.engine.trainer import TrainConfig


@dataclass(frozen=True)
class DataSection:
    task: Literal["toy", "text"] = "text"
    """toy: 2-D points with an MLP VAE; text: sentences with a GRU VAE."""
    toy: Literal["pinwheel10", "8gaussians", "16gaussians"] = "pinwheel10"
    """The 2-D toy (official synthetic_pinwheel.py / synthetic_gaussian.py scaling)."""
    toy_n: int = bounded(20000, ge=100)
    """Training points of the toy (official: 1000 batches of 1000 fresh points)."""
    text: str = "dialogue"
    """dialogue (generated), or files you bring: ptb:DIR, dailydialog:DIR, yelp:DIR."""
    text_n: int = bounded(4000, ge=10)
    """Utterances of the generated dialogue corpus (80 % train)."""
    max_len: int = bounded(40, ge=2)
    """Words per sentence; longer ones are cut (official PTB / DailyDialog 40, Yelp 55)."""
    vocab_size: int = bounded(10000, ge=8)
    """Vocabulary of user-brought corpora, specials included (official 10k)."""


@dataclass(frozen=True)
class ModelSection:
    prior: Literal["diffusion", "svebm", "gaussian"] = "diffusion"
    """diffusion = LDEBM; svebm = the symbol-vector EBM learned with short-run Langevin from noise (SVEBM-IB);
    gaussian = N(0, I) (a VAE)."""
    latent_dim: int = bounded(40, ge=1)
    """Size of z (official PTB / Yelp 40, DailyDialog 32, toys 2)."""
    classes: int = bounded(20, ge=2)
    """K, symbols of the coupling prior and k-means clusters (PTB 20, DailyDialog 125, Yelp 2, pinwheel 10)."""
    energy_hidden: int = bounded(200, ge=2)
    """Width of the coupling network f(z, t) (official 200)."""
    energy_blocks: int = bounded(12, ge=0)
    """Residual blocks of f (official 12)."""
    spectral_norm: bool = True
    """Spectral norm on every linear layer of f (official)."""
    hidden: int = bounded(512, ge=2)
    """Text: GRU width of encoder (per direction) and decoder; toy: MLP width (official 512 / 200)."""
    embed_dim: int = bounded(512, ge=2)
    """Text: word embedding size (official 512; equal to `hidden` ties the output layer to the embedding)."""
    dropout: float = bounded(0.3, ge=0, lt=1)
    """Text: dropout on decoder inputs and outputs (official PTB 0.3)."""


@dataclass(frozen=True)
class DiffusionSection:
    levels: int = bounded(6, ge=2)
    """T, coarse noise levels picked from the fine schedule (official max_T 6)."""
    beta_start: float = bounded(1e-4, gt=0, lt=1)
    """First beta of the 1000-step linear schedule."""
    beta_end: float = bounded(0.02, gt=0, lt=1)
    """Last beta of it."""
    langevin_steps: int = bounded(50, ge=0)
    """Recovery Langevin steps per level, in training and sampling (official e_l_steps 50)."""
    step_size: float = bounded(2e-3, gt=0)
    """Base step; level t uses s_t^2 = (sigma_cum_t / sigma_cum_0) step_size sigma_{t+1}^2 (official 2e-3)."""
    max_abs: float = bounded(1e4, gt=0)
    """A chain whose |z| exceeds this is reported as diverged."""


@dataclass(frozen=True)
class SVEBMSection:
    """The SVEBM-IB baseline (Pang & Wu 2021, official bpucla/ibebm): its own coupling network, sampler and weights.
    Defaults are the official text settings (text_generation.py); the toy presets take synthetic_pinwell.py's."""

    hidden: int = bounded(200, ge=2)
    """Width of its coupling network, an MLP z -> K logits with GELU and no spectral norm (official 200)."""
    layers: int = bounded(3, ge=1)
    """Linear layers of that MLP (official text 3, pinwheel 2)."""
    prior_steps: int = bounded(40, ge=1)
    """Short-run Langevin steps from N(0, I) (official text 40, pinwheel 100)."""
    prior_step_size: float = bounded(0.5, gt=0)
    """Langevin step size s (z <- z - s^2/2 dE/dz + s eps) (official text 0.5, pinwheel 0.4)."""
    mi_weight: float = bounded(50.0, ge=0)
    """Weight of -I(y; z) (official text mutual_weight 50, pinwheel 15)."""
    kl_weight: float = bounded(0.5, ge=0)
    """Weight of KL + contrastive terms; the peak of the cyclical schedule when kl_cycles > 0 (official text
    max_kl_weight 0.5, pinwheel 1)."""
    kl_cycles: int = bounded(10, ge=0)
    """Cycles of the official `frange_cycle_zero_linear` KL schedule over the run (text 10; 0 = constant)."""
    prior_grad_clip: float = bounded(1.0, ge=0)
    """Gradient-norm clip of its network (official text prior_grad_clip 1; pinwheel none = 0)."""


@dataclass(frozen=True)
class LossSection:
    kl_weight: float = bounded(0.1, ge=0)
    """Weight of the KL part (encoder entropy + prior terms + contrastive/recovery loss) (PTB 0.1, DD 0.01,
    Yelp 50, toys 1)."""
    mi_weight: float = bounded(0.05, ge=0)
    """Weight of the information-bottleneck term -I(y; z) (PTB, DD, toys 0.05; Yelp 50)."""
    cls_weight: float = bounded(0.05, ge=0)
    """Weight of the cross-entropy of p(y|z) to the k-means pseudo-labels (PTB, toys 0.05; DD 0.5; Yelp 200 on
    true labels). 0 skips clustering."""
    free_bits: bool = True
    """Mask entropy dimensions whose -(1 + log var)/2 is below `free_bits_target` (text: on; official toys: off)."""
    free_bits_target: float = 1.0
    """Per-dimension threshold of the free-bits mask (official dim_target_kl 1.0)."""
    pca_dims: int = bounded(3, ge=1)
    """PCA-whitening dimensions before k-means (official text 3, toys 2)."""
    kmeans_iterations: int = bounded(20, ge=1)
    """Lloyd iterations per clustering (official 20)."""
    kmeans_seed: int = 2021
    """k-means initialisation seed, the same each epoch (official 2021)."""
    label_sampling: Literal["official", "balanced", "none"] = "official"
    """Each epoch's item order. official: what the official loop trains on (`UnifLabelSampler` item numbers looked
    up in the cluster-sorted data set: clusters in proportion to their size); balanced: items drawn evenly over the
    clusters, as `UnifLabelSampler` intends; none: the items in index order."""
    kl_cycles: int = bounded(0, ge=0)
    """Cyclical KL schedule (SVEBM-IB's `frange_cycle_zero_linear`: half of each cycle at weight 0, i.e.
    reconstruction from the posterior mean only, a quarter rising, a quarter at kl_weight); 0 = constant."""


@dataclass(frozen=True)
class OptimSection:
    lr: float = bounded(1e-3, gt=0)
    """Adam learning rate of encoder and decoder (official 1e-3)."""
    prior_lr: float = bounded(1e-4, gt=0)
    """Adam learning rate of f (official 1e-4)."""
    grad_clip: float = bounded(0.5, ge=0)
    """Gradient-norm clip of encoder + decoder (text 0.5; toys none = 0)."""
    prior_grad_clip: float = bounded(10.0, ge=0)
    """Gradient-norm clip of f (text 10; toys none = 0)."""
    prior_weight_decay: float = bounded(0.0, ge=0)
    """Adam weight decay of f (official DailyDialog ebm_reg 1e-3; others 0)."""


@dataclass(frozen=True)
class EvalSection:
    samples: int = bounded(1000, ge=2)
    """Prior samples for sample metrics (toy MMD, rPPL, wKL)."""
    importance_samples: int = bounded(100, ge=1)
    """z ~ q(z|x) per sentence in the importance-sampled NLL bound."""
    nll_sentences: int = bounded(200, ge=1)
    """Test sentences scored for nll / ppl / recon_bleu (0 < n <= test size)."""
    partition_samples: int = bounded(2000, ge=2)
    """svebm: N(0, I) draws estimating log Z for its NLL."""
    rppl_steps: int = bounded(300, ge=1)
    """bench: Adam steps of the reverse-perplexity LM trained on prior samples."""
    toy_steps: int = bounded(1500, ge=1)
    """bench: updates on the toy (capped at train.steps)."""


@dataclass(frozen=True)
class LDEBMConfig:
    data: DataSection = field(default_factory=DataSection)
    model: ModelSection = field(default_factory=ModelSection)
    diffusion: DiffusionSection = field(default_factory=DiffusionSection)
    svebm: SVEBMSection = field(default_factory=SVEBMSection)
    loss: LossSection = field(default_factory=LossSection)
    optim: OptimSection = field(default_factory=OptimSection)
    train: TrainConfig = field(default_factory=TrainConfig)
    eval: EvalSection = field(default_factory=EvalSection)


def paper() -> LDEBMConfig:
    """PTB language modelling (official text_generation.py): latent 40, GRU 512, K 20, kl 0.1, mi 0.05, cls 0.05,
    batch 128, 60 epochs of ~330 batches. Bring the files: data.text=ptb:DIR with ptb.{train,valid,test}.txt."""
    return LDEBMConfig(data=DataSection(task="text", text="ptb:data/ptb"),
                       train=TrainConfig(steps=60 * 330, batch_size=128, log_every=100, checkpoint_every=1000,
                                         eval_every=330 * 5),
                       eval=EvalSection(nll_sentences=3761))


def paper_dailydialog() -> LDEBMConfig:
    """DailyDialog attribute discovery (official unsup_attr_discovery.py): latent 32, K 125, kl 0.01, mi 0.05,
    cls 0.5, decoder dropout 0.2, encoder/decoder clip 5, 50 epochs. data.text=dailydialog:DIR with train/,
    validation/, test/ folders of dialogues_text.txt, dialogues_act.txt, dialogues_emotion.txt."""
    base = paper()
    return replace(base, data=replace(base.data, text="dailydialog:data/daily_dialog"),
                   model=replace(base.model, latent_dim=32, classes=125, dropout=0.2),
                   loss=replace(base.loss, kl_weight=0.01, cls_weight=0.5),
                   optim=replace(base.optim, grad_clip=5.0, prior_weight_decay=1e-3),
                   train=replace(base.train, steps=50 * 600))


def paper_yelp() -> LDEBMConfig:
    """Yelp sentiment (official sent_control.py weights: K 2, kl 50, mi 50, cls 200, max length 55, prior clip 1,
    24 epochs). The official run classifies against the true sentiment labels; ours uses k-means pseudo-labels
    (see README). data.text=yelp:DIR with sentiment.{train,dev,test}.{0,1}."""
    base = paper()
    return replace(base, data=replace(base.data, text="yelp:data/yelp", max_len=55),
                   model=replace(base.model, classes=2),
                   loss=replace(base.loss, kl_weight=50.0, mi_weight=50.0, cls_weight=200.0),
                   optim=replace(base.optim, prior_grad_clip=1.0),
                   train=replace(base.train, steps=24 * 3500))


def paper_pinwheel() -> LDEBMConfig:
    """The official pinwheel (synthetic_pinwheel.py): 10 arms, z 2-D, MLP 200, K 10, kl 1, mi 0.05, cls 0.05,
    PCA 2, no free bits, no clipping, batch 1000; 50 epochs of 1000 batches (ours: a fixed set of 1e6 points).
    SVEBM-IB as its official synthetic_pinwell.py: MLP 2 -> 200 -> K (GELU), 100 Langevin steps of 0.4, mi 15."""
    return LDEBMConfig(
        data=DataSection(task="toy", toy="pinwheel10", toy_n=1_000_000),
        model=ModelSection(latent_dim=2, classes=10, hidden=200),
        loss=LossSection(kl_weight=1.0, free_bits=False, pca_dims=2),
        optim=OptimSection(grad_clip=0.0, prior_grad_clip=0.0),
        svebm=SVEBMSection(layers=2, prior_steps=100, prior_step_size=0.4, mi_weight=15.0, kl_weight=1.0,
                           kl_cycles=0, prior_grad_clip=0.0),
        train=TrainConfig(steps=50_000, batch_size=1000, log_every=100, checkpoint_every=1000, eval_every=5000),
        eval=EvalSection(samples=5000))


def tiny_toy() -> LDEBMConfig:
    """Pinwheel, scaled down for 2 CPU cores: f 64 wide with 4 blocks, 15 Langevin steps per level, batch 100, 300
    updates; the EBMs' learning rate (LDEBM's f and SVEBM-IB's MLP alike) 1e-3 instead of 1e-4 to make up for 300
    updates instead of 50 000 (at 1e-4 neither prior learns the arms in 300 updates)."""
    base = paper_pinwheel()
    return replace(base, data=replace(base.data, toy_n=10_000),
                   model=replace(base.model, energy_hidden=64, energy_blocks=4, hidden=128),
                   diffusion=replace(base.diffusion, langevin_steps=15),
                   optim=replace(base.optim, prior_lr=1e-3),
                   train=TrainConfig(steps=300, batch_size=100, log_every=50, checkpoint_every=100, eval_every=0),
                   eval=replace(base.eval, samples=2000, toy_steps=300))


def tiny() -> LDEBMConfig:
    """The generated dialogue corpus (12 intents x 2 sentiments), small GRUs, K 12, PTB weights (kl 0.1, mi 0.05,
    cls 0.05, clip 0.5 / 10), decoder dropout 0.1; bench adds the tiny_toy. SVEBM-IB with its official text
    settings. (The DailyDialog weights gave garbled prior samples at this budget: see README.)"""
    base = paper()
    return replace(base, data=replace(base.data, text="dialogue", text_n=4000, max_len=20),
                   model=replace(base.model, latent_dim=8, classes=12, energy_hidden=64, energy_blocks=4,
                                 hidden=64, embed_dim=64, dropout=0.1),
                   diffusion=replace(base.diffusion, langevin_steps=15),
                   train=TrainConfig(steps=300, batch_size=64, log_every=50, checkpoint_every=100, eval_every=0),
                   eval=replace(base.eval, samples=500, importance_samples=20, nll_sentences=200, rppl_steps=300,
                                toy_steps=300))


PRESETS = {"tiny": tiny, "tiny_toy": tiny_toy, "paper": paper, "paper_dailydialog": paper_dailydialog,
           "paper_yelp": paper_yelp, "paper_pinwheel": paper_pinwheel}
