import pytest

from inferlab.engine.config import apply_overrides, config_from_dict, config_to_dict
from inferlab.errors import UserError
from inferlab.methods.lebm.config import LEBMConfig, tiny


def test_overrides_are_typed_and_nested():
    cfg = apply_overrides(tiny(), ["train.steps=7", "model.prior=gaussian", "sampler.noise=false",
                                   "optim.energy_lr=3e-4"])
    assert (cfg.train.steps, cfg.model.prior, cfg.sampler.noise, cfg.optim.energy_lr) == (7, "gaussian", False, 3e-4)


def test_unknown_key_lists_the_valid_ones():
    with pytest.raises(UserError, match=r"unknown config key .*Valid keys: .*sampler\.prior_steps.*train\.steps"):
        apply_overrides(tiny(), ["train.stepz=3"])


@pytest.mark.parametrize("item, pattern", [
    ("train.steps=abc", r"train\.steps takes int, and 'abc' is not one"),
    ("model.prior=flow", r"model\.prior must be one of ebm, gaussian"),
    ("train.steps", r"has no '='"),
    ("train.batch_size=0", r"train\.batch_size=0: train\.batch_size must be >= 1"),
])
def test_bad_values(item, pattern):
    with pytest.raises(UserError, match=pattern):
        apply_overrides(tiny(), [item])


def test_dict_round_trip():
    cfg = apply_overrides(tiny(), ["model.latent_dim=6"])
    assert config_from_dict(LEBMConfig, config_to_dict(cfg)) == cfg
    with pytest.raises(UserError, match="unknown keys bogus"):
        config_from_dict(LEBMConfig, {**config_to_dict(cfg), "bogus": 1})
