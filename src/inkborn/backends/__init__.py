"""Backends are plugins (plugins.py): classes registered under the `inkborn.backends` entry-point group.

The built-in ones (embedded, openai, echo) are registered the same way, in Inkborn's own
pyproject.toml; a third-party package adds one by declaring

    [project.entry-points."inkborn.backends"]
    mine = "my_package:MyBackend"

and its options as a pydantic model, `class Options(BackendOptions)` (options.py reads them).
The fake that Inkborn's tests speak through is registered apart, under
`inkborn.backends.testing`: `-b fake` finds it, `inkborn backends` never lists it.
"""

from __future__ import annotations

from typing import Any

from .. import plugins
from ..errors import InvalidInput
from .base import Backend, Message, Prompt, Usage
from .options import BackendOptions, parse_options

__all__ = ["Backend", "BackendOptions", "Message", "Prompt", "Usage", "available", "backend_class", "load_backend",
           "parse_options"]


def available() -> dict[str, str]:
    """Backend names and the `module:Class` each is registered as."""
    return plugins.registered("backends")


def backend_class(name: str) -> type[Backend]:
    found = plugins.find("backends", name)
    if found is not None:
        return found
    raise InvalidInput(f"no backend called {name!r}; installed backends: {', '.join(available())}")


def load_backend(name: str, **options: Any) -> Backend:
    """An instance of the named backend, configured with options."""
    return backend_class(name)(**options)

