"""The OpenAI-compatible endpoint under /v1: each character is a model; any chat client can talk to her.

Only the last `user` message is said to her, as the token's person: she remembers the rest from her
own store, and `system` or `assistant` messages a caller sends are ignored. Nothing a caller sends
becomes canon, and no caller can put words in her mouth (docs/http.md).
"""

from __future__ import annotations

import json
import time
from typing import Annotated, Any, AsyncIterator

from fastapi import APIRouter, Depends, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict, Field

from ..character import Character, Reply
from .access import Access
from .bodies import ChatCompletion, Models, ok
from .guards import studio, who
from .inputs import Name, Seed, Slug, Text
from .problems import WHEN, ErrorBody, Problem, as_problem, error_body, errors
from .speaking import MAX_SAID, Speaking, answer

__all__ = ["router"]

router = APIRouter(prefix="/v1")
MAX_CHOICES = 4  # her replies to one message, at most, in one request


class ContentPart(BaseModel):
    model_config = ConfigDict(extra="allow")
    type: str
    text: Text | None = None


class ChatMessage(BaseModel):
    model_config = ConfigDict(extra="allow")
    role: str
    content: Text | list[ContentPart] | None = None


class ChatRequest(BaseModel):
    model_config = ConfigDict(extra="allow")  # OpenAI clients send many fields; those not listed are hers to decide
    model: Annotated[Slug, Field(description="her slug")]
    messages: list[ChatMessage]
    stream: bool = False
    seed: Seed | None = None
    user: Annotated[Name | None, Field(description="the person who speaks (a visitor: only his own name)")] = None
    n: Annotated[int, Field(ge=1, le=MAX_CHOICES, description="her replies to choose from (without stream): all are "
                            "kept, like swipes, and the first is what she said")] = 1
    with_: list[Name] = Field(default_factory=list, alias="with", max_length=8,
                              description="the others in the scene (her author only; with the openai client, "
                                          "`extra_body={\"with\": [...]}`)")


COMPLETION = {  # the 200 of /v1/chat/completions, for the published schema
    200: {"model": ChatCompletion,
          "description": "her reply: a `chat.completion` as JSON, or with `stream` a `chat.completion.chunk` "
                         "stream as server-sent events",
          "content": {"text/event-stream": {"schema": {  # one event: a chunk, an error, or [DONE]
                          "type": "object", "required": ["data"], "properties": {"data": {"type": "string"}}}}}},
    **errors(400, 401, 403, 404, 409, 413, 502, 503, 504),
    413: {"model": ErrorBody,
          "description": f"{WHEN[413]}, or her manuscript does not fit the model's context (`manuscript_too_long`)"},
}


def _said(messages: list[ChatMessage]) -> str:
    for message in reversed(messages):
        if message.role == "user":
            if isinstance(message.content, list):
                text = " ".join(p.text or "" for p in message.content if p.type == "text").strip()
            else:
                text = (message.content or "").strip()
            if len(text) > MAX_SAID:
                raise Problem(400, "invalid_input",
                              f"the message is {len(text)} characters; she hears at most {MAX_SAID} at a time")
            return text
    raise Problem(400, "invalid_input", "messages has no user message: the last one is what you say to her")


@router.get("/models", response_model=None, responses={200: ok(Models), **errors(401)})
def models(request: Request, access: Access = Depends(who)) -> dict[str, Any]:
    slugs = [c.slug for c in studio(request).characters()] if access.is_author else [access.character]
    return {"object": "list", "data": [{"id": s, "object": "model", "created": 0, "owned_by": "inkborn"} for s in slugs]}


@router.post("/chat/completions", response_model=None, responses=COMPLETION)
async def chat(body: ChatRequest, request: Request, access: Access = Depends(who)):
    text = _said(body.messages)
    if body.n > 1 and body.stream:
        raise Problem(400, "invalid_input", "n > 1 is answered whole: leave out stream, or ask for one reply")
    others = tuple(body.with_)  # a visitor's: checked by answer()
    character, reply, news, hold = await answer(request, access, body.model, body.user,
                                                lambda c, person: c.say(text, as_=person, with_=others, seed=body.seed),
                                                _stored, others)
    created, cid = int(time.time()), f"chatcmpl-{reply.said.id if reply.said else 0}"
    if body.stream:
        return Speaking(_chunks(news, reply, character, cid, created, access.is_author), hold=hold, media_type="text/event-stream",
                        headers={"Cache-Control": "no-cache"})
    try:
        first = await _complete(news, reply, character, cid, created, access.is_author)
    finally:
        hold.free()
    if body.n == 1 or first.status_code != 200 or reply.said_to:  # words left to another: no reply to vary
        return first
    return await _alternatives(request, access, body, first, reply, cid, created)


async def _alternatives(request: Request, access: Access, body: ChatRequest, first: JSONResponse, reply: Reply,
                        cid: str, created: int) -> JSONResponse:
    """n - 1 more replies to the same words, each said another way (`Character.regenerate`); all are
    kept, and the first stays what she said. A reply that fails ends the list with those before it.
    The usage counts every reply made."""
    out = json.loads(first.body)
    chooser = None if access.is_author else access.person
    character, others = None, tuple(body.with_)
    try:
        for index in range(1, body.n):
            seed = None if body.seed is None else body.seed + index
            character, again, news, hold = await answer(request, access, body.model, body.user,
                                                        lambda c, person: c.regenerate(as_=person, with_=others, seed=seed),
                                                        _stored, others)
            try:
                more = await _complete(news, again, character, cid, created, access.is_author)
            finally:
                hold.free()
            if more.status_code != 200:
                break
            said = json.loads(more.body)
            out["choices"].append({**said["choices"][0], "index": index})
            out["usage"] = {key: out["usage"][key] + said["usage"][key] for key in out["usage"]}  # all n replies
    finally:  # however many came, the first is what she said
        if character is not None and reply.turn is not None:
            await run_in_threadpool(lambda: character.choose(reply.turn.id, by=chooser))
    return JSONResponse(out)


async def _complete(news: AsyncIterator[tuple[str, Any]], reply: Reply, character: Character, cid: str,
                    created: int, author: bool) -> JSONResponse:
    async for kind, value in news:
        if kind == "error":
            problem = as_problem(value, visitor=not author)
            return JSONResponse(error_body(problem), status_code=problem.status)
        if kind == "done":
            said = reply.turn.text if reply.turn else ""  # none: words in a scene she let another answer
            body_out = {
                "id": cid, "object": "chat.completion", "created": created, "model": character.slug,
                "choices": [{"index": 0, "message": {"role": "assistant", "content": said}, "finish_reason": "stop"}],
                "usage": _usage(reply), "inkborn": value,
            }
            return JSONResponse(body_out)
    raise Problem(500, "internal_error", "her reply ended without a word")  # pragma: no cover


def _usage(reply: Reply) -> dict[str, int]:
    turn = reply.turn
    prompt, completion = (turn.tokens_evaluated or 0, turn.tokens_generated or 0) if turn else (0, 0)
    return {"prompt_tokens": prompt, "completion_tokens": completion, "total_tokens": prompt + completion}


def _stored(character: Character, reply: Reply) -> dict[str, Any]:
    if reply.said_to:  # said to another in the scene: theirs to answer, and she said nothing
        return {"turn": None, "said_to": reply.said_to}
    turn = reply.turn
    number = character.spoken_under(turn)
    return {"turn": turn.id, "revision": number, "status": turn.status}


async def _chunks(news: AsyncIterator[tuple[str, Any]], reply: Reply, character: Character, cid: str,
                  created: int, author: bool) -> AsyncIterator[str]:
    def chunk(delta: dict[str, Any], finish: str | None = None, **extra: Any) -> str:
        out = {"id": cid, "object": "chat.completion.chunk", "created": created, "model": character.slug,
               "choices": [{"index": 0, "delta": delta, "finish_reason": finish}], **extra}
        return f"data: {json.dumps(out, ensure_ascii=False)}\n\n"

    yield chunk({"role": "assistant", "content": ""})
    async for kind, value in news:
        if kind == "queued":
            yield f": queued {value}\n\n"
        elif kind == "text":
            yield chunk({"content": value})
        elif kind == "done":
            yield chunk({}, "stop", usage=_usage(reply), inkborn=value)
        else:
            yield f"data: {json.dumps(error_body(as_problem(value, visitor=not author)), ensure_ascii=False)}\n\n"
            return
    yield "data: [DONE]\n\n"
