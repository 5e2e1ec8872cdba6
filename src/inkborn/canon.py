"""Canon: what a revision says about her, sentence by sentence, and what an edit made true.

A manuscript is read as a list of sentences. Between two revisions, the fresh
edits are the sentences added, removed and changed; the stage states them as
timeless fact close to where she speaks, because a small model attends to the
end of its context far more than to a line in the middle of a page.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass

__all__ = ["FreshEdit", "fresh_edits", "sentences", "summarize_change"]

# the space after a sentence's end (and any closing quote or bracket, which stays with the sentence)
_SENTENCE_END = re.compile(r"[.!?\u2026][\"\u201d')\]]*(\s+)(?=[\"\u201c'(\[]?[A-Z0-9\u00c0-\u024f])")


def sentences(text: str) -> list[str]:
    """The manuscript's sentences, with line wrapping undone and headings kept whole."""
    out: list[str] = []
    for block in re.split(r"\n\s*\n", text):
        lines = [line.strip() for line in block.strip().splitlines() if line.strip()]
        prose: list[str] = []
        for line in lines:
            if line.startswith("#") or line.startswith(("- ", "* ")):
                out.extend(_split(" ".join(prose)))
                prose = []
                out.append(line.lstrip("#-* ").strip())
            else:
                prose.append(line)
        out.extend(_split(" ".join(prose)))
    return [s for s in out if s]


def _split(paragraph: str) -> list[str]:
    paragraph = re.sub(r"\s+", " ", paragraph).strip()
    if not paragraph:
        return []
    parts, start = [], 0
    for match in _SENTENCE_END.finditer(paragraph):
        parts.append(paragraph[start:match.start(1)])
        start = match.end(1)
    parts.append(paragraph[start:])
    return [s.strip() for s in parts if s.strip()]


@dataclass(frozen=True)
class FreshEdit:
    """One sentence that an edit added, removed or changed."""

    kind: str  # "added" | "removed" | "changed"
    old: str = ""
    new: str = ""


def fresh_edits(old_text: str, new_text: str) -> list[FreshEdit]:
    """The sentences that differ between two revisions, in manuscript order."""
    old, new = sentences(old_text), sentences(new_text)
    edits: list[FreshEdit] = []
    matcher = difflib.SequenceMatcher(a=old, b=new, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            continue
        removed, added = old[i1:i2], new[j1:j2]
        pairs = min(len(removed), len(added)) if tag == "replace" else 0
        edits.extend(FreshEdit("changed", a, b) for a, b in zip(removed[:pairs], added[:pairs], strict=True))
        edits.extend(FreshEdit("removed", old=a) for a in removed[pairs:])
        edits.extend(FreshEdit("added", new=b) for b in added[pairs:])
    return edits


def summarize_change(old: str | None, new: str) -> str:
    """One line saying what a revision changed, for `inkborn history`."""
    if old is None:
        return f"first draft, {len(new.split())} words"
    edits = fresh_edits(old, new)
    if not edits:
        return "whitespace only"
    parts = []
    for kind in ("added", "changed", "removed"):
        items = [e for e in edits if e.kind == kind]
        if items:
            parts.append(f"{kind} {len(items)} sentence{'s' if len(items) > 1 else ''}")
    first = edits[0]
    quote = first.new or first.old
    quote = quote if len(quote) <= 60 else quote[:57] + "..."
    return f"{', '.join(parts)}: \u201c{quote}\u201d"
