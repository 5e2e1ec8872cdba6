"""Days: the time words in something said, anchored to the day it was said.

"I went to the support group yesterday", said on 8 May 2023 and recalled a month later, is
"yesterday (7 May 2023)": recalled without its day, a small model reads "yesterday" from now
("She went to a support group yesterday", asked when). Each relative phrase keeps its words and
gains, in brackets, what it meant on the day: a date where one is meant ("two days ago", "last
night"), a month or year where that is ("last month": April 2023), and where the words leave the
day open, the span they name ("last Friday": the Friday before 8 May 2023; "last week": the week
before 8 May 2023), never a guess. English only; words in other languages are left as said.
"""

from __future__ import annotations

import re
from datetime import date, timedelta

__all__ = ["anchored", "day"]

_WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
_NUMBERS = {"a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
            "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "a couple of": 2, "a few": None,
            "few": None, "several": None}
_COUNT = rf"(?P<n>\d{{1,3}}|{'|'.join(sorted(_NUMBERS, key=len, reverse=True))})"  # the longest first: "a few"
_PHRASE = re.compile(
    rf"\b(?:(?P<ago>{_COUNT}\s+(?P<unit>day|week|month|year)s?\s+ago)"
    r"|(?P<day>yesterday|last night|today|tonight|this (?:morning|afternoon|evening)|tomorrow(?: night)?"
    r"|the day before yesterday|the day after tomorrow)"
    r"|(?P<span>(?:last|this past|this|next) (?:week(?:end)?|month|year))"
    rf"|(?P<weekday>(?:last|this past|next) (?:{'|'.join(_WEEKDAYS)}))"
    r")\b(?!\s*\(|['’]s\b)",  # not one already dated, nor a possessive ("today's catch")
    re.IGNORECASE)
_DAYS = {"yesterday": -1, "last night": -1, "today": 0, "tonight": 0, "this morning": 0, "this afternoon": 0,
         "this evening": 0, "tomorrow": 1, "tomorrow night": 1, "the day before yesterday": -2,
         "the day after tomorrow": 2}


def day(at: date) -> str:
    """A day as she tells it: "8 May 2023"."""
    return f"{at.day} {at.strftime('%B %Y')}"


def _month(at: date, shift: int) -> str:
    index = at.year * 12 + at.month - 1 + shift
    return date(index // 12, index % 12 + 1, 1).strftime("%B %Y")


def _meant(found: re.Match[str], on: date) -> str:
    """What one phrase meant, said on that day."""
    words = " ".join(found.group(0).lower().split())
    if found.group("day"):
        return day(on + timedelta(days=_DAYS[words]))
    if found.group("ago"):
        said, unit = " ".join(found.group("n").lower().split()), found.group("unit").lower()
        count = int(said) if said.isdigit() else _NUMBERS[said]
        if count is None:  # "a few weeks ago": some time before that day, as vague as it was said
            return f"some {unit}s before {day(on)}"
        if unit == "day":
            return day(on - timedelta(days=count))
        if unit == "month":
            return _month(on, -count)
        if unit == "year":
            return str(on.year - count)
        return f"{count} week{'s' if count > 1 else ''} before {day(on)}"
    if found.group("span"):
        when, unit = words.rsplit(" ", 1)
        step = {"last": -1, "this past": -1, "this": 0, "next": 1}[when]
        if unit == "month":
            return _month(on, step)
        if unit == "year":
            return str(on.year + step)
        return f"the {unit} {('before', 'of', 'after')[step + 1]} {day(on)}"
    when, weekday = words.rsplit(" ", 1)
    return f"the {weekday.capitalize()} {'after' if when == 'next' else 'before'} {day(on)}"


def anchored(text: str, on: date) -> str:
    """The words, each relative time phrase followed by what it meant on the day they were said."""
    return _PHRASE.sub(lambda found: f"{found.group(0)} ({_meant(found, on)})", text)
