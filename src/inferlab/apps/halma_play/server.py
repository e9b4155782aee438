"""FastAPI app of the play page and `serve` (uvicorn, 127.0.0.1 only).

  GET  /            the page (static/index.html, static/play.js)
  GET  /state       panel (PNG data URL), counters, memo of the last 3 moves, trials so far, log file name
  POST /move {direction: 0..3, option: [1..3 primitives 0..3]}   one move (0 EOS, 1 +1, 2 +2, 3 x2) -> state
  POST /new {space?: int}                                         a new episode (next space by default) -> state

Bad requests get 4xx with {"error": message}: 422 for a malformed move, 409 for a move after the episode ended,
403 for another host or origin (apps/web/guard.py, shared with the ASSIST editor), 413 for a large body.
Only the log folder is written.
"""

from __future__ import annotations

from pathlib import Path

import uvicorn
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import FileResponse, JSONResponse
from fastapi.staticfiles import StaticFiles
from pydantic import BaseModel, Field

from inferlab.apps.web.guard import LOOPBACK_HOSTS, guard_middleware, validation_error_response
from inferlab.apps.halma_play.session import EpisodeOver, PlaySession
from inferlab.envs.halma import SPLITS, Space, generate_split
from inferlab.errors import UserError

STATIC_DIR = Path(__file__).parent / "static"


class MoveRequest(BaseModel):
    direction: int = Field(ge=0, le=3)
    option: list[int] = Field(min_length=1, max_length=3)


class NewRequest(BaseModel):
    space: int | None = Field(default=None, ge=0)


def make_app(log_dir: Path, *, split: str = "train", seed: int = 0, count: int = 20,
             spaces: list[Space] | None = None) -> FastAPI:
    """The play app over `spaces` (default: `count` spaces of `split` from `seed`), logging to `log_dir`."""
    if split not in SPLITS:
        raise UserError(f"Unknown HALMA split {split!r}; splits are {', '.join(SPLITS)}.")
    if Path(log_dir).exists() and not Path(log_dir).is_dir():
        raise UserError(f"--log-dir {log_dir} is a file; give a folder for the episode logs.")
    session = PlaySession(spaces or generate_split(split, seed, count), split, Path(log_dir), seed)
    app = FastAPI(title="inferlab HALMA play")
    app.state.session = session
    app.middleware("http")(guard_middleware(LOOPBACK_HOSTS))
    app.mount("/static", StaticFiles(directory=STATIC_DIR), name="static")

    app.exception_handler(RequestValidationError)(validation_error_response)

    @app.exception_handler(EpisodeOver)
    async def over(_: Request, err: EpisodeOver) -> JSONResponse:
        return JSONResponse({"error": str(err)}, status_code=409)

    @app.get("/", include_in_schema=False)
    def index() -> FileResponse:
        return FileResponse(STATIC_DIR / "index.html")

    @app.get("/state")
    def state() -> dict:
        return session.state()

    @app.post("/move")
    def move(req: MoveRequest) -> dict:
        if any(not 0 <= p <= 3 for p in req.option):
            return JSONResponse({"error": "Bad request: option primitives are 0 (EOS), 1 (+1), 2 (+2), 3 (x2)."},
                                status_code=422)
        return session.move(req.direction, req.option)

    @app.post("/new")
    def new(req: NewRequest | None = None) -> dict:
        index = (req or NewRequest()).space
        if index is not None and index >= len(session.env.spaces):
            return JSONResponse({"error": f"Space {index} does not exist: 0 to {len(session.env.spaces) - 1}."},
                                status_code=422)
        return session.new_episode(index)

    return app


def serve(*, split: str = "train", seed: int = 0, count: int = 20, log_dir: Path = Path("halma_logs"),
          host: str = "127.0.0.1", port: int = 8766) -> None:
    """Run the play page until interrupted (blocking). Only loopback hosts: the page has no login."""
    if host not in LOOPBACK_HOSTS:
        raise UserError(f"--host {host}: the play page serves this machine only (127.0.0.1, localhost or ::1).")
    app = make_app(log_dir, split=split, seed=seed, count=count)
    print(f"HALMA play on http://{host}:{port}/ (split {split}, logs in {Path(log_dir).resolve()}); Ctrl+C stops "
          "it.", flush=True)
    uvicorn.run(app, host=host, port=port, log_level="warning")
