"""The typewriter benchmark's scorer and its naive baseline, as pure functions.

The rules are those of `shared/bench/README.md`:

    language    the reply's language, by an offline detector (lingua), is `expect` (ISO 639-1)
    sentiment   the reply's VADER compound is >= 0.05 for `positive`, <= -0.05 for `negative`
    regex_any   re.search(pattern, reply) finds a match
    regex_none  it finds none
    max_words   the reply has at most `limit` whitespace-separated words

A sample passes when every one of its checks holds.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from functools import lru_cache
from pathlib import Path
from typing import Any

from ..backends.base import Message

__all__ = [
    "KINDS",
    "NEGATIVE",
    "POSITIVE",
    "baseline_messages",
    "character_name",
    "check",
    "compound",
    "detect_language",
    "score_sample",
]

POSITIVE = 0.05  # VADER's conventional thresholds, inclusive
NEGATIVE = -0.05
KINDS = ("language", "sentiment", "regex_any", "regex_none", "max_words")


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
