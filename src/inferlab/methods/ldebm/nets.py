"""Encoders q(z|x) and decoders p(x|z): an MLP pair for 2-D toys, a GRU pair for sentences (official shapes)."""

from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import nn

from inferlab.core.nets import MLP
from inferlab.data.text.vocab import BOS_ID, EOS_ID, PAD_ID


class ToyVAE(nn.Module):
    """Official synthetic_pinwheel.py: encoder x -> 3 ReLU layers -> (mu, log var); decoder z -> 3 ReLU layers -> x.
    Reconstruction loss: mean squared error over the batch and both coordinates (nn.MSELoss)."""

    def __init__(self, *, latent_dim: int, hidden: int, data_dim: int = 2):
        super().__init__()
        self.encoder = MLP(data_dim, hidden, hidden, layers=3, activation="relu")
        self.mu, self.log_var = nn.Linear(hidden, latent_dim), nn.Linear(hidden, latent_dim)
        self.decoder = MLP(latent_dim, hidden, data_dim, layers=4, activation="relu")

    def encode(self, x: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        h = self.encoder(x)
        return self.mu(h), self.log_var(h)  # (B, D) each

    def recon_loss(self, x: torch.Tensor, z: torch.Tensor) -> torch.Tensor:
        return F.mse_loss(self.decoder(z), x)

    def decode(self, z: torch.Tensor) -> torch.Tensor:
        return self.decoder(z)


class TextVAE(nn.Module):
    """Official GMVAE text model (dgmvae sent_models): bi-GRU encoder over word embeddings, (mu, log var) from its
    last states through LeakyReLU + Linear; GRU decoder with its own embedding, initial state Linear(z) (no bias),
    z concatenated to every input embedding, output tied to the decoder embedding when embed_dim == hidden,
    dropout on decoder inputs and outputs. Reconstruction loss: token NLL summed per sentence, averaged over
    the batch."""

    def __init__(self, *, vocab_size: int, latent_dim: int, hidden: int, embed_dim: int, dropout: float):
        super().__init__()
        self.enc_embed = nn.Embedding(vocab_size, embed_dim, padding_idx=PAD_ID)
        self.enc_rnn = nn.GRU(embed_dim, hidden, batch_first=True, bidirectional=True)
        self.mu = nn.Sequential(nn.LeakyReLU(), nn.Linear(2 * hidden, latent_dim))
        self.log_var = nn.Sequential(nn.LeakyReLU(), nn.Linear(2 * hidden, latent_dim))
        self.dec_embed = nn.Embedding(vocab_size, embed_dim, padding_idx=PAD_ID)
        self.dec_rnn = nn.GRU(embed_dim + latent_dim, hidden, batch_first=True)
        self.init_state = nn.Linear(latent_dim, hidden, bias=False)
        self.tied = embed_dim == hidden
        self.project = None if self.tied else nn.Linear(hidden, vocab_size)
        self.drop = nn.Dropout(dropout)

    def encode(self, ids: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        lengths = (ids != PAD_ID).sum(1).clamp(min=1).cpu()
        packed = nn.utils.rnn.pack_padded_sequence(self.enc_embed(ids), lengths, batch_first=True,
                                                   enforce_sorted=False)
        _, last = self.enc_rnn(packed)  # (2, B, H)
        h = torch.cat([last[0], last[1]], dim=-1)  # (B, 2H)
        return self.mu(h), self.log_var(h)

    def _logits(self, z: torch.Tensor, inputs: torch.Tensor, state: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        emb = self.drop(self.dec_embed(inputs))  # (B, L, E)
        zs = z.unsqueeze(1).expand(-1, inputs.shape[1], -1)
        out, state = self.dec_rnn(torch.cat([emb, zs], dim=-1), state)
        out = self.drop(out)  # (B, L, H)
        logits = out @ self.dec_embed.weight.t() if self.tied else self.project(out)
        return logits, state  # (B, L, V)

    def token_nll(self, ids: torch.Tensor, z: torch.Tensor) -> torch.Tensor:
        """-log p(x | z) per sentence (B,): teacher forcing on ids[:, :-1], targets ids[:, 1:], <pad> ignored."""
        logits, _ = self._logits(z, ids[:, :-1], self.init_state(z).unsqueeze(0))
        nll = F.cross_entropy(logits.transpose(1, 2), ids[:, 1:], ignore_index=PAD_ID, reduction="none")
        return nll.sum(1)

    def recon_loss(self, ids: torch.Tensor, z: torch.Tensor) -> torch.Tensor:
        return self.token_nll(ids, z).mean()

    @torch.no_grad()
    def decode(self, z: torch.Tensor, max_len: int = 40) -> torch.Tensor:
        """Greedy decoding (official sampling: greedy): ids (B, max_len + 2) starting with <s>, padded after </s>."""
        n = z.shape[0]
        out = torch.full((n, max_len + 2), PAD_ID, dtype=torch.long, device=z.device)
        out[:, 0] = BOS_ID
        token, state = out[:, :1], self.init_state(z).unsqueeze(0)
        done = torch.zeros(n, dtype=torch.bool, device=z.device)
        for i in range(1, max_len + 2):
            logits, state = self._logits(z, token, state)
            token = logits[:, -1].argmax(-1, keepdim=True) if i <= max_len else torch.full_like(token, EOS_ID)
            out[:, i] = torch.where(done, PAD_ID, token[:, 0])
            done |= token[:, 0] == EOS_ID
            if bool(done.all()):
                break
        return out
