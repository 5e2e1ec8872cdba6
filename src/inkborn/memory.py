"""A memory: something she lived (words said in a scene, by her or to her), with who was there,
when, and under which revision; or something she drew from what she lived, while idle: a belief
(about someone) or a wish of her own, traced to the memories it came from. What she remembers and
how she recalls it is remembering.py, what she draws reflection.py; this is the record."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Mapping

__all__ = ["DRAWN", "KINDS", "Memory"]

DRAWN = ("belief", "wish")  # what she draws from what she lived
KINDS = ("lived", *DRAWN)


@dataclass(frozen=True)
class Memory:
    id: int
    kind: str  # "lived", or what she drew from it: "belief", "wish" (KINDS)
    speaker: str  # who said it: a person's name, or hers
    text: str
    lived_at: str  # ISO time she lived it
    hers: bool = False  # her own words (told by a flag, never by a name: a visitor may share hers)
    people: tuple[str, ...] = ()  # who was there besides her (their names)...
    people_ids: tuple[int, ...] = ()  # ...and who they are
    turn_id: int | None = None
    conversation_id: int | None = None
    revision_id: int | None = None  # the revision she lived it under
    importance: float | None = None  # 0..1, how much it mattered to her; None until judged
    private: bool = False  # told in confidence: heard again only by those who were there
    superseded_by: int | None = None  # the revision whose canon it contradicts (kept, never recalled as true)
    deleted_at: str | None = None  # deleted by her author (recorded, never recalled)
    deleted_by: str | None = None
    about: str | None = None  # a belief: whom it is about (a name)
    reflection_id: int | None = None  # a belief or wish: the reflection that drew it
    outgrown_by: int | None = None  # a belief or wish: the reflection after which it no longer held (kept)

    @classmethod
    def from_row(cls, row: Mapping[str, Any], people: list[tuple[int, str]] = ()) -> "Memory":
        keys = set(row.keys())
        fields = {name: row[name] for name in cls.__dataclass_fields__ if name in keys and not name.startswith("people")}
        fields["private"] = bool(fields.get("private"))
        fields["hers"] = bool(fields.get("hers"))
        return cls(people=tuple(n for _, n in people), people_ids=tuple(i for i, _ in people), **fields)

    def may_be_heard_by(self, present: set[int]) -> bool:
        """A confidence is recalled only where everyone present now was there when it was told (and
        never where no one is named: nobody present is not everyone allowed); anything else she
        lived she may tell anyone."""
        return not self.private or (bool(present) and present <= set(self.people_ids))
