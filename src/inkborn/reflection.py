"""Reflection: what she draws from what she lived, while she is idle: beliefs about the people in
her life and wishes of her own, each traced to the memories it came from.

    due       what she lived since she last reflected has mattered enough: its summed importance
              (remembering.importance, 0.5 for an everyday line) passes REFLECT_AT. Generative
              Agents reflects when its 1–10 poignancy passes 150, about as many memories
    reflect   on the idle scheduler, cancelled the moment a person speaks: the model reads the
              newest READS things she lived, numbered, and says as her what she has come to
              believe about someone and what she wants, each with the numbers of the lines that
              show it. A line it cites, and the lines that share its words, are its sources; a
              belief or wish with none is not kept
    hold      one belief about each person at a time, and WISHES wishes: what she draws anew
              outgrows what it revises (kept, with the reflection that outgrew it: her sheet's
              history). A belief drawn from a confidence may be heard only by those it was told before

Beliefs and wishes are memories (memory.py) of their own kinds, so they are searched, kept
from those who may not hear them, superseded by an edit and deleted by her author like any other.
Asked of the model as a reader of her life, not in her voice: on one week written for it (a friend
asks her to a painting class, Calvin would rather she stayed in), the default 1.5B model asked as
Ruby herself wrote "I want to spend more time with Calvin" in 3 of 3 seeds; asked to read what
Ruby lived, with one worked example of another life, it wrote "I want to paint with other people"
in 3 of 3.
"""

from __future__ import annotations

import logging
import re
import threading
import time
from dataclasses import dataclass
from typing import TYPE_CHECKING, Iterator

from .backends.base import Message, Prompt, Usage
from .conversation import Turn
from .errors import BackendError
from .memory import Memory
from .remembering import NEUTRAL_IMPORTANCE, stems

if TYPE_CHECKING:
    from .character import Character
    from .studio import Studio

__all__ = ["Drawn", "REFLECT_AT", "Reflection", "read_drawn"]

log = logging.getLogger("inkborn")

REFLECT_AT = 20.0  # summed importance of what she lived since she last reflected: about 40 everyday lines
READS = 40  # the newest things she lived that one reflection reads
WISHES = 3  # the wishes she holds at once: a fourth outgrows the oldest
TRACED = 3  # lines sharing a belief's words that are added to the ones it cites
REFLECT_TOKENS = 220

_EXAMPLE_LIVED = """1. Marta: Tomas, you left the workshop unlocked again last night.
2. Tomas: Sorry. I was at the river until late, sketching the boats.
3. Marta: You and your boats. The orders are piling up.
4. Tomas: I know. I'd rather build one than sketch them, honestly.
5. Marta: Then stop talking about it and finish Mr. Abel's table.
6. Tomas: One day I'll build a boat of my own and take it down the river."""
_EXAMPLE_DRAWN = """BELIEF about Marta: Marta cares more about the orders than about what I love. (3, 5)
WISH: I want to build a boat of my own and sail it down the river. (4, 6)"""
_ASK = ("Read what {name} lived lately. Write what {name} has come to believe about the people in their life, and "
        "what {name} wants, as {name} would say it, in the first person. Each line is one of:\n"
        "BELIEF about NAME: one sentence (the numbers of the lines that show it)\n"
        "WISH: one sentence beginning \"I want\" (the numbers of the lines that show it)\n"
        "Only what the lines show, even when it is unhappy. At most three lines.\n\n"
        "What {name} lived:\n{lived}")

_LINE = re.compile(r"(?P<kind>BELIEF|WISH)\b(?:\s+about\s+(?P<about>[^:\n]{1,60}?))?\s*:\s*(?P<text>[^\n]+?)"
                   r"\s*(?:\((?P<refs>[^()\n]*)\)[.;]?)?\s*(?=\b(?:BELIEF|WISH)\b|\n|$)", re.IGNORECASE)


@dataclass(frozen=True)
class Drawn:
    """A belief or wish as the model wrote it: what it says and the line numbers it cites."""

    kind: str  # "belief" | "wish"
    text: str
    about: str | None
    cites: tuple[int, ...]


def read_drawn(answer: str, her: str) -> list[Drawn]:
    """The beliefs and wishes in the model's answer; lines of any other shape are left out."""
    found = []
    for m in _LINE.finditer(answer):
        text = " ".join(m["text"].split()).strip(" \"'")
        if not text:
            continue
        about = " ".join((m["about"] or "").split()).strip(" \"'") or None
        if about and about.lower() in {her.lower(), "myself", "me", "herself", "himself"}:
            about = None
        cites = tuple(int(n) for n in re.findall(r"\d+", m["refs"] or ""))
        found.append(Drawn(m["kind"].lower(), text[:300], about if m["kind"].lower() == "belief" else None, cites))
    return found


class Reflection:
    """Her reflections, in one studio: when one is due, the work itself, and what it leaves her holding."""

    def __init__(self, studio: "Studio", *, at: float = REFLECT_AT) -> None:
        self.studio = studio
        self.store = studio.store
        self.at = at

    def due(self, cid: int) -> bool:
        """Whether what she lived since she last reflected has mattered enough."""
        return self.store.importance_since(cid, self.store.reflected_through(cid), NEUTRAL_IMPORTANCE) >= self.at

    def heard(self, character: "Character", turn: Turn) -> None:
        """A listener: after her own words, when a reflection is due, give her one while she is idle.
        (Never after the person's: her reply follows at once and would only cancel it.)"""
        if turn.is_hers and turn.status == "ok" and self.due(character.id):
            self.studio.idle.soon(("reflect", character.id), lambda cancel: self.reflect(character, cancel))

    def reflect(self, character: "Character", cancel: threading.Event | None = None) -> int | None:
        """Draw beliefs and wishes from what she lived since she last reflected; the reflection's id
        (None when cancelled, or when there was nothing new to read). Nothing is stored until the
        model has finished: a cancelled reflection is tried again after her next words."""
        cancel = cancel or threading.Event()
        cid, began = character.id, time.perf_counter()
        through = self.store.reflected_through(cid)
        lived = self.store.lived_since(cid, through, READS)
        if not lived:
            return None
        answer, model = self._ask(character, lived, cancel)
        if answer is None:
            return None
        held = self.store.drawn(cid)
        drawn, outgrown = self._hold(character, read_drawn(answer, character.name), lived, held)
        reflection = {"through_memory": lived[-1].id, "read": len(lived), "seconds": round(time.perf_counter() - began, 2),
                      "importance": round(self.store.importance_since(cid, through, NEUTRAL_IMPORTANCE), 2),
                      "model": model}
        rid = self.store.add_reflection(cid, reflection, drawn, outgrown)
        log.info("%s reflected on %d memories: %d drawn, %d outgrown", character.name, len(lived), len(drawn),
                 len(outgrown))
        return rid

    def _ask(self, character: "Character", lived: list[Memory], cancel: threading.Event) -> tuple[str | None, str | None]:
        """The model's answer (None if cancelled or failed) and the model's name."""
        name = character.name
        lines = "\n".join(f"{n}. {m.speaker}: {' '.join(m.text.split())}" for n, m in enumerate(lived, 1))
        prompt = Prompt((Message("system", "You read conversations and say what the people in them have come to "
                                           "believe and want."),
                         Message("user", _ASK.format(name="Tomas", lived=_EXAMPLE_LIVED)),
                         Message("assistant", _EXAMPLE_DRAWN),
                         Message("user", _ASK.format(name=name, lived=lines))),
                        max_tokens=REFLECT_TOKENS, temperature=0.3, seed=0, cache_key=f"{character.slug}:reflection")
        backend, usage = self.studio.backend, Usage()
        with self.studio.model_lock:
            backend.warm(prompt, cancel)  # evaluated in small steps, each a chance to let go
            if cancel.is_set():
                return None, None
            chunks: Iterator[str] = backend.stream(prompt, usage)
            answer = []
            try:
                for chunk in chunks:
                    if cancel.is_set():
                        return None, None
                    answer.append(chunk)
            except BackendError:
                log.warning("%s could not reflect: the model failed", name, exc_info=True)
                return None, None
            finally:
                close = getattr(chunks, "close", None)
                if close:
                    close()
        return "".join(answer), usage.model

    def _hold(self, character: "Character", found: list[Drawn], lived: list[Memory], held: list[Memory]
              ) -> tuple[list[dict], list[int]]:
        """What she keeps of what the model drew (as memories to store) and what it outgrows (ids)."""
        head = self.store.head(character.id)
        kept: list[dict] = []
        outgrown: set[int] = set()
        new_wishes = 0
        for drawn in found:
            if any(m.kind == drawn.kind and m.text.lower() == drawn.text.lower() for m in held):
                continue  # she holds it already
            sources = _traced(drawn, lived, character.name)
            if not sources:
                continue
            confided = [m for m in sources if m.private]
            if confided:  # heard again only by those every confidence in it was told before
                people = set.intersection(*(set(m.people_ids) for m in confided))
            else:
                people = {p for m in sources for p in m.people_ids}
            kept.append(dict(kind=drawn.kind, speaker=character.name, hers=True, text=drawn.text, about=drawn.about,
                             context=drawn.about or "", lived_at=lived[-1].lived_at, revision_id=head.id,
                             importance=max(m.importance or NEUTRAL_IMPORTANCE for m in sources),
                             private=bool(confided), people=sorted(people), sources=[m.id for m in sources]))
            if drawn.kind == "belief":  # one belief about each person: the new one revises the old
                outgrown.update(m.id for m in held if m.kind == "belief"
                                and (m.about or "").lower() == (drawn.about or "").lower())
            else:  # a wish revises the wishes about the same thing
                outgrown.update(m.id for m in held if m.kind == "wish" and _alike(m.text, drawn.text, character.name))
                new_wishes += 1
        still = [m.id for m in held if m.kind == "wish" and m.id not in outgrown]  # newest first
        outgrown.update(still[max(0, WISHES - new_wishes):])  # the oldest, past the wishes she holds at once
        return kept, sorted(outgrown)


def _traced(drawn: Drawn, lived: list[Memory], her: str) -> list[Memory]:
    """The memories a belief or wish came from: the lines it cites, and the TRACED lines that share most
    of its words (a small model's numbers are often off by a line or two)."""
    cited = [lived[n - 1] for n in dict.fromkeys(drawn.cites) if 1 <= n <= len(lived)]
    words = stems(drawn.text) - stems(f"{her} {drawn.about or ''} want wish believe think")
    shared = sorted(((len(words & stems(m.text)), n) for n, m in enumerate(lived)), reverse=True)
    near = [lived[n] for count, n in shared[:TRACED] if count]
    return list({m.id: m for m in sorted([*cited, *near], key=lambda m: m.id)}.values())


def _alike(a: str, b: str, her: str) -> bool:
    """Two wishes about the same thing: half the words of the shorter one are in the other."""
    ignore = stems(f"{her} want wish")
    x, y = stems(a) - ignore, stems(b) - ignore
    return bool(x and y) and len(x & y) >= max(1, min(len(x), len(y)) // 2)

