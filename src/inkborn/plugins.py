"""Inkborn's one extension mechanism: entry points, one group per kind of part.

| group              | a name is            | the object is                                   |
|--------------------|----------------------|-------------------------------------------------|
| `inkborn.backends` | `-b NAME`            | a `Backend` class (backends/base.py)            |
| `inkborn.stores`   | a database URL's scheme (`sqlite`, `postgresql`) | a database class taking the URL |
| `inkborn.readers`  | a language code (`en`) | `reader(name, sentence, *, she, about)`: a sentence about her, in her words |

Inkborn registers its own parts the same way, in its pyproject.toml; another package adds one
by declaring, in its own,

    [project.entry-points."inkborn.readers"]
    fr = "my_package.french:in_her_words"

Parts only for tests live in a group of their own (`inkborn.backends.testing`): found by
name, never listed to users.
"""

from __future__ import annotations

import importlib
from functools import lru_cache
from importlib.metadata import entry_points
from typing import Any

__all__ = ["find", "registered"]

GROUPS = {"backends": "inkborn.backends", "stores": "inkborn.stores", "readers": "inkborn.readers"}
_TESTING = {"backends": "inkborn.backends.testing"}
# Inkborn's own parts, found even where the installed metadata is older than the code (an
# editable install from before a part was registered): as pyproject.toml registers them
_OWN = {("stores", "sqlite"): "inkborn.store.sqlite:SQLiteDatabase",
        ("stores", "postgresql"): "inkborn.store.postgres:PostgresDatabase",
        ("stores", "postgres"): "inkborn.store.postgres:PostgresDatabase",
        ("readers", "en"): "inkborn.first_person:english"}


def registered(kind: str) -> dict[str, str]:
    """The names registered for a kind of part, each with the `module:object` it is, sorted by name."""
    return {ep.name: ep.value for ep in sorted(entry_points(group=GROUPS[kind]), key=lambda ep: ep.name)}


@lru_cache(maxsize=256)
def find(kind: str, name: str) -> Any | None:
    """The part registered under that name (or, for tests, in the kind's testing group); None if none is."""
    groups = [GROUPS[kind]] + ([_TESTING[kind]] if kind in _TESTING else [])
    for group in groups:
        for ep in entry_points(group=group):
            if ep.name == name:
                return ep.load()
    own = _OWN.get((kind, name))
    if own is None:
        return None
    module, _, attribute = own.partition(":")
    return getattr(importlib.import_module(module), attribute)
