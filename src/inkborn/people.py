"""People: the author and the visitors he admits, each with their own conversation with her."""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["Person"]


@dataclass(frozen=True)
class Person:
    """Someone who talks to her."""

    id: int
    character_id: int
    name: str
    role: str  # "author" | "visitor"

    @property
    def is_author(self) -> bool:
        return self.role == "author"
