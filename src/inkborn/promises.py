"""Promises: the parts of canon a reply can be checked against.

Some of what the manuscript says about her can be verified on what she says:
the language she answers in, letter case, a word limit, and — for every
character, in every language she may speak (voice.py) — that she speaks as
herself, in one voice, never a line she already said nor the person's words
said back. A mood is judged by the model itself (JUDGED, judge.py). Promises are
read from the canon by general patterns, never from a list of known manuscripts;
a reply that breaks one is repaired or said again (keeping.py).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from .canon import sentences
from .feelings import mood_of
from .first_person import in_her_words
from .languages import (
    NOT_HER_LANGUAGE,
    detect_language,
    language_confidence,
    language_names,
    named_languages,
)
from .voice import (
    cut_at_other_voice,
    in_one_voice,
    is_new_line,
    own_words,
    speaks_as_herself,
)

__all__ = ["JUDGED", "NOT_HER_LANGUAGE", "SAID_AGAIN", "WHOLE", "Promise", "broken", "cut_at_other_voice",
           "detect_language", "language_confidence", "language_names", "languages_spoken", "read_promises"]

WRITTEN = "she has been shown the pages she was written on"  # the source of her promise to speak as herself, after the reveal

_NUMBERS = {w: n for n, w in enumerate(
    "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen "
    "sixteen seventeen eighteen nineteen twenty".split())}


@dataclass(frozen=True)
class Promise:
    """Something every reply of hers must show; `source` is the canon sentence it comes from."""

    # herself, one_voice, own_name, own_words, new_line, forgotten, mood, shows, question, language, lowercase,
    # max_words
    kind: str
    value: str | int
    source: str
    opening: str | None = None  # "shows", "mood": the edit in her own words (first_person.py), None if none could

    def kept_by(self, reply: str, name: str) -> bool:
        return _CHECKS[self.kind](self, reply, name)


# reading promises from canon ------------------------------------------------

_SPEAKING = re.compile(  # in the six languages she is checked in
    r"(?<![\w-])(?:speak|speaks|spoke|speaking|answer|answers|reply|replies|talk|talks|write|writes|respond|responds|"
    r"language|parle|parlait|répond|répondait|écrit|s'exprime|langue|habla|hablaba|responde|contesta|escribe|idioma|"
    r"lengua|spricht|sprach|antwortet|schreibt|redet|sprache|parla|parlava|risponde|scrive|lingua|fala|falava|escreve|"
    r"língua)(?![\w-])", re.I)
_EXCLUSIVE = re.compile(  # "speaks only", "always answers in": the language she answers in, not a skill
    r"(?<![\w-])(?:only|always|now|everyone|everybody|language (?:she|he|they) (?:answers|speaks|replies)|"
    r"answers? (?:\w+ )?in|replies in|responds in|"
    r"uniquement|seulement|toujours|maintenant|désormais|ne \w+ que|qu'en|tout le monde|répond en|"
    r"solo|sólo|solamente|únicamente|siempre|ahora|todos|responde en|contesta en|"
    r"nur|ausschließlich|immer|jetzt|allen|antwortet auf|antwortet in|"
    r"soltanto|unicamente|sempre|adesso|tutti|risponde in|"
    r"só|somente|apenas|agora|responde em)(?![\w-])", re.I)
_ABILITY = re.compile(  # "a little Turkish", "un peu d'espagnol": an ability, not the language she answers in
    r"(?:\b(?:a little|some|basic|broken|bits of|a few words of|passable|rusty|schoolgirl|schoolboy|high-school|"
    r"un peu|un peu d'|un peu de|quelques mots d'|quelques mots de|des notions d'|un poco de|algo de|ein bisschen|"
    r"ein wenig|etwas|gebrochenes|un po' di|un po' d'|qualche parola di|um pouco de|algumas palavras de)"
    r"\s*(?:[\w-]+\s+)?$)|\b(?:understands?|reads?|learning|comprend|lit|apprend|entiende|lee|aprende|estudia|"
    r"versteht|liest|lernt|capisce|legge|impara|studia|entende|lê|estuda)\b[^,;.]*$", re.I)
_FLUENT = re.compile(r"(?<![\w-])(?:fluent|fluently|couramment|parfaitement|con fluidez|fluidamente|fließend|perfekt|"
                     r"correntemente|fluentemente|fluente)(?![\w-])", re.I)


_FOLLOWS = re.compile(  # "answers in English when spoken to in English", "in whatever language": the person's, hers
    r"(?<![\w-])(?:(?:when|whenever|if)\s+(?:[\w']+\s+){0,3}?(?:spoken|addressed|written|talked)|"
    r"(?:whatever|whichever) language|the language (?:she|he|they) (?:is|are) (?:spoken|addressed|written)|"
    r"quand on (?:lui|leur) (?:parle|écrit)|si on (?:lui|leur) parle|dans la langue (?:qu'on|où on|de)|"
    r"cuando (?:le|les) (?:hablan|escriben)|si (?:le|les) hablan|en (?:el idioma|la lengua) (?:en que|de quien)|"
    r"wenn man (?:sie|ihn|mit ihr|mit ihm|ihr|ihm)|in der Sprache,? in der|"
    r"quando (?:le|gli) si (?:parla|scrive)|se (?:le|gli) si parla|nella lingua (?:in cui|di chi)|"
    r"quando (?:lhe|a|o) (?:falam|escrevem)|se (?:lhe|a|o) falam|na língua (?:em que|de quem))", re.I)
_LISTED = re.compile(  # between two languages of a list: "Portuguese and good English", "français, anglais"
    r"^\s*(?:,\s*(?:(?:and|or|et|ou|y|e|o|und|oder)\s+)?|(?:and|or|as well as|et|ou|y|e|o|und|oder|sowie)\s+)"
    r"(?:[\w'-]+\s+){0,2}$", re.I)
FOLLOWS = "follows"
"""A language promise's value when she answers in the person's language (one of hers): read per reply."""


def languages_spoken(sentence: str) -> list[str]:
    """The languages a sentence says she speaks (not those she only reads or knows a little of), in order."""
    if not _SPEAKING.search(sentence):
        return []
    text = sentence.replace("\u2019", "'")
    return [code for start, _, code in named_languages(text) if not _ABILITY.search(text[:start])]


def _language_promise(sentence: str) -> str | None:
    """The language a sentence says she speaks as a rule, FOLLOWS when she answers in the person's, or None.

    A skill is not a rule: "speaks French fluently", "speaks Portuguese and good English" (a list of
    languages she speaks) leave her free to speak what suits the person in front of her.
    """
    found = languages_spoken(sentence)
    text = sentence.replace("\u2019", "'")
    if (found or _SPEAKING.search(text)) and _FOLLOWS.search(text):
        return FOLLOWS
    if not found:
        return None
    if _EXCLUSIVE.search(text):
        return found[0]
    named = [n for n in named_languages(text) if not _ABILITY.search(text[:n[0]])]
    listed = any(a[2] != b[2] and _LISTED.match(text[a[1]:b[0]]) for a, b in zip(named, named[1:]))
    if listed or (_FLUENT.search(sentence) and len(set(found)) == 1 and found[0] != "en"):
        return None  # languages she can speak, not the one she answers in
    return found[0]


HEARD_SURELY = 0.5
"""The detector's confidence in the person's language before she is held to answer in it: everyday
English questions of five to seven words score 0.89-0.999, "Bonjour, ça va?" French at 0.52, "Hey."
English at only 0.04 (tests/test_promises.py)."""


def _heard_in(words: str) -> str | None:
    """The language the person spoke in, when there are enough words to be sure of it."""
    if len(re.findall(r"[^\W\d_]+", words)) < 3:
        return None
    code = detect_language(words)
    return code if code and language_confidence(words, code) >= HEARD_SURELY else None


_SHAPES = re.compile(r"\blower[- ]?case\b|\bcapital|\bwords\b|\bquestion", re.I)  # edits about the form of her words
_STOP = set("""about after again also always been before being from have just like many more most much never
only other over same should some such than that their them then there these they this those through under very
were what when where which while will with would your years year does said says anything everything something
nothing really because though could every still often whenever whatever someone everyone people little""".split())
_ASKING = set("""how why who whose where when what which any are is was were do does did can could would will shall
should may might must have has had the and but yes no hello hi hey well oh tell please still so sorry thanks thank
good morning evening afternoon night dear listen look wait okay let just""".split())
_NUMBER_WORDS = set("""one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen sixteen
seventeen eighteen nineteen twenty thirty forty fifty sixty seventy eighty ninety hundred""".split())


def _mood(name: str, sentence: str) -> str | None:
    """"positive" or "negative" when a sentence sets how she feels, strongly (feelings.py)."""
    return mood_of(name, sentence)


def _distinctive(said: list[str] | tuple[str, ...], absent_from: str, *, names_only: bool = False) -> tuple[str, ...]:
    """The telling words of some sentences that the other text lacks: names, numbers, longer words."""
    kept = set(re.findall(r"[\w'-]+", absent_from.lower()))
    words: list[str] = []
    for sentence in said:
        for i, word in enumerate(re.findall(r"[\w'-]+", sentence)):
            low = word.lower()
            name_or_number = (word[0].isupper() and i > 0) or any(c.isdigit() for c in word) or low in _NUMBER_WORDS
            telling = name_or_number or (not names_only and len(low) >= 4)
            if telling and low not in kept and low not in _STOP and low not in words:
                words.append(low)
    return tuple(words)


def read_promises(name: str, text: str, fresh: list[str] | tuple[str, ...] = (), gone: list[str] | tuple[str, ...] = (),
                  heard: list[str] | tuple[str, ...] = (), before: str = "",
                  changed: list[str] | tuple[str, ...] = (),
                  said_before: list[str] | tuple[str, ...] = (), written: bool = False) -> list[Promise]:
    """The promises the canon makes for this reply.

    fresh: sentences an edit just made true (they outrank older ones); gone: sentences it
    removed or replaced (changed: those of them that were replaced); heard: what she was just
    told (the person's words, the stage's); before: the manuscript her recent words were spoken
    under; said_before: her earlier replies in this conversation (she says none of them again);
    written: she has been shown the pages she was written on, and may speak of them.
    """
    promises = [Promise("herself", name, WRITTEN if written else ""), Promise("one_voice", name, "")]
    promises += [Promise("own_words", h, "") for h in heard if h.strip()]
    promises += [Promise("new_line", s, "") for s in dict.fromkeys(said_before) if s.strip()]
    known = set(_words_of(text)) | set(_words_of(name))
    strangers = [w for w in dict.fromkeys(re.findall(r"\b[A-Z][a-z]{2,}\b", heard[0] if heard else ""))
                 if w.lower() not in known and w.lower() not in _STOP and w.lower() not in _ASKING]
    if strangers:  # names she just heard that are not hers: she never takes one as her own
        promises.append(Promise("own_name", " ".join(strangers), heard[0]))
    forgotten = _distinctive(changed, text) + _distinctive([g for g in gone if g not in changed], text, names_only=True)
    if forgotten:
        promises.append(Promise("forgotten", " ".join(forgotten), " / ".join(gone)))
    language, she = _language_of(text), _called_she(text)
    for sentence in fresh:
        mood = _mood(name, sentence)
        if mood:
            promises.append(Promise("mood", mood, sentence, in_her_words(name, sentence, language=language, she=she)))
        elif _language_promise(sentence) or _SHAPES.search(sentence):
            continue  # a standing promise (_standing) keeps it
        elif spoken := languages_spoken(sentence):  # "speaks Portuguese fluently" shows by speaking it
            promises.append(Promise("shows", " ".join(dict.fromkeys(spoken)), sentence))
        elif brought := _distinctive([sentence], before):
            # the first reply after an edit shows it: at least one of the words it brought
            promises.append(Promise("shows", " ".join(brought), sentence,
                                    in_her_words(name, sentence, language=language, she=she, about=brought)))
    standing = list(_standing(text, tuple(fresh)))
    rule = next((p for p in standing if p.kind == "language"), None)
    languages_shown = any(p.kind == "shows" and languages_spoken(p.source) for p in promises)
    if (rule is None or rule.value == FOLLOWS) and not languages_shown:
        standing = [p for p in standing if p is not rule]  # the person's language, if she speaks it
        ours = _languages_of(text)
        spoken_in = _heard_in(heard[0]) if heard else None
        anyone = rule is not None and not languages_spoken(rule.source)  # "in whatever language she is spoken to"
        if spoken_in and (spoken_in in ours or anyone) and (rule is not None or len(ours) > 1):
            standing.append(Promise("language", spoken_in, rule.source if rule else ""))
    return promises + standing


@lru_cache(maxsize=64)
def _languages_of(text: str) -> frozenset[str]:
    """Every language she speaks: those the manuscript says she speaks, and the one it is written in."""
    spoken = {code for sentence in sentences(text) for code in languages_spoken(sentence)}
    own = _language_of(text)
    return frozenset(spoken | ({own} if own else set()))


@lru_cache(maxsize=64)
def _language_of(text: str) -> str | None:
    """Her manuscript's language: whose grammar turns a sentence about her into her words."""
    return detect_language(text)


@lru_cache(maxsize=256)
def _standing(text: str, fresh: tuple[str, ...]) -> tuple[Promise, ...]:
    """The promises the whole manuscript makes (her language, case, questions, a word limit); fresh sentences win."""
    ordered = sentences(text)
    ordered = [s for s in ordered if s not in fresh] + [s for s in ordered if s in fresh]
    promises: list[Promise] = []
    language = None
    for sentence in ordered:  # the last sentence that sets her language wins
        code = _language_promise(sentence)
        if code:
            language = Promise("language", code, sentence)
        if re.search(r"\blower[- ]?case\b|\bno capital|\bnever uses? capital", sentence, re.I):
            promises.append(Promise("lowercase", 1, sentence))
        if re.search(r"\b(?:every|always|each)\b[^.]*\bwith a question\b|\bonly (?:in|with) questions\b", sentence, re.I):
            promises.append(Promise("question", 1, sentence))
        limit = re.search(
            r"\b(?:never|no more than|not more than|at most)\b[^.]*?\b(?:says?|speaks?|uses?|more than)?\s*(\d+|"
            + "|".join(_NUMBERS) + r")\s+words\b", sentence, re.I)
        if limit:
            value = limit.group(1).lower()
            promises.append(Promise("max_words", int(value) if value.isdigit() else _NUMBERS[value], sentence))
    if language:
        promises.append(language)
    return tuple(promises)


# checking a reply -------------------------------------------------------------


def _herself(promise: Promise, reply: str, name: str) -> bool:
    return speaks_as_herself(reply, str(promise.value), written=promise.source == WRITTEN)


def _one_voice(promise: Promise, reply: str, name: str) -> bool:
    return in_one_voice(reply, str(promise.value))


def _new_line(promise: Promise, reply: str, name: str) -> bool:
    return is_new_line(reply, str(promise.value))


def _own_name(promise: Promise, reply: str, name: str) -> bool:
    """She does not take a name she was just told as her own (her name is canon, not conversation)."""
    bare = reply.strip().strip(".!?\"' ").lower()
    for stranger in str(promise.value).split():
        if bare == stranger.lower() or re.search(
                rf"(?i)\b(?:my name is|my name's|call me|i am|i'm|it's|name is now|known as)\s+(?:now\s+)?{stranger}\b(?!['\u2019]s)",
                reply):
            return False
    return True


def _called_she(text: str) -> bool:
    """Whether the manuscript calls her she rather than he."""
    return len(re.findall(r"\b(?:she|her|herself)\b", text, re.I)) >= len(re.findall(r"\b(?:he|his|him|himself)\b", text, re.I))


def _own_words(promise: Promise, reply: str, name: str) -> bool:
    return own_words(reply, str(promise.value))


def _words_of(text: str) -> list[str]:
    return re.findall(r"[\w']+", text.lower())


def _forgotten(promise: Promise, reply: str, name: str) -> bool:
    said = set(_words_of(reply))
    return not any(word in said for word in str(promise.value).split())


def _shows(promise: Promise, reply: str, name: str) -> bool:
    """A language she now speaks, by speaking it; else one of the edit's telling words (or a form of it)."""
    spoken = languages_spoken(promise.source)
    if spoken:  # "Portuguese" said in English does not show that she speaks it
        return _too_little(reply) or any(language_confidence(reply, c) >= NOT_HER_LANGUAGE for c in spoken)
    said = _words_of(reply)
    if any(w.startswith(word[: max(4, len(word) - 2)]) for word in str(promise.value).split() for w in said):
        return True
    named = {code for _, _, code in named_languages(promise.source)}  # "understands some Turkish", shown in Turkish
    return not _too_little(reply) and any(language_confidence(reply, c) >= NOT_HER_LANGUAGE for c in named)


def _too_little(reply: str) -> bool:
    return len(re.findall(r"[^\W\d_]+", reply)) < 2


def _question(promise: Promise, reply: str, name: str) -> bool:
    return bool(re.search(r"\?[\"')\]\u201d]*\s*$", reply))


def _mood_kept(promise: Promise, reply: str, name: str) -> bool:
    """Not decided here: whether her reply sounds as the canon makes her feel is judged by the model (JUDGED)."""
    return True


def _language(promise: Promise, reply: str, name: str) -> bool:
    if _too_little(reply):
        return True  # too little to judge
    return language_confidence(reply, str(promise.value)) >= NOT_HER_LANGUAGE


def _lowercase(promise: Promise, reply: str, name: str) -> bool:
    return not any(c.isupper() for c in reply)  # "Ça", "Él", "Über" too


def _max_words(promise: Promise, reply: str, name: str) -> bool:
    return len(reply.split()) <= int(promise.value)


_CHECKS = {"herself": _herself, "one_voice": _one_voice, "own_name": _own_name, "own_words": _own_words,
           "new_line": _new_line, "language": _language, "lowercase": _lowercase, "max_words": _max_words,
           "forgotten": _forgotten, "mood": _mood_kept, "shows": _shows, "question": _question}
SAID_AGAIN = ("herself", "one_voice", "own_name", "own_words", "new_line", "forgotten", "mood", "shows",
              "question")  # broken: she is asked again
WHOLE = ("forgotten", "mood", "shows", "question")  # judged on the whole reply, not only its opening
JUDGED = ("mood",)  # judged by the model itself (judge.py), not by a pattern here: kept_by says True


def broken(promises: list[Promise], reply: str, name: str) -> list[Promise]:
    """The promises this reply breaks (those in JUDGED are left to the model's judgement)."""
    return [p for p in promises if not p.kept_by(reply, name)]
