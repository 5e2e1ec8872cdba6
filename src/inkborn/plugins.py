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

from importlib.metadata import entry_points
from typing import Any

__all__ = ["find", "registered"]

GROUPS = {"backends": "inkborn.backends", "stores": "inkborn.stores", "readers": "inkborn.readers"}
_TESTING = {"backends": "inkborn.backends.testing"}


def registered(kind: str) -> dict[str, str]:
    """The names registered for a kind of part, each with the `module:object` it is, sorted by name."""
    return {ep.name: ep.value for ep in sorted(entry_points(group=GROUPS[kind]), key=lambda ep: ep.name)}


def find(kind: str, name: str) -> Any | None:
    """The part registered under that name (or, for tests, in the kind's testing group); None if none is."""
    groups = [GROUPS[kind]] + ([_TESTING[kind]] if kind in _TESTING else [])
    for group in groups:
        for ep in entry_points(group=group):
            if ep.name == name:
                return ep.load()
    return None
