"""The Inkborn home: one folder for all state (INKBORN_HOME overrides), and its config.toml.

Everything in it that holds the author's words (the database, drafts, config.toml) is his
alone: folders 0700, files 0600, tightened when found looser (a home made by hand, or by an
older Inkborn, at 0755).
"""

from __future__ import annotations

import json
import os
import stat
import tomllib
from pathlib import Path
from typing import Any

from .errors import InvalidInput

__all__ = ["config", "home_dir", "private_dir", "private_file", "remember", "write_private"]


def home_dir() -> Path:
    """Where Inkborn keeps its database, its model cache and its config."""
    return private_dir(Path(os.environ.get("INKBORN_HOME") or Path.home() / ".inkborn").expanduser())


def private_dir(path: Path) -> Path:
    """The folder, made if need be, readable by its owner only."""
    path.mkdir(mode=0o700, parents=True, exist_ok=True)
    _tighten(path, 0o700)
    return path


def private_file(path: Path) -> None:
    """Make an existing file readable by its owner only (a missing one is left missing)."""
    _tighten(path, 0o600)


def _tighten(path: Path, mode: int) -> None:
    try:
        found = path.stat()
    except FileNotFoundError:
        return
    # never a folder shared on purpose (sticky, like /tmp) nor someone else's
    if found.st_mode & 0o077 and not found.st_mode & stat.S_ISVTX and found.st_uid == os.getuid():
        os.chmod(path, mode)


def write_private(path: Path, data: bytes) -> None:
    """Write a new file that only its owner can read; an existing one is refused (FileExistsError)."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as f:
        f.write(data)


def config(home: Path | None = None) -> dict[str, Any]:
    """The settings in config.toml, e.g. `backend = "openai"` and `[backends.openai] base_url = ...`."""
    path = (home or home_dir()) / "config.toml"
    if not path.exists():
        return {}
    try:
        return tomllib.loads(path.read_text("utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise InvalidInput(f"{path} is not valid TOML ({exc}); fix or remove it") from None


def remember(home: Path, key: str, value: str) -> None:
    """Set a top-level `key = "value"` in config.toml, keeping everything else in it as written."""
    path = home / "config.toml"
    settings = config(home)
    lines = path.read_text("utf-8").splitlines(keepends=True) if path.exists() else []
    if key in settings:  # drop the old setting, which comes before any [table]
        tables = next((i for i, old in enumerate(lines) if old.lstrip().startswith("[")), len(lines))
        lines = [old for old in lines[:tables] if old.partition("=")[0].strip().strip('"') != key] + lines[tables:]
    # first, before any [table], where a top-level key must go; a JSON string is a TOML basic string
    text = f"{key} = {json.dumps(value, ensure_ascii=False)}\n" + "".join(lines)
    try:
        saved = tomllib.loads(text).get(key)
    except tomllib.TOMLDecodeError:
        saved = None
    if saved != value:
        raise InvalidInput(f"cannot save {key} in {path}; set it there by hand")
    tmp = path.with_name(path.name + ".tmp")
    tmp.unlink(missing_ok=True)
    write_private(tmp, text.encode("utf-8"))
    os.replace(tmp, path)
