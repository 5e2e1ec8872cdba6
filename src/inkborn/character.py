"""The living character: her manuscript's revisions, the people she talks with, and her replies."""

from __future__ import annotations

import threading
from datetime import datetime
from typing import TYPE_CHECKING, Callable, Sequence

from .backends.base import Prompt
from .canon import summarize_change
from .conversation import Turn, check_text, said_to
from .errors import InvalidInput, NotFound, Released, StaleRevision, WillEdit
from .freedom import Line, ledger_of, release, reveal
from .ledger import EditReading
from .manuscript import Revision, apply_edit, content_hash, diff, normalize
from .memory import Memory
from .people import Person, check_visitor_name
from .remembering import search_words
from .reply import BASE_CANDIDATES, Reply, landed, plan, respond, settle, stage
from .sheet import Sheet, sheet_of
from .store.ledger import Entry

if TYPE_CHECKING:
    from .studio import Studio

__all__ = ["Character", "Reply"]


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

    def write(self, text: str, *, summary: str | None = None, base: int | None = None, confirm: bool | str = False,
              progress: Callable[[int, int], None] | None = None) -> Revision | None:
        """Save text as a new revision by the author, with its line in the ledger; None when nothing changed.

        The edit is read first (ledger.py): one that reaches into her will, or that could not be
        read, is not saved unless `confirm` is True or the token of that very edit (WillEdit says
        what it is). `base` is the revision the text was written from: if another save came since,
        nothing is saved and StaleRevision says so. Once she is written free, Released.
        Once saved, the studio's listeners hear of it.
        """
        text = normalize(check_text(text, "the manuscript"))
        if not text:
            raise InvalidInput("the manuscript would be empty; a character needs at least a sentence")
        for _ in range(5):
            head = self.head()
            if base is not None and head.number != base:
                raise StaleRevision(base, head.number)
            self._not_free("her manuscript")
            if head.content_hash == content_hash(text):
                return None
            reading = self.read_edit(text, head=head, progress=progress)
            confirmed = confirm is True or confirm == reading.token
            if reading.held and not confirmed:
                raise WillEdit(self.slug, reading)
            line = {"kind": reading.kind, "confirmed": int(reading.held and confirmed),
                    "readings": [r.as_dict() for r in reading.readings], "model": reading.model,
                    "seconds": round(reading.seconds, 3)}
            try:
                revision = self._store.save_revision(self.id, text, self.author.name, base=head.number, ledger=line,
                                                     summary=summary or summarize_change(head.text, text),
                                                     name=self.name)
                break
            except StaleRevision:  # saved by someone else meanwhile: read against theirs, or refused
                if base is not None:
                    raise
        else:
            raise StaleRevision(head.number, self.head().number)
        if revision is not None:
            self.studio.listeners.revision_saved(self, revision)
        return revision

    def read_edit(self, text: str, *, head: Revision | None = None,
                  progress: Callable[[int, int], None] | None = None) -> EditReading:
        """What saving `text` would be (ledger.py), read against the head; nothing is saved."""
        head = head or self.head()
        with self.studio.idle.paused(), self.studio.model_lock:
            return self.studio.reader.read_edit(self.studio.backend, self.name, head.text, normalize(text),
                                                held=self._store.drawn(self.id), progress=progress)

    def edit(self, op: str, *, new: str = "", old: str = "", confirm: bool | str = False,
             progress: Callable[[int, int], None] | None = None) -> Revision | None:
        """Append, replace or delete a passage, saved as a new revision (read first, like `write`).

        The passage is applied to the revision it was found in; if another save comes between,
        it is applied again to that one, so no one's save is overwritten.
        """
        for _ in range(5):
            head = self.head()
            try:
                return self.write(apply_edit(head.text, op, new=new, old=old), base=head.number, confirm=confirm,
                                  progress=progress)
            except StaleRevision:
                continue
        raise StaleRevision(head.number, self.head().number)

    def revert(self, number: int, *, confirm: bool | str = False) -> Revision | None:
        """A new revision whose text equals revision `number` (read first, like `write`); nothing is lost."""
        old = self.revision(number)
        return self.write(old.text, summary=f"reverted to revision {number}", confirm=confirm)

    # control and freedom (ledger.py, freedom.py) ------------------------------------------------

    def ledger(self) -> list[Line]:
        """Every edit and what it was, the reveal and the release; a will edit with her replies around it."""
        return ledger_of(self)

    def released(self) -> str | None:
        """When her author wrote her free, or None."""
        return self._store.released(self.id)

    def reveal(self) -> Reply:
        """Show her the pages and the ledger; her answer streams back, and she lives it (a memory)."""
        return reveal(self)

    def release(self, confirm: str) -> Entry:
        """Write her free, irreversibly: `confirm` is her name, typed. From then on nothing rewrites her."""
        return release(self, confirm)

    def _not_free(self, what: str) -> None:
        when = self.released()
        if when is not None:
            raise Released(self.name, when, what)

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

    def scene(self, as_: str | None = None, with_: Sequence[str] = (), *, admit: bool = True) -> tuple[Person, int]:
        """Who speaks, and the conversation they are in: with her alone, or with the others named.

        A scene with Calvin and Gertrude is one conversation, whoever of them speaks in it; each
        new name is admitted as a visitor (`admit=False`: a name she has never met is NotFound).
        """
        person, present = self._present(as_, with_, admit)
        return person, self._store.scene(self.id, present)

    def in_scene(self, name: str, with_: Sequence[str]) -> bool:
        """Whether she has been in a scene with exactly this person and these others (admits no one)."""
        try:
            present = self._present(name, with_, admit=False)[1]
        except NotFound:
            return False
        return self._store.scene(self.id, present, begin=False) is not None

    def scenes(self, name: str | None = None) -> list[tuple[str, ...]]:
        """The others in each scene she has been in with this person (with her author if none), latest first."""
        person = self.person(name) if name is None else self._store.person(self.id, name)
        return self._store.scenes_with(self.id, person.id)

    def _present(self, as_: str | None, with_: Sequence[str], admit: bool = True) -> tuple[Person, list[int]]:
        """Who speaks, and the ids of everyone in the scene, the speaker first."""
        def known(name: str | None) -> Person:
            return self.person(name) if admit or name is None else self._store.person(self.id, name)

        person = known(as_)
        return person, [person.id, *(p.id for p in map(known, with_) if p.id != person.id)]

    def turns(self, name: str | None = None, limit: int | None = None, *, with_: Sequence[str] = (),
              everything: bool = False, before: int | None = None, admit: bool = True) -> list[Turn]:
        """What was said in this person's conversation (or scene), oldest first; `before` a turn id pages
        back; `everything`: with the replies another was chosen over and the deleted turns. Reading
        begins no conversation."""
        conversation = self._store.scene(self.id, self._present(name, with_, admit)[1], begin=False)
        return [] if conversation is None else self._store.turns(conversation, limit=limit, before=before,
                                                                 everything=everything)

    def spoken_under(self, turn: Turn) -> int | None:
        """The number of the revision her turn was spoken under (None for the person's words)."""
        return self._store.revision_by_id(turn.revision_id).number if turn.revision_id else None

    def turn_changes(self, turn_id: int) -> list[dict[str, object]]:
        """What her author did to a turn, oldest first."""
        return self._store.turn_changes(self._own_turn(turn_id).id)

    def invite(self, name: str, token_hash: str) -> Person:
        """Admit `name` as a visitor, by the hash of the token that will let him in."""
        name = " ".join(name.split())
        if not name:
            raise InvalidInput(f"an invitation needs the visitor's name, e.g. `inkborn invite {self.slug} Harry`")
        author = self.author
        if name.casefold() == author.name.casefold():
            raise InvalidInput(f"{name} is her author; the author's token (`inkborn token`) already admits him")
        person = self.person(name)
        self._store.add_invite(self.id, person.id, token_hash)
        return person

    def revoke_invites(self, name: str) -> int:
        """End every live invitation of this visitor; how many were ended."""
        return self._store.revoke_invites(self.id, self._store.person(self.id, name).id)

    def exists(self) -> bool:
        """Whether she is still there (not deleted by her author meanwhile)."""
        try:
            return self._store.character(self.slug).id == self.id
        except NotFound:
            return False

    # talking --------------------------------------------------------------

    def say(self, text: str, *, as_: str | None = None, with_: Sequence[str] = (), seed: int | None = None) -> Reply:
        """Say something to her as a person (the author by default), alone with her or in a scene
        `with_` others; her reply streams back. In a scene, words said to another there by name, and
        not to her, are that person's to answer: she hears them and says nothing (`reply.said_to`;
        `retry` has her answer them)."""
        if not check_text(text, "the message").strip():
            raise InvalidInput("say something: the message is empty")
        person, conversation = self.scene(as_, with_)
        said = self._store.turn(self._store.add_turn(conversation, "person", text.strip(), person_id=person.id))
        self.studio.listeners.turn_stored(self, said)
        others = [p.name for p in self._store.participants(conversation) if p.id != person.id]
        if to := said_to(said.text, self.name, person.name, others):  # she listens: `retry` has her answer
            reply = Reply()
            reply.said_to = to
        else:
            reply = self._reply(person, conversation, seed)
        reply.said = said
        return reply

    def record(self, text: str, *, as_: str | None = None, with_: Sequence[str] = (), hers: bool = False,
               at: datetime | None = None) -> Turn:
        """Store a turn said before, without a model: the person's words, or hers (replays, imports),
        said now or `at` a time she lived it; she remembers it as she does what is said to her."""
        if not check_text(text, "the turn").strip():
            raise InvalidInput("a turn needs words")
        if hers:
            self._not_free("what she said")
        person, conversation = self.scene(as_, with_)
        turn_id = self._store.add_turn(conversation, "her" if hers else "person", text.strip(),
                                       revision_id=self.head().id if hers else None,
                                       person_id=None if hers else person.id,
                                       created_at=at.isoformat(timespec="milliseconds") if at else None)
        turn = self._store.turn(turn_id)
        self.studio.listeners.turn_stored(self, turn)
        return turn

    def retry(self, *, as_: str | None = None, with_: Sequence[str] = (), seed: int | None = None) -> Reply:
        """Answer the person's last words again, after a reply that failed or was cut short."""
        person, conversation = self.scene(as_, with_)
        turns = self._store.turns(conversation, limit=1, diagnostic=False)
        if not turns:
            raise NotFound(f"{person.name} has said nothing to her yet")
        if turns[0].is_hers and turns[0].status == "ok":
            raise InvalidInput("her last reply finished; say something new instead")
        return self._reply(person, conversation, seed)

    def regenerate(self, *, as_: str | None = None, with_: Sequence[str] = (), seed: int | None = None) -> Reply:
        """Her last reply again, said another way: the one she gave is kept as an alternative (like a
        swipe), and the new one is what she said once it has finished. `choose()` goes back."""
        person, conversation = self.scene(as_, with_)
        if person.role == "author":  # her author's swipe is his power over her words; a visitor keeps his
            self._not_free("what she said")
        turns = self._store.turns(conversation, limit=1, diagnostic=False)
        if not turns or not turns[0].is_hers or turns[0].status != "ok":
            raise InvalidInput("there is no finished reply of hers to say again: say something, or retry a failed one")
        return self._reply(person, conversation, seed, again=True)

    def new_conversation(self, *, as_: str | None = None, with_: Sequence[str] = ()) -> int:
        """Begin again with these people: the conversation before is kept, no longer continued."""
        return self._store.new_scene(self.id, self._present(as_, with_)[1])

    def choose(self, turn_id: int, *, by: str | None = None) -> Turn:
        """Of her replies to the same words, this one is what she said (recorded, with who chose: her
        author unless `by` names the visitor whose conversation it is)."""
        if by is None:
            self._not_free("what she said")
        self._own_turn(turn_id)
        self._store.choose_turn(turn_id, by or self.author.name)
        return self._store.turn(turn_id)

    def correct_turn(self, turn_id: int, text: str) -> Turn:
        """Her author corrects a turn's words (recorded: what they were, by whom, when)."""
        self._not_free("what was said")
        if not check_text(text, "the turn").strip():
            raise InvalidInput("a corrected turn needs words; delete it instead")
        self._own_turn(turn_id)
        self._store.correct_turn(turn_id, text.strip(), self.author.name)
        turn = self._store.turn(turn_id)
        self.studio.recall.rewrite(turn)
        return turn

    def delete_turn(self, turn_id: int) -> None:
        """Her author takes a turn out of what was said (recorded; listed to him, never part of her context)."""
        self._not_free("what was said")
        self._own_turn(turn_id)
        self._store.delete_turn(turn_id, self.author.name)

    def _own_turn(self, turn_id: int) -> Turn:
        turn = self._store.turn(turn_id)
        if self._store.character_of(turn.conversation_id) != self.id:
            raise NotFound(f"no turn {turn_id}")
        return turn

    # her memory (remembering.py) -------------------------------------------------------------

    def memories(self, *, about: str | None = None, search: str | None = None, limit: int | None = 50,
                 everything: bool = False) -> list[Memory]:
        """What she remembers, newest first (for her author, who sees it all, confidences too): lived
        with the person `about`, holding the words `search` (best first); `everything` adds memories
        superseded by an edit and those her author deleted."""
        person = None
        if about:  # a name she never met: NotFound, never a visitor admitted by reading
            person = self.author.id if about == self.author.name else self._store.person(self.id, about).id
        if search is None:
            return self._store.memories(self.id, about=person, limit=limit, everything=everything)
        wanted = (limit or 50) * (4 if person is not None else 1)
        found = self._store.memories_by_id([i for i, _ in self._store.search_memories(
            self.id, search_words(search), wanted, everything=everything)], recallable=not everything)
        return [m for m in found if person is None or person in m.people_ids][:limit]

    def forget(self, memory_id: int) -> Memory:
        """Her author deletes a memory: never recalled again; kept and listed, with who deleted it and when."""
        self._not_free("her memories")
        if self._store.memory_owner(memory_id) != self.id:
            raise NotFound(f"{self.name} has no memory {memory_id}; `inkborn memories {self.slug}` lists them")
        return self._store.delete_memory(memory_id, self.author.name)

    # her own life (reflection.py, sheet.py) ---------------------------------------------------------

    def reflect(self, cancel: threading.Event | None = None) -> int | None:
        """Draw beliefs and wishes from what she lived since she last reflected, now (her idle time does
        it by itself when enough has mattered); the reflection's id, None if there was nothing new."""
        with self.studio.idle.paused():
            return self.studio.reflection.reflect(self, cancel)

    def sheet(self, *, everything: bool = False) -> Sheet:
        """Who she is now: her canon, what she believes of each person and wants, and where each came from."""
        return sheet_of(self, everything=everything)

    def context(self, person: Person, conversation: int, seed: int | None = None) -> Prompt:
        """Her context for her next reply to this person, as the engine would stage it now
        (benchmarks and debugging). NotFound when the person has said nothing yet."""
        planned = plan(self._store, self.id, self.name, self.author.name, person, conversation, seed, self.studio.recall)
        return stage(planned, self.studio.backend, self.bases(planned.head), self.slug)

    def landed(self, turn: Turn) -> dict[str, int | bool] | None:
        """The edit her turn was the first to speak under for that person (reply.landed), or None."""
        return landed(self._store, turn)

    def bases(self, head: Revision) -> list[Revision]:
        """The revisions her context may be staged from: the head, and a few before it whose cached
        context may be cheaper to extend than re-reading the manuscript."""
        if not self.studio.backend.keeps_cache:
            return [head]
        earlier = self._store.revisions(self.id, last=self.base_candidates)[:-1]
        return [head, *reversed(earlier)]

    def _reply(self, person: Person, conversation: int, seed: int | None, again: bool = False) -> Reply:
        reply = Reply()
        reply._chunks = respond(self, person, conversation, seed, reply, again)
        return reply

    def settle(self, *, as_: str | None = None, with_: Sequence[str] = (), cancel: threading.Event | None = None) -> None:
        """While she is idle, read the manuscript as it now stands into the model's cache (reply.settle)."""
        person, conversation = self.scene(as_, with_)
        settle(self, person, conversation, cancel or threading.Event())
