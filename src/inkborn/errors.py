"""The exceptions Inkborn raises. Every message says what happened and what to do.

    InkbornError
    ├── NotFound              an unknown character, revision or person
    ├── InvalidInput          an empty manuscript, a file that is not UTF-8, an edit that does not apply
    ├── ManuscriptTooLong     the manuscript does not fit the model's context
    ├── StaleRevision         a save based on a revision that is no longer the head
    ├── EditorFailed          $EDITOR exited non-zero; the draft was kept
    ├── WillEdit              an edit that reaches into her will, not saved until her author confirms it
    ├── Released              she was written free: her manuscript is frozen
    └── BackendError          the language model failed
        ├── BackendUnavailable    could not be reached or loaded
        │   └── ModelFileError    the model file is missing, truncated or fails its checksum
        └── BackendTimeout        stopped answering, possibly mid-reply

Her context overflowing is ManuscriptTooLong wherever it is found: by the stage, by the
embedded model, or by an OpenAI-compatible server that refuses the request for its length.

The CLI turns these into one line on stderr and a non-zero exit status; nothing
else catches them.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .ledger import EditReading

__all__ = [
    "BackendError",
    "BackendTimeout",
    "BackendUnavailable",
    "EditorFailed",
    "InkbornError",
    "InvalidInput",
    "ManuscriptTooLong",
    "ModelFileError",
    "NotFound",
    "Released",
    "StaleRevision",
    "WillEdit",
]


class InkbornError(Exception):
    """Base of every error Inkborn raises on purpose."""


class NotFound(InkbornError):
    """An unknown character, revision or person."""


class InvalidInput(InkbornError):
    """Input that Inkborn cannot take as it is."""


class ManuscriptTooLong(InkbornError):
    """The manuscript does not fit the model's context budget."""

    def __init__(self, tokens: int | None, limit: int | None, backend: str, *, said: str | None = None):
        self.tokens, self.limit = tokens, limit
        size = said or f"the manuscript is {tokens} tokens but {backend} leaves room for {limit}"
        super().__init__(f"{size}; shorten it (it is saved, nothing is lost) or use a backend with a larger context")


class StaleRevision(InkbornError):
    """A save was based on a revision that is no longer the head; nothing was saved."""

    def __init__(self, base: int, head: int, *, advice: str | None = None):
        self.base, self.head = base, head
        keep = advice or f"to keep yours, save it again based on revision {head}"
        super().__init__(
            f"the manuscript was saved elsewhere since revision {base}: it is now at revision {head}. "
            f"Nothing was saved; {keep}."
        )


class EditorFailed(InkbornError):
    """The editor exited with an error; the draft is kept."""


class WillEdit(InkbornError):
    """An edit that reaches into her will (or that the model could not read): nothing was saved."""

    def __init__(self, slug: str, reading: "EditReading"):
        self.reading = reading
        why = "; ".join(f"{r.sentence!r} ({r.reason})" for r in reading.will)
        what = "could not be read, so it waits for you" if reading.kind == "unread" else "reaches into her will"
        super().__init__(f"this edit {what}: {why}. Nothing was saved; confirm it to save it "
                         f"(`inkborn write {slug} ... --yes`, or `--dry-run` to see what an edit is)")


class Released(InkbornError):
    """She was written free: her manuscript can no longer be changed, on any path."""

    def __init__(self, name: str, when: str, what: str = "her manuscript"):
        self.when = when
        super().__init__(f"{name} was written free on {when[:10]}: {what} can no longer be changed, and nothing was; "
                         f"she changes only by living now (`inkborn ledger` shows the release)")


class BackendError(InkbornError):
    """The language model failed."""


class BackendUnavailable(BackendError):
    """The backend could not be reached or loaded."""


class ModelFileError(BackendUnavailable):
    """The model file is missing or corrupt: the embedded model cannot load."""


class BackendTimeout(BackendError):
    """The backend stopped answering."""
