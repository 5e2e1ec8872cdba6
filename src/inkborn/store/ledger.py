"""The ledger in the store: each saved edit with what it was, the reveal and the release.
Mixed into Store; an edit's line is written in the same transaction as its revision."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from ..conversation import Turn
from ..errors import Released
from .rows import now as _now

__all__ = ["Entry", "Ledger"]


@dataclass
class Entry:
    """One line of the ledger as stored: an edit (or the reveal, the release) and what it was (ledger.py)."""

    id: int
    character_id: int
    revision: int | None  # the revision number it made (None for the reveal and the release)
    kind: str  # "first" | "description" | "will" | "unread" | "reveal" | "release"
    by: str
    confirmed: bool
    made_at: str
    readings: list[dict[str, Any]] = field(default_factory=list)  # each changed sentence: ledger.Reading.as_dict()
    model: str | None = None
    seconds: float | None = None
    note: str = ""  # the reveal: what she was shown; the release: what it means


class Ledger:
    """Store methods for the ledger (Store provides _row, _rows, _stored, transaction)."""

    _row: Any
    _rows: Any
    _stored: Any
    transaction: Any

    @staticmethod
    def _add_entry(db: Any, cid: int, entry: dict[str, Any]) -> int:
        fields = {**entry, "readings": json.dumps(list(entry.get("readings", ())))}
        columns = ["character_id", *fields, "made_at"]
        return db.execute(f"INSERT INTO ledger ({', '.join(columns)}) VALUES ({', '.join('?' * len(columns))})"
                          " RETURNING id", (cid, *fields.values(), _now())).fetchall()[0]["id"]

    @staticmethod
    def _check_free(db: Any, cid: int, name: str) -> None:
        """Released, inside the transaction that would write her: a release wins over a save under way."""
        row = db.execute("SELECT made_at FROM ledger WHERE character_id = ? AND kind = 'release'", (cid,)).fetchone()
        if row is not None:
            raise Released(name, row["made_at"])

    def released(self, cid: int) -> str | None:
        """When she was written free, or None."""
        row = self._row("SELECT made_at FROM ledger WHERE character_id = ? AND kind = 'release'", cid)
        return row["made_at"] if row else None

    def revealed(self, cid: int) -> str | None:
        """When she was first shown the pages she was written on, or None."""
        row = self._row("SELECT made_at FROM ledger WHERE character_id = ? AND kind = 'reveal' ORDER BY id LIMIT 1", cid)
        return row["made_at"] if row else None

    def add_entry(self, cid: int, name: str, entry: dict[str, Any]) -> int:
        """A line that is not an edit: the reveal, or the release (once: a second is Released)."""
        with self._stored(), self.transaction(durable=True) as db:
            if entry["kind"] == "release":
                self._check_free(db, cid, name)
            return self._add_entry(db, cid, entry)

    def reply_around(self, cid: int, number: int, *, before: bool) -> tuple[Turn, Turn, int] | None:
        """Her last reply before revision `number` (under any earlier one), or her first under it; with the
        words it answered and the number of the revision it was spoken under. None if there is none."""
        order, where = ("DESC", "r.number < ?") if before else ("ASC", "r.number = ?")
        row = self._row("SELECT t.*, p.name AS person_name, r.number AS spoken_under FROM turns t"
                        " JOIN conversations c ON c.id = t.conversation_id JOIN revisions r ON r.id = t.revision_id"
                        " LEFT JOIN people p ON p.id = t.person_id"
                        f" WHERE c.character_id = ? AND {where}"
                        " AND t.speaker = 'her' AND t.status = 'ok' AND t.diagnostic = 0 AND t.kind = 'said'"
                        f" AND t.replaced_by IS NULL AND t.deleted_at IS NULL ORDER BY t.id {order} LIMIT 1",
                        cid, number)
        if row is None:
            return None
        said = self._row("SELECT t.*, p.name AS person_name FROM turns t LEFT JOIN people p ON p.id = t.person_id"
                         " WHERE t.conversation_id = ? AND t.id < ? AND t.speaker = 'person' AND t.deleted_at IS NULL"
                         " ORDER BY t.id DESC LIMIT 1", row["conversation_id"], row["id"])
        return (Turn.from_row(said), Turn.from_row(row), row["spoken_under"]) if said is not None else None

    def ledger(self, cid: int) -> list[Entry]:
        """Every line of her ledger, oldest first; a revision saved before the ledger existed has none."""
        rows = self._rows("SELECT l.*, r.number AS revision FROM ledger l LEFT JOIN revisions r ON r.id = l.revision_id"
                          " WHERE l.character_id = ? ORDER BY l.id", cid)
        return [Entry(r["id"], r["character_id"], r["revision"], r["kind"], r["made_by"], bool(r["confirmed"]),
                      r["made_at"], json.loads(r["readings"]), r["model"],
                      r["seconds"], r["note"]) for r in rows]
