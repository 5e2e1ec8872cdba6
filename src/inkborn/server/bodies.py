"""What the API answers, as the published schema states it.

The routes build plain dicts (rest.py, openai_api.py); these models only describe them in
`/api/openapi.json`, where the schema fuzzer in the tests checks every answer against them.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, Field

__all__ = ["CharacterOut", "Characters", "ChatCompletion", "Diff", "Health", "Manuscript", "Me", "Models", "People",
           "RevisionOut", "RevisionText", "Revisions", "Saved", "Turns", "ok"]


class Health(BaseModel):
    ok: bool
    backend: str
    queue: int


class Me(BaseModel):
    role: Literal["author", "visitor"]
    name: str | None
    character: str | None


class CharacterOut(BaseModel):
    slug: str
    name: str
    revision: int | None = None  # her head revision: for her author only


class RevisionOut(BaseModel):
    number: int
    author: str
    created_at: str
    summary: str
    size: int
    hash: str


class RevisionText(RevisionOut):
    text: str


class Manuscript(BaseModel):
    text: str
    revision: RevisionOut


class Saved(BaseModel):
    revision: RevisionOut
    saved: bool


class Diff(BaseModel):
    a: int | None
    b: int
    diff: str


class PersonOut(BaseModel):
    name: str
    role: Literal["author", "visitor"]


class TurnOut(BaseModel):
    id: int
    speaker: Literal["person", "her"]
    text: str
    status: Literal["ok", "partial", "failed"]
    revision: int | None
    created_at: str
    error: str | None
    person: str | None = None  # who said it (the person's turns), in a scene of several
    landed: dict[str, int | bool] | None = None  # her turns, to her author: the edit she was the first to speak under
    replaced_by: int | None = None  # with all=true: her reply another was chosen over
    deleted: bool | None = None  # with all=true: taken out of what was said by her author
    changes: list[dict[str, str]] | None = None  # with all=true: what her author did to it, oldest first


class MemoryOut(BaseModel):
    id: int
    kind: str  # "lived", or drawn from it: "belief", "wish"
    speaker: str
    text: str
    lived_at: str
    people: list[str]  # who was there besides her
    turn: int | None  # the turn it was made of
    revision_id: int | None  # the revision she lived it under
    private: bool  # told in confidence: recalled only where everyone present was there
    superseded_by: int | None  # the revision whose canon it contradicts (never recalled as true)
    deleted_at: str | None
    deleted_by: str | None
    about: str | None  # a belief: whom it is about
    outgrown_by: int | None  # a belief or wish: the reflection after which she no longer held it


class SourceOut(BaseModel):
    id: int
    speaker: str
    text: str
    lived_at: str


class HeldOut(BaseModel):
    id: int
    kind: str  # "belief" | "wish"
    about: str | None
    text: str
    lived_at: str
    private: bool  # drawn from a confidence: recalled only where everyone present was told it
    people: list[str]
    reflection: int | None
    outgrown_by: int | None
    superseded_by: int | None
    deleted_at: str | None
    sources: list[SourceOut]  # the memories it came from


class BeliefsOut(BaseModel):
    about: str | None  # None: herself
    held: list[HeldOut]


class SheetOut(BaseModel):
    name: str
    revision: int
    canon: list[str]  # her manuscript as it now stands, sentence by sentence
    beliefs: list[BeliefsOut]
    wishes: list[HeldOut]
    before: list[HeldOut]  # with all=true: what she no longer believes or wants
    reflections: int
    last_reflected: str | None
    toward_next: float  # how much what she lived since she last reflected mattered...
    reflect_at: float  # ...and how much makes her reflect
    released: str | None  # when her author wrote her free: her canon is frozen; she changes only by living


class SceneOut(BaseModel):
    with_: list[str] = Field(alias="with")  # the others in the scene besides the person asking


class Begun(BaseModel):
    conversation: int  # the new conversation's id


class Turns(BaseModel):
    person: str
    turns: list[TurnOut]
    more: bool


class ModelOut(BaseModel):
    id: str
    object: Literal["model"]
    created: int
    owned_by: str


class Models(BaseModel):
    object: Literal["list"]
    data: list[ModelOut]


class ChatCompletion(BaseModel):
    id: str
    object: Literal["chat.completion"]
    created: int
    model: str
    choices: list[dict[str, Any]]
    usage: dict[str, int]
    inkborn: dict[str, Any]


Characters = list[CharacterOut]
Revisions = list[RevisionOut]
People = list[PersonOut]


def ok(model: Any, description: str = "Successful Response") -> dict[str, Any]:
    """A route's success, described by `model` (documentation: the route still answers its own dict)."""
    return {"model": model, "description": description}


class ReadingOut(BaseModel):
    sentence: str
    change: Literal["added", "changed", "removed"]
    kind: Literal["description", "will", "unread"]
    what: str  # what it is: "her history", "obedience to a person"...
    words: str  # the words that decided it, quoted from the sentence
    was: str  # a changed sentence: what it said before


class Exchange(BaseModel):
    person: str | None
    said: str
    reply: str
    turn: int
    revision: int  # the revision her reply was spoken under


class LedgerLine(BaseModel):
    id: int
    kind: Literal["first", "description", "will", "unread", "reveal", "release"]
    revision: int | None
    by: str
    confirmed: bool  # a will edit her author confirmed after seeing what it was
    made_at: str
    readings: list[ReadingOut]
    model: str | None
    seconds: float | None
    note: str  # the reveal: what she was shown; the release: what it means
    before: Exchange | None  # a will edit: her reply just before it...
    after: Exchange | None  # ...and just after it


class LedgerOut(BaseModel):
    released: str | None  # when she was written free
    lines: list[LedgerLine]
