"""Screenshot of the editor page in headless Debian chromium (playwright drives /usr/bin/chromium)."""

from __future__ import annotations

from pathlib import Path

from inferlab.apps.assist_editor.server import make_app
from inferlab.apps.web.serving import CHROMIUM, running_server
from inferlab.errors import UserError


def capture_editor_screenshot(scene_dir: Path, out_png: Path, *, width: int = 320, height: int = 240,
                              timeout_ms: int = 60_000) -> Path:
    """Serve `scene_dir` on a free 127.0.0.1 port, open the page, wait for the first render, save a PNG."""
    if not CHROMIUM.exists():
        raise UserError(f"No chromium at {CHROMIUM}; install it with `make chromium` (Debian package 'chromium').")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        raise UserError("capture_editor_screenshot needs the playwright package: pip install -e '.[dev]' "
                        "(it drives the system chromium; no browser download).") from None

    out_png = Path(out_png)
    out_png.parent.mkdir(parents=True, exist_ok=True)
    with running_server(make_app(Path(scene_dir))) as url, sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=str(CHROMIUM), headless=True)
        try:
            page = browser.new_page(viewport={"width": width + 560, "height": height + 280})
            page.goto(f"{url}/?w={width}&h={height}")
            page.wait_for_selector("#view[data-state=ready]", timeout=timeout_ms)
            page.screenshot(path=str(out_png), full_page=True)
        finally:
            browser.close()
    return out_png
