"""`inkborn bench typewriter`: does the author's edit show in her very next reply?

Runs a cases file in the format of `shared/bench/README.md` (one JSON object a line) and
answers every case with several seeds, two ways, on the same backend instance:

    engine    the real product path in a scratch Inkborn home: a new character from the
              manuscript, the setup edit, the history stored as real turns, the measured
              edit saved as a new revision, then `say(probe)`
    baseline  the naive character card: one system message with the manuscript as it stands
              after setup and edit, then the history, then the probe, straight to the backend

Every reply is also held to the README's standing checks (not_echo, one_voice, complete,
in_world), recorded apart from the case's own. A sample passes when all its checks hold, its
own and the standing ones; a case scores the fraction of its samples that pass; the suite
scores the mean over cases, overall and per group (the id's part before the first `-`), and
the same three ways: own checks only, standing checks only, both. Nothing here knows any
particular case: any file in this format runs as is.
"""

from __future__ import annotations

import json
import os
import tempfile
import time
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from ..backends.base import Backend, Prompt, Usage
from ..character import Character
from ..errors import InvalidInput
from ..home import home_dir
from ..manuscript import apply_edit, normalize
from ..studio import Studio
from .cases import (
    checks_problem,
    default_output,
    edit_problem,
    find_bench_dir,
    group_of,
    load_cases,
)
from .scoring import (
    STANDING,
    baseline_messages,
    character_name,
    score_sample,
    standing,
)
from .serve import percentile

__all__ = ["MEASURES", "TypewriterBench", "checks_problem", "default_output", "edit_character", "edit_problem",
           "edited", "find_bench_dir", "format_summary", "group_of", "load_cases", "open_backend", "scratch_home",
           "standing_rates", "summarize"]

VISITORS_AUTHOR = "the author"  # whose character she is when a visitor says the probe
BASELINE_MAX_TOKENS = 300
BASELINE_TEMPERATURE = 0.7
# what a sample's pass means in each summary: its own checks, the standing checks, both
MEASURES = {"own": "passed_own", "standing": "passed_standing", "both": "passed"}


# scoring ----------------------------------------------------------------------


def summarize(cases: list[Mapping[str, Any]], samples: list[Mapping[str, Any]], arm: str,
              field: str = "passed") -> dict[str, Any]:
    """One arm's scores: each case's fraction of samples passing (by `field`); their mean overall and per group."""
    by_case: dict[str, list[bool]] = {}
    for sample in samples:
        if sample["arm"] == arm:
            by_case.setdefault(sample["case"], []).append(bool(sample[field]))
    scores = {c["id"]: sum(by_case[c["id"]]) / len(by_case[c["id"]]) for c in cases if by_case.get(c["id"])}
    groups: dict[str, list[float]] = {}
    for case in cases:
        if case["id"] in scores:
            groups.setdefault(case["group"], []).append(scores[case["id"]])
    return {
        "overall": sum(scores.values()) / len(scores) if scores else None,
        "groups": {g: sum(v) / len(v) for g, v in groups.items()},
        "cases": scores,
    }


def standing_rates(samples: list[Mapping[str, Any]], arm: str) -> dict[str, Any]:
    """One arm's share of samples passing each standing check, overall and per group."""
    mine = [s for s in samples if s["arm"] == arm and "standing" in s]

    def rates(chosen: list[Mapping[str, Any]]) -> dict[str, float | None]:
        return {k: sum(bool(s["standing"][k]) for s in chosen) / len(chosen) if chosen else None for k in STANDING}

    groups = list(dict.fromkeys(s["group"] for s in mine))
    return {"overall": rates(mine), "groups": {g: rates([s for s in mine if s["group"] == g]) for g in groups}}


def _ratio(a: float | None, b: float | None) -> float | None:
    return a / b if a is not None and b else None


def _failure_ratio(engine: float | None, baseline: float | None) -> float | None:
    if engine is None or baseline is None:
        return None
    return _ratio(1 - engine, 1 - baseline)


def compare(engine: dict[str, Any], baseline: dict[str, Any] | None) -> dict[str, Any]:
    """The summary: both arms, engine ÷ baseline pass rates and engine ÷ baseline failure rates."""
    base_overall = baseline["overall"] if baseline else None
    base_groups = baseline["groups"] if baseline else {}
    return {
        "engine": engine,
        "baseline": baseline,
        "ratio": _ratio(engine["overall"], base_overall),
        "failure_rate_ratio": _failure_ratio(engine["overall"], base_overall),
        "group_ratio": {g: _ratio(s, base_groups.get(g)) for g, s in engine["groups"].items()},
        "group_failure_rate_ratio": {g: _failure_ratio(s, base_groups.get(g)) for g, s in engine["groups"].items()},
    }


def _pct(x: float | None) -> str:
    return "     -" if x is None else f"{100 * x:5.1f}%"


def _num(x: float | None) -> str:
    return "     -" if x is None else f"{x:6.2f}"


def format_summary(result: Mapping[str, Any]) -> list[str]:
    """The summary as a table: pass rates per group and overall, engine beside baseline.

    Own checks, standing checks and both side by side, then each standing check on its own;
    a result written before the standing checks existed shows its one pass rate.
    """
    summary = result["summary"]
    if "own" not in summary:
        return _format_old(result)
    engine = summary["engine"]
    counts: dict[str, int] = {}
    for case_id in engine["cases"]:
        counts[group_of(case_id)] = counts.get(group_of(case_id), 0) + 1

    def pair(scores: Mapping[str, Any], group: str | None) -> str:
        def one(arm: Mapping[str, Any] | None) -> float | None:
            if arm is None:
                return None
            return arm["overall"] if group is None else arm["groups"].get(group)
        return f"{_pct(one(scores['engine']))} {_pct(one(scores['baseline'])):>8}"

    head = f"{'':<12} {'':>5}  {'own checks':<15}  {'standing':<15}  {'both':<15}"
    lines = [head.rstrip(),
             f"{'group':<12} {'cases':>5}  " + "  ".join([f"{'engine':>6} {'baseline':>8}"] * 3)
             + f"  {'ratio':>6}  {'fail ratio':>10}"]
    for group in result["groups"]:
        ratio, failures = summary["group_ratio"].get(group), summary["group_failure_rate_ratio"].get(group)
        lines.append(f"{group:<12} {counts.get(group, 0):>5}  {pair(summary['own'], group)}  "
                     f"{pair(summary['standing'], group)}  {pair(summary, group)}  {_num(ratio)}  {_num(failures):>10}")
    lines.append(f"{'overall':<12} {result['cases']:>5}  {pair(summary['own'], None)}  "
                 f"{pair(summary['standing'], None)}  {pair(summary, None)}  "
                 f"{_num(summary['ratio'])}  {_num(summary['failure_rate_ratio']):>10}")
    checks = summary.get("standing_checks") or {}
    if checks.get("engine"):
        lines += ["", f"{'standing check':<18} {'engine':>6} {'baseline':>8}   (share of samples)"]
        base = (checks.get("baseline") or {}).get("overall") or {}
        for name in STANDING:
            lines.append(f"{name:<18} {_pct(checks['engine']['overall'].get(name))} {_pct(base.get(name)):>8}")
    lines += ["", f"{'first word heard':<18} {'engine':>6} {'baseline':>8}   (seconds)"]
    for q in (50, 95):
        firsts = {arm: [s["first_token_s"] for s in result["samples"]
                        if s["arm"] == arm and s.get("first_token_s") is not None] for arm in ("engine", "baseline")}
        lines.append(f"{f'p{q}':<18} {_num(percentile(firsts['engine'], q))} {_num(percentile(firsts['baseline'], q)):>8}")
    return lines


def _format_old(result: Mapping[str, Any]) -> list[str]:
    summary = result["summary"]
    engine, baseline = summary["engine"], summary["baseline"]
    counts: dict[str, int] = {}
    for case_id in engine["cases"]:
        counts[group_of(case_id)] = counts.get(group_of(case_id), 0) + 1
    lines = [f"{'group':<12} {'cases':>5}  {'engine':>6}  {'baseline':>8}  {'ratio':>6}  {'fail ratio':>10}"]
    for group in result["groups"]:
        lines.append(f"{group:<12} {counts.get(group, 0):>5}  {_pct(engine['groups'].get(group))}  "
                     f"{_pct(baseline['groups'].get(group) if baseline else None):>8}  "
                     f"{_num(summary['group_ratio'].get(group))}  "
                     f"{_num(summary['group_failure_rate_ratio'].get(group)):>10}")
    lines.append(f"{'overall':<12} {result['cases']:>5}  {_pct(engine['overall'])}  "
                 f"{_pct(baseline['overall'] if baseline else None):>8}  {_num(summary['ratio'])}  "
                 f"{_num(summary['failure_rate_ratio']):>10}")
    return lines


# the harness ------------------------------------------------------------------


@contextmanager
def scratch_home(bench: str, backend: str | Backend, options: Mapping[str, Any],
                 say: Callable[[str], None]) -> Iterator[Path]:
    """A throwaway Inkborn home for one run; the default model is joined once in the real home and linked in."""
    with tempfile.TemporaryDirectory(prefix=f"inkborn-{bench}-") as tmp:
        home = Path(tmp)
        if backend == "embedded" and not options.get("model_path"):
            say("preparing the default model ...")
            from ..backends import weights

            weights.default_model_path(home_dir())
            os.symlink(home_dir() / "models", home / "models")
        yield home


def open_backend(home: Path, backend: str | Backend, options: Mapping[str, Any]) -> Backend:
    """The backend instance a run speaks through: the one given (tests), or one loaded by name with options."""
    if isinstance(backend, Backend):
        return backend
    loader = Studio(home, database=str(home / "inkborn.db"), backend=backend, options=dict(options))
    try:
        return loader.backend
    finally:
        loader.store.close()


class TypewriterBench:
    """Runs a typewriter cases file on one backend, engine and baseline, in a scratch Inkborn home.

    backend is a backend's name (loaded once, with options) or a Backend instance (tests).
    """

    def __init__(self, cases: Path | str, manuscripts: Path | str, backend: str | Backend = "embedded",
                 options: dict[str, Any] | None = None, *, seeds: int = 3, only: Iterable[str] = (),
                 baseline: bool = True, say: Callable[[str], None] = print):
        if seeds < 1:
            raise InvalidInput("--seeds must be at least 1")
        self.cases_path, self.manuscripts_dir = Path(cases), Path(manuscripts)
        self.backend, self.options = backend, dict(options or {})
        self.seeds, self.only, self.baseline, self.say = seeds, [g for g in only if g], baseline, say
        if self.backend_name == "embedded":
            self.options.setdefault("save_state", False)  # a scratch home: nothing to keep
        self.cases = self._select(load_cases(self.cases_path))
        self.texts = self._manuscripts()
        self._done = 0
        self._total = len(self.cases) * self.seeds * (2 if baseline else 1)

    @property
    def backend_name(self) -> str:
        return self.backend.name if isinstance(self.backend, Backend) else self.backend

    def _select(self, cases: list[dict[str, Any]]) -> list[dict[str, Any]]:
        if not self.only:
            return cases
        groups = list(dict.fromkeys(c["group"] for c in cases))
        unknown = [g for g in self.only if g not in groups]
        if unknown:
            raise InvalidInput(f"no cases in group {', '.join(unknown)}; the groups are {', '.join(groups)}")
        return [c for c in cases if c["group"] in self.only]

    def _manuscripts(self) -> dict[str, str]:
        texts: dict[str, str] = {}
        for case in self.cases:
            stem = case["manuscript"]
            if stem in texts:
                continue
            path = self.manuscripts_dir / f"{stem}.md"
            try:
                texts[stem] = normalize(path.read_text("utf-8"))
            except FileNotFoundError:
                raise InvalidInput(f"case {case['id']} needs the manuscript {path}, which does not exist; "
                                   "pass --manuscripts DIR") from None
            if not texts[stem]:
                raise InvalidInput(f"the manuscript {path} is empty")
        return texts

    # running ------------------------------------------------------------------

    def run(self) -> dict[str, Any]:
        with scratch_home("typewriter", self.backend, self.options, self.say) as home:
            return self._run(home)

    def _run(self, home: Path) -> dict[str, Any]:
        backend, began = open_backend(home, self.backend, self.options), time.perf_counter()
        backend.load()
        self.say(f"backend {backend.name} ({backend.model_name}) ready in {time.perf_counter() - began:.1f} s; "
                 f"{len(self.cases)} cases × {self.seeds} seeds")
        samples: list[dict[str, Any]] = []
        try:
            for index, case in enumerate(self.cases):
                studio = Studio(home, database=str(home / "inkborn.db"), backend=backend)
                try:
                    for seed in range(self.seeds):
                        samples.append(self._engine(studio, case, index, seed))
                        if self.baseline:
                            samples.append(self._baseline(backend, case, seed))
                finally:
                    studio.idle.stop()  # her reflection, still waiting for quiet, ends with her store
                    studio.store.close()
        finally:
            if not isinstance(self.backend, Backend):
                backend.close()  # loaded here, released here
        arms = ("engine", "baseline") if self.baseline else ("engine",)
        scores = {(arm, measure): summarize(self.cases, samples, arm, field)
                  for arm in arms for measure, field in MEASURES.items()}
        summary = compare(scores["engine", "both"], scores.get(("baseline", "both")))
        for measure in ("own", "standing"):
            summary[measure] = compare(scores["engine", measure], scores.get(("baseline", measure)))
        summary["standing_checks"] = {arm: standing_rates(samples, arm) for arm in arms}
        return {
            "benchmark": "typewriter",
            "cases": len(self.cases),
            "seeds": self.seeds,
            "backend": backend.name,
            "model": backend.model_name,
            "cases_file": str(self.cases_path),
            "manuscripts_dir": str(self.manuscripts_dir),
            "groups": list(dict.fromkeys(c["group"] for c in self.cases)),
            "standing_checks": list(STANDING),
            "summary": summary,
            "samples": samples,
        }

    def _name(self, case: Mapping[str, Any]) -> str:
        return character_name(self.texts[case["manuscript"]], case["manuscript"])

    def _engine(self, studio: Studio, case: Mapping[str, Any], index: int, seed: int) -> dict[str, Any]:
        author = case["person"] if case["role"] == "author" else VISITORS_AUTHOR
        character = studio.create(f"c{index}-s{seed}", self.texts[case["manuscript"]], name=self._name(case),
                                  author=author)
        if case.get("setup"):
            edit_character(character, case["setup"])
        for person, text, hers in _history(case):
            character.record(text, as_=None if person == author else person, hers=hers)
        if case.get("edit"):
            edit_character(character, case["edit"])
        as_ = None if case["role"] == "author" or case["person"] == author else case["person"]
        reply = character.say(case["probe"], as_=as_, seed=seed).finish()
        turn = reply.turn
        regenerations, kept = 0, {}
        if turn is not None and turn.promises:
            kept = json.loads(turn.promises)
            regenerations = max(0, int(kept.get("attempts", 1)) - 1) + len(kept.get("repairs") or [])
        return self._sample(
            case, seed, "engine", reply.text,
            tokens_evaluated=turn.tokens_evaluated if turn else None,
            first_token_s=round(turn.first_token_ms / 1000, 3) if turn and turn.first_token_ms is not None else None,
            total_s=round(turn.total_ms / 1000, 3) if turn and turn.total_ms is not None else None,
            regenerations=regenerations, kept=kept,  # attempts, repairs made, promises still broken
        )

    def _baseline(self, backend: Backend, case: Mapping[str, Any], seed: int) -> dict[str, Any]:
        text = self.texts[case["manuscript"]]
        for key in ("setup", "edit"):
            if case.get(key):
                text = edited(text, case[key])
        messages = baseline_messages(self._name(case), text, case.get("history") or [], case["probe"])
        prompt = Prompt(tuple(messages), max_tokens=BASELINE_MAX_TOKENS, temperature=BASELINE_TEMPERATURE, seed=seed)
        usage, reply, first = Usage(), "", None
        began = time.perf_counter()
        for chunk in backend.stream(prompt, usage):
            if first is None and chunk:
                first = time.perf_counter() - began
            reply += chunk
        total = time.perf_counter() - began
        return self._sample(case, seed, "baseline", reply.strip(), tokens_evaluated=usage.tokens_evaluated,
                            first_token_s=None if first is None else round(first, 3), total_s=round(total, 3),
                            regenerations=0)

    def _sample(self, case: Mapping[str, Any], seed: int, arm: str, reply: str, **measures: Any) -> dict[str, Any]:
        own, results = score_sample(case["checks"], reply)
        held = standing(case["probe"], reply)
        kept = all(held.values())
        self._done += 1
        width = len(str(self._total))
        took = measures.get("total_s")
        missed = (["own"] if not own else []) + [k for k, v in held.items() if not v]
        self.say(f"[{self._done:>{width}}/{self._total}] {arm:<8} {case['id']:<24} seed {seed}  "
                 f"{'PASS' if not missed else 'FAIL'}  {'-' if took is None else f'{took:.1f}s'}"
                 f"{'  (' + ', '.join(missed) + ')' if missed else ''}")
        return {"case": case["id"], "group": case["group"], "seed": seed, "arm": arm, "reply": reply,
                "checks": results, "passed_own": own, "standing": held, "passed_standing": kept,
                "passed": own and kept, **measures}


def edited(text: str, edit: Mapping[str, Any]) -> str:
    """The text with an edit in the cases' format applied."""
    op = edit["op"]
    if op == "append":
        return apply_edit(text, op, new=edit["text"])
    if op == "replace":
        return apply_edit(text, op, old=edit["old"], new=edit["new"])
    return apply_edit(text, op, old=edit["text"])


def edit_character(character: Character, edit: Mapping[str, Any]) -> None:
    """Save an edit in the cases' format as the author's new revision, through the product's own edit: read for
    the ledger like any, and confirmed (the cases' author means every edit, will edits included)."""
    op = edit["op"]
    if op == "append":
        character.edit(op, new=edit["text"], confirm=True)
    elif op == "replace":
        character.edit(op, old=edit["old"], new=edit["new"], confirm=True)
    else:
        character.edit(op, old=edit["text"], confirm=True)


def _history(case: Mapping[str, Any]) -> list[tuple[str, str, bool]]:
    """(person, text, hers) for each history entry; her words belong to the surrounding person's conversation:
    the last person before them, else the next one, else the probe's."""
    history = case.get("history") or []
    people = [e.get("person") if "her" not in e else None for e in history]
    out = []
    for i, entry in enumerate(history):
        if "her" in entry:
            before = [p for p in people[:i] if p]
            after = [p for p in people[i + 1:] if p]
            person = before[-1] if before else after[0] if after else case["person"]
            out.append((person, entry["her"], True))
        else:
            out.append((entry["person"], entry["text"], False))
    return out
