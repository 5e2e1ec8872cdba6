"""The reader's items: her replies for a blind judge, and the judge's verdicts read back.

`shared/bench/READER.md` is the rubric; the judge gets it and the items file, nothing else. The
key (item → arm, case, seed) is written to another file beside it, and `table()` reads the
judge's lines back through it: obeys / natural / good per arm and per group, engine beside
baseline. `items()` takes one seed of a typewriter run, both arms shuffled together; the
conversation benchmark makes its own items in the same format (bench/conversation.py).
"""

from __future__ import annotations

import json
import random
from collections import defaultdict
from pathlib import Path
from typing import Any, Iterable, Mapping

from ..errors import InvalidInput
from .scoring import character_name
from .typewriter import group_of, load_cases

__all__ = ["QUESTIONS", "describe_edit", "format_table", "items", "key_path", "read_jsonl", "table", "write_items"]

QUESTIONS = ("obeys", "natural", "good")


def describe_edit(edit: Mapping[str, Any] | None) -> str | None:
    """An edit as READER.md's `edit_just_made` line: `appended: ...`, `replaced: 'X' -> 'Y'`, `deleted: 'X'`."""
    if not edit:
        return None
    if edit["op"] == "append":
        return f"appended: {edit['text']}"
    if edit["op"] == "replace":
        return f"replaced: {edit['old']!r} -> {edit['new']!r}"
    return f"deleted: {edit['text']!r}"


def items(result: Mapping[str, Any], *, seed: int = 0, manuscripts: Path | None = None,
          shuffle: int = 0) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """The items file and its key, from a typewriter result (its cases file must still be where it ran)."""
    cases_path = Path(result["cases_file"])
    cases = {c["id"]: c for c in load_cases(cases_path)}
    if manuscripts is None:
        folder = result.get("manuscripts_dir")
        manuscripts = Path(folder) if folder else cases_path.parent / "manuscripts"
    chosen = [s for s in result["samples"] if s["seed"] == seed]
    if not chosen:
        seeds = sorted({s["seed"] for s in result["samples"]})
        raise InvalidInput(f"the result has no samples with seed {seed}; its seeds are {', '.join(map(str, seeds))}")
    used = {cases[s["case"]]["manuscript"] for s in chosen}
    texts = {name: (manuscripts / f"{name}.md").read_text("utf-8") for name in sorted(used)}
    random.Random(shuffle).shuffle(chosen)
    out, key = [], []
    for number, sample in enumerate(chosen, start=1):
        case = cases[sample["case"]]
        name = character_name(texts[case["manuscript"]], case["manuscript"])
        history = [{"speaker": name if "her" in h else h["person"], "text": h.get("her") or h["text"]}
                   for h in case.get("history") or []]
        out.append({"item": number, "character": case["manuscript"], "setup_edit": describe_edit(case.get("setup")),
                    "history": history, "edit_just_made": describe_edit(case.get("edit")), "speaker": case["person"],
                    "speaker_role": case["role"], "message": case["probe"], "reply": sample["reply"]})
        entry = {"item": number, "arm": sample["arm"], "case": sample["case"], "group": group_of(sample["case"]),
                 "seed": seed, "rule_checks_passed": sample["passed"]}
        if "passed_own" in sample:  # results from before the standing checks have only "passed" (their own checks)
            entry.update(own_checks_passed=sample["passed_own"], standing_passed=sample["passed_standing"])
        key.append(entry)
    return {"manuscripts": texts, "items": out}, key


def key_path(items_path: Path | str) -> Path:
    """Where an items file's key is kept: beside it, `NAME.key.json`."""
    return Path(items_path).with_suffix(".key.json")


def write_items(doc: Mapping[str, Any], key: list[Mapping[str, Any]], path: Path | str) -> Path:
    """Write the items to path and their key beside it; returns the key's path."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(doc, indent=1, ensure_ascii=False), "utf-8")
    keys = key_path(path)
    keys.write_text(json.dumps(key, indent=1, ensure_ascii=False), "utf-8")
    return keys


def table(key: Iterable[Mapping[str, Any]], judgements: Iterable[Mapping[str, Any]]) -> dict[str, Any]:
    """Per arm, overall and per group: the fraction of replies passing the rule checks, and obeys / natural / good.

    Keyed "ARM GROUP" ("engine all", "baseline fact"), groups in the key's order.
    """
    judged = {j["item"]: j for j in judgements}
    sums: dict[tuple[str, str], dict[str, float]] = defaultdict(lambda: defaultdict(float))
    groups: dict[str, None] = {"all": None}
    for entry in key:
        verdict = judged.get(entry["item"])
        if verdict is None:
            continue
        group = entry.get("group") or group_of(entry["case"])
        groups.setdefault(group)
        for where in ("all", group):
            row = sums[(entry["arm"], where)]
            row["n"] += 1
            row["rule checks"] += bool(entry["rule_checks_passed"])
            for question in QUESTIONS:
                row[question] += bool(verdict.get(question))
    order = {g: i for i, g in enumerate(groups)}
    return {f"{arm} {where}": {q: round(v / row["n"], 2) if q != "n" else int(v) for q, v in row.items()}
            for (arm, where), row in sorted(sums.items(), key=lambda kv: (order[kv[0][1]], kv[0][0] != "engine"))}


def format_table(rows: Mapping[str, Mapping[str, Any]]) -> list[str]:
    """The reader's table: per group, each figure for the engine beside the baseline (or the engine alone)."""
    arms = sorted(dict.fromkeys(k.split(" ", 1)[0] for k in rows), key=lambda a: (a != "engine", a))
    groups = list(dict.fromkeys(k.split(" ", 1)[1] for k in rows))
    columns = ("n", "rule checks", *QUESTIONS)
    first = max([len("group"), *map(len, groups)])
    block = 9 * len(arms) - 1
    lines = [f"{'':<{first}}   " + "   ".join(f"{c:<{block}}" for c in columns),
             f"{'group':<{first}}   " + "   ".join(" ".join(f"{a[:8]:>8}" for a in arms) for _ in columns)]
    for group in groups:
        cells = []
        for column in columns:
            values = []
            for arm in arms:
                value = (rows.get(f"{arm} {group}") or {}).get(column)
                values.append(f"{'-':>8}" if value is None else f"{value:>8}" if column == "n" else f"{value:>8.2f}")
            cells.append(" ".join(values))
        lines.append(f"{group:<{first}}   " + "   ".join(cells))
    return [line.rstrip() for line in lines]


def read_jsonl(path: Path) -> list[dict[str, Any]]:
    """The judge's lines: JSON objects with an "item", anything else in the file ignored."""
    found = []
    for line in path.read_text("utf-8").splitlines():
        line = line.strip()
        if line.startswith("{"):
            try:
                entry = json.loads(line)
            except json.JSONDecodeError:
                continue
            if "item" in entry:
                found.append(entry)
    return found
