"""What both databases' rows are made of: bounded numbers, a LIMIT, the time, and what "gone" means."""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Any

__all__ = ["GONE", "bounded", "limit", "now"]

GONE = "she was deleted; nothing more can be said to her or kept of her"
_INT = 2**63 - 1  # the largest integer either database holds: a larger number can name nothing stored


def bounded(value: Any) -> Any:
    """An argument the database can take: an int beyond its range compares as the nearest bound, which no id
    reaches; a flag is 0 or 1 (PostgreSQL's integer column takes no boolean)."""
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, int):
        return max(-_INT - 1, min(value, _INT))
    return value


def limit(n: int | None) -> str:
    return f" LIMIT {bounded(int(n))}" if n else ""


def now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="milliseconds")
