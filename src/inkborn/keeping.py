"""Keeping her promises while she speaks: her opening is checked before she is heard.

A reply that breaks a promise in its first words (or, for a mood, an old fact, a fresh edit
shown, anywhere) is said again with a new seed, at most RETRIES more times; the last attempt
may begin with the fresh edit in her own words. Her language is repaired by asking, within
her own context, for her words again in it; letter case and a word limit shape the words as
they stream. What it took is recorded (Keeping) and stored with her turn.
"""

from __future__ import annotations

import re
import time
from dataclasses import dataclass, field, replace
from itertools import chain
from typing import Iterator

from .backends.base import Backend, Message, Prompt, Usage
from .errors import BackendError
from .promises import SAID_AGAIN, WHOLE, Promise, broken, language_names

__all__ = ["HOLD_WORDS", "RETRIES", "Keeping", "keep"]

HOLD_WORDS = 6  # words held back and checked before she is heard (~0.25 s of speech)
LANGUAGE_WORDS = 10  # words read before her language is judged: on six, the detector mistakes English for French
RETRIES = 2  # further attempts when she does not speak as herself


@dataclass
class Keeping:
    """What keeping her promises took for one reply; stored with the turn."""

    attempts: int = 1
    repairs: list[str] = field(default_factory=list)
    broken: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, object]:
        return {"attempts": self.attempts, "repairs": self.repairs, "broken": self.broken}


def keep(backend: Backend, prompt: Prompt, promises: list[Promise], name: str, usage: Usage,
         record: Keeping) -> Iterator[str]:
    """Her reply with the promises kept: checked before it is heard, repaired or said again."""
    if not backend.speaks_as_her:
        yield from _words(backend.stream(prompt, usage), f"{name}:", usage)
        return
    again = [p for p in promises if p.kind in SAID_AGAIN]
    language = next((p for p in promises if p.kind == "language"), None)
    spoken, missed = "", set()
    for attempt in range(RETRIES + 1):
        record.attempts = attempt + 1
        tried = prompt if attempt == 0 else replace(
            prompt, seed=(prompt.seed or 0) + 7919 * attempt, temperature=min(1.0, prompt.temperature + 0.15 * attempt))
        opening = _last_resort(again, missed, backend) if attempt == RETRIES else None
        if opening:  # twice she did not show the edit: her last attempt begins with it, in her own words
            tried = replace(tried, prefill=f"{tried.prefill} {opening}")
            record.repairs.append("opening")
        told = backend.stream(tried, usage)
        stream = _words(_opened(opening, told) if opening else told, f"{name}:", usage)
        held = ""

        def hold() -> None:  # her first words, read on until there are enough to judge
            nonlocal held
            while not _enough(held) and (chunk := next(stream, None)) is not None:
                held += chunk

        try:
            try:
                hold()
                bare = _without_direction(held, stream)
                if bare != held:  # her words after "(sighs)" are held and judged too
                    held = bare
                    hold()
            except BackendError:
                if held:  # what she had begun to say is kept with the failed turn
                    yield held
                raise
            if attempt < RETRIES and (failed := broken([p for p in again if p.kind not in WHOLE], held, name)):
                missed.update(p.kind for p in failed)
                continue
            if attempt < RETRIES and any(p.kind in WHOLE for p in again):
                held += "".join(stream)  # a mood, or an old fact, shows anywhere in the reply: judge it whole
                if failed := broken(again, held, name):
                    missed.update(p.kind for p in failed)
                    continue
            if language is not None:  # her language is judged on a little more of her opening
                while len(held.split()) < LANGUAGE_WORDS and (chunk := next(stream, None)) is not None:
                    held += chunk
            if language is not None and not language.kept_by(held, name):
                said = held + "".join(stream)
                record.repairs.append("language")
                stream.close()
                stream = _unquoted(_words(backend.stream(_translation(prompt, name, said, language), usage), f"{name}:"))
                held = ""
            for chunk in _shaped(chain([held], stream), promises, record):
                spoken += chunk
                yield chunk
        finally:
            stream.close()
        record.broken = [p.kind for p in broken(promises, spoken, name)]
        return


def _opened(opening: str, chunks: Iterator[str]) -> Iterator[str]:
    """The opening given to her, then what the model says after it, one space between them."""
    yield opening
    first = True
    try:
        for chunk in chunks:
            if first and chunk.strip():
                chunk, first = " " + chunk.lstrip(), False
            yield chunk
    finally:
        close = getattr(chunks, "close", None)
        if close:
            close()


def _last_resort(again: list[Promise], missed: set[str], backend: Backend) -> str | None:
    """The opening for her last attempt: the fresh edit in her own words, if she has not shown it so far."""
    if not backend.supports_prefill or not missed:
        return None
    shown = next((p.opening for p in again if p.kind == "shows" and p.opening), None)
    if shown:
        return shown
    herself = next((p for p in again if p.kind == "herself"), None)
    if "own_name" in missed and herself is not None:  # twice she took a name she was told: she says her own
        return f"I'm {str(herself.value).split()[0]}."
    return None


def _translation(prompt: Prompt, name: str, said: str, language: Promise) -> Prompt:
    """Her words again in her language: a translation asked for aside, in a context of its own.

    Asked within her context, the default model translated the wrong words: as "Mira's words",
    her manuscript (a French recital of it in `inkborn try`); as a plain request, a visitor's
    "answer in Spanish" a few lines above won. Aside, the model's cache of her context is kept.
    """
    lang = {code: lang for lang, code in language_names().items()}.get(str(language.value), str(language.value))
    return replace(prompt, messages=(
        Message("system", f"You translate what you are given into {lang}. Reply with the translation only."),
        Message("user", said),
    ), prefill="", temperature=0.2, aside=True, stop=())


def _words(chunks: Iterator[str], cue: str, usage: Usage | None = None) -> Iterator[str]:
    """Her words from a backend stream: without a leading "Name:" cue, no leading space."""
    head: str | None = ""
    try:
        for chunk in chunks:
            if usage is not None and usage.first_token_at is None:
                usage.first_token_at = time.perf_counter()
            if head is None:
                yield chunk
                continue
            head += chunk
            bare = head.lstrip()
            if len(bare) < len(cue) and cue.startswith(bare):
                continue
            out = (bare[len(cue):] if bare.startswith(cue) else bare).lstrip()
            if out:
                head = None
                yield out
            else:
                head = ""
        if head:
            yield head.lstrip()
    finally:
        close = getattr(chunks, "close", None)
        if close:
            close()


def _enough(held: str) -> bool:
    """Enough of her opening to judge: HOLD_WORDS words, or a short first sentence."""
    return len(held.split()) >= HOLD_WORDS or bool(re.search(r"[.!?]\s*$", held)) and len(held.split()) >= 3


def _without_direction(held: str, stream: Iterator[str]) -> str:
    """Her opening without a stage direction like "(sighs)" a model may begin with."""
    if not held.lstrip().startswith("("):
        return held
    for chunk in stream:
        held += chunk
        if ")" in held or len(held.split()) > 40:
            break
    return re.sub(r"^\s*\([^)]*\)\s*", "", held)


def _unquoted(chunks: Iterator[str]) -> Iterator[str]:
    """Drop the quotation marks a model may wrap a translation in."""
    quoted, last = None, ""
    for chunk in chunks:
        if quoted is None and chunk.strip():
            quoted = chunk.lstrip()[0] in "\"\u201c\u00ab"
            chunk = chunk.lstrip()[1:].lstrip() if quoted else chunk
        text, last = last + chunk, ""
        if quoted and text.rstrip().endswith(("\"", "\u201d", "\u00bb")):
            text, last = text[:-1], text[-1:]  # hold back a closing quote until we know it is the last
        if text:
            yield text
    if last and not quoted:
        yield last


def _shaped(chunks: Iterator[str], promises: list[Promise], record: Keeping) -> Iterator[str]:
    """Apply the promises that shape text as it streams: letter case and a word limit."""
    lowercase = any(p.kind == "lowercase" for p in promises)
    limit = min((int(p.value) for p in promises if p.kind == "max_words"), default=None)
    text = ""
    for chunk in chunks:
        if lowercase and chunk != chunk.lower():
            chunk = chunk.lower()
            if "lowercase" not in record.repairs:
                record.repairs.append("lowercase")
        if limit is not None and len((text + chunk).split()) > limit:
            words = re.findall(r"\s*\S+", text + chunk)[:limit]
            cut = "".join(words)[len(text):]
            record.repairs.append("max_words")
            if cut:
                yield cut
            return
        text += chunk
        if chunk:
            yield chunk
