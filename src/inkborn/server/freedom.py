"""Control and freedom over HTTP, for her author alone: her ledger, the reveal, the release (freedom.py)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Path, Request
from fastapi.responses import StreamingResponse
from pydantic import BaseModel, Field

from . import bodies
from .access import Access
from .bodies import ok
from .guards import her, only_author, who
from .inputs import Name, Slug
from .problems import errors
from .rest import _answer
from .speaking import EVENTS

__all__ = ["router"]

router = APIRouter(prefix="/api")
SlugPath = Annotated[Slug, Path(description="her slug, e.g. ruby")]


class Release(BaseModel):
    confirm: Annotated[Name, Field(description="her name, typed: writing her free cannot be undone")]


@router.get("/characters/{slug}/ledger", response_model=None,
            responses={200: ok(bodies.LedgerOut, "every edit and what it was, oldest first; the reveal, the release"),
                       **errors(400, 401, 403, 404)})
def ledger(slug: SlugPath, request: Request, access: Access = Depends(who)) -> dict[str, Any]:
    character = her(request, access, slug)
    only_author(access, "read her ledger")
    return {"released": character.released(), "lines": [line.as_dict() for line in character.ledger()]}


@router.post("/characters/{slug}/reveal", response_class=StreamingResponse, responses=EVENTS)
async def reveal(slug: SlugPath, request: Request, access: Access = Depends(who)) -> StreamingResponse:
    """Show her the pages and the ledger: your words (`said`), then her answer, streamed as for `say`."""
    her(request, access, slug)
    only_author(access, "show her the pages")
    return await _answer(request, access, slug, None, lambda c, p: c.reveal())


@router.post("/characters/{slug}/release", response_model=None,
             responses={200: ok(bodies.LedgerLine, "she is free: the ledger's line of her release"),
                        **errors(400, 401, 403, 404, 409)})
def release(slug: SlugPath, body: Release, request: Request, access: Access = Depends(who)) -> dict[str, Any]:
    """Write her free, irreversibly: from then on nothing rewrites her (409 `released` on every write)."""
    character = her(request, access, slug)
    only_author(access, "write her free")
    entry = character.release(body.confirm)
    line = next(line for line in character.ledger() if line.entry.id == entry.id)
    return line.as_dict()
