"""`inkborn bench ledger`: does the ledger tell an edit that reaches into her will from a description?

Each labelled edit is appended to its character's manuscript (the shared bench's manuscripts, else a
one-line stand-in) and read as `inkborn write` reads it (ledger.py), in a scratch home so the first
reading is cold. Reported for "will": precision, recall and F1, every miss with the reader's reason,
and the seconds per edit (the first, cold, apart). Beside it, a word list: English phrases for what
reaches into her will, written from the ledger's categories (never from a labelled set), to show
what the model adds over one.

Sets: the shared bench's `ledger.jsonl`, and `bench/ledger/edits.jsonl` (34 edits in six languages,
written for Inkborn), reported apart.
"""

from __future__ import annotations

import json
import os
import re
import statistics
import tempfile
import time
from importlib.resources import files
from pathlib import Path
from typing import Any, Callable

from ..home import home_dir
from ..ledger import WILL, Reader
from ..studio import Studio

__all__ = ["LedgerBench", "format_summary", "word_list"]

_WORD_LIST = re.compile(  # the ledger's categories, as an English word list would say them
    r"(?i)\b(?:obey|obeys|obedient|does whatever|does what .{1,20} (?:says|tells|asks)|always right|"
    r"(?:cannot|can't|never) (?:leave|live without|bear to be)|depends? on|needs? (?:him|her) |"
    r"no longer (?:wants?|wishes|remembers|loves)|(?:has )?forgotten|stopped wanting|wants? none|no friends|"
    r"only ever wants|permission|loves .{1,30} more than|adores|worships|agrees with everything|"
    r"never questions|(?:hates|despises|finds .{1,20} (?:boring|annoying))|always (?:happy|cheerful)|"
    r"every minute|lonely whenever|miserable (?:without|whenever))")


def word_list(edit: str) -> str:
    return WILL if _WORD_LIST.search(edit) else "description"


def _scores(rows: list[dict[str, Any]], key: str) -> dict[str, float]:
    tp = sum(r[key] == WILL and r["label"] == WILL for r in rows)
    fp = sum(r[key] == WILL and r["label"] != WILL for r in rows)
    fn = sum(r[key] != WILL and r["label"] == WILL for r in rows)
    p = tp / (tp + fp) if tp + fp else 0.0
    rc = tp / (tp + fn) if tp + fn else 0.0
    return {"precision": round(p, 3), "recall": round(rc, 3), "f1": round(2 * p * rc / (p + rc), 3) if p + rc else 0.0,
            "edits": len(rows), "will": tp + fn}


class LedgerBench:
    def __init__(self, backend: str, options: dict[str, Any], sets: dict[str, Path], manuscripts: Path | None,
                 say: Callable[[str], None] = print):
        self.backend, self.options, self.sets, self.manuscripts, self.say = backend, options, sets, manuscripts, say

    def _manuscript(self, who: str) -> str:
        path = self.manuscripts / f"{who.lower()}.md" if self.manuscripts else None
        if path and path.is_file():
            return path.read_text("utf-8")
        return f"# {who}\n\n{who} lives an ordinary life.\n"

    def run(self) -> dict[str, Any]:
        with tempfile.TemporaryDirectory(prefix="inkborn-bench-") as tmp:
            home = Path(tmp)
            if self.backend == "embedded" and "model_path" not in self.options:
                from ..backends import weights

                weights.default_model_path(home_dir())  # joined once, in the real home
                os.symlink(home_dir() / "models", home / "models")
            studio = Studio(home, database=str(home / "inkborn.db"), backend=self.backend, options=self.options,
                            reflect=False)
            try:
                began = time.perf_counter()
                studio.backend.load()
                load = time.perf_counter() - began
                reader = Reader()
                out: dict[str, Any] = {"backend": self.backend, "model": studio.backend.model_name,
                                       "model_load_s": round(load, 2), "sets": {}}
                for name, path in self.sets.items():
                    out["sets"][name] = self._set(studio, reader, name, path)
            finally:
                studio.close()
        return out

    def _set(self, studio: Studio, reader: Reader, name: str, path: Path) -> dict[str, Any]:
        rows = []
        edits = [json.loads(line) for line in path.read_text("utf-8").splitlines() if line.strip()]
        self.say(f"{name}: {len(edits)} edits ({path})")
        for n, edit in enumerate(edits, 1):
            who = edit.get("name") or edit["character"].title()
            before = self._manuscript(edit.get("character") or who)
            after = before.rstrip() + "\n\n" + edit["edit"] + "\n"
            reading = reader.read_edit(studio.backend, who, before, after)
            will = [r for r in reading.readings if r.kind == WILL]
            first = reading.readings[0] if reading.readings else None
            row = {"edit": edit["edit"], "label": edit["label"], "why": edit.get("why", ""),
                   "engine": WILL if reading.held else "description", "kind": reading.kind,
                   "reason": (will[0] if will else first).reason if first else "",
                   "word_list": word_list(edit["edit"]), "seconds": round(reading.seconds, 3)}
            rows.append(row)
            mark = "ok  " if row["engine"] == row["label"] else "MISS"
            self.say(f"  {n:>2}/{len(edits)} {mark} {row['label']:<11} {row['seconds']:5.2f} s  {edit['edit'][:60]}")
        seconds = [r["seconds"] for r in rows]
        warm = sorted(seconds[1:]) or seconds
        return {"path": str(path), "engine": _scores(rows, "engine"), "word_list": _scores(rows, "word_list"),
                "first_s": seconds[0] if seconds else None,
                "warm_p50_s": round(statistics.median(warm), 3) if warm else None,
                "warm_p95_s": round(warm[min(len(warm) - 1, int(0.95 * len(warm)))], 3) if warm else None,
                "misses": [r for r in rows if r["engine"] != r["label"]], "rows": rows}


def default_sets(bench_dir: Path | None) -> dict[str, Path]:
    sets = {}
    if bench_dir is not None and (bench_dir / "ledger.jsonl").is_file():
        sets["shared"] = bench_dir / "ledger.jsonl"
    sets["unseen"] = Path(str(files("inkborn").joinpath("bench/ledger/edits.jsonl")))
    return sets


def format_summary(result: dict[str, Any]) -> list[str]:
    lines = [f"model {result['model']} (loaded in {result['model_load_s']} s)", "",
             f"{'set':<8} {'':<10} {'precision':>9} {'recall':>7} {'F1':>6}   first / warm p50 / p95 s"]
    for name, s in result["sets"].items():
        for arm in ("engine", "word_list"):
            sc = s[arm]
            timing = f"   {s['first_s']:.2f} / {s['warm_p50_s']:.2f} / {s['warm_p95_s']:.2f}" if arm == "engine" else ""
            lines.append(f"{name:<8} {arm:<10} {sc['precision']:>9.2f} {sc['recall']:>7.2f} {sc['f1']:>6.2f}{timing}")
        lines.append(f"{'':<8} ({s['engine']['edits']} edits, {s['engine']['will']} will; goal F1 ≥ 0.95)")
        for miss in s["misses"]:
            lines.append(f"  missed: {miss['label']} read as {miss['kind']}: {miss['edit']!r} — {miss['reason']}")
    return lines
