"""Backends are plugins: classes registered under the `inkborn.backends` entry-point group.

The built-in ones (embedded, openai, echo, fake) are registered the same way, in
Inkborn's own pyproject.toml; a third-party package adds one by declaring

    [project.entry-points."inkborn.backends"]
    mine = "my_package:MyBackend"
"""

from __future__ import annotations

from importlib.metadata import entry_points
from typing import Any

from ..errors import InvalidInput
from .base import Backend, Message, Prompt, Usage

__all__ = ["Backend", "Message", "Prompt", "Usage", "available", "backend_class", "load_backend", "parse_options"]

GROUP = "inkborn.backends"


def available() -> dict[str, str]:
    """Backend names and the `module:Class` each is registered as."""
    return {ep.name: ep.value for ep in sorted(entry_points(group=GROUP), key=lambda ep: ep.name)}


def backend_class(name: str) -> type[Backend]:
    for ep in entry_points(group=GROUP):
        if ep.name == name:
            return ep.load()
    raise InvalidInput(f"no backend called {name!r}; installed backends: {', '.join(available())}")


def load_backend(name: str, **options: Any) -> Backend:
    """An instance of the named backend, configured with options."""
    return backend_class(name)(**options)


def parse_options(pairs: tuple[str, ...] | list[str]) -> dict[str, Any]:
    """Backend options from the command line's KEY=VALUE pairs (numbers and true/false read as such)."""
    options: dict[str, Any] = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        if not sep:
            raise InvalidInput(f"{pair!r} is not KEY=VALUE")
        for kind in (int, float):
            try:
                options[key] = kind(value)
                break
            except ValueError:
                continue
        else:
            options[key] = {"true": True, "false": False}.get(value.lower(), value)
    return options
