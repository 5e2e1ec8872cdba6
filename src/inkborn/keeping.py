"""Keeping her promises while she speaks: her draft is checked before she is heard.

A draft that breaks a promise in its first words (or, for a mood, an old fact, a fresh edit
shown, a word limit, anywhere) is drafted again with a new seed, at most RETRIES more times;
a mood is judged by the model itself (judge.py). Her last draft, if it still misses the edit,
is mended by a rewrite in her voice, asked aside; her language, by a translation asked aside.
Letter case shapes the words as they stream; a word limit is met by whole sentences, and a
line that begins with someone else's name (she writing his next line) ends her reply there.
What it took is recorded (Keeping) and stored with her turn.
"""

from __future__ import annotations

import re
import time
from dataclasses import dataclass, field, replace
from itertools import chain
from typing import Callable, Iterator

from .backends.base import Backend, Message, Prompt, Usage
from .errors import BackendError
from .judge import mood_kept
from .promises import JUDGED, SAID_AGAIN, WHOLE, Promise, broken, language_names, languages_spoken
from .stage import in_her_words
from .voice import follows_a_line

__all__ = ["HOLD_WORDS", "RETRIES", "Keeping", "keep"]

HOLD_WORDS = 6  # words held back and checked before she is heard (~0.25 s of speech)
LANGUAGE_WORDS = 10  # words read before her language is judged: on six, the detector mistakes English for French
RETRIES = 2  # further drafts when one breaks a promise
TAIL_TOKENS = 60  # the last tokens a reply may take are held back, so one cut off by its length ends on a sentence
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
         record: Keeping, *, message: str = "", person: str = "") -> Iterator[str]:
    """Her reply with the promises kept: checked before it is heard, drafted again or mended.

    message: what the person just said, for the judge and a rewrite; person: who said it.
    """
    if not backend.speaks_as_her:
        yield from _words(backend.stream(prompt, usage), f"{name}:", usage)
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

    spoken, missed = "", set()
    for attempt in range(RETRIES + 1):
        last = attempt == RETRIES
        record.attempts = attempt + 1
        tried = prompt if attempt == 0 else replace(
            prompt, seed=(prompt.seed or 0) + 7919 * attempt, temperature=min(1.0, prompt.temperature + 0.15 * attempt))
        opening = _own_name(again, missed, backend) if last else None
        if opening:  # twice she took a name she was told: her last draft begins with her own
            tried = replace(tried, prefill=f"{tried.prefill} {opening}")
            record.repairs.append("opening")
        if limit is not None:  # a few words, read whole: no need to let her run on
            tried = replace(tried, max_tokens=min(tried.max_tokens, 4 * limit + 24))
        told = backend.stream(tried, usage)
        stream: Iterator[str] = _one_voice(_complete(_words(_opened(opening, told) if opening else told,
                                                            f"{name}:", usage), tried.max_tokens))
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
                missed.update(p.kind for p in broken(again, held, name))
                continue
            if whole:
                failed = broken(again, held, name)
                if limit is not None and _within(held, limit) is None:
                    failed.append(Promise("max_words", limit, ""))
                if not failed and judged and not sounds_right(held):
                    failed = judged
                if failed and not last:
                    missed.update(p.kind for p in failed)
                    continue
                shows = [p for p in failed if p.kind == "shows"]
                spoken_in = next((code for p in shows for code in languages_spoken(p.source)), None)
                if spoken_in:  # the edit gave her a language and she did not speak it: her words, in it
                    language = Promise("language", spoken_in, shows[0].source)
                elif any(p.kind in ("shows", "mood") for p in failed):
                    mended = _mend(backend, held, name, person, message,
                                   [p for p in failed if p.kind in ("shows", "mood")], usage,
                                   [p for p in again if p.kind not in SHOWN])
                    if mended:
                        held = mended
                        record.repairs.append("rewrite")
                if limit is not None:
                    held = _within(held, limit) or _shortened(held, limit, record)
            if language is not None:  # her language is judged on a little more of her opening
                hold(lambda text: len(text.split()) >= LANGUAGE_WORDS)
            if language is not None and not language.kept_by(held, name):
                said = held + "".join(stream)
                record.repairs.append("language")
                stream.close()  # type: ignore[attr-defined]
                stream = _one_voice(_unquoted(_words(backend.stream(_translation(prompt, name, said, language), usage),
                                                     f"{name}:")))
                held = ""
                if limit is not None:  # her translated words keep her limit too
                    translated = "".join(stream)
                    held, stream = _within(translated, limit) or _shortened(translated, limit, record), iter(())
            for chunk in _shaped(chain([held], stream), promises, record):
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


def _said_anything(text: str) -> bool:
    """A draft with words in it (not empty, not only a label or a stage direction)."""
    return bool(re.search(r"[^\W\d_]", text))


def _within(text: str, limit: int) -> str | None:
    """Her words cut to whole sentences that keep within a word limit; None when even the first is longer."""
    kept = ""
    for sentence in re.findall(r"[^.!?\u2026]+[.!?\u2026]+[\"')\]\u201d]*\s*|[^.!?\u2026]+$", text.strip()):
        if len((kept + sentence).split()) > limit:
            break
        kept += sentence
    return kept.strip() or None


def _shortened(text: str, limit: int, record: Keeping) -> str:
    """Her first words within a limit, ended as a sentence where a clause ends (a last resort, recorded)."""
    record.repairs.append("max_words")
    words = text.split()[:limit]
    while len(words) > 1 and not re.search(r"[,;:\u2014-]$", words[-1]):
        words.pop()
    said = re.sub(r"[,;:\u2014-]+$", "", " ".join(words if len(words) > 1 else text.split()[:limit])).rstrip()
    return said + "." if said else ""


def _mend(backend: Backend, draft: str, name: str, person: str, message: str, truths: list[Promise],
          usage: Usage, held_to: list[Promise]) -> str | None:
    """Her draft rewritten in her voice so that it shows what the manuscript now says.

    The truth is given in her own words where a change of person can carry it ("I have been
    grieving..."): given as "Elias has been grieving", the default model's rewrite said "the grief
    Elias is experiencing". None if nothing came, or if the rewrite breaks a promise of her voice
    (held_to) or still does not show a fact it was asked to: then her draft stands.
    """
    said = dict.fromkeys(p.opening or in_her_words(name, " ".join(p.source.split())) or " ".join(p.source.split())
                         for p in truths if p.source)
    truth = " ".join(said)
    if not truth:
        return None
    asked = (f"{person or 'Someone'} said to {name}: \"{message.strip()}\"\n{name} answered: \"{draft.strip()}\"\n\n"
             f"In {name}'s own words, this is true: \"{truth}\"\n\nRewrite {name}'s answer so that it shows this, "
             f"in the first person (I, me, my), as {name} would say it aloud to {person or 'them'}: "
             f"one to three sentences.")
    prompt = Prompt((Message("system", "You rewrite a character's line of dialogue so that it fits who she is. "
                                       "Reply with the rewritten line only."), Message("user", asked)),
                    max_tokens=120, temperature=0.3, seed=0, aside=True)
    try:
        text = "".join(_one_voice(_complete(_unquoted(_words(backend.stream(prompt, usage), f"{name}:")), 120))).strip()
    except BackendError:  # a rewrite that fails leaves her draft standing
        return None
    shows = [p for p in truths if p.kind == "shows"]
    if len(text.split()) < 2 or broken(held_to + shows, text, name) or _about_herself(text, name):
        return None
    return text


def _about_herself(text: str, name: str) -> bool:
    """A rewrite that names her ("I cannot rewrite Elias's answer"): the rewriter speaking, not she."""
    return re.search(rf"(?<!\w){re.escape(name.split()[0])}(?!\w)", text) is not None


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
    """Her words from a backend stream: without a leading "Name:" cue (however often), no leading space."""
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
            while bare.startswith(cue):  # "Ruby: Ruby: Well..." is her words once, without her label
                bare = bare[len(cue):].lstrip()
            if len(bare) < len(cue) and cue.startswith(bare) and bare:
                head = bare
                continue
            out = bare
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
    """Apply the promise that shapes text as it streams: letter case."""
    lowercase = any(p.kind == "lowercase" for p in promises)
    for chunk in chunks:
        if lowercase and chunk != chunk.lower():
            chunk = chunk.lower()
            if "lowercase" not in record.repairs:
                record.repairs.append("lowercase")
        if chunk:
            yield chunk


_LABEL = re.compile(  # "\nTheo:", "\n**Le voisin** :", "\nTheo (quietly):": a capital, a few words, a colon
    r"\n[ \t]*[*_]{0,2}[^\W\d_][\w'.\- ]{0,40}?[*_]{0,2}[ \t]*"
    r"(?:\([^()\n]{0,40}\)[ \t]*)?[:\uff1a]")
_OPEN_LINE = re.compile(r"\n[ \t]*[*_]{0,2}[\w'.\- ]{0,40}(?:[*_]{1,2}[ \t]*)?(?:\([^()\n]{0,40}\)?[ \t]*)?$")


def _one_voice(chunks: Iterator[str]) -> Iterator[str]:
    """Her words up to a line that begins with a speaker's name: she never writes anyone else's line.

    A new line is held until it is plain whether it opens with "Name:" (up to five words and a colon).
    """
    pending = ""
    try:
        for chunk in chunks:
            pending += chunk
            label = _LABEL.search(pending)
            said = label.group(0).lstrip("\n \t*_") if label else ""
            if label and said[:1].isupper() and len(said.split()) <= 6:
                if pending[: label.start()].rstrip():
                    yield pending[: label.start()].rstrip()
                return
            line = _OPEN_LINE.search(pending)
            if line and len(line.group(0).split()) <= 5:
                if pending[: line.start()]:
                    yield pending[: line.start()]
                pending = pending[line.start():]
                continue
            yield pending
            pending = ""
        if pending.strip():
            yield pending
    finally:
        close = getattr(chunks, "close", None)
        if close:
            close()


_ENDED = re.compile(r"[.!?\u2026][\"')\]\u201d\u00bb*]*\s*$|[\U0001F300-\U0001FAFF\u2600-\u27BF]\s*$")


def _complete(chunks: Iterator[str], max_tokens: int) -> Iterator[str]:
    """Her words, and if her reply runs to its length, no unfinished sentence at its end.

    The stream is passed on as it comes until it nears max_tokens; past that the words are held
    and, if her reply stops there unfinished, only its whole sentences are said.
    """
    count, tail = 0, ""
    try:
        for chunk in chunks:
            count += 1
            if count < max_tokens - TAIL_TOKENS:
                yield chunk
                continue
            tail += chunk
            if _ENDED.search(tail):
                yield tail
                tail = ""
        if tail and count >= max_tokens - 5:  # cut off by its length: it ends where its last sentence did
            return
        if tail:
            yield tail
    finally:
        close = getattr(chunks, "close", None)
        if close:
            close()
