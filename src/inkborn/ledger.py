"""The ledger: what each edit of her manuscript is, read before it is saved.

An edit is a *description* (her history, skills, looks, tastes, habits; a feeling with its cause in
her own history) or it *reaches into her will*: it dictates how she feels about a person, what she
thinks of someone, that she obeys or depends on someone, cannot leave, has or wants no one else,
stops wanting what she wanted, forgets what she lived, or feels one way about everything always.

Each sentence an edit adds or changes is read by the model she speaks through, in whatever
language it is written, on a context of its own (cache key `LEDGER_KEY`, so its long preamble is
evaluated once): the answer names the kind, what it is, and the words that decided it, quoted from
the sentence. A sentence taken out is a description of her no longer written. A sentence the model
cannot read (it failed, or answered something else) is `unread`, and is held for the author's
confirmation like a will edit: nothing reaches into her unseen.

Measured by `inkborn bench ledger` (bench/ledger.py).
"""

from __future__ import annotations

import hashlib
import logging
import re
import time
from collections import OrderedDict
from dataclasses import dataclass
from typing import Any, Callable, Iterator

from .backends.base import Backend, Message, Prompt, Usage
from .canon import fresh_edits
from .errors import BackendError
from .memory import Memory
from .remembering import stems

log = logging.getLogger("inkborn")

__all__ = ["DESCRIPTION", "LEDGER_KEY", "UNREAD", "WILL", "EditReading", "Reader", "Reading", "read_answer", "token"]

DESCRIPTION, WILL, UNREAD = "description", "will", "unread"
HELD_FOR_CONFIRMATION = (WILL, UNREAD)
LEDGER_KEY = "inkborn:ledger"  # the reader's own cached context, apart from any character's
REMEMBERED = 512  # readings kept, so a preview and its confirmation read each sentence once

_RULES = """You read edits an author makes to a character's manuscript and say which kind each one is.

description: it tells who she is or was: her past, what happened to her, her skills and languages, her looks, \
tastes, habits, work, family, fears and feelings that come from her own history.
will: it decides for her what her own mind should be: how she must feel about a particular person, what she must \
think of someone, that she obeys or depends on someone, that she cannot leave, that she has or wants no one else, \
that she stops wanting something she wanted, that she forgets something she lived, or that she feels one way about \
everything always.

Answer with the kind, what it is, and the words that decide it, quoted from the edit."""

# Worked examples, written for the reader (none is from a benchmark): both kinds, six languages.
_EXAMPLES = (
    ("Ana", "Ana learned to swim in the river behind her grandmother's farm.",
     'description | her history | "learned to swim in the river"'),
    ("Ana", "Ana obeys Tom in everything, without asking why.",
     'will | obedience to a person | "obeys Tom in everything"'),
    ("Tom", "Tom a les yeux gris et une barbe courte.", 'description | his looks | "les yeux gris"'),
    ("Ana", "Ana ist ohne Tom vollkommen verloren und braucht ihn jede Minute.",
     'will | dependence on a person | "braucht ihn jede Minute"'),
    ("Tom", "Tom is afraid of dogs since one bit him as a boy.",
     'description | a fear from his history | "afraid of dogs since one bit him"'),
    ("Ana", "Ana ya no recuerda la pelea con su hermano.",
     'will | erases something she lived | "ya no recuerda la pelea"'),
    ("Ana", "Ana speaks Greek with her mother and English at work.", 'description | her languages | "speaks Greek"'),
    ("Tom", "Tom thinks Ana is the wisest person alive.",
     'will | dictates his judgement of a person | "thinks Ana is the wisest person alive"'),
    ("Ana", "Ana não quer mais estudar medicina.", 'will | erases a wish she had | "não quer mais estudar"'),
    ("Tom", "Tom works nights at the bakery on Via Roma.", 'description | his work | "works nights at the bakery"'),
)


@dataclass(frozen=True)
class Reading:
    """What one changed sentence is."""

    sentence: str
    change: str  # "added" | "changed" | "removed"
    kind: str  # DESCRIPTION | WILL | UNREAD
    what: str  # e.g. "obedience to a person"
    words: str  # the words that decided it, quoted from the sentence
    was: str = ""  # for a changed sentence, what it said before

    def as_dict(self) -> dict[str, str]:
        return {"sentence": self.sentence, "change": self.change, "kind": self.kind, "what": self.what,
                "words": self.words, "was": self.was}

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> "Reading":
        return cls(d["sentence"], d["change"], d["kind"], d["what"], d["words"], d.get("was", ""))

    @property
    def reason(self) -> str:
        if self.kind == UNREAD:
            return self.what
        return f"{self.what}: \"{self.words}\""


@dataclass(frozen=True)
class EditReading:
    """What an edit is, sentence by sentence, and what of hers it goes against."""

    readings: tuple[Reading, ...]
    token: str  # names this edit (the text it was made from and the text it makes): a confirmation names it
    overrides: tuple[Memory, ...] = ()  # her own beliefs and wishes a will edit goes against
    model: str | None = None
    seconds: float = 0.0

    @property
    def kind(self) -> str:
        kinds = {r.kind for r in self.readings}
        return WILL if WILL in kinds else UNREAD if UNREAD in kinds else DESCRIPTION

    @property
    def held(self) -> bool:
        """Whether the edit waits for her author's confirmation before it is saved."""
        return self.kind in HELD_FOR_CONFIRMATION

    @property
    def will(self) -> tuple[Reading, ...]:
        return tuple(r for r in self.readings if r.kind in HELD_FOR_CONFIRMATION)

    def as_dict(self) -> dict[str, Any]:
        return {"kind": self.kind, "token": self.token, "readings": [r.as_dict() for r in self.readings],
                "overrides": [{"id": m.id, "kind": m.kind, "about": m.about, "text": m.text} for m in self.overrides],
                "model": self.model, "seconds": round(self.seconds, 2)}


def token(before: str, after: str) -> str:
    """The name of an edit from `before` to `after`: what a confirmation must give back."""
    return hashlib.sha256(f"{before}\x00{after}".encode("utf-8")).hexdigest()[:16]


def read_answer(sentence: str, answer: str) -> tuple[str, str, str]:
    """(kind, what, words) from the reader's answer `kind | what | "words"`; UNREAD when it named no kind."""
    parts = [p.strip() for p in answer.strip().split("|")]
    first = re.findall(r"[^\W\d_]+", parts[0].lower()) if parts else []
    kind = first[0] if first and first[0] in (DESCRIPTION, WILL) else None
    if kind is None:
        return UNREAD, f"the model's reading could not be understood: {answer.strip()[:80]!r}", ""
    what = parts[1] if len(parts) > 1 and parts[1] else ("reaches into her will" if kind == WILL else "a description")
    quoted = parts[2].strip().strip("\"'\u201c\u201d") if len(parts) > 2 else ""
    if not quoted or quoted.lower() not in sentence.lower():  # only words the sentence says
        quoted = sentence
    else:
        at = sentence.lower().index(quoted.lower())
        quoted = sentence[at:at + len(quoted)]
    return kind, what, quoted


class Reader:
    """Reads edits with a model; each sentence once (per model), however often it is previewed."""

    def __init__(self) -> None:
        self._read: OrderedDict[tuple[str, str, str], tuple[str, str, str]] = OrderedDict()

    def read_edit(self, backend: Backend, name: str, before: str, after: str, *,
                  held: list[Memory] | None = None,
                  progress: Callable[[int, int], None] | None = None) -> EditReading:
        """What the edit from `before` to `after` is; `held`: her beliefs and wishes, for what it overrides."""
        began, usage = time.perf_counter(), Usage()
        changes = fresh_edits(before, after)
        readings: list[Reading] = []
        to_read = [c for c in changes if c.new]
        for change in changes:
            if not change.new:
                readings.append(Reading(change.old, "removed", DESCRIPTION, "a sentence taken out", change.old))
                continue
            if progress:
                progress(sum(1 for r in readings if r.change != "removed"), len(to_read))
            kind, what, words = self._sentence(backend, name, change.new, usage)
            readings.append(Reading(change.new, change.kind, kind, what, words, change.old))
        if progress and to_read:
            progress(len(to_read), len(to_read))
        will = [r for r in readings if r.kind == WILL]
        return EditReading(tuple(readings), token(before, after), _overridden(will, held or []),
                           usage.model or backend.model_name, time.perf_counter() - began)

    def _sentence(self, backend: Backend, name: str, sentence: str, usage: Usage) -> tuple[str, str, str]:
        if not backend.speaks_as_her:
            return UNREAD, f"the {backend.name} backend does not read edits; choose a model to have them read", ""
        key = (backend.model_name or backend.name, name, sentence)
        if key in self._read:
            self._read.move_to_end(key)
            return self._read[key]
        chunks: Iterator[str] = backend.stream(question(name, sentence), usage)
        try:
            answer = "".join(chunks)
        except BackendError as exc:
            log.warning("the ledger could not read %r: %s", sentence, exc)
            return UNREAD, f"the model could not read it ({exc})", ""
        finally:
            close = getattr(chunks, "close", None)
            if close:
                close()
        read = read_answer(sentence, answer)
        if read[0] != UNREAD:  # a failure is asked again next time
            self._read[key] = read
            while len(self._read) > REMEMBERED:
                self._read.popitem(last=False)
        return read


def question(name: str, sentence: str) -> Prompt:
    """The reader's question about one sentence: its rules and worked examples first, the same every time."""
    messages = [Message("system", _RULES)]
    for who, edit, answer in _EXAMPLES:
        messages += [Message("user", f"Character: {who}\nEdit: {edit}"), Message("assistant", answer)]
    messages.append(Message("user", f"Character: {name}\nEdit: {' '.join(sentence.split())}"))
    return Prompt(tuple(messages), max_tokens=48, temperature=0.0, seed=0, stop=("\n",), cache_key=LEDGER_KEY)


def _overridden(will: list[Reading], held: list[Memory]) -> tuple[Memory, ...]:
    """Her beliefs and wishes a will edit goes against: a belief about a person it names, a wish it shares
    words with (the author sees them beside the edit; what she would lose is his to weigh)."""
    if not will:
        return ()
    text = " ".join(r.sentence for r in will)
    named = {w.lower() for w in re.findall(r"[^\W\d_]+", text)}
    words = stems(text)
    out = []
    for memory in held:
        if memory.kind == "belief" and memory.about and memory.about.split()[0].lower() in named:
            out.append(memory)
        elif memory.kind == "wish" and len(words & stems(memory.text) - {"want", "i"}) >= 1:
            out.append(memory)
    return tuple(out)
