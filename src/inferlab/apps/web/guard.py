"""Request guard of the web front ends (ASSIST editor, HALMA play page): own origin only, bodies capped.

A page on another site can make the browser POST to http://127.0.0.1:PORT (CSRF), and a rebinding DNS name can
make the browser treat the editor as that site's own server (DNS rebinding). So every request must name a host
the editor answers to (Host header), and a request that comes from a page (Origin header) must come from the
editor's own page. Bodies are capped so that one request cannot hold the session lock for minutes.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from urllib.parse import urlsplit

from fastapi import Request, Response
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse

LOOPBACK_HOSTS = frozenset({"127.0.0.1", "localhost", "::1"})
MAX_BODY_BYTES = 64 * 1024
"""The largest request body: an edit or an instruction is a few hundred bytes."""


def _hostname(netloc: str) -> str | None:
    try:
        return urlsplit(f"//{netloc}").hostname
    except ValueError:
        return None


def refusal(request: Request, allowed_hosts: frozenset[str] | None) -> JSONResponse | None:
    """The error response for a request the editor must not serve, or None. `allowed_hosts` None = any host
    (the explicit remote mode), but a page's Origin must still be the host it talks to."""
    host = request.headers.get("host", "")
    if allowed_hosts is not None and _hostname(host) not in allowed_hosts:
        return JSONResponse({"error": f"Host {host!r} is not this editor's; open it as http://127.0.0.1:PORT/."},
                            status_code=403)
    origin = request.headers.get("origin")
    if origin is not None and (urlsplit(origin).scheme not in ("http", "https") or urlsplit(origin).netloc != host):
        return JSONResponse({"error": f"Requests from {origin} are refused: only the editor's own page may send "
                             "them."}, status_code=403)
    if request.headers.get("sec-fetch-site") == "cross-site":
        return JSONResponse({"error": "Cross-site requests are refused."}, status_code=403)
    if request.method not in ("GET", "HEAD"):
        length = request.headers.get("content-length")
        if length is None and request.headers.get("transfer-encoding"):
            return JSONResponse({"error": "Send a Content-Length with the body."}, status_code=411)
        if length is not None and (not length.isdigit() or int(length) > MAX_BODY_BYTES):
            return JSONResponse({"error": f"Request body of {length} bytes is over the limit of {MAX_BODY_BYTES}."},
                                status_code=413)
    return None


def guard_middleware(allowed_hosts: frozenset[str] | None
                     ) -> Callable[[Request, Callable[[Request], Awaitable[Response]]], Awaitable[Response]]:
    async def guard(request: Request, call_next: Callable[[Request], Awaitable[Response]]) -> Response:
        return refusal(request, allowed_hosts) or await call_next(request)

    return guard


async def validation_error_response(_: Request, err: RequestValidationError) -> JSONResponse:
    """A malformed request's 422 as one line, {"error": "Bad request: body.x: <why>; ..."}, as every app answers."""
    problems = "; ".join(f"{'.'.join(str(p) for p in e['loc'])}: {e['msg']}" for e in err.errors())
    return JSONResponse({"error": f"Bad request: {problems}."}, status_code=422)
