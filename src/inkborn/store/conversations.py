"""Conversations and turns in the store: scenes of one or more people with her, what was said in them,
and what her author did to a turn afterwards (another reply chosen, a turn corrected or deleted: recorded,
never silent). Mixed into Store; the SQL is written once for both databases."""

from __future__ import annotations

from typing import Any

from ..conversation import Turn
from ..errors import InvalidInput, NotFound
from ..people import Person
from .rows import GONE
from .rows import bounded as _bounded
from .rows import limit as _limit
from .rows import now as _now

__all__ = ["Conversations"]

_LIVE = " AND t.replaced_by IS NULL AND t.deleted_at IS NULL"  # what was said: not another reply chosen over, not deleted


class Conversations:
    """Store methods for conversations and turns (Store provides _row, _rows, _stored, transaction, database)."""

    _row: Any
    _rows: Any
    _stored: Any
    _person: Any
    transaction: Any
    database: Any

    def conversation(self, cid: int, person_id: int) -> int:
        """The id of this person's conversation with her alone, begun if need be."""
        return self.scene(cid, [person_id])

    def scene(self, cid: int, person_ids: list[int], *, begin: bool = True) -> int | None:
        """The id of the latest conversation with exactly these people (and her), begun if need be
        (`begin=False`: None when there is none, for reading).

        The first is who opened it (conversations.person_id); everyone's turns say who said them.
        """
        people = list(dict.fromkeys(person_ids))
        if not people:
            raise InvalidInput("a scene needs at least one person with her")
        marks = ", ".join("?" * len(people))
        sql = ("SELECT c.id FROM conversations c WHERE c.character_id = ? AND c.id IN ("
               " SELECT s.conversation_id FROM participants s JOIN conversations o ON o.id = s.conversation_id"
               " WHERE o.character_id = ? GROUP BY s.conversation_id"
               f" HAVING COUNT(*) = ? AND SUM(CASE WHEN s.person_id IN ({marks}) THEN 1 ELSE 0 END) = ?)"
               " ORDER BY c.id DESC LIMIT 1")
        args = (cid, cid, len(people), *people, len(people))
        row = self._row(sql, *args)
        if row is not None or not begin:
            return row["id"] if row is not None else None
        with self._stored(), self.transaction() as db:
            self.database.hold(db, cid)
            row = db.execute(sql, tuple(map(_bounded, args))).fetchone()
            return row["id"] if row is not None else self._begin(db, cid, people)

    def scenes_with(self, cid: int, person_id: int) -> list[tuple[str, ...]]:
        """The others in each scene with this person and others (not alone with her), latest first, each once."""
        rows = self._rows(
            "SELECT o.conversation_id, p.name FROM participants s JOIN conversations c ON c.id = s.conversation_id"
            " JOIN participants o ON o.conversation_id = s.conversation_id JOIN people p ON p.id = o.person_id"
            " WHERE c.character_id = ? AND s.person_id = ? AND o.person_id != ? ORDER BY o.conversation_id DESC, p.name",
            cid, person_id, person_id)
        scenes: dict[int, list[str]] = {}
        for r in rows:
            scenes.setdefault(r["conversation_id"], []).append(r["name"])
        return list(dict.fromkeys(tuple(names) for names in scenes.values()))

    def participants(self, conversation_id: int) -> list[Person]:
        """The people in a conversation, who opened it first."""
        return [self._person(r) for r in self._rows(
            "SELECT p.* FROM participants s JOIN people p ON p.id = s.person_id JOIN conversations c"
            " ON c.id = s.conversation_id WHERE s.conversation_id = ? ORDER BY p.id = c.person_id DESC, p.id",
            conversation_id)]

    def add_turn(self, conversation_id: int, speaker: str, text: str, *, status: str = "ok", created_at: str | None = None,
                 **fields: Any) -> int:
        """A turn, said now (or at `created_at`, ISO time: a conversation she lived before, replayed)."""
        columns = ["conversation_id", "speaker", "text", "status", "created_at", *fields]
        values = [conversation_id, speaker, text, status, created_at or _now(), *map(_bounded, fields.values())]
        with self._stored(), self.transaction() as db:
            return db.execute(
                f"INSERT INTO turns ({', '.join(columns)}) VALUES ({', '.join('?' * len(columns))}) RETURNING id",
                values,
            ).fetchall()[0]["id"]

    def update_turn(self, turn_id: int, **fields: Any) -> None:
        """Change a stored turn's fields (her reply as it grows, then as it ended)."""
        assignments = ", ".join(f"{name} = ?" for name in fields)
        with self._stored(), self.transaction() as db:
            changed = db.execute(f"UPDATE turns SET {assignments} WHERE id = ?",
                                 (*map(_bounded, fields.values()), _bounded(turn_id))).rowcount
        if not changed:  # deleted with her conversation
            raise NotFound(GONE)

    def turns(self, conversation_id: int, *, limit: int | None = None, before: int | None = None,
              diagnostic: bool = True, everything: bool = False) -> list[Turn]:
        """The conversation's turns, oldest first (the newest `limit` of them, those before turn id `before`).

        What was said: `diagnostic=False` leaves out replies from a diagnostic backend (echo), which
        were never her words; `everything=True` adds the replies another was chosen over and the
        turns her author deleted (listed to him, never part of her context).
        """
        sql = ("SELECT t.*, p.name AS person_name FROM turns t LEFT JOIN people p ON p.id = t.person_id"
               " WHERE t.conversation_id = ?" + (" AND t.id < ?" if before else ""))
        sql += ("" if diagnostic else " AND t.diagnostic = 0") + ("" if everything else _LIVE) + " ORDER BY t.id DESC"
        args = (conversation_id, before) if before else (conversation_id,)
        rows = self._rows(sql + _limit(limit), *args)
        return [Turn.from_row(r) for r in reversed(rows)]

    def turn_count(self, conversation_id: int, *, diagnostic: bool = True) -> int:
        """How many turns of what was said the conversation holds (`diagnostic=False`: not a diagnostic backend's)."""
        sql = "SELECT COUNT(*) AS n FROM turns t WHERE t.conversation_id = ?" + _LIVE
        row = self._row(sql + ("" if diagnostic else " AND t.diagnostic = 0"), conversation_id)
        return int(row["n"]) if row is not None else 0

    def turns_with(self, person_id: int) -> int:
        """How many turns of what was said the conversations this person is in hold, alone with her or in scenes."""
        row = self._row("SELECT COUNT(*) AS n FROM turns t WHERE t.conversation_id IN"
                        " (SELECT conversation_id FROM participants WHERE person_id = ?)" + _LIVE, person_id)
        return int(row["n"]) if row is not None else 0

    def turn(self, turn_id: int) -> Turn:
        row = self._row("SELECT t.*, p.name AS person_name FROM turns t LEFT JOIN people p ON p.id = t.person_id"
                        " WHERE t.id = ?", turn_id)
        if row is None:
            raise NotFound(f"no turn {turn_id}")
        return Turn.from_row(row)

    def character_of(self, conversation_id: int) -> int | None:
        row = self._row("SELECT character_id FROM conversations WHERE id = ?", conversation_id)
        return row["character_id"] if row else None

    # her author's hand on a turn: recorded, never silent ---------------------------------------

    def new_scene(self, cid: int, person_ids: list[int]) -> int:
        """A new conversation with these people, whatever they said before (kept, no longer continued)."""
        people = list(dict.fromkeys(person_ids))
        if not people:
            raise InvalidInput("a scene needs at least one person with her")
        with self._stored(), self.transaction() as db:
            return self._begin(db, cid, people)

    @staticmethod
    def _begin(db: Any, cid: int, people: list[int]) -> int:
        """A conversation with these people, the first its opener."""
        scene = db.execute(
            "INSERT INTO conversations (character_id, person_id, created_at) VALUES (?, ?, ?) RETURNING id",
            (cid, people[0], _now()),
        ).fetchall()[0]["id"]
        for person in people:
            db.execute("INSERT INTO participants (conversation_id, person_id) VALUES (?, ?)", (scene, person))
        return scene

    def replace_turn(self, old: int, new: int) -> None:
        """Her reply `new` is said instead of `old` (and of whatever `old` had been chosen over)."""
        with self.transaction() as db:
            db.execute("UPDATE turns SET replaced_by = ? WHERE id = ? OR replaced_by = ?",
                       (_bounded(new), _bounded(old), _bounded(old)))

    def choose_turn(self, turn_id: int, made_by: str) -> None:
        """Of her replies to the same words, this one is what she said; the one it displaces is recorded."""
        with self._stored(), self.transaction() as db:
            row = db.execute("SELECT replaced_by FROM turns WHERE id = ?", (_bounded(turn_id),)).fetchone()
            if row is None:
                raise NotFound(f"no turn {turn_id}")
            live = row["replaced_by"]
            if live is None:
                return  # already what she said
            said = db.execute("SELECT text FROM turns WHERE id = ?", (live,)).fetchone()
            db.execute("UPDATE turns SET replaced_by = ? WHERE id = ? OR replaced_by = ?", (turn_id, live, live))
            db.execute("UPDATE turns SET replaced_by = NULL WHERE id = ?", (turn_id,))
            self._record(db, turn_id, "chosen", said["text"] if said else "", made_by)

    def delete_turn(self, turn_id: int, made_by: str) -> None:
        """Out of what was said (and so of her context); kept, listed to her author, with the change recorded."""
        with self._stored(), self.transaction() as db:
            turn = db.execute("SELECT text FROM turns WHERE id = ? AND deleted_at IS NULL", (_bounded(turn_id),)).fetchone()
            if turn is None:
                raise NotFound(f"no turn {turn_id} to delete")
            db.execute("UPDATE turns SET deleted_at = ? WHERE id = ?", (_now(), turn_id))
            self._record(db, turn_id, "deleted", turn["text"], made_by)

    def correct_turn(self, turn_id: int, text: str, made_by: str) -> None:
        """The turn's words as her author corrects them; what they were is recorded."""
        with self._stored(), self.transaction() as db:
            turn = db.execute("SELECT text FROM turns WHERE id = ? AND deleted_at IS NULL", (_bounded(turn_id),)).fetchone()
            if turn is None:
                raise NotFound(f"no turn {turn_id} to correct")
            db.execute("UPDATE turns SET text = ? WHERE id = ?", (text, turn_id))
            self._record(db, turn_id, "corrected", turn["text"], made_by)

    def turn_changes(self, turn_id: int) -> list[dict[str, Any]]:
        """What her author did to a turn, oldest first: {change, old_text, made_by, created_at}."""
        return [dict(r) for r in self._rows("SELECT change, old_text, made_by, created_at FROM turn_changes"
                                           " WHERE turn_id = ? ORDER BY id", turn_id)]

    @staticmethod
    def _record(db: Any, turn_id: int, change: str, old_text: str, made_by: str) -> None:
        db.execute("INSERT INTO turn_changes (turn_id, change, old_text, made_by, created_at) VALUES (?, ?, ?, ?, ?)",
                   (turn_id, change, old_text, made_by, _now()))
