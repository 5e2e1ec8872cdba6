"""The Inkborn home: one folder for all state (INKBORN_HOME overrides), and its config.toml."""

from __future__ import annotations

import os
import tomllib
from pathlib import Path
from typing import Any

from .errors import InvalidInput

__all__ = ["config", "home_dir"]


def home_dir() -> Path:
    """Where Inkborn keeps its database, its model cache and its config."""
    path = Path(os.environ.get("INKBORN_HOME") or Path.home() / ".inkborn").expanduser()
    path.mkdir(mode=0o700, parents=True, exist_ok=True)
    return path


def config(home: Path | None = None) -> dict[str, Any]:
    """The settings in config.toml, e.g. `backend = "openai"` and `[backends.openai] base_url = ...`."""
    path = (home or home_dir()) / "config.toml"
    if not path.exists():
        return {}
    try:
        return tomllib.loads(path.read_text("utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise InvalidInput(f"{path} is not valid TOML ({exc}); fix or remove it") from None
