"""Her words as the model speaks them: without her name as a label, in one voice, ending on a whole sentence.

Filters over a backend's stream of text chunks, applied as she speaks (keeping.py): she never
writes anyone else's line, a reply cut off by its length ends where its last sentence did, and
the quotation marks a rewrite or a translation comes wrapped in are dropped, and so are those a
model wraps a whole reply in, as if writing a script (`unwrapped`); once she has answered, a
sentence that talks to nobody in particular, or says again the person's words or a line of hers,
ends her reply before it (`until_talk_to_nobody`).
"""

from __future__ import annotations

import re
import time
from typing import Callable, Iterable, Iterator

from .backends.base import Usage
from .restatement import ready, without_restatement
from .voice import says_again, to_nobody, word_runs

__all__ = ["TAIL_TOKENS", "unaddressed", "unlabelled", "unquoted", "unrestated", "until_another_voice",
           "until_talk_to_nobody", "unwrapped", "whole_sentences"]

TAIL_TOKENS = 60  # the last tokens a reply may take are held back, so one cut off by its length ends on a sentence
OPENING_WORDS = 9  # the words of each later sentence held back until it is known whom it talks to
ANSWERED_WORDS = 4  # her words before a sentence that talks to nobody can end her reply: her answer


def unlabelled(chunks: Iterator[str], cue: str, usage: Usage | None = None) -> Iterator[str]:
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


def unquoted(chunks: Iterator[str]) -> Iterator[str]:
    """Drop the quotation marks a model may wrap a translation in."""
    quoted, last = None, ""
    for chunk in chunks:
        if quoted is None and chunk.strip():
            quoted = chunk.lstrip()[0] in "\"\u201c\u00ab"
            chunk = chunk.lstrip()[1:].lstrip() if quoted else chunk
        text, last = last + chunk, ""
        body = text.rstrip()
        if quoted and body.endswith(("\"", "\u201d", "\u00bb")):  # hold back a closing quote until it is the last
            text, last = body[:-1], text[len(body) - 1:]
        if text:
            yield text
    if last and not quoted:
        yield last


_OPENING = "\"\u201c\u00ab\u201e"  # " “ « „
_CLOSING = "\"\u201d\u00bb\u201c"  # " ” » “
_ENDS = (".", "!", "?", "\u2026")


def unrestated(chunks: Iterator[str], heard: str) -> Iterator[str]:
    """Her words without the person's question said back after her yes or no (restatement.py). Only a
    reply that opens with a yes or a no is held, and only until it is known (`restatement.ready`)."""
    return _opening_held(chunks, ready, lambda held: without_restatement(held, heard))


def _opening_held(chunks: Iterator[str], ready: Callable[[str], bool], said: Callable[[str], str]) -> Iterator[str]:
    """The stream with its opening held until it is `ready` to be judged, then heard as `said` makes it;
    the rest as it comes. A stream that ends first is heard as it was."""
    held: str | None = ""
    try:
        for chunk in chunks:
            if held is None:
                yield chunk
                continue
            held += chunk
            if ready(held):
                out, held = said(held), None
                if out:
                    yield out
        if held:
            yield held
    finally:
        close = getattr(chunks, "close", None)
        if close:
            close()


def unwrapped(chunks: Iterator[str]) -> Iterator[str]:
    """Her reply without the quotation marks a model wraps a whole line of dialogue in.

    Played through the CLI on the default model, three replies in a row came as "No, I didn't sleep
    well..." with their quotes; a reader marked such replies unnatural. The first chunk (her words
    held before she is heard, keeping.py) decides: a reply that opens with a quotation mark is
    wrapped unless that quotation closes mid-sentence and goes on (`"Dayton After Rain" is my
    series.`, `"The hives," I told him`: hers, kept whole). A closing mark after her last
    sentence's end is dropped.
    """
    wrapped, last, said = None, "", ""
    try:
        for chunk in chunks:
            if wrapped is None and chunk.strip():
                bare = chunk.lstrip()
                wrapped = bare[0] in _OPENING and not re.match(  # a quotation that closes mid-sentence: hers
                    rf"[{_OPENING}][^{_CLOSING}]*[^\s.!?\u2026{_CLOSING}][{_CLOSING}]\s*\S", bare)
                chunk = bare[1:].lstrip() if wrapped else chunk
            text, last = last + chunk, ""
            closing = re.search(rf"[{_CLOSING}]\s*$", text) if wrapped else None
            if closing and (said + text[:closing.start()]).rstrip().endswith(_ENDS):
                cut = len(text[:closing.start()].rstrip())
                text, last = text[:cut], text[cut:]  # dropped if nothing follows it
            if text:
                said = said[-8:] + text
                yield text
    finally:
        close = getattr(chunks, "close", None)
        if close:
            close()


def unaddressed(chunks: Iterator[str], person: str, before: list[str] | tuple[str, ...]) -> Iterator[str]:
    """Her reply without the person's name opening it, when one of her replies `before` opened with it.

    A small model copies its own habit: played on the default model through `bench conversation`,
    once one reply began "Tomas, …" nearly every later one did, and "Adaeze, …" the same. Said
    once, a name is how she greets someone; after that it is dropped from her openings, so the
    habit never reaches what she is heard to have said, nor her context. (In a scene she names
    whom she answers, every time: keeping.py leaves her names be there.)
    """
    first = person.split()[0] if person.split() else ""
    opening = re.compile(rf"\s*{re.escape(first)}\s*[,!]\s+(?=\S)", re.I) if first else None
    if opening is None or not any(opening.match(line) for line in before):
        yield from chunks
        return

    def said(held: str) -> str:
        found = opening.match(held)
        if not found:
            return held
        rest = held[found.end():]
        return rest[:1].upper() + rest[1:]

    yield from _opening_held(chunks, lambda held: len(held.lstrip()) >= len(first) + 3, said)


_LABEL = re.compile(  # "\nTheo:", "\n**Le voisin** :", "\nTheo (quietly):": a capital, a few words, a colon
    r"\n[ \t]*[*_]{0,2}[^\W\d_][\w'.\- ]{0,40}?[*_]{0,2}[ \t]*"
    r"(?:\([^()\n]{0,40}\)[ \t]*)?[:\uff1a]")
_OPEN_LINE = re.compile(r"\n[ \t]*[*_]{0,2}[\w'.\- ]{0,40}(?:[*_]{1,2}[ \t]*)?(?:\([^()\n]{0,40}\)?[ \t]*)?$")


def until_another_voice(chunks: Iterator[str]) -> Iterator[str]:
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


def whole_sentences(chunks: Iterator[str], max_tokens: int) -> Iterator[str]:
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


_BETWEEN = re.compile(r"[.!?\u2026][\"')\]\u201d\u00bb*]*(?=\s)")  # a sentence's end, with a space after it
_ENDING = re.compile(r"[.!?\u2026][\"')\]\u201d\u00bb*]*$")  # a sentence that may be ending


def until_talk_to_nobody(chunks: Iterator[str], heard: Iterable[str] = ()) -> Iterator[str]:
    """Her words, ended before a sentence, after her first, that talks to nobody in particular, or
    that says again six words in a row of what she just heard or of a line she said before (`heard`:
    "I don't know, Tomas. What do you think the village fete will go ahead this year?"; "I don't
    know where the wedding is. But I usually go straight to my flat and watch some old movies.",
    the same close as her last three replies; voice.says_again).

    The default model closes many an answer with a truth for everyone or an offer of help ("I have
    no plans for the weekend, Tomas. But it's always a good idea to plan ahead and make some new
    friends!"); a blind reader called those replies assistant talk. The first OPENING_WORDS words of
    each later sentence are held until it is known whom it talks to (voice.to_nobody); her first
    ANSWERED_WORDS words are hers whatever they are (her promises judge them: an opening "Tomas!"
    is not yet an answer), and nothing is cut mid-sentence.
    """
    runs = word_runs(heard)
    held, opening, answer = "", False, ""
    try:
        for chunk in chunks:
            held += chunk
            while held:
                if opening:  # a later sentence begins: read enough of it (whole words) to know
                    if len(held.split()) <= OPENING_WORDS and not _BETWEEN.search(held):
                        break
                    if to_nobody(held) or says_again(held, runs):
                        return
                    opening = False
                end = _BETWEEN.search(held)
                ending = None if end else _ENDING.search(held)  # a sentence that may be ending waits for what follows
                said = held[: end.end()] if end else held[: ending.start()] if ending else held
                if said:
                    yield said
                    answer = answer if len(answer.split()) > ANSWERED_WORDS else answer + said
                held = held[len(said):]
                if end is None:
                    break
                opening = len(answer.split()) >= ANSWERED_WORDS  # "Tomas!" or "(sighs)" is no answer yet
        if held.strip() and not (opening and (to_nobody(held) or says_again(held, runs))):
            yield held
    finally:
        close = getattr(chunks, "close", None)
        if close:
            close()
