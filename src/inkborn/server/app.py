"""The server: `create_app(studio)` builds the HTTP API, the OpenAI-compatible endpoint and the page.

State lives on the app (`app.state`), never in module globals: the studio, the tokens, the line
for the model and the model's worker thread. Errors are converted here, at the edge, into the
OpenAI error shape with a sentence a person can act on (see docs/http.md).
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from contextlib import asynccontextmanager
from importlib.resources import files
from typing import AsyncIterator

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import FileResponse, JSONResponse
from fastapi.staticfiles import StaticFiles

from ..errors import InkbornError
from ..studio import Studio
from . import openai_api, rest
from .access import Keys
from .guard import Guard
from .problems import Problem, as_problem, error_body
from .queue import Line

__all__ = ["create_app"]

WEB = files("inkborn.server") / "web"


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
    app.state.keys = keys or Keys(studio.home, studio.store)
    app.state.line = Line()
    app.state.worker = ThreadPoolExecutor(1, thread_name_prefix="inkborn-model")

    @app.exception_handler(Problem)
    @app.exception_handler(InkbornError)
    async def _problem(request: Request, exc: Exception) -> JSONResponse:
        problem = as_problem(exc)
        return JSONResponse(error_body(problem), status_code=problem.status)

    @app.exception_handler(RequestValidationError)
    async def _invalid(request: Request, exc: RequestValidationError) -> JSONResponse:
        where = "; ".join(
            f"{'.'.join(str(p) for p in e.get('loc', ())[1:]) or 'body'}: {e.get('msg', 'invalid')}"
            for e in exc.errors()
        )
        return JSONResponse(error_body(Problem(400, "invalid_input", f"the request is not as expected ({where})")),
                            status_code=400)

    app.include_router(rest.router)
    app.include_router(openai_api.router)
    app.mount("/static", StaticFiles(directory=str(WEB)), name="static")

    @app.get("/", include_in_schema=False)
    def page() -> FileResponse:
        return FileResponse(str(WEB / "index.html"), headers={"Cache-Control": "no-cache"})

    return app
