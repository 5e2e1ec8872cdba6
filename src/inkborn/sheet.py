"""Her sheet: who she is now. Her canon as written, what she has come to believe about each person
and what she wants (reflection.py), each with the memories it came from, and, on request, what
she has outgrown. Read by `inkborn sheet`, the API and the page."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from .canon import sentences
from .memory import Memory
from .remembering import NEUTRAL_IMPORTANCE

if TYPE_CHECKING:
    from .character import Character

__all__ = ["Held", "Sheet", "sheet_of"]


@dataclass(frozen=True)
class Held:
    """A belief or wish, with the memories it came from."""

    memory: Memory
    sources: tuple[Memory, ...]


@dataclass
class Sheet:
    name: str
    revision: int
    canon: list[str]  # her manuscript as it now stands, sentence by sentence
    beliefs: dict[str, list[Held]] = field(default_factory=dict)  # whom about ("" herself) → what she believes now
    wishes: list[Held] = field(default_factory=list)
    before: list[Held] = field(default_factory=list)  # outgrown, superseded or deleted (asked for)
    reflections: int = 0
    last_reflected: str | None = None
    toward_next: float = 0.0  # how much what she lived since she last reflected mattered...
    reflect_at: float = 0.0  # ...and how much makes her reflect
    released: str | None = None  # when her author wrote her free: her canon is frozen; she changes only by living

    def as_dict(self) -> dict[str, Any]:
        def held(h: Held) -> dict[str, Any]:
            m = h.memory
            return {"id": m.id, "kind": m.kind, "about": m.about, "text": m.text, "lived_at": m.lived_at,
                    "private": m.private, "people": list(m.people), "reflection": m.reflection_id,
                    "outgrown_by": m.outgrown_by, "superseded_by": m.superseded_by, "deleted_at": m.deleted_at,
                    "sources": [{"id": s.id, "speaker": s.speaker, "text": s.text, "lived_at": s.lived_at}
                                for s in h.sources]}

        return {"name": self.name, "revision": self.revision, "canon": self.canon,
                "beliefs": [{"about": about or None, "held": [held(h) for h in found]}
                            for about, found in self.beliefs.items()],
                "wishes": [held(h) for h in self.wishes], "before": [held(h) for h in self.before],
                "reflections": self.reflections, "last_reflected": self.last_reflected,
                "toward_next": round(self.toward_next, 2), "reflect_at": self.reflect_at, "released": self.released}


def sheet_of(character: "Character", *, everything: bool = False) -> Sheet:
    """Her sheet as it stands; `everything`: also the beliefs and wishes she no longer holds."""
    store, studio = character.studio.store, character.studio
    head = character.head()
    drawn = store.drawn(character.id, everything=everything)
    sources = store.sources_of([m.id for m in drawn])
    lived = {m.id: m for m in store.memories_by_id({i for ids in sources.values() for i in ids}, recallable=False)}
    reflections = store.reflections(character.id, limit=1)
    written = "\n".join(line for line in head.text.splitlines() if not line.lstrip().startswith("#"))  # no titles
    sheet = Sheet(character.name, head.number, sentences(written),
                  reflections=store.reflection_count(character.id),
                  last_reflected=reflections[0]["made_at"] if reflections else None,
                  toward_next=store.importance_since(character.id, store.reflected_through(character.id),
                                                     NEUTRAL_IMPORTANCE),
                  reflect_at=studio.reflection.at, released=store.released(character.id))
    for memory in drawn:
        held = Held(memory, tuple(lived[i] for i in sources.get(memory.id, []) if i in lived))
        if memory.outgrown_by or memory.superseded_by or memory.deleted_at:
            sheet.before.append(held)
        elif memory.kind == "wish":
            sheet.wishes.append(held)
        else:
            sheet.beliefs.setdefault(memory.about or "", []).append(held)
    return sheet
