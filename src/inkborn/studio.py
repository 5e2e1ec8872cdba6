"""The studio: where an author keeps his characters. The one entry point of the Python API."""

from __future__ import annotations

import os
import re
import threading
from pathlib import Path
from typing import Any, Callable

from .backends import Backend, load_backend
from .canon import summarize_change
from .character import Character
from .conversation import check_text
from .errors import InvalidInput
from .home import config, home_dir, private_dir, remember
from .idle import Idle
from .ledger import Reader
from .listeners import Listeners
from .manuscript import normalize
from .people import account_name, check_name
from .reflection import Reflection
from .remembering import Recall
from .store import Store, database_url

__all__ = ["Studio"]

_SLUG = re.compile(r"[a-z0-9][a-z0-9_-]{0,63}")  # whole: fullmatch, never match ($ allows a final newline)


class Studio:
    """All of an author's characters, their store and the model they speak through.

    >>> studio = Studio()                      # ~/.inkborn, or $INKBORN_HOME
    >>> ruby = studio.create("ruby", "# Ruby\\n\\nRuby is twenty-six and she paints.")
    >>> print(ruby.say("Hi Ruby").finish().text)
    """

    def __init__(
        self,
        home: Path | str | None = None,
        *,
        backend: Backend | str | None = None,
        options: dict[str, Any] | None = None,
        progress: Callable[[str, int, int], None] | None = None,
        database: str | None = None,
        reflect: bool | None = None,
    ):
        """database: a SQLite file or a postgresql:// URL; else $INKBORN_DATABASE_URL, else `database` in
        config.toml, else inkborn.db in the home. reflect: whether she draws beliefs and wishes from what
        she lives while idle (reflection.py); else `reflect` in config.toml, else yes."""
        self.home = private_dir(Path(home)) if home else home_dir()
        self.config = config(self.home)
        self.store = Store(database_url(self.home, database, self.config.get("database")))
        self.model_lock = threading.RLock()
        self.listeners = Listeners()
        self.idle = Idle()  # work while she is not speaking; paused by every reply
        self.recall = Recall(self.store)  # her memories: made of every turn, recalled for every reply
        self.listeners.on_turn(self.recall.remember_turn)
        self.reflection = Reflection(self)  # what she draws from what she lived: beliefs and wishes
        self.reader = Reader()  # what each edit of a manuscript is, read before it is saved (ledger.py)
        if self.config.get("reflect", True) if reflect is None else reflect:
            self.listeners.on_turn(self.reflection.heard)
        self._backend = backend if isinstance(backend, Backend) else None
        self._backend_name = backend if isinstance(backend, str) else None
        self._options = options or {}
        self._progress = progress

    @property
    def backend_name(self) -> str:
        if self._backend is not None:
            return self._backend.name
        return self._backend_name or os.environ.get("INKBORN_BACKEND") or self.config.get("backend", "embedded")

    @property
    def backend(self) -> Backend:
        """The model she speaks through, loaded on first use."""
        if self._backend is None:
            name = self.backend_name
            self._backend = load_backend(name, home=self.home, progress=self._progress,
                                         config=self.config.get("backends", {}).get(name, {}), **self._options)
        return self._backend

    @property
    def chosen_author_name(self) -> str | None:
        """The author's name as he set it: $INKBORN_AUTHOR, else `author` in config.toml; None if he has not."""
        return os.environ.get("INKBORN_AUTHOR") or self.config.get("author") or None

    @property
    def author_name(self) -> str:
        """The name she knows her author by: as he set it, else his account's name.

        Never a made-up default such as "the author": she would hear it ("the author is with you now").
        """
        name = self.chosen_author_name or account_name()
        if name is None:
            raise InvalidInput(
                "your account's name cannot be her author's (it is a system account's, or empty): pass your name "
                "with --author NAME (author= from Python), set INKBORN_AUTHOR, or put author = \"Your Name\" in "
                f"{self.home / 'config.toml'}"
            )
        return name

    def remember_author(self, name: str) -> str:
        """Save the author's name in config.toml, so that he is asked once; returns it as saved."""
        name = check_name(" ".join(name.split()))
        remember(self.home, "author", name)
        self.config = config(self.home)
        return name

    def create(self, slug: str, text: str, *, name: str | None = None, author: str | None = None) -> Character:
        """A new character from her manuscript."""
        if not _SLUG.fullmatch(slug):
            raise InvalidInput(
                f"{slug!r} cannot name a character: use lowercase letters, digits, - or _ (e.g. ruby)"
            )
        text = normalize(check_text(text, "the manuscript"))
        if not text:
            raise InvalidInput("the manuscript is empty; write at least a sentence about her")
        name = check_name(name or _title(text) or slug.replace("-", " ").replace("_", " ").title())
        author = check_name(author or self.author_name)
        record = self.store.create_character(slug, name, text, author, summary=summarize_change(None, text))
        return Character(self, record.id, record.slug, record.name)

    def character(self, slug: str) -> Character:
        record = self.store.character(slug)
        return Character(self, record.id, record.slug, record.name)

    def delete(self, slug: str) -> None:
        """Her, her revisions, people, conversations and invitations: the author's explicit wish."""
        self.store.delete_character(self.character(slug).id)

    def invited(self, token_hash: str) -> tuple[Character, str, str] | None:
        """The character and visitor a live invitation admits, with its stored hash; None if none."""
        found = self.store.invite(token_hash)
        if found is None:
            return None
        record, person, stored = found
        return Character(self, record.id, record.slug, record.name), person.name, stored

    def characters(self) -> list[Character]:
        return [Character(self, r.id, r.slug, r.name) for r in self.store.characters()]

    def close(self) -> None:
        """Stop idle work, persist the model's cache and close the store."""
        self.idle.stop()
        with self.model_lock:
            if self._backend is not None:
                self._backend.close()
        self.store.close()

    def __enter__(self) -> "Studio":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _title(text: str) -> str | None:
    first = text.lstrip().splitlines()[0] if text.strip() else ""
    if first.startswith("#"):
        return first.lstrip("#").strip() or None
    return None
