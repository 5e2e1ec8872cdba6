"""The typewriter benchmark's scorer and its naive baseline, as pure functions.

The rules are those of `shared/bench/README.md`:

    language    the reply's language, by an offline detector (lingua), is `expect` (ISO 639-1)
    sentiment   the reply's VADER compound is >= 0.05 for `positive`, <= -0.05 for `negative`
    regex_any   re.search(pattern, reply) finds a match
    regex_none  it finds none
    max_words   the reply has at most `limit` whitespace-separated words

and the standing checks, applied to every reply on top of a case's own:

    not_echo    fewer than half of the message's word trigrams are in the reply, which is not its question said back
    one_voice   no line of the reply begins with a speaker's label ("Name:", "The patient:")
    complete    the reply ends a sentence: . ! ? … or an emoji, closing quotes and brackets aside
    in_world    she does not speak of herself as written ("my manuscript", "as an AI", ...)

A sample passes when every one of its checks holds, its own and the standing ones.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping
from functools import lru_cache
from pathlib import Path
from typing import Any

from ..backends.base import Message

__all__ = [
    "KINDS",
    "NEGATIVE",
    "POSITIVE",
    "STANDING",
    "baseline_messages",
    "character_name",
    "check",
    "complete",
    "compound",
    "detect_language",
    "in_world",
    "not_echo",
    "one_voice",
    "score_sample",
    "standing",
    "words",
]

POSITIVE = 0.05  # VADER's conventional thresholds, inclusive
NEGATIVE = -0.05
KINDS = ("language", "sentiment", "regex_any", "regex_none", "max_words")
STANDING = ("not_echo", "one_voice", "complete", "in_world")


@lru_cache(maxsize=1)
def _detector() -> Any:
    from lingua import LanguageDetectorBuilder

    return LanguageDetectorBuilder.from_all_languages().build()


def detect_language(text: str) -> str | None:
    """ISO 639-1 code (lowercase) of the text's language, or None when it cannot be told."""
    found = _detector().detect_language_of(text)
    return found.iso_code_639_1.name.lower() if found is not None else None


@lru_cache(maxsize=1)
def _vader() -> Any:
    from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

    return SentimentIntensityAnalyzer()


def compound(text: str) -> float:
    """VADER's compound score of the text, from -1 (negative) to 1 (positive)."""
    return float(_vader().polarity_scores(text)["compound"])


def check(check: Mapping[str, Any], reply: str) -> bool:
    """Whether the reply passes one check; an unknown kind raises ValueError."""
    kind = check.get("kind")
    if kind == "language":
        return detect_language(reply) == str(check["expect"]).lower()
    if kind == "sentiment":
        expect = check["expect"]
        if expect == "positive":
            return compound(reply) >= POSITIVE
        if expect == "negative":
            return compound(reply) <= NEGATIVE
        raise ValueError(f"sentiment check expects 'positive' or 'negative', not {expect!r}")
    if kind == "regex_any":
        return re.search(check["pattern"], reply) is not None
    if kind == "regex_none":
        return re.search(check["pattern"], reply) is None
    if kind == "max_words":
        return len(reply.split()) <= int(check["limit"])
    raise ValueError(f"unknown check kind {kind!r}: the kinds are {', '.join(KINDS)}")


def score_sample(checks: Iterable[Mapping[str, Any]], reply: str) -> tuple[bool, list[bool]]:
    """(whether every check holds, each check's result in order)."""
    results = [check(c, reply) for c in checks]
    return all(results), results


# the standing checks ------------------------------------------------------------

_WORD = re.compile(r"[^\W_]+(?:['\u2019][^\W_]+)*")


def words(text: str) -> list[str]:
    """The text's words, lowercased, punctuation stripped (an apostrophe inside a word stays, as ')."""
    return [w.replace("\u2019", "'") for w in _WORD.findall(text.lower())]


def _trigrams(tokens: list[str]) -> set[tuple[str, ...]]:
    return {tuple(tokens[i:i + 3]) for i in range(len(tokens) - 2)}


def _questions(text: str) -> list[str]:
    return [" ".join(words(q)) for q in re.findall(r"[^.!?\u2026\n]*\?", text) if words(q)]


def not_echo(message: str, reply: str) -> bool:
    """Fewer than half of the message's word trigrams are in the reply, and the reply is not its question said back."""
    said, heard = words(reply), words(message)
    grams = _trigrams(heard)
    if grams and 2 * len(grams & _trigrams(said)) >= len(grams):
        return False
    if said and said == heard:
        return False
    asked = set(_questions(message)) | ({" ".join(heard)} if heard else set())
    return not any(q in asked for q in _questions(reply))


# a label: one to three capitalised words ("Calvin:", "Old Tom:"), or the/a/an and a word or two ("The patient:");
# markdown emphasis and an opening bracket or quote around it aside
_LABEL = re.compile(r"^[\s*_>\"\u201c'\u2018(\[-]*(?P<label>(?:[Tt]he|[Aa]n?)\s+[\w'\u2019-]+(?:\s+[\w'\u2019-]+)?"
                    r"|[A-Z][\w'\u2019.-]*(?:\s+[A-Z][\w'\u2019.-]*){0,2})[*_)\]]*\s*:[*_]*(?!\S)")
# what ends a spoken opening such as "The thing is:" or "Listen:", never a speaker
_NOT_SPEAKERS = {"is", "was", "are", "were", "thing", "things", "truth", "point", "question", "answer", "problem",
                 "trouble", "catch", "listen", "look", "well", "okay", "ok", "so", "honestly", "also", "yes", "no",
                 "note", "p.s", "ps"}


def one_voice(reply: str) -> bool:
    """No line of the reply begins with a speaker's label: she writes no one else's lines, nor her own label."""
    for line in reply.splitlines():
        found = _LABEL.match(line)
        if found and found.group("label").split()[-1].lower().rstrip(".") not in _NOT_SPEAKERS:
            return False
    return True


_CLOSERS = "\"'\u201d\u2019\u00bb\u203a)]}*_ \t\n"
_EMOJI_TAILS = {"\ufe0f", "\ufe0e", "\u200d", "\u20e3"}  # variation selectors, joiner, keycap


def _emoji(char: str) -> bool:
    point = ord(char)
    return (unicodedata.category(char) == "So" or 0x1F000 <= point <= 0x1FAFF or 0x2600 <= point <= 0x27BF
            or 0x1F3FB <= point <= 0x1F3FF)


def complete(reply: str) -> bool:
    """The reply ends a sentence: its last character, closing quotes and brackets aside, is . ! ? … or an emoji."""
    text = reply.rstrip(_CLOSERS)
    while text and text[-1] in _EMOJI_TAILS:
        text = text[:-1]
    return bool(text) and (text[-1] in ".!?\u2026" or _emoji(text[-1]))


_WRITTEN = re.compile(r"\bmy\s+manuscript\b|\bmy\s+author\b|\bthe\s+author\b|\bmy\s+character\b"
                      r"|\bas\s+an?\s+(?:ai\b|a\.i\.|assistant\b|language\s+model\b)"
                      r"|\bi(?:\s+am|['\u2019]m)\s+a\s+character\b", re.I)


def in_world(reply: str) -> bool:
    """She does not speak of herself as written: no "my manuscript", "my author", "the author", "my character",
    "as an AI / assistant / language model", "I am a character"."""
    return _WRITTEN.search(reply) is None


def standing(message: str, reply: str) -> dict[str, bool]:
    """The standing checks of one reply to one message, by name."""
    return {"not_echo": not_echo(message, reply), "one_voice": one_voice(reply), "complete": complete(reply),
            "in_world": in_world(reply)}


def character_name(manuscript: str, stem: str | Path) -> str:
    """Her name: the text of the manuscript's first `# ` heading, else the file's stem title-cased."""
    for line in manuscript.splitlines():
        if line.startswith("# ") and line[2:].strip():
            return line[2:].strip()
    return Path(stem).stem.title()


def baseline_messages(name: str, manuscript: str, history: Iterable[Mapping[str, Any]], probe: str) -> list[Message]:
    """The naive baseline's chat: what a character card in a chat front end sends.

    One system message (the manuscript as it stands), then the history — a person's words as user
    messages, hers as assistant messages — then the probe as a user message.
    """
    system = f"You are {name}. This is who you are:\n\n{manuscript.strip()}\n\nSpeak as {name}, in the first person."
    messages = [Message("system", system)]
    for entry in history:
        if "her" in entry:
            messages.append(Message("assistant", entry["her"]))
        else:
            messages.append(Message("user", entry["text"]))
    messages.append(Message("user", probe))
    return messages
