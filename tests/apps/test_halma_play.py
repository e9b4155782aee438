"""The HALMA play page: HTTP layer through TestClient (moves, logs, 4xx) and a headless chromium game to the goal."""

from __future__ import annotations

import json

import pytest
from fastapi.testclient import TestClient

from inferlab.apps.web.serving import CHROMIUM, running_server
from inferlab.apps.halma_play import make_app
from inferlab.envs.halma import Space

BASE = "http://127.0.0.1:8766"
KNOWN = Space(7, frozenset({(3, 5)}), (3, 3), (3, 6))
"""Right +1 reaches (3, 4); right +2 jumps the pawn at (3, 5) onto the goal (3, 6)."""


@pytest.fixture
def client(tmp_path):
    return TestClient(make_app(tmp_path / "logs", spaces=[KNOWN]), base_url=BASE)


def _log(path) -> list[dict]:
    return [json.loads(line) for line in path.read_text().splitlines()]


def test_moves_reach_the_goal_and_are_logged(client, tmp_path):
    state = client.get("/state").json()
    assert state["steps_left"] == 10 and state["trials_left"] == 3 and state["panel"].startswith("data:image/png")
    invalid = client.post("/move", json={"direction": 1, "option": [3]}).json()  # x2 of 0: distance 0
    assert invalid["last"]["valid"] is False and invalid["steps_left"] == 9
    client.post("/move", json={"direction": 1, "option": [1]})
    goal = client.post("/move", json={"direction": 1, "option": [2, 0]}).json()
    assert goal["last"]["reached"] and goal["trial_steps"] == [3] and goal["trials_left"] == 2
    assert [m["valid"] for m in goal["memo"]] == [False, True, True]
    log = _log(tmp_path / "logs" / goal["log"])
    assert [r["event"] for r in log] == ["start", "move", "move", "move"]
    assert log[-1]["reached"] and log[-1]["move"] == [1, 2, 0, 0] and log[0]["space"]["goal"] == [3, 6]
    assert [p for p in tmp_path.rglob("*") if p.is_file()] == [tmp_path / "logs" / goal["log"]]


def test_bad_requests_get_4xx_and_change_nothing(client, tmp_path):
    before = client.get("/state").json()
    for body in ({"direction": 4, "option": [1]}, {"direction": 0, "option": []}, {"direction": 0, "option": [5]},
                 {"direction": 0, "option": [1, 1, 1, 1]}, {"direction": "up", "option": [1]}, {}):
        response = client.post("/move", json=body)
        assert response.status_code == 422 and "error" in response.json()
    assert client.post("/new", json={"space": 3}).status_code == 422
    assert client.get("/state", headers={"host": "evil.example"}).status_code == 403
    assert client.post("/move", json={"direction": 1, "option": [1]},
                       headers={"origin": "http://evil.example"}).status_code == 403
    assert client.get("/nothing").status_code == 404
    assert client.get("/state").json()["steps_left"] == before["steps_left"]
    for _ in range(30):  # three trials run out of steps
        client.post("/move", json={"direction": 3, "option": [1]})
    over = client.post("/move", json={"direction": 3, "option": [1]})
    assert over.status_code == 409 and "new" in over.json()["error"]
    assert _log(next((tmp_path / "logs").glob("episode-*-0000.jsonl")))[-1]["event"] == "end"


def test_a_person_plays_a_known_space_to_the_goal_in_chromium(tmp_path):
    if not CHROMIUM.exists():
        pytest.fail(f"{CHROMIUM} not found: run `make chromium` (Debian's chromium; playwright drives it).")
    from playwright.sync_api import sync_playwright

    app = make_app(tmp_path / "logs", spaces=[KNOWN])
    with running_server(app) as url, sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=str(CHROMIUM), headless=True)
        try:
            page = browser.new_page()
            page.set_default_timeout(60_000)
            page.goto(url)
            page.wait_for_selector("body[data-state=ready]")
            assert page.inner_text("#trials-left") == "3"
            page.keyboard.press("ArrowRight")  # keys: right, +1, Enter
            page.keyboard.press("1")
            page.keyboard.press("Enter")
            page.wait_for_selector("body[data-moves='0:1']")
            assert "valid" in page.inner_text("#status")
            page.click("button[data-dir='1']")  # mouse: right, +2, Go
            page.click("button[data-prim='2']")
            assert page.inner_text("#move") == "right +2"
            page.click("#go")
            page.wait_for_selector("body[data-moves='1:2']")
            assert "goal" in page.inner_text("#status") and page.inner_text("#trials-left") == "2"
            assert "trial 1: 2 steps (goal)" in page.inner_text("#trials")
            assert page.locator("#memo li").count() == 2
        finally:
            browser.close()
    log = _log(next((tmp_path / "logs").glob("episode-*-0000.jsonl")))
    assert log[-1]["reached"] and log[-1]["trial"] == 1
