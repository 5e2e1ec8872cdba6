"""Her reply over HTTP: wait for the model in line, then stream her words from the model's thread.

Both the Inkborn events (`POST .../say`) and the OpenAI-compatible endpoint are drawn from
`speak()`, which yields `("queued", ahead)`, `("text", chunk)`, and last `("done", reply)` or
`("error", exception)`. Her reply is the very `Reply` the CLI streams; the model runs on one
worker thread. A client that goes away stops her at the next word (stored as partial) and frees
its place in line when the model is free again. A reply whose character is deleted meanwhile ends
with a 404 saying she no longer exists, whatever the store said when it lost her.
"""

from __future__ import annotations

import asyncio
import logging
import threading
from concurrent.futures import ThreadPoolExecutor
from typing import Any, AsyncIterator, Callable

from fastapi import Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import StreamingResponse

from ..character import Character, Reply
from ..errors import InkbornError
from ..people import Person
from .access import Access
from .guards import her, scene, speaker
from .problems import Problem, errors
from .queue import Busy, Line, Place

__all__ = ["EVENTS", "MAX_SAID", "Hold", "Speaking", "answer", "deleted", "speak"]

log = logging.getLogger("inkborn.server")
MAX_SAID = 20_000  # characters a person may say to her at once


def deleted(character: Character) -> Problem | None:
    """If she has been deleted (her author's wish, perhaps while she spoke): the 404 that says so."""
    try:
        if character.exists():
            return None
    except Exception:  # the store failing says nothing about her: the failure is told as it is
        return None
    return Problem(404, "not_found", f"{character.name} no longer exists: her author deleted her "
                   f"({character.slug!r} is gone, with her conversations)")


# her reply's events, as the published schema states them (an event stream's `schema` is one event's)


def _event(name: str, optional: dict[str, Any] | None = None, **fields: Any) -> dict[str, Any]:
    data = {"type": "object", "required": list(fields), "properties": {**fields, **(optional or {})}}
    return {"type": "object", "required": ["event", "data"], "properties": {
        "event": {"const": name}, "data": {"type": "string", "contentMediaType": "application/json", "contentSchema": data}}}


_NUMBER = {"type": ["integer", "null"]}
_TURN = {"type": "object", "required": ["id", "speaker", "text", "status", "revision", "created_at", "error"],
         "properties": {"id": {"type": "integer"}, "speaker": {"enum": ["person", "her"]}, "text": {"type": "string"},
                        "status": {"enum": ["ok", "partial", "failed"]}, "revision": _NUMBER,
                        "created_at": {"type": "string"}, "error": {"type": ["string", "null"]}}}
_ERROR = {"type": "object", "required": ["message", "type", "code"],
          "properties": {"message": {"type": "string"}, "type": {"type": "string"}, "code": {"type": "integer"}}}
EVENT = {"oneOf": [
    _event("said", turn=_TURN),
    _event("queued", position={"type": "integer", "minimum": 1}),
    _event("text", text={"type": "string"}),
    _event("done", {"said_to": {"type": "string", "description": "in a scene, the words were said to this other "
                                                               "person, who answers them: she said nothing (turn null)"}},
           turn={"anyOf": [_TURN, {"type": "null"}]}, revision=_NUMBER,
           landed={"type": ["object", "null"], "properties": {"from": {"type": "integer"}, "to": {"type": "integer"},
                                                               "shown": {"type": "boolean"}}}),
    _event("error", error=_ERROR, turn={"anyOf": [_TURN, {"type": "null"}]}),
]}
EVENTS = {  # the responses of say and retry
    200: {"description": "her reply as server-sent events: `said`, `queued`, `text`, then `done` or `error` "
                         "(docs/http.md); a model that fails is an `error` event, not an HTTP status",
          "content": {"text/event-stream": {"schema": EVENT}}},
    **errors(400, 401, 403, 404, 409, 413),
}


class Hold:
    """One reply's place in line; `free()` stops her at the next word, or gives the place up if she never began."""

    def __init__(self, line: Line, place: Place):
        self.line, self.place, self.gone, self.started = line, place, threading.Event(), False

    def free(self) -> None:
        self.gone.set()
        if not self.started:
            self.line.leave(self.place)


class Speaking(StreamingResponse):
    """A streamed reply that frees its place however the response ends, even before its first event."""

    def __init__(self, content: Any, *, hold: Hold, **kwargs: Any):
        super().__init__(content, **kwargs)
        self.hold = hold

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        try:
            await super().__call__(scope, receive, send)
        finally:
            self.hold.free()


async def speak(hold: Hold, character: Character, reply: Reply, worker: ThreadPoolExecutor,
                finish: Callable[[Reply], Any]) -> AsyncIterator[tuple[str, Any]]:
    """Her reply's news; `finish(reply)` makes the value of the "done" news, on the model's thread."""
    loop = asyncio.get_running_loop()
    news: asyncio.Queue[tuple[str, Any]] = asyncio.Queue()
    line, place, gone = hold.line, hold.place, hold.gone

    def tell(kind: str, value: Any) -> None:
        loop.call_soon_threadsafe(news.put_nowait, (kind, value))

    def run() -> None:
        words = iter(reply)
        try:
            for chunk in words:
                if gone.is_set():
                    words.close()  # stops her now: what she had said is stored as partial
                    break
                tell("text", chunk)
            tell("done", finish(reply))
        except Exception as exc:  # every failure reaches the client; none is lost in a thread
            lost = deleted(character)
            if lost is None and not isinstance(exc, InkbornError):
                log.exception("her reply failed")
            tell("error", lost or exc)
        finally:
            loop.call_soon_threadsafe(line.leave, place)

    try:
        async for ahead in line.wait(place):
            yield "queued", ahead
        hold.started = True
        worker.submit(run)
        while True:
            kind, value = await news.get()
            yield kind, value
            if kind in ("done", "error"):
                return
    finally:
        hold.free()  # went away while waiting: the person's words stay stored, unanswered


async def answer(request: Request, access: Access, slug: str, name: str | None,
                 begin: Callable[[Character, str], Reply], finish: Callable[[Character, Reply], Any],
                 others: tuple[str, ...] = ()) -> tuple[Character, Reply, AsyncIterator[tuple[str, Any]], Hold]:
    """Take a place in line for this conversation (the scene of the speaker and `others`), store the
    person's words (`begin`), and speak.

    Refused with 409 while this conversation already has a reply coming, whoever in the scene
    spoke; the person's words are stored before the wait, so they are kept whatever happens.
    """
    def who_speaks() -> tuple[Character, Person]:
        character = her(request, access, slug)
        found = speaker(access, character, name)
        scene(access, others, character)  # a visitor: only in a scene her author set with him in it
        return character, found

    character, person = await run_in_threadpool(who_speaks)
    line: Line = request.app.state.line
    try:
        place = line.join((character.id, frozenset((person.name, *others))))
    except Busy:
        raise Problem(409, "conflict", "she is still answering your last words; wait for her reply") from None
    try:
        reply = await run_in_threadpool(begin, character, person.name)
    except BaseException as exc:
        line.leave(place)
        lost = await run_in_threadpool(deleted, character) if isinstance(exc, Exception) else None
        if lost is not None:
            raise lost from exc
        raise
    hold = Hold(line, place)
    news = speak(hold, character, reply, request.app.state.worker, lambda r: finish(character, r))
    return character, reply, news, hold
