"""The checks every route makes: whose token this is, which character it may reach, as whom it speaks."""

from __future__ import annotations

from typing import Sequence

from fastapi import Request

from ..character import Character
from ..people import Person
from ..studio import Studio
from .access import Access
from .problems import Problem

__all__ = ["her", "only_author", "scene", "speaker", "studio", "who"]


def studio(request: Request) -> Studio:
    return request.app.state.studio


def who(request: Request) -> Access:
    """The request's access, from `Authorization: Bearer TOKEN`; 401 without a good token."""
    scheme, _, token = request.headers.get("authorization", "").partition(" ")
    access = request.app.state.keys.access(token.strip()) if scheme.lower() == "bearer" else None
    if access is None:
        raise Problem(401, "unauthorized", "this needs a token: the author's (`inkborn token`) or a visitor's invitation"
                      if not token else "that token is unknown or has been revoked; ask her author for a new invitation")
    return access


def her(request: Request, access: Access, slug: str) -> Character:
    """The character `slug`, if this token may reach her at all (to a visitor, others do not exist)."""
    if not access.is_author and slug != access.character:
        raise Problem(404, "not_found", f"no character called {slug!r}")
    return studio(request).character(slug)


def only_author(access: Access, what: str) -> None:
    if not access.is_author:
        raise Problem(403, "forbidden", f"only her author may {what}")


def speaker(access: Access, character: Character, name: str | None) -> Person:
    """Who is speaking: a visitor only as himself; the author as himself or anyone he names."""
    if not access.is_author:
        if name is not None and name != access.person:
            raise Problem(403, "forbidden", f"this invitation is for {access.person}; it cannot speak as {name}")
        return character.person(access.person)
    return character.person(name or None)


def scene(access: Access, others: Sequence[str], character: Character | None = None) -> tuple[str, ...]:
    """The others in the scene: her author sets any scene; a visitor talks with her alone, or in a
    scene her author set with him in it (`character`'s; 403 for any other: a visitor never begins one)."""
    if others and not access.is_author and (character is None or not character.in_scene(access.person, others)):
        raise Problem(403, "forbidden", "a visitor talks with her alone, or in a scene her author set with him in it")
    return tuple(others)
