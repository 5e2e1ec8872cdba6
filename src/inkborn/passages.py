"""Passages: a manuscript longer than her context, read as she reads her memories.

Its opening is her portrait and is always in her context; of the rest, the passages that bear
on the moment (what was just said to her) are recalled by the same full-text search as her
memories (SQLite FTS5's BM25, in memory, one index per manuscript text), in the order the
manuscript tells them. A fresh edit needs nothing from here: the stage states it wherever it is.
"""

from __future__ import annotations

import re
import sqlite3
import threading
from functools import lru_cache
from typing import Callable

from .canon import sentences
from .remembering import search_words

__all__ = ["Passages", "passages_of"]

PASSAGE_CHARS = 600  # a paragraph longer than this is cut into passages at its sentences


def _cut(text: str) -> list[str]:
    """The manuscript as passages: its paragraphs, long ones cut at sentences (a sentence longer than a
    passage at its words)."""
    out: list[str] = []
    for block in (b.strip() for b in re.split(r"\n\s*\n", text)):
        if not block:
            continue
        if len(block) <= PASSAGE_CHARS:
            out.append(block)
            continue
        part = ""
        for sentence in sentences(block):
            while len(sentence) > PASSAGE_CHARS:  # no sentence end for too long: cut at a space
                cut = sentence.rfind(" ", 0, PASSAGE_CHARS)
                cut = cut if cut > 0 else PASSAGE_CHARS
                if part:
                    out.append(part)
                    part = ""
                out.append(sentence[:cut].strip())
                sentence = sentence[cut:].strip()
            if part and len(part) + len(sentence) + 1 > PASSAGE_CHARS:
                out.append(part)
                part = ""
            part = f"{part} {sentence}".strip()
        if part:
            out.append(part)
    return out


class Passages:
    """One manuscript's passages, searchable."""

    def __init__(self, text: str) -> None:
        self.parts = _cut(text)
        self._lock = threading.Lock()
        self._db = sqlite3.connect(":memory:", check_same_thread=False)
        self._db.execute("CREATE VIRTUAL TABLE passages USING fts5(text, tokenize='porter unicode61 remove_diacritics 2')")
        self._db.executemany("INSERT INTO passages (rowid, text) VALUES (?, ?)", enumerate(self.parts))
        self._sizes: dict[int, list[int]] = {}

    def sizes(self, count: Callable[[str], int]) -> list[int]:
        """Each passage's size in a model's tokens (counted once per counter)."""
        key = id(count.__self__) if hasattr(count, "__self__") else id(count)
        if key not in self._sizes:
            self._sizes[key] = [count(p) for p in self.parts]
        return self._sizes[key]

    def opening(self, count: Callable[[str], int], room: int) -> int:
        """How many passages, from the first, fit in `room` tokens (at least one, her first words)."""
        used, n = 0, 0
        for size in self.sizes(count):
            if n and used + size + 2 > room:
                break
            used, n = used + size + 2, n + 1
        return n

    def relevant(self, query: str, *, after: int, count: Callable[[str], int], room: int) -> list[int]:
        """The passages after the first `after` that bear most on the query, as many as fit in `room`
        tokens, in the manuscript's order."""
        words = search_words(query)
        if not words:
            return []
        match = " OR ".join('"' + w.replace('"', '""') + '"' for w in words)
        with self._lock:
            ranked = [r[0] for r in self._db.execute(
                "SELECT rowid FROM passages WHERE passages MATCH ? AND rowid >= ? ORDER BY rank LIMIT 20",
                (match, after))]
        sizes, chosen, used = self.sizes(count), [], 0
        for index in ranked:
            if used + sizes[index] + 2 <= room:
                chosen.append(index)
                used += sizes[index] + 2
        return sorted(chosen)


@lru_cache(maxsize=8)
def passages_of(text: str) -> Passages:
    return Passages(text)
