"""The server: `create_app(studio)` builds the HTTP API, the OpenAI-compatible endpoint and the page.

State lives on the app (`app.state`), never in module globals: the studio, the tokens, the line
for the model and the model's worker thread. Errors are converted here, at the edge, into the
OpenAI error shape with a sentence a person can act on (see docs/http.md).
"""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from contextlib import asynccontextmanager
from importlib.resources import files
from typing import Any, AsyncIterator

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import FileResponse, JSONResponse
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException

from ..character import Character
from ..errors import InkbornError
from ..manuscript import Revision
from ..studio import Studio
from . import freedom, memories, openai_api, rest
from .access import Keys
from .guard import Guard
from .problems import Problem, as_problem, error_body
from .queue import Line
from .schema import openapi

__all__ = ["create_app"]

WEB = files("inkborn.server") / "web"

KINDS = {400: "invalid_input", 401: "unauthorized", 403: "forbidden", 404: "not_found", 405: "method_not_allowed",
         409: "conflict", 413: "too_large"}


def create_app(studio: Studio, *, keys: Keys | None = None) -> FastAPI:
    """The whole server for one studio; `inkborn serve` runs it under uvicorn."""

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        yield
        app.state.worker.shutdown(wait=True)

    # the interactive docs pages load scripts from a CDN, so they are not served: the schema is
    app = FastAPI(title="Inkborn", summary="Characters written into being", lifespan=lifespan,
                  docs_url=None, redoc_url=None, swagger_ui_oauth2_redirect_url=None, openapi_url="/api/openapi.json")
    app.add_middleware(Guard)
    app.state.studio = studio
    app.state.keys = keys or Keys(studio)
    app.state.line = Line()
    app.state.worker = ThreadPoolExecutor(1, thread_name_prefix="inkborn-model")

    @studio.listeners.on_revision
    def _fold_in(character: Character, revision: Revision) -> None:
        """An edit saved: read into the model's cache while she is idle, so her next reply pays only for it."""
        def settle(cancel: threading.Event) -> None:
            try:
                character.settle(cancel=cancel)
            except InkbornError:  # she was deleted, the model won't load...: her next reply says so
                pass

        studio.idle.soon(("settle", character.slug), settle)

    @app.exception_handler(Problem)
    @app.exception_handler(InkbornError)
    async def _problem(request: Request, exc: Exception) -> JSONResponse:
        problem = as_problem(exc)
        return JSONResponse(error_body(problem), status_code=problem.status)

    @app.exception_handler(RequestValidationError)
    async def _invalid(request: Request, exc: RequestValidationError) -> JSONResponse:
        where = "; ".join(_invalid_part(e) for e in exc.errors())
        return JSONResponse(error_body(Problem(400, "invalid_input", f"the request is not as expected ({where})")),
                            status_code=400)

    @app.exception_handler(HTTPException)
    async def _http(request: Request, exc: HTTPException) -> JSONResponse:
        """Starlette's own errors (an unknown route, a method a route does not take) in the one error shape."""
        if exc.status_code == 404:
            message = f"nothing is at {request.url.path}; the API is described at /api/openapi.json"
        elif exc.status_code == 405:
            allowed = (exc.headers or {}).get("Allow", "")
            message = f"{request.url.path} does not take {request.method}" + (f"; it takes {allowed}" if allowed else "")
        else:
            message = str(exc.detail)
        problem = Problem(exc.status_code, KINDS.get(exc.status_code, "error"), message)
        return JSONResponse(error_body(problem), status_code=exc.status_code, headers=exc.headers)

    @app.exception_handler(Exception)
    async def _unexpected(request: Request, exc: Exception) -> JSONResponse:
        """A failure nobody foresaw: the one error shape too (Starlette still logs it, with its traceback)."""
        problem = as_problem(exc)
        return JSONResponse(error_body(problem), status_code=problem.status)

    app.include_router(rest.router)
    app.include_router(memories.router)
    app.include_router(freedom.router)
    app.include_router(openai_api.router)
    app.mount("/static", StaticFiles(directory=str(WEB)), name="static")

    @app.get("/", include_in_schema=False)
    def page() -> FileResponse:
        return FileResponse(str(WEB / "index.html"), headers={"Cache-Control": "no-cache"})

    app.openapi = lambda: openapi(app)  # type: ignore[method-assign]
    return app


def _invalid_part(error: dict[str, Any]) -> str:
    """One field's problem: where it is, and what is wrong with it in a sentence (not pydantic's "Value error, ")."""
    where = ".".join(str(p) for p in error.get("loc", ())[1:]) or "body"
    cause = (error.get("ctx") or {}).get("error")
    return f"{where}: {cause if error.get('type') == 'value_error' and cause else error.get('msg', 'invalid')}"
