"""The manuscript: the author's prose about her, saved as revisions that are never overwritten."""

from __future__ import annotations

import difflib
import hashlib
from dataclasses import dataclass
from datetime import datetime

from .errors import InvalidInput

__all__ = ["Revision", "apply_edit", "content_hash", "decode", "diff"]


@dataclass(frozen=True)
class Revision:
    """One saved state of a manuscript."""

    id: int
    character_id: int
    number: int
    parent_id: int | None
    text: str
    content_hash: str
    author: str
    created_at: datetime
    summary: str

    @property
    def size(self) -> int:
        return len(self.text)


def content_hash(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def decode(data: bytes, source: str) -> str:
    """Bytes from a file or stdin as manuscript text, or a clear error."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InvalidInput(
            f"{source} is not UTF-8 text (byte {exc.start} is 0x{data[exc.start]:02x}); "
            "save it as UTF-8 and try again"
        ) from None
    return normalize(text)


def normalize(text: str) -> str:
    """Unix newlines, one trailing newline, so that equal prose hashes equal."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return text.rstrip() + "\n" if text.strip() else ""


def apply_edit(text: str, op: str, *, new: str = "", old: str = "") -> str:
    """Apply an append, replace or delete to the manuscript text."""
    if op == "append":
        if not new.strip():
            raise InvalidInput("nothing to append: the text is empty")
        joiner = "" if not text or text.endswith("\n\n") else "\n" if text.endswith("\n") else "\n\n"
        return normalize(text + joiner + new)
    if op in ("replace", "delete"):
        if not old:
            raise InvalidInput(f"nothing to {op}: the text to find is empty")
        count = text.count(old)
        if count == 0:
            raise InvalidInput(f"{old!r} is not in the manuscript; `inkborn show` prints it as it is")
        if count > 1:
            raise InvalidInput(f"{old!r} occurs {count} times; give a longer passage so it is found once")
        result = text.replace(old, new if op == "replace" else "")
        if op == "delete":
            result = _tidy_after_delete(result)
        return normalize(result)
    raise InvalidInput(f"unknown edit {op!r}: use append, replace or delete")


def _tidy_after_delete(text: str) -> str:
    lines = [line.rstrip() if line.strip() else "" for line in text.split("\n")]
    out: list[str] = []
    for line in lines:
        if line == "" and out and out[-1] == "":
            continue
        out.append(line)
    return "\n".join(out)


def diff(old: str, new: str, old_label: str = "a", new_label: str = "b") -> str:
    """A unified diff of two manuscript texts, one line of diff per line of text (a last line without
    a newline included)."""
    lines = difflib.unified_diff(old.splitlines(), new.splitlines(), old_label, new_label, lineterm="")
    out = "\n".join(lines)
    return out + "\n" if out else ""
