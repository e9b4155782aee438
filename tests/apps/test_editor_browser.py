"""The editor page in headless Debian chromium (playwright), against a server this test starts in a thread."""

from __future__ import annotations

import io
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from inferlab.apps.assist_editor import make_app
from inferlab.apps.assist_editor.screenshot import CHROMIUM, capture_editor_screenshot
from inferlab.apps.web.serving import running_server
from inferlab.data.scenes3d import project

W, H = 160, 120
READY = "#view[data-state=ready]"



@pytest.fixture(autouse=True)
def _chromium_installed():
    """A missing browser is a broken setup, not a reason to skip: `make setup` installs it."""
    if not CHROMIUM.exists():
        pytest.fail(f"{CHROMIUM} not found: run `make chromium` (Debian's chromium; playwright drives it).")


def _view(page) -> np.ndarray:
    page.wait_for_selector(READY)
    return np.asarray(Image.open(io.BytesIO(page.locator("#view").screenshot())).convert("RGB")).astype(int)


def _pixel(cam, position: list[float]) -> tuple[int, int]:
    uv, _ = project(np.array([position]), cam.intrinsics(W, H), cam.c2w())
    return int(uv[0, 0]), int(uv[0, 1])


def _blue_centre_x(image: np.ndarray) -> float:
    blue = (image[..., 2] > 120) & (image[..., 0] < 90) & (image[..., 2] > image[..., 1] + 40)
    return float(np.argwhere(blue)[:, 1].mean())


@contextmanager
def _browser_page(app, viewport: dict) -> Iterator[tuple[object, str]]:
    """A headless chromium page beside a server for `app` (served from a thread); yields (page, base url)."""
    from playwright.sync_api import sync_playwright

    with running_server(app) as url, sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=str(CHROMIUM), headless=True)
        try:
            page = browser.new_page(viewport=viewport)
            page.set_default_timeout(120_000)  # against hangs only: renders are slow on a loaded machine
            yield page, url
        finally:
            browser.close()


@contextmanager
def _editor_page(app) -> Iterator[tuple[object, str]]:
    """The editor page at its fixed W x H view size, loaded and ready; and the server URL."""
    with _browser_page(app, {"width": 900, "height": 700}) as (page, url):
        page.goto(f"{url}/?w={W}&h={H}&fit=0")
        page.wait_for_selector(READY)
        yield page, url


def test_select_move_instruct_and_toggle_in_the_browser(editor_scene_dir, tmp_path):
    app = make_app(editor_scene_dir, samples_per_node=16)
    with _editor_page(app) as (page, _):
        assert page.locator("#scene-list li").count() == 4

        cube = next(n for n in app.state.session.state()["nodes"] if n["id"] == 2)
        x, y = _pixel(app.state.session.camera, cube["position"])
        page.locator("#view").click(position={"x": x, "y": y})
        page.wait_for_selector(READY)
        assert page.inner_text("#status") == "Selected: blue cube (id 2)"
        assert page.get_attribute("#scene-list li.selected", "data-id") == "2"

        before = _view(page)
        page.keyboard.press("ArrowRight")  # 0.25 m to the right in the view
        after = _view(page)
        changed = np.argwhere(np.abs(after - before).sum(axis=-1) > 30)
        assert len(changed) > 20
        assert np.abs(changed - [y, x]).max() < 40  # only around the moved cube
        assert _blue_centre_x(after) > _blue_centre_x(before) + 1  # the (only) blue object went right
        moved = next(n for n in app.state.session.state()["nodes"] if n["id"] == 2)
        right = app.state.session.camera.to_json()["right"]
        assert np.dot(np.subtract(moved["position"], cube["position"]), right) == pytest.approx(0.25, abs=1e-4)

        page.fill("#instruction", "duplicate the red sphere")
        page.click("#run-instruction")
        page.wait_for_selector(READY)
        assert page.locator("#scene-list li").count() == 5
        assert "duplicate" in page.inner_text("#message")

        page.fill("#instruction", "delete the cube")
        page.press("#instruction", "Enter")
        page.wait_for_selector("#message.error")
        assert "matches 2 objects" in page.inner_text("#message")
        assert page.locator("#scene-list li").count() == 5

        rgb = _view(page)
        page.check("#mode-panoptic")
        panoptic = _view(page)
        assert (np.abs(panoptic - rgb).sum(axis=-1) > 30).mean() > 0.5  # background and objects recoloured

        page.keyboard.press("Control+z")  # undo the duplicate
        page.wait_for_selector(READY)
        assert page.locator("#scene-list li").count() == 4
        shot = tmp_path / "editor.png"
        page.screenshot(path=str(shot))
        assert Image.open(shot).size == (900, 700)


def test_capture_editor_screenshot(editor_scene_dir, tmp_path):
    out = capture_editor_screenshot(Path(editor_scene_dir), tmp_path / "shot.png", width=96, height=72)
    image = np.asarray(Image.open(out).convert("RGB"))
    assert image.shape[0] > 72 and image.shape[1] > 96 and image.std() > 10


def test_a_page_cannot_break_the_camera_nor_post_from_another_origin(editor_scene_dir):
    app = make_app(editor_scene_dir, samples_per_node=16)
    with _editor_page(app) as (page, url):
        camera = app.state.session.camera
        status = page.evaluate("""async () => (await fetch('/camera', {method: 'POST',
            headers: {'content-type': 'application/json'}, body: '{"azimuth": NaN}'})).status""")
        assert status == 422 and app.state.session.camera == camera
        page.keyboard.press("ArrowUp")  # the page keeps working after the refused request
        page.wait_for_selector(READY)
        assert _view(page).std() > 10

        other = url.replace("127.0.0.1", "localhost")  # another origin, same server
        page.goto(f"{other}/static/editor.js")
        app.state.session.apply({"op": "delete", "id": 1})
        nodes = app.state.session.state()["nodes"]
        page.evaluate(f"async () => fetch('{url}/undo', {{method: 'POST', mode: 'no-cors'}})")
        page.evaluate(f"async () => fetch('{url}/save', {{method: 'POST', mode: 'no-cors'}})")
        assert app.state.session.state()["nodes"] == nodes  # the delete was not undone
        assert not (editor_scene_dir / "edited").exists()


def test_quick_key_presses_end_ready_with_a_preview_first_and_the_view_fills_the_window(editor_scene_dir):
    app = make_app(editor_scene_dir, samples_per_node=8)
    with _browser_page(app, {"width": 1200, "height": 800}) as (page, url):
        renders = []
        page.on("request", lambda r: renders.append(r.url) if "/render?" in r.url else None)
        page.goto(f"{url}/?w={W}&h={H}")
        page.wait_for_selector(READY)
        assert page.locator("#view").bounding_box()["width"] > 2 * W  # scaled to the window, not 160 px
        page.locator("#scene-list li[data-id='2']").click()
        page.wait_for_selector(READY)
        start = next(n for n in app.state.session.state()["nodes"] if n["id"] == 2)["position"]
        for _ in range(6):  # faster than a render: earlier frames are superseded mid-load
            page.keyboard.press("ArrowUp")
        page.wait_for_selector(READY)
        page.wait_for_function("document.getElementById('view').naturalWidth === %d" % W)
        moved = next(n for n in app.state.session.state()["nodes"] if n["id"] == 2)["position"]
        assert np.linalg.norm(np.subtract(moved, start)) == pytest.approx(6 * 0.25, abs=1e-3)
        assert any(f"w={W // 4}&h={H // 4}" in u for u in renders) and any(f"w={W}&h={H}" in u for u in renders)
