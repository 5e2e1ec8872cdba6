"""Listeners: who hears what happened to her, after it is saved.

Two moments have listeners: a revision of her manuscript saved, and a turn stored (the
person's words, or hers once finished). What listens today folds an edit into the model's
cached context while she is idle; her memory, the ledger and the page's marks listen here
as they come. A listener runs after the save, never inside it: one that fails is logged
and the others still run, and what was saved stays saved.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Callable

from .conversation import Turn
from .manuscript import Revision

if TYPE_CHECKING:
    from .character import Character

__all__ = ["Listeners"]

log = logging.getLogger("inkborn")

OnRevision = Callable[["Character", Revision], None]
OnTurn = Callable[["Character", Turn], None]


class Listeners:
    """The studio's listeners: `on_revision(fn)`, `on_turn(fn)`; each returns fn, so either is a decorator."""

    def __init__(self) -> None:
        self._revision: list[OnRevision] = []
        self._turn: list[OnTurn] = []

    def on_revision(self, listener: OnRevision) -> OnRevision:
        self._revision.append(listener)
        return listener

    def on_turn(self, listener: OnTurn) -> OnTurn:
        self._turn.append(listener)
        return listener

    def revision_saved(self, character: "Character", revision: Revision) -> None:
        for listener in list(self._revision):
            _run(listener, character, revision)

    def turn_stored(self, character: "Character", turn: Turn) -> None:
        for listener in list(self._turn):
            _run(listener, character, turn)


def _run(listener: Callable[..., None], *args: object) -> None:
    try:
        listener(*args)
    except Exception:  # what was saved stays saved; the next listener still hears of it
        log.exception("listener %s failed", getattr(listener, "__qualname__", listener))
