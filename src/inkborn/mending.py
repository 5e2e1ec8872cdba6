"""Mending a draft that broke a promise: a rewrite in her voice, a translation, a word limit met by whole sentences.

Each is asked aside (`Prompt.aside`), on a context of its own, so her own context is kept as it
was; each mend is checked before it is said, and a mend that fails or breaks her voice leaves her
draft standing (keeping.py decides when to mend).
"""

from __future__ import annotations

import re
from dataclasses import replace

from .backends.base import Backend, Message, Prompt, Usage
from .errors import BackendError
from .first_person import in_her_words
from .promises import Promise, broken, language_names
from .spoken import unlabelled, unquoted, until_another_voice, until_talk_to_nobody, whole_sentences

__all__ = ["rewrite", "shortened", "translation", "within"]


def within(text: str, limit: int) -> str | None:
    """Her words cut to whole sentences that keep within a word limit; None when even the first is longer."""
    kept = ""
    for sentence in re.findall(r"[^.!?\u2026]+[.!?\u2026]+[\"')\]\u201d]*\s*|[^.!?\u2026]+$", text.strip()):
        if len((kept + sentence).split()) > limit:
            break
        kept += sentence
    return kept.strip() or None


def shortened(text: str, limit: int) -> str:
    """Her first words within a limit, ended as a sentence where a clause ends (a last resort)."""
    words = text.split()[:limit]
    while len(words) > 1 and not re.search(r"[,;:\u2014-]$", words[-1]):
        words.pop()
    said = re.sub(r"[,;:\u2014-]+$", "", " ".join(words if len(words) > 1 else text.split()[:limit])).rstrip()
    return said + "." if said else ""


def rewrite(backend: Backend, draft: str, name: str, person: str, message: str, truths: list[Promise],
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
        text = "".join(until_talk_to_nobody(until_another_voice(whole_sentences(
            unquoted(unlabelled(backend.stream(prompt, usage), f"{name}:")), 120)))).strip()
    except BackendError:  # a rewrite that fails leaves her draft standing
        return None
    shows = [p for p in truths if p.kind == "shows"]
    if len(text.split()) < 2 or broken(held_to + shows, text, name) or _about_herself(text, name):
        return None
    return text


def _about_herself(text: str, name: str) -> bool:
    """A rewrite that names her ("I cannot rewrite Elias's answer"): the rewriter speaking, not she."""
    return re.search(rf"(?<!\w){re.escape(name.split()[0])}(?!\w)", text) is not None


def translation(prompt: Prompt, name: str, said: str, language: Promise) -> Prompt:
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
