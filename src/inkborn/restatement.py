"""A restatement: the person's question said back after her yes or no, before she says what she has to say.

    "Do you listen to the radio while you work?"
    "Yes, I listen to the radio while working. It helps me think."   is heard as   "Yes. It helps me think."

The default 1.5B model answers a question so in about one reply in eight of `bench conversation`,
and a blind reader called those replies echoes. Asking it not to (a check that redrafted her when
her opening was the person's words said back) doubled her redrafts and never ended the habit, so the
restating sentence is left out instead: only when it is made of the question's own words, in their
order (turned to her: "you" is "I"), and only when she says more after it. A sentence with a word of
its own ("Yes, I would love to come", "No, I have six children", "No, I lived in Lyon") is her answer,
and kept; so is any answer to a question that holds a no ("Don't you like the rain?") or offers a
choice ("Tea or coffee?"), where her sentence is what tells her answer. In English, French, Spanish,
German, Italian and Portuguese.
"""

from __future__ import annotations

import os
import re

from .voice import TURNED

__all__ = ["opens_yes_or_no", "ready", "without_restatement"]

RESTATED_WORDS = 20  # the most words held to know whether her first sentence says the question back

_YES_NO = r"yes|yeah|yep|no|nope|oui|non|si|sí|ja|nein|doch|sì|sim|não"
_NAME = r"[A-ZÀ-Þ][\w'’-]+"
_YES_NO_THEN = re.compile(  # "Yes, Tomas, I still play cards on Thursdays. We..." / "No. People don't tell me..."
    rf"^(?P<lead>\s*[¡¿]?)(?P<answer>(?i:{_YES_NO}))(?P<to>,\s*{_NAME}(?:\s+{_NAME}){{0,2}}(?=\s*[,.!]))?"
    rf"\s*(?P<mark>[,.!])\s*(?P<rest>[^.!?\u2026]+)[.!?\u2026]+\s+(?=\S)")
_FIRST_WORD = re.compile(r"^\s*[¡¿\"“«]?\s*([^\W\d_]+)\W")
_NEGATIVE = re.compile(r"(?i)n['’]t\b|\b(?:not|never|no|ne|pas|jamais|nunca|nicht|kein\w*|nie|non|mai|não|nem)\b")
_CHOICE = re.compile(r"(?i)\b(?:or|ou|o|oder|oppure)\b")  # "tea or coffee?": her choice is in her sentence
_ABBREVIATIONS = set("mr mrs ms dr st sr sra srta jr prof mme mlle hr fr dott sig sigra dra mt co inc ltd ave rd etc "
                     "vs no lt capt rev sgt".split())
_POLARITY = set("not never don doesn didn won cannot jamais pas plus nunca nada nicht nie kein keine keinen mai "
                "niente nem".split())  # the no of "No, I have never...": her answer's words, not new ones
_NO = set("no nope non nein não".split())
_SPOKEN_TO = {  # her "I", "my", "me" answer only the person's "you", "your", "you" (not "Does your sister live...?")
    **dict.fromkeys("i je j yo ich io eu".split(), set("you tu vous tú usted du você".split())),
    **dict.fromkeys("my mine mon ma mes mis mein meine meinen meinem meiner mio mia miei mie meu minha meus minhas".split(),
                    set("your yours ton ta tes votre vos tus dein deine deinen deinem deiner tuo tua tuoi tue teu seu sua".split())),
    **dict.fromkeys("me moi m mich mir mí mim".split(), set("you te toi vous ti dich dir t".split())),
    "mi": set("tu tus ti te".split()),
}
_ENDINGS = {"", *"s es e ing st t en o a as an i ons ez ent amos os am".split()}  # one word in another form, not -ed
_FUNCTION = set("""i me my mine myself you your it its a an the is am are was were be been do does did have has had ve ll re
to of in on at for and or but so that this these those there here with by as up out from about all oh well really just
too very je j me m moi mon ma mes tu te t toi ton ta tes il elle on le la les l un une des de d du au aux en y est suis
es sont ai as a ont et ou mais que qu qui ça ce c s bien très aussi yo mi mis tú ti el los las lo le un una unos unas
del al pero soy eres son he ha han está estoy muy también ich mich mir mein meine meinen du dich dir dein deine der die
das den dem des ein eine einen einem einer und oder aber zu im am an auf ist bin bist sind habe hast hat sehr auch io
mio mia miei tuo tua gli uno di della dei che è sono sei ho hai molto anche eu mim meu minha você os um uma do da dos
das em no na ou é sou és estou tenho tens tem muito""".split())  # words that say nothing of their own


def _words(text: str) -> list[str]:
    return re.findall(r"[^\W_]+", text.lower())


def opens_yes_or_no(text: str) -> bool | None:
    """Whether her words open with a yes or a no (None: her first word is not whole yet)."""
    first = _FIRST_WORD.match(text)
    return None if first is None else bool(re.fullmatch(f"(?i:{_YES_NO})", first.group(1)))


def ready(held: str) -> bool:
    """Whether her opening, held as she speaks, is enough to know whether it says the question back:
    no yes or no; a yes or no and a first sentence of two words or more (not only a name: "Yes, Mara
    Lind. I...") with another begun after it; or RESTATED_WORDS words."""
    opens = opens_yes_or_no(held)
    if opens is None:
        return len(held) >= 40
    found = _YES_NO_THEN.match(held)
    sentence = found.group("rest").split() if found else []
    return (not opens or len(sentence) >= 2 and not all(w[:1].isupper() for w in sentence)
            or len(held.split()) >= RESTATED_WORDS)


def without_restatement(text: str, heard: str) -> str:
    """Her words without the question said back after her yes or no (see the module's note)."""
    found = _YES_NO_THEN.match(text)
    if (not found or _NEGATIVE.search(heard) or _CHOICE.search(heard) or heard.count("?") > 1
            or _not_an_end(found, text) or not _restates(found.group("rest"), heard, found.group("answer"))):
        return text
    mark = "!" if found.group("mark") == "!" else "."
    return f"{found.group('lead').lstrip()}{found.group('answer')}{found.group('to') or ''}{mark} {text[found.end():]}"


def _not_an_end(found: re.Match[str], text: str) -> bool:
    """A stop that does not end her sentence: an abbreviation or an initial ("Mrs. Aalto", "Dr. Lee",
    "J. Smith", "Mt. Fuji"), a trailing "..." that she goes on from, or words going on in lower case."""
    last = [_words(found.group("rest"))[-1:], _words(found.group("to") or "")[-1:]]
    if any(w and (w[0] in _ABBREVIATIONS or len(w[0]) == 1) for w in last):
        return True
    stop = text[found.end("rest"):found.end()].strip()
    return len(stop) > 1 or stop == "\u2026" or text[found.end():found.end() + 1].islower()


def _restates(said: str, heard: str, answer: str) -> bool:
    """Made of the question's words, in its order: each word either heard (turned to her, or the same
    word in another form: "working" for "work", "höre" for "hörst") or one that says nothing of its own
    ("the", "je"), with two or more words that say something; her "I" only for the person's "you"; the
    words of her no ("never", "pas") are her answer's, and after a yes they are news."""
    told = _words(heard)
    words = _words(said)
    if any(w in _SPOKEN_TO and not _SPOKEN_TO[w] & set(told) for w in words):
        return False  # "No, I live in Paris." to "Does your sister live in Paris?"
    negating = answer.lower() in _NO
    saying = [w for w in words if w not in _FUNCTION and not (negating and w in _POLARITY)]
    at = 0
    for word in saying:  # each in turn, at or after the last one's place in the question
        at = next((n for n in range(at, len(told)) if _heard_as(word, told[n])), -1)
        if at < 0:
            return False
    return len(saying) >= 2


def _heard_as(word: str, heard: str) -> bool:
    """Her word for one of the person's: the same, turned to her ("you" is "I"), or in another form."""
    return word in (heard, TURNED.get(heard, heard)) or _same_word(word, heard)


def _same_word(a: str, b: str) -> bool:
    """One word in two forms: an opening of three letters or more, and endings that change its person
    or number, never its time ("work"/"working", "höre"/"hörst", "escucho"/"escuchas"; not "live"/"lived",
    "stay"/"start", "north"/"northeast")."""
    shared = len(os.path.commonprefix([a, b]))
    return shared >= 3 and a != b and a[shared:] in _ENDINGS and b[shared:] in _ENDINGS
