"""Editor HTTP layer through FastAPI's TestClient: renders, picking, edits, undo/redo, save/load, bad requests."""

from __future__ import annotations

import io
import json
import os

import numpy as np
import pytest
from fastapi.testclient import TestClient
from PIL import Image

from inferlab.apps.assist_editor import make_app, serve
from inferlab.apps.web.guard import MAX_BODY_BYTES
from inferlab.apps.web.serving import free_port
from inferlab.data.scenes3d import project
from inferlab.errors import UserError
from inferlab.methods.assist.store import build_demo_scene

W, H = 64, 48
BASE = "http://127.0.0.1:8765"


@pytest.fixture
def client(editor_scene_dir):
    return TestClient(make_app(editor_scene_dir, samples_per_node=16), base_url=BASE)


def _node(state: dict, node_id: int) -> dict:
    return next(n for n in state["nodes"] if n["id"] == node_id)


def _pixel_of(client: TestClient, node_id: int) -> tuple[int, int]:
    """Image pixel of a node's centre in the session's current view."""
    cam = client.app.state.session.camera
    uv, _ = project(np.array([_node(client.get("/scene").json(), node_id)["position"]]), cam.intrinsics(W, H),
                    cam.c2w())
    return int(uv[0, 0]), int(uv[0, 1])


def _png(response) -> np.ndarray:
    assert response.status_code == 200 and response.headers["content-type"] == "image/png"
    return np.asarray(Image.open(io.BytesIO(response.content)).convert("RGB"))


def test_render_modes_give_pngs_of_the_asked_size(client):
    images = {mode: _png(client.get(f"/render?mode={mode}&w={W}&h={H}")) for mode in ("rgb", "depth", "panoptic")}
    assert all(img.shape == (H, W, 3) for img in images.values())
    assert not np.array_equal(images["rgb"], images["panoptic"])
    assert len(np.unique(images["panoptic"].reshape(-1, 3), axis=0)) == 5  # background + 4 objects
    session = client.app.state.session
    distance = session.frame(W, H).depth  # near = bright, linear down to black at twice the orbit radius
    expected = np.round(np.clip(1.0 - distance / (2.0 * session.camera.radius), 0.0, 1.0) * 255)
    assert np.abs(images["depth"][..., 0] - expected).max() <= 1 and expected.max() > 100
    assert _png(client.get("/render?mode=rgb&w=32&h=24")).shape == (24, 32, 3)


def test_pick_selects_the_object_under_the_cursor_and_outlines_it(client):
    x, y = _pixel_of(client, 2)
    before = _png(client.get(f"/render?mode=rgb&w={W}&h={H}"))
    state = client.post("/pick", json={"x": x, "y": y, "w": W, "h": H}).json()
    assert state["picked"] == 2 and state["selected"] == 2
    after = _png(client.get(f"/render?mode=rgb&w={W}&h={H}"))
    changed = np.argwhere((before != after).any(axis=-1))
    assert len(changed) > 10 and np.abs(changed - [y, x]).max() < 16  # the outline hugs the picked object
    assert client.post("/pick", json={"x": 0, "y": 0, "w": W, "h": H}).json()["selected"] is None  # background
    assert client.post("/pick", json={"x": x, "y": y}).json()["picked"] == 2  # size of the last render


def test_each_edit_then_undo_and_redo(client):
    start = client.get("/scene").json()
    moved = client.post("/edit", json={"op": "transform", "id": 1, "translate": [0.5, 0.0, 0.0]}).json()
    assert _node(moved, 1)["position"][0] == pytest.approx(_node(start, 1)["position"][0] + 0.5)
    turned = client.post("/edit", json={"op": "transform", "id": 2, "rotate_deg": 30, "scale": 1.5}).json()
    assert _node(turned, 2)["position"][2] == pytest.approx(1.5 * _node(start, 2)["position"][2])
    dup = client.post("/edit", json={"op": "duplicate", "id": 3, "offset": [0.0, -1.0, 0.0]}).json()
    assert len(dup["nodes"]) == 5 and dup["selected"] == 5 and _node(dup, 5)["class"] == "cylinder"
    swapped = client.post("/edit", json={"op": "swap", "a": 1, "b": 4}).json()
    assert _node(swapped, 4)["position"][:2] == pytest.approx(_node(dup, 1)["position"][:2])
    deleted = client.post("/edit", json={"op": "delete", "id": 5}).json()
    assert [n["id"] for n in deleted["nodes"]] == [1, 2, 3, 4] and deleted["can_undo"]
    assert len(client.post("/undo").json()["nodes"]) == 5  # the copy is back
    client.post("/undo")  # before the swap
    assert _node(client.get("/scene").json(), 4)["position"] == _node(dup, 4)["position"]
    redone = client.post("/redo").json()
    assert _node(redone, 4)["position"] == _node(swapped, 4)["position"] and redone["can_redo"]
    for _ in range(4):
        client.post("/undo")
    assert client.get("/scene").json()["nodes"] == start["nodes"]
    nothing = client.post("/undo")
    assert nothing.status_code == 400 and nothing.json()["error"] == "Nothing to undo."


def test_instruction_applies_all_clauses_or_none(client):
    done = client.post("/instruction", json={"text": "duplicate the red sphere and put it left of the blue cube"})
    assert done.status_code == 200
    body = done.json()
    assert [e["op"] for e in body["edits"]] == ["duplicate", "transform"] and len(body["nodes"]) == 5
    assert body["selected"] == 5 and _node(body, 5)["class"] == "sphere"
    failed = client.post("/instruction", json={"text": "move the cylinder up and delete the cube"})
    assert failed.status_code == 400
    assert "matches 2 objects: blue cube (id 2), yellow cube (id 4)" in failed.json()["error"]
    assert client.get("/scene").json()["nodes"] == body["nodes"]
    assert client.post("/undo").status_code == 200 and len(client.get("/scene").json()["nodes"]) == 4
    query = client.post("/instruction", json={"text": "select the yellow cube"}).json()
    assert query["selected"] == 4 and query["edits"] == [] and not query["can_undo"]


def test_save_and_load_round_trip(client, editor_scene_dir):
    moved = client.post("/edit", json={"op": "transform", "id": 3, "translate": [0.0, 0.4, 0.0]}).json()
    assert client.post("/save", json={"name": "http_round_trip"}).status_code == 200
    assert (editor_scene_dir / "http_round_trip" / "graph.json").is_file()
    client.post("/undo")
    loaded = client.post("/load", json={"name": "http_round_trip"}).json()
    assert _node(loaded, 3)["position"] == pytest.approx(_node(moved, 3)["position"])
    assert client.post("/undo").json()["nodes"] != loaded["nodes"]  # loading is an undoable step


def test_cross_scene_add_reads_only_scenes_inside_the_folder(client):
    client.post("/edit", json={"op": "transform", "id": 1, "scale": 2.0})
    client.post("/save", json={"name": "http_donor"})
    added = client.post("/edit", json={"op": "add", "from_scene": "http_donor", "id": 1, "position": [0, -2, 0.7]})
    assert added.status_code == 200
    node = _node(added.json(), 5)
    assert (node["class"], node["colour"], node["position"]) == ("sphere", "red", [0.0, -2.0, 0.7])
    outside = client.post("/edit", json={"op": "add", "from_scene": "../elsewhere", "id": 1})
    assert outside.status_code == 400 and "Bad scene name" in outside.json()["error"]


@pytest.mark.parametrize("path,body,fragment", [
    ("/edit", {"op": "explode", "id": 1}, "explode"),
    ("/edit", {"op": "delete", "id": 42}, "42"),
    ("/edit", {"op": "transform", "id": 1, "scale": -2}, "cale"),
    ("/save", {"name": "../escape"}, "Bad scene name"),
    ("/save", {"name": "/tmp/absolute"}, "Bad scene name"),
    ("/load", {"name": "../../etc"}, "Bad scene name"),
    ("/load", {"name": "never_saved"}, "No saved scene"),
    ("/save", {"name": "graph.json"}, "a file of that name exists"),
    ("/pick", {"x": 500, "y": 1, "w": W, "h": H}, "outside"),
    ("/pick", {"x": "left"}, "Bad request"),
    ("/instruction", {"text": "teleport the cube"}, "Unknown word 'teleport'"),
    ("/camera", {"elevation": 120}, "elevation"),
    ("/select", {"id": 9}, "No object with id 9"),
])
def test_bad_requests_get_4xx_with_a_message(client, path, body, fragment):
    response = client.post(path, json=body)
    assert 400 <= response.status_code < 500
    assert fragment in response.json()["error"]
    assert not client.get("/scene").json()["can_undo"]  # nothing changed


def test_bad_render_queries_and_escaping_symlinks(client, editor_scene_dir, tmp_path):
    bad_mode = client.get("/render?mode=xray&w=32&h=24")
    assert bad_mode.status_code == 400 and "allowed: rgb, depth, panoptic" in bad_mode.json()["error"]
    assert client.get("/render?mode=rgb&w=5000&h=24").status_code == 422
    link = editor_scene_dir / "outside_link"
    if not link.exists():
        os.symlink(tmp_path, link)
    escaped = client.post("/save", json={"name": "outside_link/x"})
    assert escaped.status_code == 400 and "outside the scene folder" in escaped.json()["error"]
    assert not (tmp_path / "x").exists()


def test_page_and_static_files_are_served(client):
    page = client.get("/")
    assert page.status_code == 200 and 'id="view"' in page.text and "/static/editor.js" in page.text
    assert client.get("/static/editor.js").status_code == 200


def test_editor_opens_a_trained_scene_and_starts_from_its_cameras(tmp_path):
    """A few training steps of a tiny scene (A1's builder): the editor loads, renders, edits and saves it."""
    folder = build_demo_scene(tmp_path / "built", seed=2, progress=False, overrides=(
        "train.steps=10", "scene.image_size=16", "scene.train_views=2", "scene.test_views=1", "field.resolution=6",
        "field.ground_resolution=16", "train.batch_size=64", "eval.samples=16"))
    client = TestClient(make_app(folder, samples_per_node=8), base_url=BASE)
    camera = client.app.state.session.camera
    assert (camera.radius, camera.fov_x_deg, camera.elevation) == (5.0, 45.0, 37.5)  # graph.json meta
    assert _png(client.get("/render?mode=panoptic&w=24&h=16")).shape == (16, 24, 3)
    nodes = client.get("/scene").json()["nodes"]
    first = nodes[0]["id"]
    client.post("/select", json={"id": first})
    done = client.post("/instruction", json={"text": "duplicate it and move it left by 0.3"}).json()
    assert len(done["nodes"]) == len(nodes) + 1 and done["selected"] == max(n["id"] for n in nodes) + 1
    client.post("/edit", json={"op": "delete", "id": first})
    assert client.post("/save", json={"name": "edited"}).status_code == 200
    reopened = TestClient(make_app(folder / "edited"), base_url=BASE)
    assert [n["id"] for n in reopened.get("/scene").json()["nodes"]] == [n["id"] for n in done["nodes"][1:]]
    assert reopened.app.state.session.camera == camera  # the saved copy keeps the camera meta


@pytest.mark.parametrize("path,body", [
    ("/camera", '{"azimuth": NaN}'),
    ("/camera", '{"elevation": Infinity}'),
    ("/camera", '{"radius": -Infinity}'),
    ("/camera", '{"radius": 1000}'),
    ("/edit", '{"op": "transform", "id": 1, "translate": [NaN, 0, 0]}'),
    ("/edit", '{"op": "transform", "id": 1, "translate": [1e308, 0, 0]}'),
    ("/pick", '{"x": 1, "y": 1, "w": 1e12, "h": 48}'),
    ("/save", '{"name": "' + "a" * 5000 + '"}'),
    ("/instruction", '{"text": "' + "delete the cube " * 100 + '"}'),
])
def test_non_finite_and_out_of_range_values_get_422_and_change_nothing(client, path, body):
    before = client.get("/scene").json()
    response = client.post(path, content=body, headers={"content-type": "application/json"})
    assert response.status_code == 422 and response.json()["error"]
    assert client.get("/scene").json() == before
    assert client.get(f"/render?mode=rgb&w={W}&h={H}").status_code == 200  # the camera still works


def test_two_huge_moves_cannot_put_a_node_at_infinity_nor_save_an_unloadable_scene(client):
    far = {"op": "transform", "id": 1, "translate": [600.0, 0, 0]}
    assert client.post("/edit", json=far).status_code == 200
    assert client.post("/edit", json=far).status_code == 422  # 1200 m out: past MAX_COORDINATE
    for _ in range(2):
        assert client.post("/edit", json={"op": "transform", "id": 1, "translate": [1e308, 0, 0]}).status_code == 422
    assert client.post("/save", json={"name": "http_after_huge_moves"}).status_code == 200
    assert client.post("/load", json={"name": "http_after_huge_moves"}).status_code == 200


def _saved_scene(client, editor_scene_dir, name: str, change) -> None:
    """Save the scene as `name`, then rewrite its graph.json's first node with `change(node)`."""
    assert client.post("/save", json={"name": name}).status_code == 200
    path = editor_scene_dir / name / "graph.json"
    doc = json.loads(path.read_text())
    change(doc["nodes"][1])
    path.write_text(json.dumps(doc))


@pytest.mark.parametrize("name,change,fragment", [
    ("http_bad_id", lambda node: node.update(id="abc"), "id 'abc'"),
    ("http_weights_up", lambda node: node.update(weights="../../x.safetensors"), "outside the scene folder"),
    ("http_weights_abs", lambda node: node.update(weights="/etc/passwd"), "relative to the scene folder"),
    ("http_bad_field", lambda node: node.update(field=[1]), "field must be an object"),
])
def test_loading_a_tampered_graph_json_is_a_400(client, editor_scene_dir, name, change, fragment):
    _saved_scene(client, editor_scene_dir, name, change)
    response = client.post("/load", json={"name": name})
    assert response.status_code == 400 and fragment in response.json()["error"]
    assert not client.get("/scene").json()["can_undo"]


@pytest.mark.parametrize("headers", [
    {"origin": "http://evil.example"},
    {"origin": "http://evil.example:8765", "host": "evil.example:8765"},  # DNS rebinding: the name is not ours
    {"host": "evil.example"},
    {"origin": "null"},
    {"sec-fetch-site": "cross-site"},
])
@pytest.mark.parametrize("path", ["/save", "/undo", "/redo", "/edit", "/camera"])
def test_requests_from_other_origins_or_hosts_are_refused(client, editor_scene_dir, headers, path):
    client.post("/edit", json={"op": "transform", "id": 1, "translate": [0.1, 0, 0]})
    before = client.get("/scene").json()
    body = {"/save": {"name": "http_csrf"}, "/edit": {"op": "delete", "id": 2}, "/camera": {"azimuth": 10}}
    response = client.post(path, json=body.get(path), headers=headers)
    assert response.status_code == 403 and ("refused" in response.json()["error"] or "Host" in response.json()["error"])
    assert client.get("/scene").json() == before and not (editor_scene_dir / "http_csrf").exists()


def test_the_editors_own_origin_and_loopback_names_are_served(client):
    for headers in ({"origin": BASE}, {"host": "localhost:8765", "origin": "http://localhost:8765"},
                    {"sec-fetch-site": "same-origin"}):
        assert client.post("/camera", json={"azimuth": 20}, headers=headers).status_code == 200


def test_request_bodies_are_capped(client):
    big = '{"text": "' + "x" * (MAX_BODY_BYTES + 10) + '"}'
    response = client.post("/instruction", content=big, headers={"content-type": "application/json"})
    assert response.status_code == 413 and "over the limit" in response.json()["error"]


def test_serving_beyond_loopback_needs_an_explicit_flag(editor_scene_dir):
    with pytest.raises(UserError, match="--allow-remote"):
        serve(editor_scene_dir, host="0.0.0.0", port=free_port())
