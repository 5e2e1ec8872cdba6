"""Mending a draft that broke a promise: a rewrite in her voice, a translation, a word limit met by whole sentences.

Each is asked aside (`Prompt.aside`), on a context of its own, so her own context is kept as it
was; each mend is checked before it is said, and a mend that fails or breaks her voice leaves her
draft standing (keeping.py decides when to mend).
"""

from __future__ import annotations

import re
from dataclasses import replace
from typing import Iterator

from .backends.base import Backend, Message, Prompt, Usage
from .errors import BackendError
from .first_person import in_her_words
from .judge import mood_kept
from .promises import Promise, broken, language_names
from .spoken import unlabelled, unquoted, until_another_voice, until_talk_to_nobody, whole_sentences
from .voice import recites, same_words

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


FEELS = {"positive": "glad", "negative": "unhappy"}  # how a mood of her manuscript is put to the rewrite
REWRITES = 2  # a rewrite that recites the truth or breaks her voice is asked once more, a little warmer


def rewrite(backend: Backend, draft: str, name: str, person: str, message: str, truths: list[Promise],
          usage: Usage, held_to: list[Promise]) -> str | None:
    """Her draft rewritten in her voice so that it shows what the manuscript now says, still
    answering what the person said.

    The truth is given in her own words where a change of person can carry it ("I have been
    grieving..."): given as "Elias has been grieving", the default model's rewrite said "the grief
    Elias is experiencing". Asked only to "rewrite it so that it shows this", the default model
    recited the truth as her whole answer ("I have been grieving since Admiral died last week, and
    I can hardly speak of anything without sorrow." to "Lovely evening for a walk, isn't it?"), and
    a blind reader judged every such reply bad; so it is asked to answer the person's words with the
    truth shown in them, and a rewrite that recites a long truth is not said. None if nothing came,
    or if no rewrite keeps her voice (held_to), differs from her draft, shows a fact it was asked to
    (a mood, as the judge hears it) and does not recite: then her draft stands.
    """
    said = dict.fromkeys(p.opening or in_her_words(name, " ".join(p.source.split())) or " ".join(p.source.split())
                         for p in truths if p.source)
    truth = " ".join(said)
    if not truth:
        return None
    mood = next((FEELS.get(str(p.value)) for p in truths if p.kind == "mood"), None)
    asked = _asked(name, person or "Someone", message.strip(), draft.strip(), truth, mood)
    shows = [p for p in truths if p.kind == "shows"]
    for attempt in range(REWRITES):
        prompt = Prompt((Message("system", "You rewrite a character's line of dialogue so that it fits who she is. "
                                           "Reply with the rewritten line only."), *_SHOWN_NOT_SAID,
                         Message("user", asked)),
                        max_tokens=120, temperature=0.3 + 0.3 * attempt, seed=attempt, aside=True)
        try:
            text = "".join(until_talk_to_nobody(until_another_voice(unquoted(_unframed(
                whole_sentences(unlabelled(backend.stream(prompt, usage), f"{name}:"), 120), name))), (message,))).strip()
        except BackendError:  # a rewrite that fails leaves her draft standing
            return None
        text = _to_them(text, name, person)
        if (len(text.split()) >= 2 and not same_words(text, draft) and not broken(held_to + shows, text, name)
                and not _about_herself(text, name) and not recites(text, truth)
                and all(mood_kept(backend, str(p.value), message, text, usage) for p in truths if p.kind == "mood")):
            return text
    return None


def _asked(name: str, person: str, message: str, draft: str, truth: str, mood: str | None) -> str:
    return (f"{person} said to {name}: \"{message}\"\n{name} answered: \"{draft}\"\n\n"
            f"That answer forgets what is true of {name}: \"{truth}\"\n\n"
            f"Write {name}'s answer again: still answering what {person} said, in the first person (I, me, my), "
            f"one or two sentences as {name} would say them aloud to {person}, so that this shows in how {name} "
            f"answers{f' and {name} sounds {mood}' if mood else ''}. Do not repeat the sentence above word for word.")


_SHOWN_NOT_SAID = (  # worked examples, written for the rewrite: the truth shown in an answer, not recited
    Message("user", _asked("Lena", "Omar", "The bus is late again.", "It will come.",
                           "I have just been made head gardener at the park, and I am overjoyed.", "glad")),
    Message("assistant", "Let it be late, Omar! Nothing can spoil today: the park is mine to look after now."),
    Message("user", _asked("Paul", "Mia", "Fancy a swim before breakfast?", "Sure, let's go.",
                           "I have been afraid of deep water since the ferry accident.", None)),
    Message("assistant", "Not me, Mia. Since the ferry, I stay where my feet touch the ground."),
)


_TITLES = {"mr", "mrs", "ms", "miss", "dr", "sir", "madame", "monsieur", "herr", "frau", "señor", "señora", "signor",
           "signora", "senhor", "senhora", "dona", "don"}  # a name that opens with one of these is said whole


def _to_them(text: str, name: str, person: str) -> str:
    """A rewrite that calls her by name ("Oh no, Ruby! I'm so sad you're going out.") has the model
    mixing up who speaks to whom: the name she is called by there is the person's ("Dr. Okafor"
    whole); when the person has no name to be called by ("a visitor", "The landlord"), she calls
    them nothing."""
    first = re.escape(name.split()[0])
    words = person.split()
    titled = bool(words) and words[0].rstrip(".").lower() in _TITLES and len(words) > 1
    called = person if titled else words[0] if words and words[0][:1].isupper() and words[0].lower() != "the" else ""
    if called:
        return re.sub(rf"(?:(?<=^)|(?<=[,.!?] )|(?<=, )){first}(?=\s*[,.!?])", lambda _: called, text)
    text = re.sub(rf",\s*{first}(?=\s*[,.!?])", "", text)  # "Unfortunately, Elias, I..." / "...years, Elias."
    text = re.sub(rf"(?:(?<=^)|(?<=[.!?] )){first}\s*[,!]\s*(\w)", lambda m: m.group(1).upper(), text)
    return text


def _unframed(chunks: Iterator[str], name: str) -> Iterator[str]:
    """A rewrite without the frame a model may put round it: 'Elias said softly: "..."'."""
    first = re.escape(name.split()[0])
    frame = re.compile(rf"^\s*{first}(?:\s+\w+)?\s+(?:said|says|replied|replies|answered|answers|responded)"
                       rf"(?:\s+\w+)?(?:\s+to\s+\w+)?\s*[:,]?\s*(?=[\"'\u201c\u00ab])")
    text = "".join(chunks)
    yield frame.sub("", text, count=1)


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
