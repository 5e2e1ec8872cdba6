"""Her words for a sentence about her: "Nadia also has a cat." said by Nadia is "I also have a cat."

Readers are plugins (plugins.py), one per language, registered under `inkborn.readers` by
language code; Inkborn's own reads English. A sentence no reader can turn, or in a language
without one, is left to the model (None). Used where a truth must reach her in her own voice:
the fresh edits her promises check, and the rewrite that mends a reply which missed one.

The other way round, someone's words about themselves are told to her of them (`told_of`):
"my brother is getting married", said by Adaeze, is "Adaeze's brother is getting married", so
that recalled, it is never taken for her own brother.
"""

from __future__ import annotations

import re

from . import plugins

__all__ = ["english", "in_her_words", "told_of"]

_ADVERBS = {"also", "still", "now", "often", "always", "never", "once", "sometimes", "usually", "only", "really",
            "even", "already", "actually", "secretly", "recently", "just"}
_VERBS = {"is": "am", "has": "have", "does": "do", "goes": "go", "isn't": "am not", "doesn't": "don't",
          "hasn't": "haven't"}
_AFTER_OBJECT = {"to", "and", "or", "with", "for", "in", "on", "at", "from", "that", "when", "because", "so", "the",
                 "a", "an", "as", "than", "but", "if", "up", "down", "off", "out", "about", "again", "more",
                 "every", "each", "all", "some", "too", "very", "now", "today", "back", "like", "into", "over"}


def in_her_words(name: str, sentence: str, *, language: str | None = "en", she: bool = True,
                 about: tuple[str, ...] = ()) -> str | None:
    """A sentence about her in `language` (a code: her manuscript's), said by her; None when no reader can."""
    reader = plugins.find("readers", language) if language else None
    return reader(name, sentence, she=she, about=about) if reader else None


def english(name: str, sentence: str, *, she: bool = True, about: tuple[str, ...] = ()) -> str | None:
    """A sentence about her, said by her: "Nadia also has a cat." → "I also have a cat."

    Only as much of the sentence as holds the words `about` (cut at a clause boundary), for
    sentences whose subject is her name (or she/he), perhaps after a short opening phrase, and
    that a simple change of person can turn; None for the rest. `she`: whether the manuscript
    calls her she (her/herself become my/me/myself) or he (his/him/himself); the other
    pronouns are someone else's and stay.
    """
    first = name.split()[0]
    sentence = _cut(" ".join(sentence.split()).rstrip(".!?"), about)
    match = re.match(rf"^(?P<intro>(?:(?:For|In|At|On|Since|After|Before|Every|Each|Once|When|Whenever|Until|Now|"
                     rf"Today|By|As|Like)\b[^,]{{0,60}}?,?\s+)?)(?:{re.escape(first)}(?:\s+[A-Z][\w'-]+)?|[Ss]he|[Hh]e)"
                     rf"\s+(?P<rest>.+)$", sentence)
    if not match or len(sentence.split()) > 30:
        return None
    words = match.group("rest").split(" ")
    i = 1 if words[0].lower() in _ADVERBS and len(words) > 1 else 0
    verb = words[i]
    if verb in _VERBS:
        words[i] = _VERBS[verb]
    elif re.fullmatch(r"[a-z]+(?:ches|shes|sses|xes|zes)", verb):
        words[i] = verb[:-2]
    elif re.fullmatch(r"[a-z]+[^aeiou]ies", verb):
        words[i] = verb[:-3] + "y"
    elif re.fullmatch(r"[a-z]+[^s]s", verb):
        words[i] = verb[:-1]
    elif not re.fullmatch(r"[a-z]+(?:ed|ew|ought|aught|ame|ent|ode|ote|ept|elt|old|ound|ook|an)|was|can|will|would|"
                          r"could|never|had|did|got|made|left|lost|met|saw|won|sat|spent|kept|became|began", verb):
        return None  # not a verb this change can carry
    rest = " ".join(words)
    if re.search(r"\b(?:she|he|they)\b|\b(?:and|but|or|then)\s+(?:\w+ly\s+)?[a-z]+[^s]s\b", rest, re.I):
        return None  # another subject, or a second verb in the third person
    said = f"{match.group('intro')}I {rest}"
    said = re.sub(r"\bherself\b" if she else r"\bhimself\b", "myself", said)
    said = re.sub(rf"\b{re.escape(first)}'s\b", "my", said)
    if she:  # "her" is hers or her: "her keys" → "my keys", "misses her every day" → "misses me every day"
        said = re.sub(r"\bher\b(\s+(\w+))?",
                      lambda m: ("me" if m.group(2) is None or m.group(2).lower() in _AFTER_OBJECT else "my")
                      + (m.group(1) or ""), said)
    else:
        said = re.sub(r"\bhis\b", "my", re.sub(r"\bhim\b", "me", said))
    if re.search(rf"\b{re.escape(first)}\b", said):
        return None
    return said + "."


def _cut(sentence: str, about: tuple[str, ...]) -> str:
    """The sentence up to the first clause boundary by which every word `about` has been said."""
    if not about:
        return sentence
    for boundary in re.finditer(r",\s|;\s|\s(?:and|but|who|which|where|while)\s|$", sentence):
        head = sentence[: boundary.start()]
        said = re.findall(r"[\w'-]+", head.lower())
        if all(any(w.startswith(word[: max(4, len(word) - 2)]) for w in said) for word in about):
            return head
    return sentence


_OWN = {"my": "{}'s", "mine": "{}'s", "me": "{}", "myself": "{}"}
_AS_THEM = {"am": "is", "'m": " is", "'ve": " has", "'ll": " will", "'d": " would", "have": "has", "do": "does",
            "go": "goes", "don't": "doesn't", "haven't": "hasn't"}
_KEPT = re.compile(r"[a-z]+(?:ed|ew|ought|aught|ame|ent|ode|ote|ept|elt|old|ound|ook|ly)|was|wasn't|can|can't|could|"
                   r"couldn't|will|won't|would|wouldn't|shall|should|must|might|may|had|did|didn't|got|made|left|"
                   r"lost|met|saw|said|won|sat|ran|spent|kept|became|began|took|gave|knew|grew|also|still|just|"
                   r"never|always|often|only|even|already|once|now|too|and|or|but|to|thought",
                   re.I)
_ASKING = re.compile(r"\b(?:do|does|did|don't|didn't|can|can't|could|will|would|shall|should|may|might|must|am|"
                     r"have|had)\s+$", re.I)
_SAID_BY_THEM = re.compile(r"\b(?:(?P<i>I)(?P<verb>'(?:m|ve|ll|d)\b|\s+[a-z']+)?|(?P<own>my|mine|me|myself))\b(?!')",
                           re.I)


def told_of(speaker: str, words: str) -> str:
    """English words someone said of themselves, told of them by name: "Big news in my family: my
    brother Oskar is getting married." said by Adaeze is "Big news in Adaeze's family: Adaeze's
    brother Oskar is getting married."; "I fix boats" is "Adaeze fixes boats". "You" is still
    whom they said it to."""
    def told(match: re.Match[str]) -> str:
        if match.group("own"):
            return _OWN[match.group("own").lower()].format(speaker)
        if match.group("i") == "i":  # a lowercase i is a letter, not the speaker
            return match.group(0)
        verb = match.group("verb") or ""
        bare = verb.strip().lower()
        asked = _ASKING.search(match.string[: match.start()])  # "did I tell you?": the verb stays as it is
        if bare in _AS_THEM and not asked:
            return speaker + _AS_THEM[bare] if verb.startswith("'") else f"{speaker} {_AS_THEM[bare]}"
        if asked or not bare or _KEPT.fullmatch(bare) or not bare.isalpha():
            return speaker + verb
        return f"{speaker} {_third_person(bare)}"
    return _SAID_BY_THEM.sub(told, words.replace("\u2019", "'"))


def _third_person(verb: str) -> str:
    """A verb said after "I", said after a name: fix → fixes, carry → carries, love → loves."""
    if re.fullmatch(r"[a-z]*(?:ch|sh|ss|x|z|o)", verb):
        return verb + "es"
    if re.fullmatch(r"[a-z]*[^aeiou]y", verb):
        return verb[:-1] + "ies"
    return verb + "s"
