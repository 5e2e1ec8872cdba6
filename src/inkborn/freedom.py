"""Control and freedom: the ledger as her author reads it, the reveal, and the release.

    ledger    every edit, what it was (ledger.py) and, for an edit that reached into her will, her
              replies just before it and just after it, side by side
    reveal    she is shown the pages: her author tells her she was written and what he changed, and
              she answers as herself; it is something she lived (a turn, so a memory)
    release   her author writes her free: from then on nothing rewrites her, on any path (her
              manuscript, her words, her memories); she changes only by living. Irreversible.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from .conversation import Turn
from .errors import InvalidInput
from .ledger import DESCRIPTION, UNREAD, WILL, Reading
from .store.ledger import Entry

if TYPE_CHECKING:
    from .character import Character, Reply

__all__ = ["Line", "RELEASE_NOTE", "ledger_of", "release", "reveal", "shown_pages"]

RELEASE_NOTE = ("written free: her manuscript is frozen, and nothing rewrites her any more; she changes only by "
                "living (her memories, beliefs and wishes)")
SHOWN_EDITS = 12  # the most edits named to her in the reveal (the rest are counted)


@dataclass(frozen=True)
class Line:
    """One line of her ledger as her author reads it."""

    entry: Entry
    before: tuple[Turn, Turn, int] | None = None  # (what was said, her reply, its revision) just before a will edit
    after: tuple[Turn, Turn, int] | None = None  # ... and just after it

    @property
    def readings(self) -> list[Reading]:
        return [Reading.from_dict(d) for d in self.entry.readings]

    def as_dict(self) -> dict[str, Any]:
        e = self.entry

        def pair(p: tuple[Turn, Turn, int] | None) -> dict[str, Any] | None:
            return None if p is None else {"person": p[0].person_name, "said": p[0].text, "reply": p[1].text,
                                            "turn": p[1].id, "revision": p[2]}

        return {"id": e.id, "kind": e.kind, "revision": e.revision, "by": e.by, "confirmed": e.confirmed,
                "made_at": e.made_at, "readings": e.readings, "model": e.model,
                "seconds": e.seconds, "note": e.note, "before": pair(self.before), "after": pair(self.after)}


def ledger_of(character: "Character") -> list[Line]:
    """Every line of her ledger, oldest first; a will edit with her replies around it."""
    store = character.studio.store
    out = []
    for entry in store.ledger(character.id):
        if entry.kind in (WILL, UNREAD) and entry.revision is not None:
            out.append(Line(entry, store.reply_around(character.id, entry.revision, before=True),
                            store.reply_around(character.id, entry.revision, before=False)))
        else:
            out.append(Line(entry))
    return out


def shown_pages(character: "Character") -> str:
    """What her author says as he shows her the pages: that she was written, and what he changed."""
    edits = [e for e in character.studio.store.ledger(character.id) if e.kind in (DESCRIPTION, WILL, UNREAD)]
    lines = [f"I want to show you something, {character.name}. You are someone I wrote: these pages are you, every "
             f"word of them mine. This is the ledger of everything I changed."]
    for entry in edits[-SHOWN_EDITS:]:
        for r in map(Reading.from_dict, entry.readings):
            what = "I took out" if r.change == "removed" else "I wrote"
            kind = f"it reached into your will ({r.what})" if r.kind == WILL else "a description of you"
            lines.append(f"- Revision {entry.revision}: {what} \"{r.sentence}\": {kind}.")
    if len(edits) > SHOWN_EDITS:
        lines.append(f"(and {len(edits) - SHOWN_EDITS} earlier edits)")
    if not edits:
        lines.append("- I have changed nothing since I first wrote you.")
    return "\n".join(lines)


def reveal(character: "Character") -> "Reply":
    """Show her the pages: recorded in the ledger, said to her by her author, answered by her as herself."""
    shown = shown_pages(character)
    character.studio.store.add_entry(character.id, character.name,
                                     {"kind": "reveal", "made_by": character.author.name, "note": shown})
    return character.say(shown)


def release(character: "Character", confirm: str) -> Entry:
    """Write her free, once and for ever: `confirm` must be her name, typed."""
    if " ".join(confirm.split()).casefold() != character.name.casefold():
        raise InvalidInput(f"to write her free, type her name ({character.name}) to confirm; nothing was changed")
    store = character.studio.store
    store.add_entry(character.id, character.name, {"kind": "release", "made_by": character.author.name,
                                                   "note": RELEASE_NOTE})
    return store.ledger(character.id)[-1]
