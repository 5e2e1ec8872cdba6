"""The published OpenAPI schema (`/api/openapi.json`), as the server really answers.

Each route lists its own errors (`problems.errors`). FastAPI adds a 422 to every route that takes
input, but this server answers a request that is not as expected with 400 `invalid_input` in the
one error shape (app.py), so here that 422 becomes the 400. Every route that needs a token says so.
"""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI
from fastapi.openapi.utils import get_openapi

from .problems import WHEN

__all__ = ["openapi"]

TOKEN = {"type": "http", "scheme": "bearer",
         "description": "The author's token (`inkborn token`) or a visitor's (`inkborn invite SLUG NAME`)"}
INVALID = {"description": WHEN[400],
           "content": {"application/json": {"schema": {"$ref": "#/components/schemas/ErrorBody"}}}}


def openapi(app: FastAPI) -> dict[str, Any]:
    """The app's schema, made once: FastAPI's, with 400 for 422 and the token's security scheme."""
    if app.openapi_schema is None:
        schema = get_openapi(title=app.title, version=app.version, summary=app.summary, routes=app.routes)
        for operation in (op for path in schema["paths"].values() for op in path.values()):
            responses = operation["responses"]
            if responses.pop("422", None) is not None:
                responses.setdefault("400", INVALID)
            if "401" in responses:
                operation["security"] = [{"token": []}]
        components = schema.setdefault("components", {})
        for unused in ("HTTPValidationError", "ValidationError"):
            components.get("schemas", {}).pop(unused, None)
        components["securitySchemes"] = {"token": TOKEN}
        app.openapi_schema = schema
    return app.openapi_schema
