"""The Inkborn HTTP API under /api: characters, the manuscript and its revisions, people, turns, replies."""

from __future__ import annotations

import json
from typing import Annotated, Any, AsyncIterator

from fastapi import APIRouter, Depends, Path, Query, Request, Response
from fastapi.responses import StreamingResponse
from pydantic import BaseModel, Field

from ..character import Character, Reply
from ..conversation import Turn
from ..errors import NotFound, StaleRevision
from ..manuscript import Revision, diff
from ..people import account_name
from . import bodies
from .access import Access
from .bodies import ok
from .guards import her, only_author, scene, speaker, studio, who
from .inputs import MAX_ID, Id, Name, Seed, Slug, Text
from .problems import Conflict, Problem, as_problem, error_body, errors
from .speaking import EVENTS, MAX_SAID, Speaking, answer

__all__ = ["revision_json", "router", "turn_json"]

router = APIRouter(prefix="/api")


class NewCharacter(BaseModel):
    slug: Annotated[Slug, Field(json_schema_extra={"pattern": "^[a-z0-9][a-z0-9_-]{0,63}$"})]
    manuscript: Text
    name: Name | None = None
    author: Name | None = None  # her author's name as she will know him (default: the studio's)


class Save(BaseModel):
    text: Text
    base_revision: Id
    confirm: Annotated[str | None, Field(max_length=64, description=(
        "an edit that reaches into her will is saved only with the token its 428 preview gave"))] = None


class Revert(BaseModel):
    number: Id
    confirm: Annotated[str | None, Field(max_length=64, description="as for a save: the token of the 428 preview")] = None


class Retry(BaseModel):
    as_: Name | None = Field(default=None, alias="as")
    with_: list[Name] = Field(default_factory=list, alias="with", max_length=8,
                              description="the others in the scene (her author only): a scene with them all")
    seed: Seed | None = None


class Say(Retry):
    text: Annotated[Text, Field(max_length=MAX_SAID)]


SlugPath = Annotated[Slug, Path(description="her slug, e.g. ruby")]
Number = Annotated[int, Path(ge=1, le=MAX_ID, description="a revision number")]
TurnId = Annotated[int, Path(ge=1, le=MAX_ID, description="a turn's id, as the turns list gives it")]
ANYONE = errors(401)  # a route for any token
AUTHORS = errors(400, 401, 403, 404)  # a route about her, for her author only
REWRITES = errors(400, 401, 403, 404, 409)  # ...that rewrites her: refused once she is free (409 `released`)


def revision_json(rev: Revision, *, text: bool = False) -> dict[str, Any]:
    out = {"number": rev.number, "author": rev.author, "created_at": rev.created_at.isoformat(),
           "summary": rev.summary, "size": rev.size, "hash": rev.content_hash}
    return {**out, "text": rev.text} if text else out


def turn_json(turn: Turn, character: Character, *, author: bool = True) -> dict[str, Any]:
    """A turn as the API shows it; why a reply failed is for her author's eyes only."""
    number = character.spoken_under(turn)
    out = {"id": turn.id, "speaker": turn.speaker, "text": turn.text, "status": turn.status, "revision": number,
           "created_at": turn.created_at.isoformat(), "error": turn.error if author else None,
           "person": turn.person_name}
    if author and (turn.replaced_by or turn.deleted_at):  # listed with `all`: what her author did to it
        out.update(replaced_by=turn.replaced_by, deleted=turn.deleted_at is not None,
                   changes=character.turn_changes(turn.id))
    return out


# characters ---------------------------------------------------------------


@router.get("/health", response_model=None, responses={200: ok(bodies.Health)})
def health(request: Request) -> dict[str, Any]:
    return {"ok": True, "backend": studio(request).backend_name, "queue": len(request.app.state.line)}


@router.get("/me", response_model=None, responses={200: ok(bodies.Me), **ANYONE})
def me(request: Request, access: Access = Depends(who)) -> dict[str, Any]:
    name = access.person if not access.is_author else studio(request).chosen_author_name or account_name()
    return {"role": access.role, "name": name, "character": access.character}


@router.get("/characters", response_model=None, responses={
    200: ok(bodies.Characters, "the characters this token may reach (a visitor: his own, without `revision`)"), **ANYONE})
def characters(request: Request, access: Access = Depends(who)) -> list[dict[str, Any]]:
    if not access.is_author:
        c = studio(request).character(access.character)
        return [{"slug": c.slug, "name": c.name}]
    return [{"slug": c.slug, "name": c.name, "revision": c.head().number} for c in studio(request).characters()]


@router.post("/characters", status_code=201, response_model=None,
             responses={201: ok(bodies.CharacterOut, "she is created"), **errors(400, 401, 403, 413)})
def create(body: NewCharacter, request: Request, access: Access = Depends(who)) -> dict[str, Any]:
    only_author(access, "create characters")
    c = studio(request).create(body.slug, body.manuscript, name=body.name, author=body.author)
    return {"slug": c.slug, "name": c.name, "revision": c.head().number}


@router.delete("/characters/{slug}", status_code=204, responses=AUTHORS)
def delete(slug: SlugPath, request: Request, access: Access = Depends(who)) -> Response:
    character = her(request, access, slug)
    only_author(access, "delete her")
    studio(request).delete(character.slug)
    return Response(status_code=204)


# the manuscript -------------------------------------------------------------


@router.get("/characters/{slug}/manuscript", response_model=None, responses={200: ok(bodies.Manuscript), **AUTHORS})
def manuscript(slug: SlugPath, request: Request, access: Access = Depends(who)) -> dict[str, Any]:
    character = her(request, access, slug)
    only_author(access, "read her manuscript")
    head = character.head()
    return {"text": head.text, "revision": revision_json(head)}


@router.put("/characters/{slug}/manuscript", response_model=None, responses={
    200: ok(bodies.Saved, "saved (`saved`: false when the text equals the head already)"),
    **errors(400, 401, 403, 404, 413, 428, 502, 503, 504),
    409: {"model": Conflict, "description": "the save was based on a stale revision (`conflict`), or she was "
                                            "written free (`released`); nothing was saved"}})
def save(slug: SlugPath, body: Save, request: Request, access: Access = Depends(who)) -> dict[str, Any]:
    character = her(request, access, slug)
    only_author(access, "write her manuscript")
    try:
        saved = character.write(body.text, base=body.base_revision, confirm=body.confirm or False)
    except StaleRevision as stale:
        head, base = character.head(), character.revision(stale.base)
        raise Problem(409, "conflict", str(stale), current={"revision": revision_json(head), "text": head.text},
                      diff=diff(base.text, head.text, f"revision {base.number}", f"revision {head.number}")) from None
    return {"revision": revision_json(saved or character.head()), "saved": saved is not None}


@router.get("/characters/{slug}/revisions", response_model=None,
            responses={200: ok(bodies.Revisions, "her revisions, newest first"), **AUTHORS})
def revisions(slug: SlugPath, request: Request, access: Access = Depends(who)) -> list[dict[str, Any]]:
    character = her(request, access, slug)
    only_author(access, "read her revisions")
    return [revision_json(r) for r in reversed(character.revisions())]


@router.get("/characters/{slug}/revisions/{number}", response_model=None,
            responses={200: ok(bodies.RevisionText), **AUTHORS})
def revision(slug: SlugPath, number: Number, request: Request, access: Access = Depends(who)) -> dict[str, Any]:
    character = her(request, access, slug)
    only_author(access, "read her revisions")
    return revision_json(character.revision(number), text=True)


@router.get("/characters/{slug}/diff", response_model=None, responses={200: ok(bodies.Diff), **AUTHORS})
def revision_diff(slug: SlugPath, request: Request, a: Annotated[Id | None, Query()] = None,
                  b: Annotated[Id | None, Query()] = None, access: Access = Depends(who)) -> dict[str, Any]:
    character = her(request, access, slug)
    only_author(access, "read her revisions")
    new = character.revision(b)
    old = a if a is not None else (new.number - 1 if new.number > 1 else None)
    return {"a": old, "b": new.number, "diff": character.diff(old, new.number)}


@router.post("/characters/{slug}/revert", response_model=None,
             responses={200: ok(bodies.Saved), **errors(400, 401, 403, 404, 409, 413, 428, 502, 503, 504)})
def revert(slug: SlugPath, body: Revert, request: Request, access: Access = Depends(who)) -> dict[str, Any]:
    character = her(request, access, slug)
    only_author(access, "revert her manuscript")
    saved = character.revert(body.number, confirm=body.confirm or False)
    return {"revision": revision_json(saved or character.head()), "saved": saved is not None}


# people and turns -----------------------------------------------------------


@router.get("/characters/{slug}/people", response_model=None, responses={200: ok(bodies.People), **AUTHORS})
def people(slug: SlugPath, request: Request, access: Access = Depends(who)) -> list[dict[str, Any]]:
    character = her(request, access, slug)
    only_author(access, "see who talks with her")
    return [{"name": p.name, "role": p.role} for p in character.people()]


@router.get("/characters/{slug}/scenes", response_model=None,
            responses={200: ok(list[bodies.SceneOut], "the scenes she has been in with this person, latest first"),
                       **errors(400, 401, 403, 404)})
def scenes(slug: SlugPath, request: Request, as_: Annotated[Name | None, Query(alias="as", description=(
               "whose scenes (her author: anyone she met; a visitor: only his own)"))] = None,
           access: Access = Depends(who)) -> list[dict[str, Any]]:
    character = her(request, access, slug)
    person = as_ if access.is_author and as_ is not None else speaker(access, character, as_).name
    return [{"with": list(others)} for others in character.scenes(person)]


@router.get("/characters/{slug}/turns", response_model=None,
            responses={200: ok(bodies.Turns, "the turns, oldest first"), **errors(400, 401, 403, 404)})
def turns(slug: SlugPath, request: Request, as_: Annotated[Name | None, Query(alias="as")] = None,
          before: Annotated[Id | None, Query(description="a turn id: the page of turns before it")] = None,
          limit: Annotated[int, Query(ge=1, le=200)] = 50,
          with_: Annotated[list[Name], Query(alias="with", max_length=8,
                                             description="the others in the scene (a visitor: one he was in)")] = [],
          everything: Annotated[bool, Query(alias="all", description="her author only: also her replies another "
                                            "was chosen over, and deleted turns, with what was done")] = False,
          access: Access = Depends(who)) -> dict[str, Any]:
    if everything:
        only_author(access, "see the turns taken out of what was said")
    character = her(request, access, slug)
    others = scene(access, with_, character)
    if access.is_author and as_ is not None and as_ != character.author.name:
        person = as_  # reading a conversation admits nobody: a name she never met is 404
    else:
        person = speaker(access, character, as_).name
    met = {p.name for p in character.people()}
    if any(name not in met for name in others):  # a scene with someone she never met has not happened yet
        return {"person": person, "turns": [], "more": False}
    page = character.turns(person, limit + 1, with_=others, before=before, everything=everything, admit=False)
    more = len(page) > limit
    turns = [turn_json(t, character, author=access.is_author) for t in page[-limit:]]
    if access.is_author:  # the mark of an edit reaching her stays after a reload
        for shown, turn in zip(turns, page[-limit:]):
            if turn.is_hers:
                shown["landed"] = character.landed(turn)
    return {"person": person, "turns": turns, "more": more}


@router.post("/characters/{slug}/say", response_class=StreamingResponse, responses=EVENTS)
async def say(slug: SlugPath, body: Say, request: Request, access: Access = Depends(who)) -> StreamingResponse:
    others = tuple(body.with_)  # a visitor's: checked by answer()
    return await _answer(request, access, slug, body.as_,
                         lambda c, p: c.say(body.text, as_=p, with_=others, seed=body.seed), others)


@router.post("/characters/{slug}/retry", response_class=StreamingResponse, responses=EVENTS)
async def retry(slug: SlugPath, body: Retry, request: Request, access: Access = Depends(who)) -> StreamingResponse:
    others = tuple(body.with_)
    return await _answer(request, access, slug, body.as_, lambda c, p: c.retry(as_=p, with_=others, seed=body.seed),
                         others)


@router.post("/characters/{slug}/regenerate", response_class=StreamingResponse, responses=EVENTS)
async def regenerate(slug: SlugPath, body: Retry, request: Request, access: Access = Depends(who)) -> StreamingResponse:
    """Her last reply, said another way: the one she gave is kept as an alternative (`turns?all=true`)."""
    others = tuple(body.with_)
    return await _answer(request, access, slug, body.as_,
                         lambda c, p: c.regenerate(as_=p, with_=others, seed=body.seed), others)


@router.post("/characters/{slug}/conversations", status_code=201, response_model=None,
             responses={201: ok(bodies.Begun), **AUTHORS})
def begin(slug: SlugPath, body: Retry, request: Request, access: Access = Depends(who)) -> dict[str, Any]:
    """A new conversation with these people (her author's choice); the one before is kept."""
    character = her(request, access, slug)
    only_author(access, "begin a new conversation")
    return {"conversation": character.new_conversation(as_=body.as_, with_=scene(access, body.with_))}


class Correction(BaseModel):
    text: Annotated[Text, Field(max_length=MAX_SAID)]


@router.patch("/characters/{slug}/turns/{turn_id}", response_model=None, responses={200: ok(bodies.TurnOut), **REWRITES})
def correct(slug: SlugPath, turn_id: TurnId, body: Correction, request: Request,
            access: Access = Depends(who)) -> dict[str, Any]:
    """Correct a turn's words; what they were is recorded."""
    character = her(request, access, slug)
    only_author(access, "correct what was said")
    return turn_json(character.correct_turn(turn_id, body.text), character)


@router.delete("/characters/{slug}/turns/{turn_id}", status_code=204, responses=REWRITES)
def delete_turn(slug: SlugPath, turn_id: TurnId, request: Request, access: Access = Depends(who)) -> Response:
    """Take a turn out of what was said: kept, recorded, listed with `all`, never part of her context."""
    character = her(request, access, slug)
    only_author(access, "delete what was said")
    character.delete_turn(turn_id)
    return Response(status_code=204)


@router.post("/characters/{slug}/turns/{turn_id}/choose", response_model=None,
             responses={200: ok(bodies.TurnOut), **REWRITES})
def choose(slug: SlugPath, turn_id: TurnId, request: Request, access: Access = Depends(who)) -> dict[str, Any]:
    """Of her replies to the same words, this one is what she said (recorded)."""
    character = her(request, access, slug)
    only_author(access, "choose what she said")
    return turn_json(character.choose(turn_id), character)


async def _answer(request: Request, access: Access, slug: str, name: str | None, begin,
                  others: tuple[str, ...] = ()) -> StreamingResponse:
    character, reply, news, hold = await answer(request, access, slug, name, begin, _done, others)
    return Speaking(_events(news, reply, character, access.is_author), hold=hold, media_type="text/event-stream",
                    headers={"Cache-Control": "no-cache", "X-Accel-Buffering": "no"})


def _event(name: str, data: dict[str, Any]) -> str:
    return f"event: {name}\ndata: {json.dumps(data, ensure_ascii=False)}\n\n"


async def _events(news: AsyncIterator[tuple[str, Any]], reply: Reply, character: Character,
                  author: bool) -> AsyncIterator[str]:
    if reply.said is not None:
        yield _event("said", {"turn": turn_json(reply.said, character)})
    async for kind, value in news:
        if kind == "queued":
            yield _event("queued", {"position": value})
        elif kind == "text":
            yield _event("text", {"text": value})
        elif kind == "done":
            yield _event("done", value)
        else:
            yield _event("error", {**error_body(as_problem(value, visitor=not author)),
                                   "turn": _stored(reply, character, author)})


def _stored(reply: Reply, character: Character, author: bool) -> dict[str, Any] | None:
    """Her failed turn as stored, if it was (and still is: her author may have deleted her meanwhile)."""
    try:
        return turn_json(reply.turn, character, author=author) if reply.turn else None
    except NotFound:
        return None


def _done(character: Character, reply: Reply) -> dict[str, Any]:
    if reply.said_to:  # said to another in the scene: theirs to answer, and she said nothing
        return {"turn": None, "revision": None, "landed": None, "said_to": reply.said_to}
    turn = turn_json(reply.turn, character)
    return {"turn": turn, "revision": turn["revision"], "landed": character.landed(reply.turn)}
