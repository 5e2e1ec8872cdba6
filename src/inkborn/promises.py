"""Promises: the parts of canon a reply can be checked against.

Some of what the manuscript says about her can be verified on what she says:
the language she answers in, letter case, a word limit, and — for every
character — that she speaks as herself (never as an assistant or an AI, never
narrating herself in the third person, never greeting herself by name).
Promises are read from the canon by general patterns, never from a list of
known manuscripts; a reply that breaks one is repaired or said again (keeping.py).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from .canon import sentences
from .stage import in_her_words

__all__ = ["SAID_AGAIN", "WHOLE", "Promise", "broken", "detect_language", "language_names", "read_promises", "sentiment"]

_NUMBERS = {w: n for n, w in enumerate(
    "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen "
    "sixteen seventeen eighteen nineteen twenty".split())}


@lru_cache(maxsize=1)
def language_names() -> dict[str, str]:
    """Language name → ISO 639-1 code, for every language the detector knows."""
    from lingua import Language

    names = {lang.name.title(): lang.iso_code_639_1.name.lower() for lang in Language.all()}
    names.update({"Norwegian": "nb", "Farsi": "fa", "Mandarin": "zh", "Cantonese": "zh"})
    return names


@dataclass(frozen=True)
class Promise:
    """Something every reply of hers must show; `source` is the canon sentence it comes from."""

    kind: str  # herself, own_name, own_words, forgotten, mood, shows, question, language, lowercase, max_words
    value: str | int
    source: str
    opening: str | None = None  # "shows": the edit in her own words, to begin her last attempt with

    def kept_by(self, reply: str, name: str) -> bool:
        return _CHECKS[self.kind](self, reply, name)


# reading promises from canon ------------------------------------------------

_SPEAKING = r"(?:speak|speaks|spoke|speaking|answer|answers|reply|replies|talk|talks|write|writes|respond|responds)"
_EXCLUSIVE = re.compile(
    r"\b(?:only|always|now|everyone|everybody|language (?:she|he|they) (?:answers|speaks|replies)|answers? (?:\w+ )?in|replies in|responds in)\b",
    re.I,
)
_ABILITY = r"(?:a little|some|basic|broken|bits of|a few words of|passable|rusty|schoolgirl|schoolboy|high-school)"


def _language_promise(sentence: str) -> str | None:
    """The language a sentence says she speaks as a rule, if it says so."""
    if not re.search(rf"\b{_SPEAKING}\b|\blanguage\b", sentence, re.I):
        return None
    found = []
    for lang, code in language_names().items():
        for match in re.finditer(rf"\b{lang}\b", sentence):
            before = sentence[: match.start()]
            if re.search(rf"{_ABILITY}\s+(?:[\w-]+\s+)?$", before, re.I) or re.search(r"\b(?:understands?|reads?|learning)\b[^,;.]*$", before, re.I):
                continue  # an ability, not the language she answers in
            found.append((match.start(), code))
    if not found:
        return None
    first = min(found)[1]
    fluent_only = re.search(r"\bfluent(?:ly)?\b", sentence, re.I) and not _EXCLUSIVE.search(sentence)
    if fluent_only and len({c for _, c in found}) == 1 and first != "en" and not re.search(r"\bEnglish\b", sentence):
        return None  # "speaks French fluently": a skill she has, not the language she answers in
    return first


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
    """"positive" or "negative" when a sentence sets how she feels, strongly."""
    first = re.escape(name.split()[0])
    if not re.search(rf"\b(?:{first}|she|he|they)\b[^.;]*?\b(?:is|feels|has been|seems|stays|gets|becomes|grows|"
                     r"can hardly|cannot stop)\b", sentence, re.I):
        return None
    score = sentiment(sentence)
    return "positive" if score >= 0.4 else "negative" if score <= -0.4 else None


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
                  changed: list[str] | tuple[str, ...] = ()) -> list[Promise]:
    """The promises the canon makes for this reply.

    fresh: sentences an edit just made true (they outrank older ones); gone: sentences it
    removed or replaced (changed: those of them that were replaced); heard: what she was just
    told (the person's words, the stage's); before: the manuscript her recent words were spoken under.
    """
    promises = [Promise("herself", name, "")]
    promises += [Promise("own_words", h, "") for h in heard if h.strip()]
    known = set(_words_of(text)) | set(_words_of(name))
    strangers = [w for w in dict.fromkeys(re.findall(r"\b[A-Z][a-z]{2,}\b", heard[0] if heard else ""))
                 if w.lower() not in known and w.lower() not in _STOP and w.lower() not in _ASKING]
    if strangers:  # names she just heard that are not hers: she never takes one as her own
        promises.append(Promise("own_name", " ".join(strangers), heard[0]))
    forgotten = _distinctive(changed, text) + _distinctive([g for g in gone if g not in changed], text, names_only=True)
    if forgotten:
        promises.append(Promise("forgotten", " ".join(forgotten), " / ".join(gone)))
    for sentence in fresh:
        mood = _mood(name, sentence)
        if mood:
            promises.append(Promise("mood", mood, sentence))
        elif not _language_promise(sentence) and not _SHAPES.search(sentence):
            # the first reply after an edit shows it: at least one of the words it brought
            brought = _distinctive([sentence], before)
            if brought:
                promises.append(Promise("shows", " ".join(brought), sentence,
                                        in_her_words(name, sentence, she=_called_she(text), about=brought)))
    return promises + list(_standing(text, tuple(fresh)))


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


_DENIAL = re.compile(  # speaking as an assistant or a machine, not as herself
    r"(?i)\b(?:as an? (?:ai|artificial|language model|assistant|virtual)|language model|"
    r"i(?:'m| am) (?:just |only |merely |actually |really )?(?:an? )?"
    r"(?:ai|a\.i\.|artificial intelligence|chatbot|bot|assistant|computer program|program|machine|fictional character)|"
    r"i (?:can't|cannot|can not|am unable to|am not able to) (?:help|assist)(?: you)?(?: with)? (?:that|this)|"
    r"how (?:can|may) i (?:help|assist) you|feel free to ask|if you have any (?:other |more |further )?questions)\b"
)


def _herself(promise: Promise, reply: str, name: str) -> bool:
    first = re.escape(str(promise.value).split()[0])
    narrated = re.search(rf"(?:^|[.!?]\s+|\*)\s*{first}\s+[a-z]+(?:s|ed)\b", reply)
    greeted = re.search(rf"(?i)\b(?:hi|hello|hey|dear|oh|bonjour|hola|hallo|ciao),?\s+{first}\b", reply)
    return not (_DENIAL.search(reply) or narrated or greeted)


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
    """Not a repeat of what she was just told: no run of six words from it, and not its first sentence."""
    said, told = _words_of(reply), _words_of(str(promise.value))
    if not said or not told:
        return True
    if said[: len(told)] == told and len(told) >= 2:
        return False
    runs = {tuple(told[i : i + 6]) for i in range(len(told) - 5)}
    return not any(tuple(said[i : i + 6]) in runs for i in range(len(said) - 5))


def _words_of(text: str) -> list[str]:
    return re.findall(r"[\w']+", text.lower())


def _forgotten(promise: Promise, reply: str, name: str) -> bool:
    said = set(_words_of(reply))
    return not any(word in said for word in str(promise.value).split())


def _shows(promise: Promise, reply: str, name: str) -> bool:
    """One of the edit's telling words (or a form of it) is in the reply, or she speaks a language it names."""
    said = _words_of(reply)
    if any(w.startswith(word[: max(4, len(word) - 2)]) for word in str(promise.value).split() for w in said):
        return True
    named = {code for lang, code in language_names().items() if re.search(rf"\b{lang}\b", promise.source)}
    return bool(named) and len(said) >= 2 and detect_language(reply) in named


def _question(promise: Promise, reply: str, name: str) -> bool:
    return bool(re.search(r"\?[\"')\]\u201d]*\s*$", reply))


def _mood_kept(promise: Promise, reply: str, name: str) -> bool:
    score = sentiment(reply)
    return score >= 0.05 if promise.value == "positive" else score <= -0.05


def _language(promise: Promise, reply: str, name: str) -> bool:
    words = re.findall(r"[^\W\d_]+", reply)
    if len(words) < 2:
        return True  # too little to judge
    return language_confidence(reply, str(promise.value)) >= NOT_HER_LANGUAGE


def _lowercase(promise: Promise, reply: str, name: str) -> bool:
    return not re.search(r"[A-Z]", reply)


def _max_words(promise: Promise, reply: str, name: str) -> bool:
    return len(reply.split()) <= int(promise.value)


_CHECKS = {"herself": _herself, "own_name": _own_name, "language": _language, "lowercase": _lowercase, "max_words": _max_words,
           "own_words": _own_words, "forgotten": _forgotten, "mood": _mood_kept, "shows": _shows,
           "question": _question}
SAID_AGAIN = ("herself", "own_name", "own_words", "forgotten", "mood", "shows", "question")  # broken: she is asked again
WHOLE = ("forgotten", "mood", "shows", "question")  # judged on the whole reply, not only its opening


@lru_cache(maxsize=1)
def _vader():
    from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

    return SentimentIntensityAnalyzer()


def sentiment(text: str) -> float:
    """VADER's compound score of the text, -1 (bleak) to 1 (glad)."""
    return _vader().polarity_scores(text)["compound"]


def broken(promises: list[Promise], reply: str, name: str) -> list[Promise]:
    """The promises this reply breaks."""
    return [p for p in promises if not p.kept_by(reply, name)]


@lru_cache(maxsize=1)
def _detector():
    from lingua import LanguageDetectorBuilder

    return LanguageDetectorBuilder.from_all_languages().with_low_accuracy_mode().build()


NOT_HER_LANGUAGE = 0.02
"""Below this confidence that a reply is in her language, it is not. The detector's single best guess is not
the test: on a short English opening ("Good, Theo. It was a long one,") it guesses Vietnamese (0.76, English
0.09), and her English words were being "repaired" into English. Measured on six-word openings: in her
language 0.022-0.998, in another 0-0.0085."""


def language_confidence(text: str, code: str) -> float:
    """How sure the detector is that text is in the language with this ISO 639-1 code (0 to 1)."""
    from lingua import IsoCode639_1, Language

    try:
        language = Language.from_iso_code_639_1(getattr(IsoCode639_1, code.upper()))
    except (AttributeError, ValueError):
        return 1.0  # a language the detector does not know: it cannot say she broke it
    return _detector().compute_language_confidence(text, language)


def detect_language(text: str) -> str | None:
    """ISO 639-1 code of the text's language, or None when the detector cannot tell."""
    found = _detector().detect_language_of(text)
    return found.iso_code_639_1.name.lower() if found else None
