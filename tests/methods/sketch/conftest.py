"""A micro sketch config (7 categories, 16 px, 3 rounds of 2 strokes, 2 pretraining updates) for tests of seconds."""

from __future__ import annotations

from dataclasses import replace

import pytest

from inferlab.methods.sketch.config import DataConfig, EvalConfig, PretrainConfig, SketchConfig, tiny


@pytest.fixture
def micro_config():
    def make(setting: str = "complete") -> SketchConfig:
        cfg = tiny()
        return replace(cfg, data=DataConfig(categories=7, unseen_categories=3, instances=4, seen_instances=3,
                                            image_size=16, train_games=64, pretrain_instances=2),
                       game=replace(cfg.game, setting=setting, max_rounds=3, strokes_per_round=2),
                       pretrain=PretrainConfig(encoder_steps=2, sender_steps=2, batch_size=4),
                       train=replace(cfg.train, batch_size=4), eval=EvalConfig(samples=6, classifier_steps=5))
    return make
