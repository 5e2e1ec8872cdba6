"""Who may do what: the author's token, and the visitors' invitations.

The author's token is made on first use and kept in `author.token` in the Inkborn home, readable
by its owner only; it may do everything. A visitor's token admits one person to one character:
he may talk with her as himself and read his own conversation, nothing more. Only a hash of a
visitor's token is stored. Every comparison is made in constant time.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import secrets
from dataclasses import dataclass
from pathlib import Path

from ..home import write_private
from ..studio import Studio

__all__ = ["Access", "Keys"]

AUTHOR_FILE = "author.token"


@dataclass(frozen=True)
class Access:
    """What one request's token admits."""

    role: str  # "author" | "visitor"
    character: str | None = None  # a visitor's character (slug)
    person: str | None = None  # a visitor's name

    @property
    def is_author(self) -> bool:
        return self.role == "author"


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


class Keys:
    """The tokens of one Inkborn home."""

    def __init__(self, studio: Studio):
        self.studio, self.home = studio, Path(studio.home)
        self._author_hash = _hash(self.author_token())

    def author_token(self) -> str:
        """The author's token, made (mode 0600) the first time it is asked for."""
        path = self.home / AUTHOR_FILE
        try:
            token, there = path.read_text().strip(), True
        except FileNotFoundError:
            token, there = "", False
        if not token:  # made whole beside it, then linked in: two servers starting at once agree on one
            token = "ink_a_" + secrets.token_urlsafe(32)
            self.home.mkdir(parents=True, exist_ok=True)
            made = path.with_name(f".{AUTHOR_FILE}.{os.getpid()}.{secrets.token_hex(4)}")
            write_private(made, (token + "\n").encode())
            try:
                if there:  # there but empty when read: replaced (a file made since by another is theirs)
                    os.replace(made, path)
                else:
                    os.link(made, path)
            except FileExistsError:  # another process made it first: theirs
                token = path.read_text().strip()
            finally:
                made.unlink(missing_ok=True)
        if path.stat().st_mode & 0o077:
            os.chmod(path, 0o600)
        return token

    def invite(self, slug: str, name: str) -> str:
        """A new token admitting `name` to the character `slug`, as a visitor."""
        token = "ink_v_" + secrets.token_urlsafe(32)
        self.studio.character(slug).invite(name, _hash(token))
        return token

    def revoke(self, slug: str, name: str) -> int:
        return self.studio.character(slug).revoke_invites(name)

    def access(self, token: str | None) -> Access | None:
        """What a presented token admits; None for no token or an unknown or revoked one."""
        if not token:
            return None
        presented = _hash(token)
        if hmac.compare_digest(presented, self._author_hash):
            return Access("author")
        found = self.studio.invited(presented)
        if found is None or not hmac.compare_digest(presented, found[2]):
            return None
        character, person, _ = found
        return Access("visitor", character.slug, person)
