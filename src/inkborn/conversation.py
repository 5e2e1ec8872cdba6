"""Conversations (scenes: one or more people with her) and turns: what was said, by whom, and under
which revision she spoke."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Mapping

from .errors import InvalidInput

__all__ = ["Turn", "check_text", "said_to"]


def check_text(text: str, what: str) -> str:
    """The text, unless it holds a lone surrogate (half a UTF-16 pair), which no UTF-8 file nor SQLite can hold."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError as exc:
        raise InvalidInput(f"{what} holds U+{ord(text[exc.start]):04X}, half of a UTF-16 pair, which cannot be "
                           "stored; it is not a character on its own (paste the text again from its source)") from None
    return text


def said_to(text: str, her: str, speaker: str, others: tuple[str, ...] | list[str]) -> str | None:
    """In a scene, the one of the others that words are said to, when they call one by name and never
    her ("Joan, how's the building these days?"): that person answers, not she. None when the words
    name her, are said to everyone, or when she is alone with the speaker.

    Told "Theo: Joan, how's the bindery building these days?", the default model answered for Joan
    however the stage put it ("Theo (to Joan):", a note that it was Joan's to answer, her turn
    opening "Mira (to Joan):"), in a scene where Joan had told her alone she was selling it.
    """
    if not others or any(re.search(rf"(?<!\w){re.escape(word)}(?!\w)", text, re.I) for word in her.split()):
        return None  # she is named, by any of her names ("Hester" of Hester Lind): hers to answer too
    called = [m.group(1) or m.group(2) for m in _CALLED.finditer(text)]
    names = {name.casefold(): name for name in others if name != speaker}
    return next((names[c.casefold()] for c in called if c.casefold() in names), None)


_CALLED = re.compile(  # a name called at a sentence's opening ("Joan, …", "Hey Joan —") or at its end (", Joan?")
    r"(?:^|(?<=[.!?…])\s+)(?:(?:hey|oh|so|well|and|now|listen|look)\s*,?\s+)?([^\W\d_][\w'-]*)\s*(?:,|—|–|\s-\s|!)"
    r"|,\s*([^\W\d_][\w'-]*)\s*[?.!…]+(?=\s|$)", re.I)


@dataclass(frozen=True)
class Turn:
    """One thing said in a conversation: by the person, or by her."""

    id: int
    conversation_id: int
    speaker: str  # "person" | "her"
    text: str
    status: str  # "ok" | "failed" | "partial"
    revision_id: int | None
    backend: str | None
    model: str | None
    tokens_evaluated: int | None
    tokens_generated: int | None
    first_token_ms: float | None
    total_ms: float | None
    error: str | None
    created_at: datetime
    attempts: int | None = None  # tries it took to keep her promises
    promises: str | None = None  # JSON: attempts, repairs made, promises still broken
    model_first_token_ms: float | None = None  # the model's first token; first_token_ms is the first one heard
    diagnostic: bool = False  # a diagnostic backend's output (echo), never recalled as her words
    fresh_from: int | None = None  # her turns: the revision her words to this person were spoken under before it
    person_id: int | None = None  # the person's turns: who said it (a scene may hold several people)
    person_name: str | None = None  # ...and their name, as the store reads it back
    kind: str = "said"  # what the turn is: words said (room for events: an edit landing, a reveal)
    replaced_by: int | None = None  # her turns: another reply to the same words, chosen over this one
    deleted_at: str | None = None  # deleted by her author: kept, listed to him, never part of her context
    recalled: str | None = None  # the person's turns: JSON, the memories she recalled on hearing it (stage.py)

    @classmethod
    def from_row(cls, row: Mapping[str, Any]) -> "Turn":
        present = set(row.keys())
        fields = {name: row[name] for name in cls.__dataclass_fields__ if name in present}
        fields["created_at"] = datetime.fromisoformat(fields["created_at"])
        if "diagnostic" in fields:
            fields["diagnostic"] = bool(fields["diagnostic"])
        return cls(**fields)

    @property
    def is_hers(self) -> bool:
        return self.speaker == "her"
