"""What a request may carry: numbers within bounds, and text that is text.

Checked at the edge, so that nothing a caller sends reaches the store or the model only to fail
there as a 500: an integer past SQLite's 64 bits, a lone surrogate (it has no UTF-8 form, so it
cannot be stored), a control character in a name or a slug. A refusal is a 400 `invalid_input`
naming the field, and every bound is stated in the published schema.
"""

from __future__ import annotations

import unicodedata
from typing import Annotated

from pydantic import AfterValidator, Field

__all__ = ["MAX_ID", "MAX_NAME", "MAX_SEED", "MAX_SLUG", "Id", "Name", "Seed", "Slug", "Text",
           "one_line", "text"]

MAX_ID = 2**63 - 1  # the largest integer SQLite stores: revision numbers and turn ids
MAX_SEED = 2**32 - 1  # the model's seed is 32 bits
MAX_NAME = 200  # characters in a person's or a character's name
MAX_SLUG = 64  # as the studio allows
ONE_LINE = "^[^\\u0000-\\u001f\\u007f-\\u009f]*$"  # no control character (the schema's wording of one_line)


def text(value: str) -> str:
    """Text that has a UTF-8 form: a lone surrogate (e.g. "\\udc00" in JSON) is not text."""
    try:
        value.encode("utf-8")
    except UnicodeEncodeError as exc:
        raise ValueError(f"character {exc.start + 1} is a lone surrogate ({value[exc.start]!r}), which is not text; "
                         "send the text as UTF-8 (a surrogate pair stands for one character, never half of one)") from None
    return value


def one_line(value: str) -> str:
    """Text with no control character at all (no NUL, newline or tab): names, slugs, `as`."""
    text(value)
    for i, ch in enumerate(value):
        if unicodedata.category(ch) == "Cc":
            raise ValueError(f"character {i + 1} is a control character ({ch!r}); a name or slug is one line of "
                             "plain text")
    return value


Text = Annotated[str, AfterValidator(text)]
"""A manuscript or a message: any text, newlines welcome."""

Name = Annotated[str, Field(max_length=MAX_NAME, json_schema_extra={"pattern": ONE_LINE}), AfterValidator(one_line)]
"""A person's or a character's name."""

Slug = Annotated[str, Field(max_length=MAX_SLUG, json_schema_extra={"pattern": ONE_LINE}), AfterValidator(one_line)]
"""A character's slug as a caller names her (the studio checks the rest: lowercase letters, digits, - and _)."""

Id = Annotated[int, Field(ge=1, le=MAX_ID)]
"""A revision number or a turn id."""

Seed = Annotated[int, Field(ge=0, le=MAX_SEED)]
"""The model's seed."""
