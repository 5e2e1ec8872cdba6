"""Her memories over HTTP, for her author alone: what she remembers, deleting one (recorded), and her
sheet (who she is now: her canon, beliefs and wishes, and where they came from)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Path, Query, Request

from ..memory import Memory
from . import bodies
from .access import Access
from .bodies import ok
from .guards import her, only_author, who
from .inputs import Id, Name, Slug, Text
from .problems import errors

__all__ = ["memory_json", "router"]

router = APIRouter(prefix="/api")
SlugPath = Annotated[Slug, Path(description="her slug, e.g. ruby")]


def memory_json(memory: Memory) -> dict[str, Any]:
    return {"id": memory.id, "kind": memory.kind, "speaker": memory.speaker, "text": memory.text,
            "lived_at": memory.lived_at, "people": list(memory.people), "turn": memory.turn_id,
            "revision_id": memory.revision_id, "private": memory.private, "superseded_by": memory.superseded_by,
            "deleted_at": memory.deleted_at, "deleted_by": memory.deleted_by, "about": memory.about,
            "outgrown_by": memory.outgrown_by}


@router.get("/characters/{slug}/memories", response_model=None,
            responses={200: ok(list[bodies.MemoryOut], "her memories, newest first (or best first with `search`)"),
                       **errors(400, 401, 403, 404)})
def memories(slug: SlugPath, request: Request,
             about: Annotated[Name | None, Query(description="only what she lived with this person")] = None,
             search: Annotated[Text | None, Query(max_length=2000, description="memories that bear on these words, best first (as she recalls: by their words and what was said just before)")] = None,
             limit: Annotated[int, Query(ge=1, le=200)] = 50,
             everything: Annotated[bool, Query(alias="all", description="also those an edit superseded and "
                                               "those her author deleted")] = False,
             access: Access = Depends(who)) -> list[dict[str, Any]]:
    character = her(request, access, slug)
    only_author(access, "read her memories")
    return [memory_json(m) for m in character.memories(about=about, search=search, limit=limit, everything=everything)]


@router.delete("/characters/{slug}/memories/{memory_id}", response_model=None,
               responses={200: ok(bodies.MemoryOut, "the memory as deleted: kept, never recalled again"),
                          **errors(400, 401, 403, 404, 409)})
def forget(slug: SlugPath, memory_id: Annotated[Id, Path()], request: Request,
           access: Access = Depends(who)) -> dict[str, Any]:
    character = her(request, access, slug)
    only_author(access, "delete her memories")
    return memory_json(character.forget(memory_id))


@router.get("/characters/{slug}/sheet", response_model=None,
            responses={200: ok(bodies.SheetOut, "who she is now: her canon, what she believes of each person and "
                                                "wants, each with the memories it came from"),
                       **errors(400, 401, 403, 404)})
def sheet(slug: SlugPath, request: Request,
          everything: Annotated[bool, Query(alias="all", description="also what she no longer believes or "
                                            "wants")] = False,
          access: Access = Depends(who)) -> dict[str, Any]:
    character = her(request, access, slug)
    only_author(access, "read her sheet")
    return character.sheet(everything=everything).as_dict()
