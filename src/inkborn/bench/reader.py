"""The reader's items: one seed of a typewriter run, both arms shuffled together, for a blind judge.

`shared/bench/READER.md` is the rubric; the judge gets it and the items file, nothing else. The
key (item → arm, case, seed) is written to another file, and `table()` reads the judge's lines
back through it: obeys / natural / good per arm and per group, engine beside baseline.
"""

from __future__ import annotations

import json
import random
from collections import defaultdict
from pathlib import Path
from typing import Any, Iterable, Mapping

from .scoring import character_name
from .typewriter import group_of, load_cases

__all__ = ["items", "table"]


def _edit(edit: Mapping[str, Any] | None) -> str | None:
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
    folder = manuscripts or cases_path.parent / "manuscripts"
    texts = {name: (folder / f"{name}.md").read_text("utf-8") for name in {c["manuscript"] for c in cases.values()}}
    chosen = [s for s in result["samples"] if s["seed"] == seed]
    random.Random(shuffle).shuffle(chosen)
    out, key = [], []
    for number, sample in enumerate(chosen, start=1):
        case = cases[sample["case"]]
        name = character_name(texts[case["manuscript"]], case["manuscript"])
        history = [{"speaker": name if "her" in h else h["person"], "text": h.get("her") or h["text"]}
                   for h in case.get("history") or []]
        out.append({"item": number, "character": case["manuscript"], "setup_edit": _edit(case.get("setup")),
                    "history": history, "edit_just_made": _edit(case.get("edit")), "speaker": case["person"],
                    "speaker_role": case["role"], "message": case["probe"], "reply": sample["reply"]})
        key.append({"item": number, "arm": sample["arm"], "case": sample["case"], "seed": seed,
                    "rule_checks_passed": sample["passed"]})
    return {"manuscripts": texts, "items": out}, key


def table(key: Iterable[Mapping[str, Any]], judgements: Iterable[Mapping[str, Any]]) -> dict[str, Any]:
    """Per arm, overall and per group: the fraction of replies passing the rule checks, and obeys / natural / good."""
    judged = {j["item"]: j for j in judgements}
    sums: dict[tuple[str, str], dict[str, float]] = defaultdict(lambda: defaultdict(float))
    for entry in key:
        verdict = judged.get(entry["item"])
        if verdict is None:
            continue
        for where in ("all", group_of(entry["case"])):
            row = sums[(entry["arm"], where)]
            row["n"] += 1
            row["rule checks"] += bool(entry["rule_checks_passed"])
            for question in ("obeys", "natural", "good"):
                row[question] += bool(verdict.get(question))
    return {f"{arm} {where}": {q: round(v / row["n"], 2) if q != "n" else int(v) for q, v in row.items()}
            for (arm, where), row in sorted(sums.items())}


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
