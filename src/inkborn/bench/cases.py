"""The typewriter's cases file (the format of `shared/bench/README.md`), read and checked, and where
benchmarks find the shared bench folder and write their results."""

from __future__ import annotations

import json
import os
import subprocess
from datetime import date
from pathlib import Path
from typing import Any

from ..errors import InvalidInput
from .scoring import KINDS

__all__ = ["CHECK_FIELDS", "OPS", "ROLES", "checks_problem", "default_output", "edit_problem", "find_bench_dir",
           "group_of", "load_cases"]

ROLES = ("author", "visitor")
OPS = {"append": ("text",), "replace": ("old", "new"), "delete": ("text",)}
CHECK_FIELDS = {"language": "expect", "sentiment": "expect", "regex_any": "pattern", "regex_none": "pattern",
                "max_words": "limit"}


def group_of(case_id: str) -> str:
    """A case's group: its id's part before the first `-`."""
    return case_id.split("-", 1)[0]


def load_cases(path: Path | str) -> list[dict[str, Any]]:
    """The cases of a JSONL file, each with its "group" added; a bad line raises InvalidInput naming it."""
    path = Path(path)
    try:
        lines = path.read_text("utf-8").splitlines()
    except FileNotFoundError:
        raise InvalidInput(f"no cases file at {path}; pass --cases PATH") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise InvalidInput(f"cannot read the cases file {path}: {exc}") from None
    cases: list[dict[str, Any]] = []
    seen: dict[str, int] = {}
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        where = f"{path}, line {number}"
        try:
            case = json.loads(line)
        except json.JSONDecodeError as exc:
            raise InvalidInput(f"{where} is not JSON: {exc.msg}") from None
        problem = _problem(case)
        if problem:
            raise InvalidInput(f"{where}: {problem}")
        if case["id"] in seen:
            raise InvalidInput(f"{where}: the id {case['id']!r} was already used on line {seen[case['id']]}")
        seen[case["id"]] = number
        cases.append({**case, "group": group_of(case["id"])})
    if not cases:
        raise InvalidInput(f"{path} holds no cases")
    return cases


def _problem(case: Any) -> str | None:
    """What is wrong with one case, or None."""
    if not isinstance(case, dict):
        return "a case must be a JSON object"
    for key in ("id", "manuscript", "person", "role", "probe"):
        if not isinstance(case.get(key), str) or not case[key].strip():
            return f"{key!r} must be a non-empty string"
    if case["role"] not in ROLES:
        return f"role must be 'author' or 'visitor', not {case['role']!r}"
    for key in ("setup", "edit"):
        if case.get(key) is not None and (problem := edit_problem(case[key], key)):
            return problem
    history = case.get("history") or []
    if not isinstance(history, list):
        return "history must be a list"
    for i, entry in enumerate(history, start=1):
        if isinstance(entry, dict) and isinstance(entry.get("her"), str) and entry["her"].strip():
            continue
        if isinstance(entry, dict) and all(isinstance(entry.get(k), str) and entry[k].strip() for k in ("person", "text")):
            continue
        return f'history entry {i} must be {{"person": ..., "text": ...}} or {{"her": ...}}'
    checks = case.get("checks")
    if not isinstance(checks, list) or not checks:
        return "checks must be a non-empty list"
    return checks_problem(checks)


def edit_problem(edit: Any, what: str = "edit") -> str | None:
    """What is wrong with an edit (`{"op": "append", "text": ...}` and the like), or None."""
    if not isinstance(edit, dict) or edit.get("op") not in OPS:
        return f"{what!r} must be null or an edit with op append, replace or delete"
    for part in OPS[edit["op"]]:
        if not isinstance(edit.get(part), str):
            return f"the {what} ({edit['op']}) needs a string {part!r}"
    return None


def checks_problem(checks: Any) -> str | None:
    """What is wrong with a list of checks, or None."""
    if not isinstance(checks, list):
        return "checks must be a list"
    for i, check in enumerate(checks, start=1):
        kind = check.get("kind") if isinstance(check, dict) else None
        if kind not in KINDS:
            return f"check {i} has an unknown kind {kind!r}: the kinds are {', '.join(KINDS)}"
        if CHECK_FIELDS[kind] not in check:
            return f"check {i} ({kind}) needs {CHECK_FIELDS[kind]!r}"
    return None


def find_bench_dir(start: Path | str | None = None) -> Path | None:
    """`shared/bench` (or `../shared/bench`) found by walking up from start (the current directory)."""
    here = Path(start or os.getcwd()).resolve()
    for folder in (here, *here.parents):
        for candidate in (folder / "shared" / "bench", folder.parent / "shared" / "bench"):
            if (candidate / "typewriter.jsonl").is_file():
                return candidate
    return None


def default_output(today: date | None = None, cwd: Path | str | None = None, bench: str = "typewriter") -> Path:
    """bench/results/<bench>-<YYYYMMDD>-<short git commit, or nogit>.json"""
    try:
        commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], check=False, cwd=cwd, capture_output=True, text=True,
                                timeout=10).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        commit = ""
    stamp = (today or date.today()).strftime("%Y%m%d")
    return Path("bench") / "results" / f"{bench}-{stamp}-{commit or 'nogit'}.json"
