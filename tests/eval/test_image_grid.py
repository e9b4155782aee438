import numpy as np
import torch
from PIL import Image

from inferlab.eval.images import save_image_grid, save_scatter


def test_grid_size_and_pixel_values(tmp_path):
    images = -torch.ones(10, 1, 8, 8)
    images[0] = 1.0  # first tile white
    path = save_image_grid(images, tmp_path / "g.png", nrow=4, upscale=4, pad=2)
    img = Image.open(path)
    # 4 columns, 3 rows of 32x32 tiles with 2-pixel gaps and frame
    assert img.size == (4 * 32 + 5 * 2, 3 * 32 + 4 * 2)
    assert img.mode == "L"
    px = np.asarray(img)
    assert px[2:34, 2:34].min() == 255 and px[2:34, 36:68].max() == 0
    assert (px[:2] == 128).all() and (px[:, 34:36] == 128).all()  # frame and gap


def test_default_upscale_for_small_rgb_images(tmp_path):
    path = save_image_grid(torch.zeros(4, 3, 8, 8), tmp_path / "sub" / "g.png")
    img = Image.open(path)
    assert img.mode == "RGB" and img.size == (2 * 32 + 3 * 2, 2 * 32 + 3 * 2)


def test_scatter_with_density_writes_png(tmp_path):
    pts = {"data": np.random.default_rng(0).normal(size=(200, 2)), "model": torch.randn(100, 2)}
    density = lambda p: np.exp(-0.5 * (p**2).sum(1))  # noqa: E731
    path = save_scatter(pts, tmp_path / "s.png", density=density, lims=(-3, 3, -3, 3))
    w, h = Image.open(path).size
    assert w > h > 100
