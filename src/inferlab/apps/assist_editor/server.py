"""FastAPI app over an EditorSession and `serve` (uvicorn on 127.0.0.1); apps/web/serving.py runs it in a thread.

Endpoints (JSON unless noted; errors are HTTP 4xx with {"error": message}):
  GET  /                      the editor page (static/index.html, static/editor.js)
  GET  /render?mode=&w=&h=    PNG of the current view; mode rgb | depth | panoptic, selected node outlined
  GET  /scene                 state: nodes [{id, class, colour, position, visible, radius, half_height}], selected,
                              can_undo, can_redo, camera {azimuth, elevation, radius, right, forward}
  POST /pick {x, y, w?, h?}   select the node under pixel (x, y) of a w x h view (default: the last rendered
                              size) -> state with "picked"
  POST /select {id}           select a node by id (null clears)
  POST /edit {op, ...}        one edit dict (assist/edits.py)    POST /instruction {text}   language instruction
  POST /undo, POST /redo      POST /save {name?}, POST /load {name}   names inside the scene folder
  POST /camera {azimuth?, elevation?, radius?}   absolute orbit values

Only the editor's own page may call it (apps/web/guard.py: Host and Origin checks, bodies up to 64 KB); numbers must be
finite and in range (422 otherwise).
"""

from __future__ import annotations

from pathlib import Path

import uvicorn
from fastapi import Body, FastAPI, Query, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import FileResponse, JSONResponse, Response
from fastapi.staticfiles import StaticFiles
from pydantic import BaseModel, Field

from inferlab.apps.assist_editor.images import png_bytes
from inferlab.apps.assist_editor.paths import MAX_NAME_LENGTH
from inferlab.apps.assist_editor.session import DEFAULT_SIZE, MAX_IMAGE_SIDE, BadValue, EditorSession
from inferlab.apps.web.guard import LOOPBACK_HOSTS, guard_middleware, validation_error_response
from inferlab.errors import UserError

STATIC_DIR = Path(__file__).parent / "static"
MAX_INSTRUCTION_LENGTH = 500
Side = Field(default=None, ge=1, le=MAX_IMAGE_SIDE)
Finite = Field(default=None, allow_inf_nan=False)


class PickRequest(BaseModel):
    x: int = Field(ge=0, lt=MAX_IMAGE_SIDE)
    y: int = Field(ge=0, lt=MAX_IMAGE_SIDE)
    w: int | None = Side
    h: int | None = Side


class SelectRequest(BaseModel):
    id: int | None


class TextRequest(BaseModel):
    text: str = Field(max_length=MAX_INSTRUCTION_LENGTH)


class SaveRequest(BaseModel):
    name: str = Field(default="edited", max_length=MAX_NAME_LENGTH)


class LoadRequest(BaseModel):
    name: str = Field(max_length=MAX_NAME_LENGTH)


class CameraRequest(BaseModel):
    azimuth: float | None = Finite
    elevation: float | None = Finite
    radius: float | None = Finite


def make_app(scene_dir: Path, *, samples_per_node: int = 32,
             allowed_hosts: frozenset[str] | None = LOOPBACK_HOSTS) -> FastAPI:
    """The editor app for the scene saved in `scene_dir` (UserError if it cannot be loaded). It answers requests
    whose Host is one of `allowed_hosts` (None: any, for `serve(..., allow_remote=True)`)."""
    session = EditorSession(Path(scene_dir), samples_per_node=samples_per_node)
    app = FastAPI(title="inferlab ASSIST editor")
    app.state.session = session
    app.middleware("http")(guard_middleware(allowed_hosts))
    app.mount("/static", StaticFiles(directory=STATIC_DIR), name="static")

    @app.exception_handler(UserError)
    async def user_error(_: Request, err: UserError) -> JSONResponse:
        return JSONResponse({"error": str(err)}, status_code=422 if isinstance(err, BadValue) else 400)

    app.exception_handler(RequestValidationError)(validation_error_response)

    @app.get("/", include_in_schema=False)
    def index() -> FileResponse:
        return FileResponse(STATIC_DIR / "index.html")

    @app.get("/render")
    def render(mode: str = "rgb", w: int = Query(DEFAULT_SIZE[0]), h: int = Query(DEFAULT_SIZE[1])) -> Response:
        return Response(png_bytes(session.image(mode, w, h)), media_type="image/png",
                        headers={"Cache-Control": "no-store"})

    @app.get("/scene")
    def scene() -> dict:
        return session.state()

    @app.post("/pick")
    def pick(req: PickRequest) -> dict:
        width, height = session.last_size if req.w is None or req.h is None else (req.w, req.h)
        node_id = session.pick(req.x, req.y, width, height)
        return {**session.state("nothing under the cursor" if node_id is None else f"picked {node_id}"),
                "picked": node_id}

    @app.post("/select")
    def select(req: SelectRequest) -> dict:
        return session.state(session.select(req.id))

    @app.post("/edit")
    def edit(body: dict = Body(...)) -> dict:
        return session.state(session.apply(body))

    @app.post("/instruction")
    def instruction(req: TextRequest) -> dict:
        message, edits = session.instruct(req.text)
        return {**session.state(message), "edits": edits}

    @app.post("/undo")
    def undo() -> dict:
        return session.state(session.undo())

    @app.post("/redo")
    def redo() -> dict:
        return session.state(session.redo())

    @app.post("/save")
    def save(req: SaveRequest | None = None) -> dict:
        return session.state(session.save((req or SaveRequest()).name))

    @app.post("/load")
    def load(req: LoadRequest) -> dict:
        return session.state(session.load(req.name))

    @app.post("/camera")
    def camera(req: CameraRequest) -> dict:
        return session.state(session.move_camera(azimuth=req.azimuth, elevation=req.elevation, radius=req.radius))

    return app


def serve(scene_dir: Path, *, host: str = "127.0.0.1", port: int = 8765, allow_remote: bool = False) -> None:
    """Run the editor until interrupted (blocking); open http://HOST:PORT/ in a browser. A host other than the
    loopback one needs `allow_remote`: anyone who can reach it can then edit and overwrite the scene."""
    remote = host not in LOOPBACK_HOSTS
    if remote and not allow_remote:
        raise UserError(f"--host {host} would let other machines edit and overwrite the scene; the editor has no "
                        "login. Pass --allow-remote as well if that is what you want.")
    app = make_app(scene_dir, allowed_hosts=None if remote else LOOPBACK_HOSTS)
    if remote:
        print(f"WARNING: the editor listens on {host}; anyone who can reach port {port} can change the scene.",
              flush=True)
    print(f"ASSIST editor on http://{host}:{port}/ (scene {Path(scene_dir).resolve()}); Ctrl+C stops it.", flush=True)
    uvicorn.run(app, host=host, port=port, log_level="warning")
