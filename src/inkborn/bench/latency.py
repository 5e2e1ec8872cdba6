"""`inkborn bench latency`: how long she takes to begin a reply, steady and after an edit.

Every measure is a real reply through the product path (Studio → Character → stage →
backend) on a long sample manuscript. After each edit three ways are timed:

    engine   what Inkborn does: the cheaper of re-reading the manuscript as it now
             stands and extending the cached context with the fresh edit stated late
    reread   the current manuscript always in place, with the model's prefix cache
    cold     no cache at all: everything evaluated from the first token
"""

from __future__ import annotations

import os
import tempfile
import time
from dataclasses import dataclass, field
from importlib.resources import files
from pathlib import Path
from typing import Any, Callable

from ..character import BASE_CANDIDATES, Character
from ..home import home_dir
from ..studio import Studio

EDITS = {
    "end": "Tomas keeps a spare key to the boathouse under a blue flowerpot.",
    "middle": "Tomas once fixed a ferry's engine in a snowstorm with a borrowed wrench.",
    "start": "Tomas is left-handed, and he writes everything in pencil.",
}
PROBES = ["Evening, Tomas. How are you keeping?", "What did you have for supper?", "Anything new with you?",
          "What's the lake like today?", "Tell me something I don't know about you.", "How's the house holding up?"]


@dataclass
class Measure:
    what: str
    first_token_s: float  # the model's first token
    heard_s: float  # her first words heard, after her opening is checked
    tokens_evaluated: int
    total_s: float
    words: int
    extra: dict[str, Any] = field(default_factory=dict)


def _insert(text: str, where: str, sentence: str) -> str:
    if where == "end":
        return text.rstrip() + " " + sentence + "\n"
    paragraphs = text.split("\n\n")
    index = 1 if where == "start" else len(paragraphs) // 2
    paragraphs[index] = sentence + " " + paragraphs[index]
    return "\n\n".join(paragraphs)


class LatencyBench:
    """Runs the latency measures on one backend in a scratch Inkborn home."""

    def __init__(self, backend: str = "embedded", options: dict[str, Any] | None = None,
                 say: Callable[[str], None] = print, seed: int = 7):
        self.backend, self.options, self.say, self.seed = backend, dict(options or {}), say, seed
        self.measures: list[Measure] = []
        self._probe = 0

    def _reply(self, character: Character, what: str, **extra: Any) -> Measure:
        probe = PROBES[self._probe % len(PROBES)]
        self._probe += 1
        began = time.perf_counter()
        reply = character.say(probe, seed=self.seed).finish()
        total = time.perf_counter() - began
        turn = character.turns(limit=1)[0]
        measure = Measure(what, (turn.model_first_token_ms or 0) / 1000, (turn.first_token_ms or 0) / 1000,
                          turn.tokens_evaluated or 0, round(total, 3), len(reply.text.split()), extra)
        self.measures.append(measure)
        self.say(f"  {what:<36} first token {measure.first_token_s:6.2f} s  heard {measure.heard_s:6.2f} s  "
                 f"evaluated {measure.tokens_evaluated:5d} tokens   ({measure.words} words in {total:.1f} s)")
        return measure

    def run(self) -> dict[str, Any]:
        text = files("inkborn").joinpath("samples/tomas.md").read_text("utf-8")
        with tempfile.TemporaryDirectory(prefix="inkborn-bench-") as tmp:
            home = Path(tmp)
            if self.backend == "embedded" and "model_path" not in self.options:
                self.say("preparing the default model ...")
                from ..backends import weights

                weights.default_model_path(home_dir())  # joined once, in the real home
                os.symlink(home_dir() / "models", home / "models")
            return self._run(home, text)

    def _run(self, home: Path, text: str) -> dict[str, Any]:
        studio = Studio(home, database=str(home / "inkborn.db"), backend=self.backend, options=self.options)
        began = time.perf_counter()
        studio.backend.load()
        load_s = time.perf_counter() - began
        self.say(f"  {'model load':<34} {load_s:6.2f} s")
        tomas = studio.create("tomas", text, author="Ada")
        tokens = studio.backend.count_tokens(text)
        self.say(f"manuscript: {tokens} tokens")
        cold = self._reply(tomas, "cold: first reply")
        rate = cold.tokens_evaluated / cold.first_token_s if cold.first_token_s else 0.0
        steady = [self._reply(tomas, f"steady turn {i + 1}") for i in range(3)]
        after: dict[str, dict[str, Any]] = {}
        for where, sentence in EDITS.items():
            after[where] = {}
            for mode in ("engine", "reread", "cold"):
                tomas.write(_insert(tomas.manuscript, where, sentence), confirm=True)  # read for the ledger, as any
                tomas.base_candidates = BASE_CANDIDATES if mode == "engine" else 1
                if mode == "cold":
                    studio.backend.forget()
                changed = studio.backend.count_tokens(sentence)
                m = self._reply(tomas, f"after an edit at the {where}: {mode}", changed_tokens=changed)
                after[where][mode] = m.__dict__
                tomas.base_candidates = BASE_CANDIDATES
                tomas.settle()  # fold the edit in, as the idle talk loop does, before the next measure
            after[where]["goal_s"] = round(after[where]["engine"]["extra"]["changed_tokens"] / rate + 0.3, 3) if rate else None
        restart = self._restart(studio, home)
        steady_ttft = sorted(m.first_token_s for m in steady)[len(steady) // 2]
        steady_heard = sorted(m.heard_s for m in steady)[len(steady) // 2]
        result = {
            "backend": studio.backend_name,
            "model": studio.backend.model_name,
            "manuscript_tokens": tokens,
            "model_load_s": round(load_s, 3),
            "cold": cold.__dict__,
            "prompt_eval_tokens_per_s": round(rate, 1),
            "steady": [m.__dict__ for m in steady],
            "steady_first_token_s_median": steady_ttft,
            "steady_heard_s_median": steady_heard,
            "after_edit": after,
            "restart": restart,
            "goals": {
                "steady_first_token_s<=0.5": steady_ttft <= 0.5,
                "steady_heard_s<=0.5": steady_heard <= 0.5,
                **{f"edit_{w}_engine<=changed/rate+0.3": (a["engine"]["first_token_s"] <= a["goal_s"]) if a["goal_s"] else None
                   for w, a in after.items()},
            },
        }
        return result

    def _restart(self, studio: Studio, home: Path) -> dict[str, Any]:
        """Close the studio (saving her evaluated context), open a new one, and time its first reply."""
        began = time.perf_counter()
        studio.close()
        save_s = time.perf_counter() - began
        again = Studio(home, database=str(home / "inkborn.db"), backend=self.backend, options=self.options)
        began = time.perf_counter()
        again.backend.load()
        load_s = time.perf_counter() - began
        m = self._reply(again.character("tomas"), "after a restart (saved context)")
        again.close()
        return {"close_and_save_s": round(save_s, 3), "model_load_s": round(load_s, 3), "first_reply": m.__dict__}
