"""The living character: her manuscript's revisions, the people she talks with, and her replies."""

from __future__ import annotations

import json
import re
import threading
import time
from dataclasses import replace
from datetime import datetime, timezone
from typing import TYPE_CHECKING, Iterator

from .backends.base import Prompt, Usage
from .canon import FreshEdit, fresh_edits
from .conversation import Turn, check_text
from .errors import BackendError, InvalidInput, NotFound, StaleRevision
from .keeping import Keeping, keep
from .manuscript import Revision, apply_edit, diff, normalize
from .people import Person, check_visitor_name
from .promises import Promise, read_promises
from .stage import Scene, build_prompt, spoken_instructions, who_is_here

if TYPE_CHECKING:
    from .studio import Studio

__all__ = ["Character", "Reply"]

HISTORY_TURNS = 40  # the most of the recent conversation she hears...
HISTORY_STEP = 20  # ...from a start that moves this many turns at a time, so her cached context is kept between moves
SAID_BEFORE_TURNS = 400  # how far back her own lines are held against saying one again
BASE_CANDIDATES = 4  # earlier revisions whose cached context may be cheaper to extend than re-reading
REREAD_MARGIN = 48  # tokens worth paying to re-read the manuscript as it now stands
FLUSH_EVERY = 1.0  # seconds: the most of her streamed words a killed process can lose (and a sentence's end)
CUT_OFF = "the reply was cut off"
_SENTENCE_END = re.compile(r"[.!?\u2026]")  # anywhere in a chunk: she has finished a sentence


class Reply:
    """Her reply as it streams: iterate for text; `turn` is the stored turn once it has finished."""

    def __init__(self, chunks: Iterator[str] | None = None) -> None:
        self._chunks: Iterator[str] = chunks if chunks is not None else iter(())
        self.text = ""
        self.said: Turn | None = None  # the person's words this reply answers, when said just now
        self.turn: Turn | None = None

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


class Character:
    """A character written into being: `write()` changes who she is, `say()` talks with her."""

    def __init__(self, studio: "Studio", cid: int, slug: str, name: str):
        self.studio, self.id, self.slug, self.name = studio, cid, slug, name
        self._store = studio.store
        self.base_candidates = BASE_CANDIDATES

    def __repr__(self) -> str:
        return f"<Character {self.slug}>"

    # the manuscript -------------------------------------------------------

    @property
    def manuscript(self) -> str:
        return self.head().text

    def head(self) -> Revision:
        """The current revision."""
        return self._store.head(self.id)

    def revision(self, number: int | None = None) -> Revision:
        return self.head() if number is None else self._store.revision(self.id, number)

    def revisions(self) -> list[Revision]:
        return self._store.revisions(self.id)

    def write(self, text: str, *, summary: str | None = None, base: int | None = None) -> Revision | None:
        """Save text as a new revision by the author; None when nothing changed.

        `base` is the revision the text was written from: if another save came since, nothing is
        saved and StaleRevision says so (two editors never silently overwrite each other).
        """
        text = normalize(check_text(text, "the manuscript"))
        if not text:
            raise InvalidInput("the manuscript would be empty; a character needs at least a sentence")
        return self._store.save_revision(self.id, text, self.author.name, summary=summary, base=base)

    def edit(self, op: str, *, new: str = "", old: str = "") -> Revision | None:
        """Append, replace or delete a passage, saved as a new revision.

        The passage is applied to the revision it was found in; if another save comes between,
        it is applied again to that one, so no one's save is overwritten.
        """
        for _ in range(5):
            head = self.head()
            try:
                return self.write(apply_edit(head.text, op, new=new, old=old), base=head.number)
            except StaleRevision:
                continue
        raise StaleRevision(head.number, self.head().number)

    def revert(self, number: int) -> Revision | None:
        """A new revision whose text equals revision `number`; nothing is lost."""
        old = self.revision(number)
        return self.write(old.text, summary=f"reverted to revision {number}")

    def diff(self, a: int | None = None, b: int | None = None) -> str:
        """Unified diff between two revisions (default: the head's parent and the head)."""
        new = self.revision(b)
        if a is not None:
            old: Revision | None = self.revision(a)
        else:
            old = self._store.revision_by_id(new.parent_id) if new.parent_id else None
        return diff(old.text if old else "", new.text, f"revision {old.number if old else 0}", f"revision {new.number}")

    # people ---------------------------------------------------------------

    @property
    def author(self) -> Person:
        return self._store.author(self.id)

    def people(self) -> list[Person]:
        return self._store.people(self.id)

    def person(self, name: str | None = None) -> Person:
        """The author when name is None or the author's name; otherwise that visitor, admitted if new.

        A new visitor's name may not hold invisible characters nor pass for the author's.
        """
        author = self.author
        if name is None or name == author.name:
            return author
        try:
            return self._store.person(self.id, name)
        except NotFound:
            return self._store.person(self.id, check_visitor_name(name, author.name), create=True)

    def turns(self, name: str | None = None, limit: int | None = None) -> list[Turn]:
        person = self.person(name)
        return self._store.turns(self._store.conversation(self.id, person.id), limit=limit)

    # talking --------------------------------------------------------------

    def say(self, text: str, *, as_: str | None = None, seed: int | None = None) -> Reply:
        """Say something to her as a person (the author by default); her reply streams back."""
        if not check_text(text, "the message").strip():
            raise InvalidInput("say something: the message is empty")
        person = self.person(as_)
        conversation = self._store.conversation(self.id, person.id)
        said = self._store.add_turn(conversation, "person", text.strip())
        reply = self._reply(person, conversation, seed)
        reply.said = self._store.turn(said)
        return reply

    def record(self, text: str, *, as_: str | None = None, hers: bool = False) -> Turn:
        """Store a turn said before, without a model: the person's words, or hers (replays, imports)."""
        if not check_text(text, "the turn").strip():
            raise InvalidInput("a turn needs words")
        person = self.person(as_)
        conversation = self._store.conversation(self.id, person.id)
        turn_id = self._store.add_turn(conversation, "her" if hers else "person", text.strip(),
                                       revision_id=self.head().id if hers else None)
        return self._store.turn(turn_id)

    def retry(self, *, as_: str | None = None, seed: int | None = None) -> Reply:
        """Answer the person's last words again, after a reply that failed or was cut short."""
        person = self.person(as_)
        conversation = self._store.conversation(self.id, person.id)
        turns = self._store.turns(conversation, limit=1, diagnostic=False)
        if not turns:
            raise NotFound(f"{person.name} has said nothing to her yet")
        if turns[0].is_hers and turns[0].status == "ok":
            raise InvalidInput("her last reply finished; say something new instead")
        return self._reply(person, conversation, seed)

    def prompt_for(self, person: Person, conversation: int, seed: int | None = None) -> tuple[Prompt, Revision, list[Promise]]:
        """Her context for the next reply to this person, the revision it speaks under, and its promises."""
        head = self.head()
        history = self._recent(conversation)
        while history and history[-1].is_hers:  # answering again: drop her unfinished attempt
            history.pop()
        if not history:
            raise NotFound(f"{person.name} has said nothing to her yet")
        seen = self._seen_revision(person, head)
        backend = self.studio.backend
        best: tuple[int, Prompt] | None = None
        since_seen = fresh_edits(seen.text, head.text) if seen and seen.id != head.id else []
        # what is newly true opens her turn; what is no longer true is said only where her context still holds it
        newly = [FreshEdit("added", new=e.new) for e in since_seen if e.new]
        author = self.author.name
        for base in self._base_candidates(head):
            edits = _merge(fresh_edits(base.text, head.text) if base.id != head.id else [], newly)
            scene = Scene(self.name, person.name, base.text, tuple(edits), tuple(history), seed, author)
            prompt = build_prompt(scene, backend)
            prompt = replace(prompt, cache_key=self.slug)
            cost = backend.cost(prompt) + (0 if base.id == head.id else REREAD_MARGIN)
            if best is None or cost < best[0]:
                best = (cost, prompt)
        assert best is not None
        promises = read_promises(self.name, head.text, fresh=[e.new for e in since_seen if e.new],
                                 gone=[e.old for e in since_seen if e.old],
                                 changed=[e.old for e in since_seen if e.kind == "changed"],
                                 heard=[history[-1].text, who_is_here(self.name, person.name, author, head.text),
                                        *spoken_instructions(self.name)],
                                 before=seen.text if seen else "", said_before=self._said_before(conversation))
        return best[1], head, promises

    def _recent(self, conversation: int) -> list[Turn]:
        """The recent conversation she hears: at most HISTORY_TURNS turns, from a start that moves
        HISTORY_STEP turns at a time. A window sliding by every turn changed what follows her
        manuscript at each reply, so the model read all of it again: measured in a 44-message
        conversation on the default model, her first word went from ~0.6 s to ~14 s once 40 turns
        had been said."""
        count = self._store.turn_count(conversation, diagnostic=False)
        start = max(0, (count - (HISTORY_TURNS - HISTORY_STEP)) // HISTORY_STEP * HISTORY_STEP)
        return self._store.turns(conversation, limit=max(1, count - start), diagnostic=False) if count else []

    def _said_before(self, conversation: int) -> list[str]:
        """Her earlier lines in this conversation (she never says one again)."""
        return [t.text for t in self._store.turns(conversation, limit=SAID_BEFORE_TURNS, diagnostic=False)
                if t.is_hers and t.text]

    def _seen_revision(self, person: Person, head: Revision) -> Revision | None:
        """The revision her recent words were spoken under: with this person, else anyone, else the head's parent."""
        rid = self._store.last_spoken_revision(self.id, person.id) or self._store.last_spoken_revision(self.id)
        if rid is None:
            rid = head.parent_id
        return self._store.revision_by_id(rid) if rid else None

    def _base_candidates(self, head: Revision) -> list[Revision]:
        if not self.studio.backend.keeps_cache:
            return [head]
        earlier = self._store.revisions(self.id, last=self.base_candidates)[:-1]
        return [head, *reversed(earlier)]

    def _reply(self, person: Person, conversation: int, seed: int | None) -> Reply:
        reply = Reply()
        reply._chunks = self._respond(person, conversation, seed, reply)
        return reply

    def _respond(self, person: Person, conversation: int, seed: int | None, reply: Reply) -> Iterator[str]:
        studio = self.studio
        with studio.model_lock:
            began = time.perf_counter()
            backend, head, turn_id = None, None, None
            usage, text, first, keeping = Usage(), "", None, Keeping()
            status, error, storable = "ok", None, True
            try:
                backend = studio.backend
                prompt, head, promises = self.prompt_for(person, conversation, seed)
                # her turn exists from her first word: a process killed mid-reply leaves what she had said
                turn_id = self._store.add_turn(conversation, "her", "", status="partial", error=CUT_OFF,
                                               revision_id=head.id, backend=backend.name,
                                               diagnostic=not backend.speaks_as_her)
                flushed = time.perf_counter()
                message = next((t.text for t in reversed(self._store.turns(conversation, limit=2, diagnostic=False))
                                if not t.is_hers), "")  # what she answers, as the person said it
                for chunk in keep(backend, prompt, promises, self.name, usage, keeping, message=message,
                                  person=person.name):
                    now = time.perf_counter()
                    if first is None:
                        first = now - began
                    text += chunk
                    if _SENTENCE_END.search(chunk) or now - flushed >= FLUSH_EVERY:
                        self._store.update_turn(turn_id, text=text.strip())  # stored before anyone hears it
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
                    name = backend.name if backend else studio.backend_name
                    fields = dict(
                        text=text, status=status, backend=name,
                        model=usage.model or (backend.model_name if backend else None),
                        tokens_evaluated=usage.tokens_evaluated, tokens_generated=usage.tokens_generated,
                        first_token_ms=None if first is None else round(first * 1000, 1),
                        total_ms=round((time.perf_counter() - began) * 1000, 1), error=error,
                        attempts=keeping.attempts, promises=json.dumps(keeping.as_dict()),
                        model_first_token_ms=None if usage.first_token_at is None
                        else round((usage.first_token_at - began) * 1000, 1),
                    )
                    if turn_id is None:  # failed before she began (a manuscript too long, a model that won't load)
                        turn_id = self._store.add_turn(
                            conversation, "her", revision_id=(head or self.head()).id,
                            diagnostic=bool(backend and not backend.speaks_as_her), **fields)
                    else:
                        self._store.update_turn(turn_id, **fields)
                    reply.turn = self._store.turn(turn_id)

    def settle(self, *, as_: str | None = None, cancel: threading.Event | None = None) -> None:
        """While she is idle, read the manuscript as it now stands into the model's cache.

        The next reply then finds the current revision already evaluated and pays only for
        what is new. Stops as soon as `cancel` is set; a half-done settle only costs time.
        """
        person = self.person(as_)
        conversation = self._store.conversation(self.id, person.id)
        turns = self._recent(conversation)
        if not turns:
            return
        head = self.head()
        scene = Scene(self.name, person.name, head.text, (), tuple(turns) + (_placeholder(),), None, self.author.name)
        backend = self.studio.backend
        prompt = build_prompt(scene, backend)
        # warm everything but the placeholder message: the prefix the next reply will share
        prompt = replace(prompt, messages=prompt.messages[:-1], prefill="", cache_key=self.slug)
        with self.studio.model_lock:
            backend.warm(prompt, cancel or threading.Event())


def _placeholder() -> Turn:
    """An empty message to stand where the person's next words will go."""
    return Turn(id=0, conversation_id=0, speaker="person", text="", status="ok", revision_id=None, backend=None,
                model=None, tokens_evaluated=None, tokens_generated=None, first_token_ms=None, total_ms=None,
                error=None, created_at=datetime.now(timezone.utc))


def _merge(*groups: list[FreshEdit]) -> list[FreshEdit]:
    seen, out = set(), []
    for edit in (e for group in groups for e in group):
        if (edit.old, edit.new) not in seen:
            seen.add((edit.old, edit.new))
            out.append(edit)
    return out
