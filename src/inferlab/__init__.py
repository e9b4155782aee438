"""inferlab: latent-variable models learned by maximum likelihood, where sampling, planning and reasoning are inference."""

__version__ = "0.1.0"
