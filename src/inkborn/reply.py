"""One reply, end to end: four named steps around explicit data.

    plan    which revision she speaks under, what is fresh for this person, what she hears, what she
            remembers (remembering.py), her promises
    stage   her context under one token budget (stage.py), from the base revision cheapest to extend
    speak   the model streams and her promises are kept before she is heard (keeping.py)
    record  her turn is stored from her first word and finished, then handed to the listeners

`Character.say()` is the face; this module is the engine. What is fresh for a person is
decided here once (`fresh_for`), stored with her turn, and read back by the page (`landed`).
"""

from __future__ import annotations

import json
import logging
import re
import threading
import time
from dataclasses import dataclass, replace
from datetime import datetime, timezone
from typing import TYPE_CHECKING, Any, Iterator, Sequence

from .backends.base import Backend, Prompt, Usage
from .canon import FreshEdit, fresh_edits
from .conversation import Turn
from .errors import BackendError, NotFound
from .keeping import Keeping, keep
from .manuscript import Revision
from .memory import Memory
from .people import Person
from .promises import Promise, read_promises
from .remembering import Recall
from .stage import Scene, build_prompt, fitting, spoken_instructions, who_is_here
from .store import Store

if TYPE_CHECKING:
    from .character import Character

log = logging.getLogger("inkborn")

__all__ = ["BASE_CANDIDATES", "HISTORY_STEP", "HISTORY_TURNS", "Plan", "Reply", "fresh_for", "landed", "plan",
           "recent", "respond", "settle", "stage"]

HISTORY_TURNS = 40  # the most of the recent conversation she hears...
HISTORY_STEP = 20  # ...from a start that moves this many turns at a time, so her cached context is kept between moves
SAID_BEFORE_TURNS = 400  # how far back her own lines are held against saying one again
BASE_CANDIDATES = 4  # earlier revisions whose cached context may be cheaper to extend than re-reading
REREAD_MARGIN = 48  # tokens worth paying to re-read the manuscript as it now stands
FLUSH_EVERY = 1.0  # seconds: the most of her streamed words a killed process can lose (and a sentence's end)
CUT_OFF = "the reply was cut off"
RECALLED = 4  # memories recalled for a reply, at most (the stage keeps those that fit its room)
ACQUAINTED = 3  # a person's last moments with her, recalled when a conversation with them begins
HELD = 5  # her beliefs (about those present) and wishes, newest first, always with her
SAID_AGAIN_LOOK = 50  # turns read back for her replies to the same words, when one is said again
_SENTENCE_END = re.compile(r"[.!?\u2026]")  # anywhere in a chunk: she has finished a sentence


class Reply:
    """Her reply as it streams: iterate for text; `turn` is the stored turn once it has finished."""

    def __init__(self, chunks: Iterator[str] | None = None) -> None:
        self._chunks: Iterator[str] = chunks if chunks is not None else iter(())
        self.text = ""
        self.said: Turn | None = None  # the person's words this reply answers, when said just now
        self.turn: Turn | None = None
        self.said_to: str | None = None  # in a scene, the words were said to this other person: she let them answer
        self.prompt: Prompt | None = None  # her context as the engine staged it, once it has

    def __iter__(self) -> Iterator[str]:
        try:
            for chunk in self._chunks:
                self.text += chunk
                yield chunk
        finally:  # a reader that stops early ends her reply now (stored as partial), not when it is collected
            close = getattr(self._chunks, "close", None)
            if close is not None:
                close()

    def finish(self) -> "Reply":
        """Consume the whole reply; returns self."""
        for _ in self:
            pass
        return self


@dataclass(frozen=True)
class Plan:
    """What one reply rests on, worked out before a word of it."""

    name: str  # hers
    author: str
    person: Person
    head: Revision  # the revision she speaks under
    seen: Revision | None  # the revision her recent words to this person were spoken under
    fresh: tuple[FreshEdit, ...]  # what changed since `seen`: fresh for this person
    history: tuple[Turn, ...]  # what she hears of the conversation, ending with the words she answers
    promises: tuple[Promise, ...]
    seed: int | None
    others: tuple[str, ...] = ()  # the others in the scene, besides the person speaking now
    remembered: tuple[Memory, ...] = ()  # what she recalls now, of what she does not hear in the conversation
    pinned: tuple[tuple[int, tuple[Memory, ...]], ...] = ()  # what she recalled on hearing earlier turns (stage.py)

    @property
    def message(self) -> str:
        """What she answers, as the person said it."""
        return self.history[-1].text


# plan ---------------------------------------------------------------------


def fresh_for(store: Store, cid: int, person: Person, head: Revision) -> tuple[Revision | None, tuple[FreshEdit, ...]]:
    """What is fresh for this person, decided here and nowhere else.

    The revision her recent words were spoken under (to this person, else to anyone, else the
    head's parent: an edit made before her first words is fresh for them), and the sentences
    that changed between it and the head.
    """
    rid = store.last_spoken_revision(cid, person.id) or store.last_spoken_revision(cid) or head.parent_id
    seen = store.revision_by_id(rid) if rid else None
    return seen, tuple(fresh_edits(seen.text, head.text)) if seen and seen.id != head.id else ()


def recent(store: Store, conversation: int, coming: int = 0) -> list[Turn]:
    """The recent conversation she hears: at most HISTORY_TURNS turns, from a start that moves
    HISTORY_STEP turns at a time. A window sliding by every turn changed what follows her
    manuscript at each reply, so the model read all of it again: measured in a 44-message
    conversation on the default model, her first word went from ~0.6 s to ~14 s once 40 turns
    had been said. `coming`: where the window will start once that many more turns are said."""
    count = store.turn_count(conversation, diagnostic=False)
    start = max(0, (count + coming - (HISTORY_TURNS - HISTORY_STEP)) // HISTORY_STEP * HISTORY_STEP)
    return store.turns(conversation, limit=max(1, count - start), diagnostic=False) if count else []


def pinned_in(store: Store, history: Sequence[Turn], present: set[int]) -> tuple[tuple[int, tuple[Memory, ...]], ...]:
    """What she recalled on hearing each earlier message she still hears, as it stands now: a memory
    since deleted, superseded by an edit or not for everyone present is left out."""
    asked = [(turn.id, json.loads(turn.recalled)) for turn in history[:-1] if turn.recalled]
    found = {m.id: m for m in store.memories_by_id(i for _, ids in asked for i in ids) if m.may_be_heard_by(present)}
    pinned = [(tid, tuple(found[i] for i in ids if i in found)) for tid, ids in asked]
    return tuple((tid, kept) for tid, kept in pinned if kept)


def remembered(recall: Recall, store: Store, cid: int, name: str, person: Person, conversation: int,
               history: list[Turn], head: Revision, pinned: Sequence[Memory] = ()) -> tuple[Memory, ...]:
    """What she recalls for this reply, of all she does not hear in the conversation now: her wishes
    and what she believes of those present (reflection.py), what bears on the person's words, and,
    when a conversation is only beginning, her last moments with them (a returning visitor is
    someone she knows). Only what everyone present may hear, and not what she already recalled
    earlier in the conversation she hears (`pinned`); her words that an edit since made untrue are
    superseded first. Her memory failing never fails her reply: she answers without it (logged)."""
    try:
        recall.ready(cid, name, head)
        already = {m.id for m in pinned}
        return tuple(m for m in _recalled(recall, store, cid, name, person, conversation, history)
                     if m.id not in already)
    except NotFound:
        raise
    except Exception:
        log.exception("her memory failed; she answers without it")
        return ()


def _recalled(recall: Recall, store: Store, cid: int, name: str, person: Person, conversation: int,
              history: list[Turn]) -> tuple[Memory, ...]:
    people = store.participants(conversation)
    present = {p.id for p in people} | {person.id}
    hears = {t.id for t in history}
    found = list(recall.recall(cid, history[-1].text, present, k=RECALLED, exclude=hears, her=name))
    if len(history) <= 2:
        known = [m for m in store.memories(cid, about=person.id, limit=ACQUAINTED + len(hears))
                 if m.turn_id not in hears and m.may_be_heard_by(present) and m not in found]
        found += known[:ACQUAINTED]
    here = {p.name.lower() for p in people} | {person.name.lower()}
    held = [m for m in store.drawn(cid) if m.may_be_heard_by(present)  # her wishes, what she believes of those here
            and (m.kind == "wish" or m.about is None or m.about.lower() in here)][:HELD]
    return tuple(held + [m for m in found if m not in held])  # best first: the stage lets the last go first


def plan(store: Store, cid: int, name: str, author: str, person: Person, conversation: int,
         seed: int | None = None, recall: Recall | None = None) -> Plan:
    """What the next reply to this person rests on. NotFound when the person has said nothing yet."""
    head = store.head(cid)
    history = recent(store, conversation)
    while history and history[-1].is_hers:  # answering again: drop her unfinished attempt
        history.pop()
    if not history:
        raise NotFound(f"{person.name} has said nothing to her yet")
    seen, fresh = fresh_for(store, cid, person, head)
    others = tuple(p.name for p in store.participants(conversation) if p.id != person.id)
    said_before = [t.text for t in store.turns(conversation, limit=SAID_BEFORE_TURNS, diagnostic=False)
                   if t.is_hers and t.text]
    promises = read_promises(name, head.text, fresh=[e.new for e in fresh if e.new],
                             gone=[e.old for e in fresh if e.old],
                             changed=[e.old for e in fresh if e.kind == "changed"],
                             heard=[history[-1].text, who_is_here(name, person.name, author, head.text, others),
                                    *spoken_instructions(name)],
                             before=seen.text if seen else "", said_before=said_before,
                             written=store.revealed(cid) is not None)
    present = {p.id for p in store.participants(conversation)} | {person.id}
    pinned = pinned_in(store, history, present)
    memories = remembered(recall, store, cid, name, person, conversation, history, head,
                          [m for _, ms in pinned for m in ms]) if recall else ()
    return Plan(name, author, person, head, seen, fresh, tuple(history), tuple(promises), seed, others, memories,
                pinned)


# stage --------------------------------------------------------------------


def stage(plan: Plan, backend: Backend, bases: list[Revision], cache_key: str) -> Prompt:
    """Her context for this reply, from whichever base revision is cheapest for the model to extend.

    Re-reading the whole manuscript after an edit in its middle can cost more than keeping an
    earlier revision's cached context and saying what changed close to the end (stage.py).
    What is newly true for this person opens her turn whatever the base; what is no longer true
    is said only where her context still holds it.
    """
    newly = [FreshEdit("added", new=e.new) for e in plan.fresh if e.new]
    best: tuple[int, Prompt] | None = None
    for base in bases:
        edits = _merge(fresh_edits(base.text, plan.head.text) if base.id != plan.head.id else [], newly)
        scene = Scene(plan.name, plan.person.name, base.text, tuple(edits), plan.history, plan.seed, plan.author,
                      plan.others, plan.remembered, plan.pinned, _first_answered_since(plan.history, base, plan.head))
        prompt = replace(build_prompt(scene, backend), cache_key=cache_key)
        cost = backend.cost(prompt) + (0 if base.id == plan.head.id else REREAD_MARGIN)
        if best is None or cost < best[0]:
            best = (cost, prompt)
    assert best is not None, "there is always the head to stage from"
    return best[1]


def _first_answered_since(history: tuple[Turn, ...], base: Revision, head: Revision) -> int | None:
    """While her context lags behind the head (staged from an earlier base), the person's words she
    first answered under the head: what changed since the base was said just before them, and
    stays there for her later replies (None: it is said before the words she answers now)."""
    if base.id == head.id:
        return None
    for heard, hers in zip(history, history[1:]):
        if not heard.is_hers and hers.is_hers and hers.revision_id == head.id:
            return heard.id
    return None


def _merge(*groups: list[FreshEdit]) -> list[FreshEdit]:
    seen, out = set(), []
    for edit in (e for group in groups for e in group):
        if (edit.old, edit.new) not in seen:
            seen.add((edit.old, edit.new))
            out.append(edit)
    return out


# speak and record -----------------------------------------------------------


def respond(character: "Character", person: Person, conversation: int, seed: int | None,
            reply: Reply, again: bool = False) -> Iterator[str]:
    """Plan, stage, speak and record one reply; her words as she says them.

    Her turn exists from her first word (a process killed mid-reply leaves what she had said),
    is finished whatever happens (ok, partial or failed, with the reason), and once stored is
    handed to the studio's listeners. `again`: this reply is said instead of her replies to the
    same words (kept as alternatives) once it has finished; one that does not finish is kept as an
    alternative to them instead, never beside them.
    """
    studio, store = character.studio, character.studio.store
    with studio.idle.paused(), studio.model_lock:
        began = time.perf_counter()
        backend, planned, turn_id = None, None, None
        usage, text, first, keeping = Usage(), "", None, Keeping()
        status, error, storable = "ok", None, True
        try:
            backend = studio.backend
            planned = plan(store, character.id, character.name, character.author.name, person, conversation, seed,
                           studio.recall)
            prompt = reply.prompt = stage(planned, backend, character.bases(planned.head), character.slug)
            recalled = [m.id for m in fitting(character.name, planned.remembered, backend)]
            if recalled or planned.history[-1].recalled:  # kept before the words, for her later replies' context
                store.update_turn(planned.history[-1].id, recalled=json.dumps(recalled) if recalled else None)
            turn_id = store.add_turn(conversation, "her", "", status="partial", error=CUT_OFF,
                                     revision_id=planned.head.id, fresh_from=planned.seen.id if planned.seen else None,
                                     backend=backend.name, diagnostic=not backend.speaks_as_her)
            flushed = time.perf_counter()
            for chunk in keep(backend, prompt, list(planned.promises), character.name, usage, keeping,
                              message=planned.message, person=person.name, alone=not planned.others):
                now = time.perf_counter()
                if first is None:
                    first = now - began
                text += chunk
                if _SENTENCE_END.search(chunk) or now - flushed >= FLUSH_EVERY:
                    store.update_turn(turn_id, text=text.strip())  # stored before anyone hears it
                    flushed = now
                yield chunk
        except NotFound:  # she (or this conversation) was deleted meanwhile: nothing of her reply can be kept
            storable = False
            raise
        except BackendError as exc:
            status, error = "failed", str(exc)
            raise
        except GeneratorExit:
            status, error = "partial", CUT_OFF
            raise
        except KeyboardInterrupt:
            status, error = "partial", "interrupted"
            raise
        except Exception as exc:  # whatever went wrong, even before her first word, her turn says so
            status, error = "failed", str(exc) or type(exc).__name__
            raise
        finally:
            if storable:
                text = text.strip()
                if status != "ok" and not text:
                    status = "failed"
                fields: dict[str, Any] = dict(
                    text=text, status=status, backend=backend.name if backend else studio.backend_name,
                    model=usage.model or (backend.model_name if backend else None),
                    tokens_evaluated=usage.tokens_evaluated, tokens_generated=usage.tokens_generated,
                    first_token_ms=None if first is None else round(first * 1000, 1),
                    total_ms=round((time.perf_counter() - began) * 1000, 1), error=error,
                    attempts=keeping.attempts, promises=json.dumps(keeping.as_dict()),
                    model_first_token_ms=None if usage.first_token_at is None
                    else round((usage.first_token_at - began) * 1000, 1),
                )
                if turn_id is None:  # failed before she began (a manuscript too long, a model that won't load)
                    head = planned.head if planned else character.head()
                    turn_id = store.add_turn(conversation, "her", revision_id=head.id,
                                             diagnostic=bool(backend and not backend.speaks_as_her), **fields)
                else:
                    store.update_turn(turn_id, **fields)
                if again and planned is not None:
                    _said_again(store, conversation, planned.history[-1].id, turn_id, status == "ok")
                reply.turn = store.turn(turn_id)
                studio.listeners.turn_stored(character, reply.turn)


def _said_again(store: Store, conversation: int, answered: int, turn_id: int, finished: bool) -> None:
    """Her replies to the same words (after turn `answered`), decided when the new one ends, not when
    it was asked for: a finished reply is said instead of them; one cut off is an alternative to them."""
    before = [t.id for t in store.turns(conversation, limit=SAID_AGAIN_LOOK, diagnostic=False)
              if t.is_hers and answered < t.id != turn_id]
    if not before:
        return
    if finished:
        for old in before:
            store.replace_turn(old, turn_id)
    else:
        store.update_turn(turn_id, replaced_by=before[-1])


def landed(store: Store, turn: Turn) -> dict[str, int | bool] | None:
    """The edit her turn was the first to speak under, for the person she spoke to:
    {"from": M, "to": N, "shown": bool}, or None.

    Read from what the engine stored with the turn (`fresh_for`), so the page never marks an
    edit the engine did not treat as fresh. shown: whether her reply honours the edit by the
    engine's own judgement (its promises kept); when not, the edit is known to her but not yet
    shown in what she said.
    """
    if (turn.status != "ok" or turn.revision_id is None or turn.fresh_from is None
            or turn.fresh_from == turn.revision_id):
        return None
    kept = json.loads(turn.promises) if turn.promises else {}
    return {"from": store.revision_by_id(turn.fresh_from).number, "to": store.revision_by_id(turn.revision_id).number,
            "shown": kept.get("shown") is not False}


# settle -----------------------------------------------------------------------


def settle(character: "Character", person: Person, conversation: int, cancel: threading.Event) -> None:
    """While she is idle, read the manuscript as it now stands into the model's cache.

    The next reply then finds the current revision already evaluated and pays only for
    what is new. Stops as soon as `cancel` is set; a half-done settle only costs time.
    """
    store = character.studio.store
    turns = recent(store, conversation, coming=1)  # as the next reply will hear it, past the person's next words
    if not turns:
        return
    head = store.head(character.id)
    people = store.participants(conversation)
    others = tuple(p.name for p in people if p.id != person.id)
    history = tuple(turns) + (_placeholder(),)
    scene = Scene(character.name, person.name, head.text, (), history, None, character.author.name, others,
                  pinned=pinned_in(store, history, {p.id for p in people} | {person.id}))
    backend = character.studio.backend
    prompt = build_prompt(scene, backend)
    # warm everything but the placeholder message: the prefix the next reply will share
    prompt = replace(prompt, messages=prompt.messages[:-1], prefill="", cache_key=character.slug)
    with character.studio.model_lock:
        backend.warm(prompt, cancel)


def _placeholder() -> Turn:
    """An empty message to stand where the person's next words will go."""
    return Turn(id=0, conversation_id=0, speaker="person", text="", status="ok", revision_id=None, backend=None,
                model=None, tokens_evaluated=None, tokens_generated=None, first_token_ms=None, total_ms=None,
                error=None, created_at=datetime.now(timezone.utc))
