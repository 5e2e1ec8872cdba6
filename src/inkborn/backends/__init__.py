"""Backends are plugins: classes registered under the `inkborn.backends` entry-point group.

The built-in ones (embedded, openai, echo) are registered the same way, in Inkborn's own
pyproject.toml; a third-party package adds one by declaring

    [project.entry-points."inkborn.backends"]
    mine = "my_package:MyBackend"

and its options as a pydantic model, `class Options(BackendOptions)` (options.py reads them).
The fake that Inkborn's tests speak through is registered apart, under
`inkborn.backends.testing`: `-b fake` finds it, `inkborn backends` never lists it.
"""

from __future__ import annotations

from importlib.metadata import entry_points
from typing import Any

from ..errors import InvalidInput
from .base import Backend, Message, Prompt, Usage
from .options import BackendOptions, parse_options

__all__ = ["Backend", "BackendOptions", "Message", "Prompt", "Usage", "available", "backend_class", "load_backend",
           "parse_options"]

GROUP = "inkborn.backends"
TESTING = "inkborn.backends.testing"  # backends for tests (fake): found by name, never listed


def available() -> dict[str, str]:
    """Backend names and the `module:Class` each is registered as."""
    return {ep.name: ep.value for ep in sorted(entry_points(group=GROUP), key=lambda ep: ep.name)}


def backend_class(name: str) -> type[Backend]:
    for ep in (*entry_points(group=GROUP), *entry_points(group=TESTING)):
        if ep.name == name:
            return ep.load()
    raise InvalidInput(f"no backend called {name!r}; installed backends: {', '.join(available())}")


def load_backend(name: str, **options: Any) -> Backend:
    """An instance of the named backend, configured with options."""
    return backend_class(name)(**options)

