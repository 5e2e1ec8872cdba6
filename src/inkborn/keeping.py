"""Keeping her promises while she speaks: her draft is checked before she is heard.

A draft that breaks a promise in its first words (or, for a mood, an old fact, a fresh edit
shown, a word limit, anywhere) is drafted again with a new seed, at most RETRIES more times;
a mood is judged by the model itself (judge.py). Her last draft, if it still misses the edit,
is mended by a rewrite in her voice, asked aside; her language, by a translation asked aside.
Letter case shapes the words as they stream; a word limit is met by whole sentences
(mending.py), and a line that begins with someone else's name ends her reply there, as does a later
sentence that talks to nobody in particular (spoken.py).
What it took is recorded (Keeping) and stored with her turn.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from itertools import chain
from typing import Callable, Iterator

from .backends.base import Backend, Message, Prompt, Usage
from .errors import BackendError
from .judge import mood_kept
from .mending import rewrite, shortened, translation, within
from .promises import JUDGED, SAID_AGAIN, WHOLE, Promise, broken, languages_spoken
from .spoken import (unaddressed, unlabelled, unquoted, unrestated, until_another_voice, until_talk_to_nobody, unwrapped,
                     whole_sentences)
from .voice import follows_a_line, is_new_line

__all__ = ["HOLD_WORDS", "RETRIES", "Keeping", "keep"]

HOLD_WORDS = 6  # words held back and checked before she is heard (~0.25 s of speech)
LANGUAGE_WORDS = 10  # words read before her language is judged: on six, the detector mistakes English for French
RETRIES = 2  # further drafts when one breaks a promise
SHOWN = ("shows", "mood", "forgotten")  # promises that say whether a fresh edit shows in her reply


@dataclass
class Keeping:
    """What keeping her promises took for one reply; stored with the turn."""

    attempts: int = 1
    repairs: list[str] = field(default_factory=list)
    broken: list[str] = field(default_factory=list)
    shown: bool | None = None  # whether her reply shows the fresh edit, by the engine's own judgement

    def as_dict(self) -> dict[str, object]:
        return {"attempts": self.attempts, "repairs": self.repairs, "broken": self.broken, "shown": self.shown}


def keep(backend: Backend, prompt: Prompt, promises: list[Promise], name: str, usage: Usage,
         record: Keeping, *, message: str = "", person: str = "", alone: bool = True) -> Iterator[str]:
    """Her reply with the promises kept: checked before it is heard, drafted again or mended.

    message: what the person just said, for the judge and a rewrite; person: who said it;
    alone: nobody else is in the scene (in a scene, naming whom she answers is how she is understood).

    Tried and taken back: in a scene, her reply opened with the name of whoever she turned to
    ("Declan, …", prefilled). bench life's scene named the speaker every time (against 0.33-0.83 by
    seed), but a blind reader judged good 0.22 against 0.39 over three seeds: after the name the
    default model said the speaker's own words back, and "Theo, …" answered Theo where he had asked
    her to talk to Declan (bench/results/reader-scene-20261208-address).
    """
    if not backend.speaks_as_her:
        yield from unlabelled(backend.stream(prompt, usage), f"{name}:", usage)
        return
    again = [p for p in promises if p.kind in SAID_AGAIN]
    judged = [p for p in promises if p.kind in JUDGED]
    language = next((p for p in promises if p.kind == "language"), None)
    limit = min((int(p.value) for p in promises if p.kind == "max_words"), default=None)
    whole = limit is not None or any(p.kind in WHOLE for p in again) or bool(judged)
    said_before = [str(p.value) for p in again if p.kind == "new_line"]
    verdicts: dict[str, bool] = {}  # the judge's word on a text, asked once

    def sounds_right(text: str) -> bool:
        if text not in verdicts:
            verdicts[text] = all(mood_kept(backend, str(p.value), message, text, usage) for p in judged)
        return verdicts[text]

    spoken, missed, repeated = "", set(), []  # repeated: drafts that said one of her old lines again
    for attempt in range(RETRIES + 1):
        last = attempt == RETRIES
        record.attempts = attempt + 1
        tried = prompt if attempt == 0 else replace(
            prompt, seed=(prompt.seed or 0) + 7919 * attempt, temperature=min(1.0, prompt.temperature + 0.15 * attempt))
        if repeated:
            tried = replace(tried, messages=_without_lines(tried.messages, repeated, name))
        opening = _own_name(again, missed, backend) if last else None
        if opening:  # twice she took a name she was told: her last draft begins with her own
            tried = replace(tried, prefill=f"{tried.prefill} {opening}")
            record.repairs.append("opening")
        if limit is not None:  # a few words, read whole: no need to let her run on
            tried = replace(tried, max_tokens=min(tried.max_tokens, 4 * limit + 24))
        told = backend.stream(tried, usage)
        stream: Iterator[str] = until_talk_to_nobody(until_another_voice(whole_sentences(
            unlabelled(_opened(opening, told) if opening else told, f"{name}:", usage), tried.max_tokens)),
            (message, *said_before))
        held = ""

        def hold(enough: Callable[[str], bool] = _enough) -> None:  # her words, read on until there are enough
            nonlocal held
            while not enough(held) and (chunk := next(stream, None)) is not None:
                held += chunk

        try:
            try:
                hold()
                bare = _without_direction(held, stream)
                if bare != held:  # her words after "(sighs)" are held and judged too
                    held = bare
                    hold()
                if said_before:  # an opening that is one of her old lines, word for word: read on until it is not
                    hold(lambda text: not follows_a_line(text, said_before))
                if whole:  # a mood, an old fact, the edit shown, a word limit: judged on the whole draft
                    hold(lambda _: False)
            except BackendError:
                if held:  # what she had begun to say is kept with the failed turn
                    yield held
                raise
            if not last and (not _said_anything(held) or broken([p for p in again if p.kind not in WHOLE], held, name)):
                _missed(broken(again, held, name), held, missed, repeated)
                continue
            if whole:
                failed = broken(again, held, name)
                if limit is not None and within(held, limit) is None:
                    failed.append(Promise("max_words", limit, ""))
                if not failed and judged and not sounds_right(held):
                    failed = judged
                if failed and not last:
                    _missed(failed, held, missed, repeated)
                    continue
                shows = [p for p in failed if p.kind == "shows"]
                spoken_in = next((code for p in shows for code in languages_spoken(p.source)), None)
                if spoken_in:  # the edit gave her a language and she did not speak it: her words, in it
                    language = Promise("language", spoken_in, shows[0].source)
                elif any(p.kind in ("shows", "mood") for p in failed):
                    mended = rewrite(backend, held, name, person, message,
                                   [p for p in failed if p.kind in ("shows", "mood")], usage,
                                   [p for p in again if p.kind not in SHOWN])
                    if mended:
                        held = mended
                        record.repairs.append("rewrite")
                if limit is not None:
                    held = within(held, limit) or _shortened(held, limit, record)
            if language is not None:  # her language is judged on a little more of her opening
                hold(lambda text: len(text.split()) >= LANGUAGE_WORDS)
            if language is not None and not language.kept_by(held, name):
                said = held + "".join(stream)
                record.repairs.append("language")
                stream.close()  # type: ignore[attr-defined]
                stream = until_another_voice(unquoted(unlabelled(backend.stream(translation(prompt, name, said, language), usage),
                                                     f"{name}:")))
                held = ""
                if limit is not None:  # her translated words keep her limit too
                    translated = "".join(stream)
                    held, stream = within(translated, limit) or _shortened(translated, limit, record), iter(())
            named = said_before if alone else []  # no script's quotes; alone with her, no name as a habit
            for chunk in _shaped(unaddressed(unrestated(unwrapped(chain([held], stream)), message), person, named),
                                 promises, record):
                spoken += chunk
                yield chunk
        finally:
            close = getattr(stream, "close", None)
            if close:
                close()
        record.broken = [p.kind for p in broken(promises, spoken, name)]
        if judged and not record.broken and not sounds_right(spoken):
            record.broken += [p.kind for p in judged]
        if any(p.kind in SHOWN for p in promises):
            record.shown = not any(k in SHOWN for k in record.broken)
        return


def _missed(failed: list[Promise], draft: str, missed: set[str], repeated: list[str]) -> None:
    """What a draft failed to keep, and the draft itself when it said an old line of hers again."""
    missed.update(p.kind for p in failed)
    if any(p.kind == "new_line" for p in failed):
        repeated.append(draft)


def _without_lines(messages: tuple[Message, ...], drafts: list[str], name: str) -> tuple[Message, ...]:
    """Her context without her earlier replies that a draft said again: a line she has said several
    times over draws the next draft back to it, whatever the seed (Mira answered Theo "Pilot likes to
    play with yarn and scratch the floor." ten times running in bench life, each redraft the same)."""
    label = f"{name}:"

    def said_again(message: Message) -> bool:
        return message.role == "assistant" and any(
            not is_new_line(draft, message.content.removeprefix(label).strip()) for draft in drafts)

    kept: list[Message] = []
    for message in messages:
        if said_again(message):
            continue
        if kept and kept[-1].role == message.role == "user":  # the words on either side of it, one message (as staged)
            kept[-1] = Message("user", f"{kept[-1].content}\n{message.content}")
        else:
            kept.append(message)
    return tuple(kept)


def _shortened(text: str, limit: int, record: Keeping) -> str:
    """The last resort for a word limit, recorded."""
    record.repairs.append("max_words")
    return shortened(text, limit)


def _said_anything(text: str) -> bool:
    """A draft with words in it (not empty, not only a label or a stage direction)."""
    return bool(re.search(r"[^\W\d_]", text))


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


def _own_name(again: list[Promise], missed: set[str], backend: Backend) -> str | None:
    """The opening for her last draft when twice she took a name she was told: her own."""
    if not backend.supports_prefill or "own_name" not in missed:
        return None
    herself = next((p for p in again if p.kind == "herself"), None)
    return f"I'm {str(herself.value).split()[0]}." if herself is not None else None


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


def _shaped(chunks: Iterator[str], promises: list[Promise], record: Keeping) -> Iterator[str]:
    """Apply the promise that shapes text as it streams: letter case."""
    lowercase = any(p.kind == "lowercase" for p in promises)
    for chunk in chunks:
        if lowercase and chunk != chunk.lower():
            chunk = chunk.lower()
            if "lowercase" not in record.repairs:
                record.repairs.append("lowercase")
        if chunk:
            yield chunk


