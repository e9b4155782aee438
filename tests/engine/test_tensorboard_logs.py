"""TensorBoard holds, besides scalars, the evaluation's sample images, the resolved config and hparams."""

import json

import numpy as np
from PIL import Image
from tensorboard.backend.event_processing.event_accumulator import EventAccumulator

from inferlab.engine.logging import RunLogger


def test_images_config_text_and_hparams(tmp_path):
    (tmp_path / "config.json").write_text(json.dumps({"method": "toy", "preset": "tiny", "seed": 3,
                                                      "config": {"train": {"steps": 7, "lr": 0.5}}}))
    samples = tmp_path / "samples"
    samples.mkdir()
    Image.fromarray(np.full((6, 5, 3), 200, np.uint8)).save(samples / "samples_000007.png")
    logger = RunLogger(tmp_path)
    logger.log(7, {"loss": 1.0})
    logger.log_images(7, samples)
    logger.log_images(8, samples)  # already shown: not again
    logger.log_hparams({"fd": 2.5})
    logger.close()
    acc = EventAccumulator(str(tmp_path / "tb"), size_guidance={"images": 0, "tensors": 0}).Reload()
    assert acc.Tags()["images"] == ["samples/samples"]
    images = acc.Images("samples/samples")
    assert [e.step for e in images] == [7] and (images[0].height, images[0].width) == (6, 5)
    text = acc.Tensors("config/text_summary")[0].tensor_proto.string_val[0].decode()
    assert '"steps": 7' in text and '"method": "toy"' in text
    assert "hparam/fd" in acc.Tags()["scalars"] and acc.PluginTagToContent("hparams")
