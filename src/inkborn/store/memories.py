"""Her memories in the store: what she lived and the passages of her manuscript, who was there,
and their words indexed for search (SQLite FTS5 or PostgreSQL full-text, sqlite.py / postgres.py).
Mixed into Store; the SQL is written once for both databases, the search by each."""

from __future__ import annotations

from typing import Any, Iterable, Sequence

from ..conversation import Turn
from ..errors import NotFound
from ..memory import Memory
from .rows import bounded as _bounded
from .rows import limit as _limit
from .rows import now as _now

__all__ = ["Memories"]

_RECALLABLE = (" AND m.deleted_at IS NULL AND m.superseded_by IS NULL AND m.outgrown_by IS NULL AND NOT EXISTS"
               " (SELECT 1 FROM turns t WHERE t.id = m.turn_id AND (t.replaced_by IS NOT NULL OR t.deleted_at IS NOT NULL))")
# recallable: not deleted, not superseded, not outgrown, and not of a turn that is no longer what was said


class Memories:
    """Store methods for memories (Store provides _row, _rows, _stored, transaction, database)."""

    _row: Any
    _rows: Any
    _stored: Any
    transaction: Any
    database: Any

    def unremembered(self, cid: int, limit: int = 500) -> list[tuple[Turn, list[int]]]:
        """What was said to her and by her that is not yet a memory, oldest first, each with who was in
        the scene: the person's words, and hers once over (finished, or cut off and followed by more)."""
        rows = self._rows(
            "SELECT t.*, p.name AS person_name FROM turns t JOIN conversations c ON c.id = t.conversation_id"
            " LEFT JOIN people p ON p.id = t.person_id WHERE c.character_id = ? AND t.diagnostic = 0"
            " AND t.kind = 'said' AND t.status != 'failed' AND t.text != '' AND t.deleted_at IS NULL"
            " AND NOT EXISTS (SELECT 1 FROM memories m WHERE m.turn_id = t.id)"
            " AND (t.speaker = 'person' OR t.status = 'ok'"
            "      OR EXISTS (SELECT 1 FROM turns n WHERE n.conversation_id = t.conversation_id AND n.id > t.id))"
            " ORDER BY t.id" + _limit(limit), cid)
        present: dict[int, list[int]] = {}
        for scene in {r["conversation_id"] for r in rows}:
            present[scene] = [r["person_id"] for r in self._rows(
                "SELECT person_id FROM participants WHERE conversation_id = ? ORDER BY person_id", scene)]
        return [(Turn.from_row(r), present[r["conversation_id"]]) for r in rows]

    def add_memories(self, cid: int, memories: Sequence[dict[str, Any]]) -> list[int]:
        """Store memories ({kind, speaker, text, lived_at, turn_id?, conversation_id?, revision_id?,
        context?, private?, importance?, people: [person id]}) in one transaction; their ids. A turn
        already remembered (by another process meanwhile) is left as it is."""
        with self._stored(), self.transaction() as db:
            made = [self._insert_memory(db, cid, memory) for memory in memories]
        return [mid for mid in made if mid is not None]

    @staticmethod
    def _insert_memory(db: Any, cid: int, memory: dict[str, Any]) -> int | None:
        fields = {k: v for k, v in memory.items() if k not in ("people", "sources")}
        columns = ["character_id", *fields]
        made = db.execute(
            f"INSERT INTO memories ({', '.join(columns)}) VALUES ({', '.join('?' * len(columns))})"
            " ON CONFLICT (turn_id) DO NOTHING RETURNING id", (cid, *map(_bounded, fields.values()))).fetchall()
        if not made:
            return None
        mid = made[0]["id"]
        for person in dict.fromkeys(memory.get("people", ())):
            db.execute("INSERT INTO memory_people (memory_id, person_id) VALUES (?, ?)", (mid, person))
        for source in dict.fromkeys(memory.get("sources", ())):
            db.execute("INSERT INTO memory_sources (memory_id, source_id) VALUES (?, ?)", (mid, source))
        return mid

    # what she draws from what she lived (reflection.py) ----------------------------------------

    def reflected_through(self, cid: int) -> int:
        """The newest memory her last reflection read (0: she has never reflected)."""
        row = self._row("SELECT MAX(through_memory) AS n FROM reflections WHERE character_id = ?", cid)
        return int(row["n"]) if row and row["n"] is not None else 0

    def importance_since(self, cid: int, after: int, neutral: float) -> float:
        """How much what she lived since memory `after` mattered to her, summed (`neutral` for one not judged)."""
        row = self._row("SELECT SUM(COALESCE(m.importance, ?)) AS n FROM memories m WHERE m.character_id = ?"
                        " AND m.kind = 'lived' AND m.id > ?" + _RECALLABLE, neutral, cid, after)
        return float(row["n"]) if row and row["n"] is not None else 0.0

    def lived_since(self, cid: int, after: int, limit: int) -> list[Memory]:
        """What she lived since memory `after` (the newest `limit` of it), oldest first."""
        rows = self._rows("SELECT m.* FROM memories m WHERE m.character_id = ? AND m.kind = 'lived' AND m.id > ?"
                          + _RECALLABLE + " ORDER BY m.id DESC" + _limit(limit), cid, after)
        people = self._people_of([r["id"] for r in rows])
        return [Memory.from_row(r, people.get(r["id"], [])) for r in reversed(rows)]

    def add_reflection(self, cid: int, reflection: dict[str, Any], drawn: Sequence[dict[str, Any]],
                       outgrown: Iterable[int]) -> int:
        """A reflection ({through_memory, read, importance, seconds, model}), the beliefs and wishes it drew
        (memories with `sources`: the ids they came from) and those it outgrew, in one transaction; its id."""
        with self._stored(), self.transaction() as db:
            columns = ["character_id", *reflection, "drawn", "made_at"]
            rid = db.execute(f"INSERT INTO reflections ({', '.join(columns)}) VALUES ({', '.join('?' * len(columns))})"
                             " RETURNING id", (cid, *reflection.values(), len(drawn), _now())).fetchall()[0]["id"]
            for memory in drawn:
                self._insert_memory(db, cid, {**memory, "reflection_id": rid})
            for mid in outgrown:
                db.execute("UPDATE memories SET outgrown_by = ? WHERE id = ? AND character_id = ? AND outgrown_by IS NULL",
                           (rid, mid, cid))
        return rid

    def drawn(self, cid: int, *, everything: bool = False) -> list[Memory]:
        """Her beliefs and wishes, newest first: those she holds now (`everything`: also those outgrown,
        superseded or deleted)."""
        rows = self._rows("SELECT m.* FROM memories m WHERE m.character_id = ? AND m.reflection_id IS NOT NULL"
                          + ("" if everything else _RECALLABLE) + " ORDER BY m.id DESC", cid)
        people = self._people_of([r["id"] for r in rows])
        return [Memory.from_row(r, people.get(r["id"], [])) for r in rows]

    def sources_of(self, ids: Sequence[int]) -> dict[int, list[int]]:
        """The memories each belief or wish came from."""
        out: dict[int, list[int]] = {}
        for start in range(0, len(ids), 500):
            chunk = list(ids[start:start + 500])
            for r in self._rows(f"SELECT memory_id, source_id FROM memory_sources WHERE memory_id IN"
                                f" ({', '.join('?' * len(chunk))}) ORDER BY source_id", *chunk):
                out.setdefault(r["memory_id"], []).append(r["source_id"])
        return out

    def reflection_count(self, cid: int) -> int:
        row = self._row("SELECT COUNT(*) AS n FROM reflections WHERE character_id = ?", cid)
        return int(row["n"]) if row else 0

    def reflections(self, cid: int, limit: int = 20) -> list[dict[str, Any]]:
        """Her reflections, newest first."""
        return [dict(r) for r in self._rows("SELECT * FROM reflections WHERE character_id = ? ORDER BY id DESC"
                                            + _limit(limit), cid)]

    def search_memories(self, cid: int, words: Sequence[str], limit: int, *, everything: bool = False
                        ) -> list[tuple[int, float]]:
        """Her recallable memories (`everything`: superseded and deleted ones too) holding any of the
        words, best first: (id, score)."""
        if not words:
            return []
        return [(r["id"], float(r["score"])) for r in self.database.search(cid, list(words), limit, everything)]

    def memories_by_id(self, ids: Iterable[int], *, recallable: bool = True) -> list[Memory]:
        """These memories (those still recallable, unless `recallable=False`), in the order asked."""
        wanted = list(dict.fromkeys(ids))
        if not wanted:
            return []
        marks = ", ".join("?" * len(wanted))
        rows = self._rows(f"SELECT m.* FROM memories m WHERE m.id IN ({marks})"
                          + (_RECALLABLE if recallable else ""), *wanted)
        found = {r["id"]: r for r in rows}
        people = self._people_of(list(found))
        return [Memory.from_row(found[i], people.get(i, [])) for i in wanted if i in found]

    def memories(self, cid: int, *, about: int | None = None, limit: int | None = 50, before: int | None = None,
                 everything: bool = False) -> list[Memory]:
        """Her memories, newest first: those lived with person `about` only, if given; with
        `everything`, also those superseded or deleted."""
        if about is None:
            sql, args = "SELECT m.* FROM memories m WHERE m.character_id = ?", [cid]
        else:  # through who was there: her memories with one person, without reading all of hers
            sql = ("SELECT m.* FROM memory_people w JOIN memories m ON m.id = w.memory_id"
                   " WHERE w.person_id = ? AND m.character_id = ?")
            args = [about, cid]
        if before is not None:
            sql += " AND m.id < ?"
            args.append(before)
        order = " ORDER BY m.id DESC" if about is None else " ORDER BY w.memory_id DESC"
        rows = self._rows(sql + ("" if everything else _RECALLABLE) + order + _limit(limit), *args)
        people = self._people_of([r["id"] for r in rows])
        return [Memory.from_row(r, people.get(r["id"], [])) for r in rows]

    def revision_at(self, cid: int, when: str) -> int | None:
        """The id of the revision she lived under at that time (her first, for a time before it)."""
        row = self._row("SELECT id FROM revisions WHERE character_id = ? AND created_at <= ? ORDER BY number DESC"
                        " LIMIT 1", cid, when) or self._row(
            "SELECT id FROM revisions WHERE character_id = ? ORDER BY number LIMIT 1", cid)
        return row["id"] if row else None

    def memory_revisions(self, cid: int, *, before: int) -> list[int]:
        """The revisions (ids, before `before`) her own recallable words were lived under."""
        return [r["revision_id"] for r in self._rows(
            "SELECT DISTINCT revision_id FROM memories m WHERE m.character_id = ? AND m.hers = 1"
            " AND m.revision_id < ? AND m.superseded_by IS NULL AND m.deleted_at IS NULL", cid, before)]

    def reviewed_through(self, cid: int) -> int:
        """The number of the last revision her memories were reviewed against (1: her first needs none)."""
        row = self._row("SELECT MAX(r.number) AS n FROM memory_reviews v JOIN revisions r ON r.id = v.revision_id"
                        " WHERE v.character_id = ?", cid)
        return int(row["n"]) if row and row["n"] is not None else 1

    def reviewed(self, cid: int, revision_id: int, superseded: int) -> None:
        """Her memories have been reviewed against this revision; `superseded` of them contradicted it.
        Another process reviewing it at the same time records it once."""
        with self._stored(), self.transaction() as db:
            db.execute("INSERT INTO memory_reviews (revision_id, character_id, superseded, done_at)"
                       " VALUES (?, ?, ?, ?) ON CONFLICT (revision_id) DO NOTHING", (revision_id, cid, superseded, _now()))

    def memory_owner(self, mid: int) -> int | None:
        """Whose memory it is (her character id); None if there is no such memory."""
        row = self._row("SELECT character_id FROM memories WHERE id = ?", mid)
        return row["character_id"] if row else None

    def memory_count(self, cid: int) -> int:
        row = self._row("SELECT COUNT(*) AS n FROM memories m WHERE m.character_id = ?" + _RECALLABLE, cid)
        return int(row["n"]) if row else 0

    def _people_of(self, ids: list[int]) -> dict[int, list[tuple[int, str]]]:
        out: dict[int, list[tuple[int, str]]] = {}
        for start in range(0, len(ids), 500):
            chunk = ids[start:start + 500]
            for r in self._rows(
                    "SELECT w.memory_id, p.id, p.name FROM memory_people w JOIN people p ON p.id = w.person_id"
                    f" WHERE w.memory_id IN ({', '.join('?' * len(chunk))}) ORDER BY p.id", *chunk):
                out.setdefault(r["memory_id"], []).append((r["id"], r["name"]))
        return out

    def kept_private(self, turn_id: int) -> bool:
        """Whether the memory of that turn was told in confidence (False if it is not remembered)."""
        row = self._row("SELECT private FROM memories WHERE turn_id = ?", turn_id)
        return bool(row and row["private"])

    def keep_private_turns(self, turn_ids: Iterable[int]) -> None:
        """The memories of these turns were told in confidence: heard again only by those who were there."""
        with self.transaction() as db:
            for tid in turn_ids:
                db.execute("UPDATE memories SET private = 1 WHERE turn_id = ?", (_bounded(tid),))

    def supersede_memories(self, ids: Iterable[int], revision_id: int) -> None:
        """These memories contradict the canon of that revision: kept, never recalled as true again."""
        with self.transaction() as db:
            for mid in ids:
                db.execute("UPDATE memories SET superseded_by = ? WHERE id = ? AND superseded_by IS NULL",
                           (revision_id, _bounded(mid)))

    def delete_memory(self, mid: int, made_by: str) -> Memory:
        """Out of what she recalls, by her author: kept and listed to him, with who deleted it and when."""
        with self._stored(), self.transaction() as db:
            changed = db.execute("UPDATE memories SET deleted_at = ?, deleted_by = ? WHERE id = ? AND deleted_at IS NULL",
                                 (_now(), made_by, _bounded(mid))).rowcount
        if not changed:
            raise NotFound(f"no memory {mid} to delete")
        return self.memories_by_id([mid], recallable=False)[0]

    def rewrite_memory_of(self, turn_id: int, text: str) -> None:
        """A corrected turn is remembered as corrected."""
        with self.transaction() as db:
            db.execute("UPDATE memories SET text = ? WHERE turn_id = ?", (text, turn_id))
