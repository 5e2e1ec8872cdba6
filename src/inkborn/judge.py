"""The model as a judge of her draft: a short question asked aside, on a context of its own.

Some promises cannot be kept by a pattern: whether a reply sounds glad or miserable reads the
same in every language to a model and to no word list. The question is asked of the same
model she speaks through, with her context kept as it was (`Prompt.aside`), and its answer is
read from the first word it says. A judge that cannot tell (no answer, another word) says None,
and the draft stands: a doubtful judge never holds her reply back.
"""

from __future__ import annotations

import re
from typing import Iterator

from .backends.base import Backend, Message, Prompt, Usage
from .errors import BackendError

__all__ = ["FEELINGS", "feeling", "mood_kept", "read_feeling"]

FEELINGS = ("happy", "sad", "neutral")
WANTED = {"positive": "happy", "negative": "sad"}


def read_feeling(answer: str) -> str | None:
    """The judge's word, read from the first word of its answer; None when it named no feeling."""
    words = re.findall(r"[^\W\d_]+", answer.lower())
    return words[0] if words and words[0] in FEELINGS else None


def feeling(backend: Backend, message: str, reply: str, usage: Usage) -> str | None:
    """How her reply sounds to the model: happy, sad or neutral (None when it would not say).

    Asked as a choice of three words, not yes or no: measured on eight replies written for it
    (glad and grieving, in English, French and German), the default 1.5B model answered "yes" to
    every "does this sound glad?" (4/8) and named the feeling rightly in 6/8, both misses being
    subdued replies it called neutral.
    """
    question = (f"Someone said: \"{message.strip()}\"\nThe answer was: \"{reply.strip()}\"\n\n"
                "How does the person who answered sound: happy, sad, or neutral? Answer with one word.")
    prompt = Prompt((Message("system", "You classify the feeling in a line of dialogue."), Message("user", question)),
                    max_tokens=3, temperature=0.0, seed=0, aside=True)
    chunks: Iterator[str] = backend.stream(prompt, usage)
    try:
        answer = "".join(chunks)
    except BackendError:  # a judge that fails says nothing: her draft stands
        return None
    finally:
        close = getattr(chunks, "close", None)
        if close:
            close()
    return read_feeling(answer)


def mood_kept(backend: Backend, mood: str, message: str, reply: str, usage: Usage) -> bool:
    """Whether her reply sounds as a mood of her manuscript makes her ("positive" or "negative").

    A judge that names no feeling lets the reply stand: a doubtful judge never holds her back.
    """
    found = feeling(backend, message, reply, usage)
    return found is None or found == WANTED[mood]
