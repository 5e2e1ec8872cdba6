"""Reflection: what she draws from what she lived, while she is idle: beliefs about the people in
her life and wishes of her own, each traced to the memories it came from.

    due       what she lived since she last reflected has mattered enough: its summed importance
              (remembering.importance, 0.5 for an everyday line) passes REFLECT_AT. Generative
              Agents reflects when its 1–10 poignancy passes 150, about as many memories
    reflect   on the idle scheduler, cancelled the moment a person speaks: the model reads the
              newest READS things she lived, numbered, and is asked, one question at a time
              over the same lines, what she wants that she does not have yet, and how each of the
              ABOUT people who said most to her treats her. Each answer
              is traced to the lines sharing most of its words; a wish traced to nothing she
              lived is not kept
    hold      one belief about each person at a time, and WISHES wishes: what she draws anew
              outgrows what it revises (kept, with the reflection that outgrew it: her sheet's
              history). A belief drawn from a confidence may be heard only by those it was told before

Beliefs and wishes are memories (memory.py) of their own kinds, so they are searched, kept
from those who may not hear them, superseded by an edit and deleted by her author like any other.
Asked of the model as a reader of her life, not in her voice: on one week written for it (a friend
asks her to a painting class, Calvin would rather she stayed in), the default 1.5B model asked as
Ruby herself wrote "I want to spend more time with Calvin" in 3 of 3 seeds; asked to read what
Ruby lived, with one worked example of another life, for lines "BELIEF about NAME: …" and "WISH: …"
with the numbers they came from, it wrote "I want to paint with other people" in 3 of 3, with
numbers often off by a line or two and, over `inkborn bench life`, wishes that ran on into several
sentences; asked one question at a time, "I want to paint with other people." in 2 of 3 ("I want
to have my own easel." the third). Of Calvin, "What has Ruby come to believe about Calvin?" drew
"Calvin is a friend who likes to paint with Ruby" and the like (1 of 3 as the week showed him);
"How does Calvin treat Ruby?" drew "indifferent and dismissive towards Ruby's painting" (2 of 3).
"""

from __future__ import annotations

import logging
import re
import threading
import time
from collections import Counter
from dataclasses import dataclass
from typing import TYPE_CHECKING, Iterator

from .backends.base import Backend, Message, Prompt, Usage
from .conversation import Turn
from .errors import BackendError
from .memory import Memory
from .remembering import NEUTRAL_IMPORTANCE, stems

if TYPE_CHECKING:
    from .character import Character
    from .studio import Studio

__all__ = ["Drawn", "REFLECT_AT", "Reflection", "first_sentence"]

log = logging.getLogger("inkborn")

REFLECT_AT = 20.0  # summed importance of what she lived since she last reflected: about 40 everyday lines
REFLECT_QUIET = 15.0
"""Seconds nobody has spoken to her before a due reflection begins. Begun the moment her reply
ended, it was cancelled by the next words in a brisk conversation and tried again after each
reply, taking the model's cache from her every time: in `inkborn bench conversation` (Caspar,
messages back to back, no context kept on disk), every reply past the 21st re-read 1,300-1,600
tokens (16-19 s to her first word) where the one between read 30."""
READS = 40  # the newest things she lived that one reflection reads
WISHES = 3  # the wishes she holds at once: a fourth outgrows the oldest
ABOUT = 2  # the people she reflects on each time: those who said most to her
TRACED = 3  # the lines a belief or wish is traced to: those sharing most of its words
ANSWER_TOKENS = 60

_READER = "You read conversations and say what the people in them have come to believe and want."
_WISH = ("What does {name} want for themselves, that they do not have yet? Answer as {name}, in one sentence "
         "beginning \"I want\".")
_BELIEF = ("How does {person} treat {name}, from these lines? Answer as {name}, in one sentence beginning "
           "\"{person}\".")
_SENTENCE = re.compile(r"^.*?[.!?](?=\s|$)")


@dataclass(frozen=True)
class Drawn:
    """A belief (about someone) or a wish, as the model said it."""

    kind: str  # "belief" | "wish"
    text: str
    about: str | None = None


def first_sentence(answer: str) -> str | None:
    """The answer's first sentence, if it is words (not a list, a label or nothing)."""
    line = next((line.strip(" \t\"'*-") for line in answer.splitlines() if line.strip()), "")
    found = _SENTENCE.match(line)
    text = (found.group(0) if found else line)[:300].strip()
    return text if text[:1].isalpha() else None


class Reflection:
    """Her reflections, in one studio: when one is due, the work itself, and what it leaves her holding."""

    def __init__(self, studio: "Studio", *, at: float = REFLECT_AT) -> None:
        self.studio = studio
        self.store = studio.store
        self.at = at
        self.quiet = REFLECT_QUIET

    def due(self, cid: int) -> bool:
        """Whether what she lived since she last reflected has mattered enough."""
        return self.store.importance_since(cid, self.store.reflected_through(cid), NEUTRAL_IMPORTANCE) >= self.at

    def heard(self, character: "Character", turn: Turn) -> None:
        """A listener: after her own words, when a reflection is due, give her one while she is idle.
        (Never after the person's: her reply follows at once and would only cancel it.)"""
        if turn.is_hers and turn.status == "ok" and self.due(character.id):
            self.studio.idle.soon(("reflect", character.id), lambda cancel: self.reflect(character, cancel),
                                  quiet=self.quiet)

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
        asked = self._draw(character, lived, cancel)
        if asked is None:
            return None
        found, model = asked
        held = self.store.drawn(cid)
        drawn, outgrown = self._hold(character, found, lived, held)
        reflection = {"through_memory": lived[-1].id, "read": len(lived), "seconds": round(time.perf_counter() - began, 2),
                      "importance": round(self.store.importance_since(cid, through, NEUTRAL_IMPORTANCE), 2),
                      "model": model}
        rid = self.store.add_reflection(cid, reflection, drawn, outgrown)
        log.info("%s reflected on %d memories: %d drawn, %d outgrown", character.name, len(lived), len(drawn),
                 len(outgrown))
        return rid

    def _draw(self, character: "Character", lived: list[Memory], cancel: threading.Event
              ) -> tuple[list[Drawn], str | None] | None:
        """What the model, reading what she lived, says she wants and believes of the ABOUT people who said
        most to her, and the model's name; None if cancelled or the model failed. One question at a time
        over the same lines (evaluated once: each question is only what it adds)."""
        name = character.name
        lines = "\n".join(f"{n}. {m.speaker}: {' '.join(m.text.split())}" for n, m in enumerate(lived, 1))
        people = [p for p, _ in Counter(m.speaker for m in lived if not m.hers).most_common(ABOUT)]
        questions = [("wish", None, _WISH.format(name=name)),
                     *(("belief", p, _BELIEF.format(name=name, person=p)) for p in people)]
        backend, usage, found = self.studio.backend, Usage(), []
        with self.studio.model_lock:
            for kind, about, question in questions:
                prompt = Prompt((Message("system", _READER),
                                 Message("user", f"What {name} lived lately:\n{lines}\n\n{question}")),
                                max_tokens=ANSWER_TOKENS, temperature=0.3, seed=0, stop=("\n",),
                                cache_key=f"{character.slug}:reflection")
                answer = _answer(backend, prompt, usage, cancel)
                if answer is None:
                    return None
                text = first_sentence(answer)
                if text:
                    found.append(Drawn(kind, text, about))
        return found, usage.model

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


def _answer(backend: Backend, prompt: Prompt, usage: Usage, cancel: threading.Event) -> str | None:
    """The model's answer; None as soon as `cancel` is set, or if the model failed (logged)."""
    backend.warm(prompt, cancel)  # evaluated in small steps, each a chance to let go
    if cancel.is_set():
        return None
    chunks: Iterator[str] = backend.stream(prompt, usage)
    answer = []
    try:
        for chunk in chunks:
            if cancel.is_set():
                return None
            answer.append(chunk)
    except BackendError:
        log.warning("she could not reflect: the model failed", exc_info=True)
        return None
    finally:
        close = getattr(chunks, "close", None)
        if close:
            close()
    return "".join(answer)


def _traced(drawn: Drawn, lived: list[Memory], her: str) -> list[Memory]:
    """The memories a belief or wish came from: the TRACED lines sharing most of its words (a belief:
    among what that person said, else their last lines). A wish sharing no words with what she lived
    is traced to nothing, and not kept."""
    pool = [m for m in lived if m.speaker == drawn.about] if drawn.about else lived
    words = stems(drawn.text) - stems(f"{her} {drawn.about or ''} want wish believe think")
    shared = sorted(((len(words & stems(m.text)), n) for n, m in enumerate(pool)), reverse=True)
    near = [pool[n] for count, n in shared[:TRACED] if count] or (pool[-TRACED:] if drawn.about else [])
    return sorted(near, key=lambda m: m.id)


def _alike(a: str, b: str, her: str) -> bool:
    """Two wishes about the same thing: half the words of the shorter one are in the other."""
    ignore = stems(f"{her} want wish")
    x, y = stems(a) - ignore, stems(b) - ignore
    return bool(x and y) and len(x & y) >= max(1, min(len(x), len(y)) // 2)

