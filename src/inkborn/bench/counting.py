"""What `inkborn bench conversation` counts in her replies: repeats of her own lines or the person's,
her instruction text said aloud, and the summary it prints."""

from __future__ import annotations

import statistics
from collections.abc import Iterable, Mapping
from typing import Any

from .scoring import STANDING, words
from .serve import percentile

__all__ = ["format_summary", "instruction_runs", "normalized", "repeats", "summarize"]

RUN_WORDS = 8  # this many words in a row from her instructions, said aloud, is instruction text
REPEAT_WORDS = 5  # an earlier line this long, found whole inside a reply, is a repeat too


def normalized(text: str) -> str:
    """Lowercased, punctuation dropped, whitespace collapsed: how lines are compared."""
    return " ".join(words(text))


def repeats(line: str, earlier: Iterable[tuple[int, str]]) -> int | None:
    """The turn of the first earlier line this one repeats: the same words, or all of a long one inside it."""
    if not line:
        return None
    padded = f" {line} "
    for turn, before in earlier:
        if before and (before == line or len(before.split()) >= REPEAT_WORDS and f" {before} " in padded):
            return turn
    return None


def _grams(tokens: list[str], n: int) -> set[tuple[str, ...]]:
    return {tuple(tokens[i:i + n]) for i in range(len(tokens) - n + 1)}


def instruction_runs(reply: str, system: Iterable[str], besides: Iterable[str], n: int = RUN_WORDS) -> list[str]:
    """Runs of n or more words of the reply that stand in a row in a system message and in none of the
    texts `besides` (her manuscripts, and what was said to her in the conversation: a memory she
    recalls is in a system message too, and saying it again is remembering, not her instructions said
    aloud; her own earlier lines are not among them, so instruction text she says twice counts twice)."""
    theirs: set[tuple[str, ...]] = set()
    for text in system:
        theirs |= _grams(words(text), n)
    for text in besides:
        theirs -= _grams(words(text), n)
    said = words(reply)
    hits = [i for i in range(len(said) - n + 1) if tuple(said[i:i + n]) in theirs]
    runs: list[list[int]] = []
    for i in hits:
        if runs and i <= runs[-1][1]:
            runs[-1][1] = i + n
        else:
            runs.append([i, i + n])
    return [" ".join(said[a:b]) for a, b in runs]


def summarize(replies: list[Mapping[str, Any]]) -> dict[str, Any]:
    """The figures of a set of replies (one script's, or all of them)."""
    n = len(replies)
    spoken = [r for r in replies if r["reply"].strip()]
    distinct = len({(r["script"], normalized(r["reply"])) for r in spoken})
    firsts = [float(r["first_token_ms"]) for r in replies if r.get("first_token_ms") is not None]
    checked = [r for r in replies if r.get("checks")]

    def share(count: int) -> float | None:
        return count / n if n else None

    return {
        "replies": n,
        "distinct": distinct / len(spoken) if spoken else None,
        "repeats": sum(r["repeat_of"] is not None for r in replies),
        "said_back": sum(r["said_back_of"] is not None for r in replies),
        "said_aloud": sum(bool(r["said_aloud"]) for r in replies),
        "failed": sum(bool(r["failed"]) for r in replies),
        "standing": share(sum(bool(r["passed_standing"]) for r in replies)),
        "standing_checks": {k: share(sum(bool(r["standing"][k]) for r in replies)) for k in STANDING},
        "own_checks": {"passed": sum(bool(r["passed_own"]) for r in checked), "of": len(checked)},
        "first_token_ms": {
            "mean": round(statistics.fmean(firsts), 1) if firsts else None,
            "p50": percentile(firsts, 50),
            "p95": percentile(firsts, 95),
        },
    }


def format_summary(result: Mapping[str, Any]) -> list[str]:
    """The table: per script and overall."""
    def pct(x: float | None) -> str:
        return "     -" if x is None else f"{100 * x:5.1f}%"

    def ms(x: float | None) -> str:
        return "-" if x is None else f"{x / 1000:.2f}"

    lines = [f"{'script':<22} {'replies':>7} {'distinct':>8} {'repeats':>7} {'said back':>9} {'aloud':>5} "
             f"{'failed':>6} {'standing':>8} {'own':>5}   first word mean / p50 / p95 s"]
    rows = [*result["summary"]["scripts"].items(), ("overall", result["summary"]["overall"])]
    for name, row in rows:
        own = row["own_checks"]
        first = row["first_token_ms"]
        lines.append(f"{name:<22} {row['replies']:>7} {pct(row['distinct']):>8} {row['repeats']:>7} "
                     f"{row['said_back']:>9} {row['said_aloud']:>5} {row['failed']:>6} {pct(row['standing']):>8} "
                     f"{str(own['passed']) + '/' + str(own['of']):>5}   "
                     f"{ms(first['mean'])} / {ms(first['p50'])} / {ms(first['p95'])}")
    overall = result["summary"]["overall"]["standing_checks"]
    lines += ["", "standing checks (share of replies): "
              + "  ".join(f"{k} {pct(overall[k]).strip()}" for k in STANDING)]
    return lines
