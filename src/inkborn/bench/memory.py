"""`inkborn bench memory`: what she recalls of a long life, on LoCoMo.

LoCoMo (Maharana et al., ACL 2024; CC BY-NC 4.0, `shared/bench/external/locomo`) holds ten long
conversations between two people over many sessions, and questions about them, each with the
turns that hold its answer (`evidence`). Each conversation is replayed into her memory through the
product path: she is the first speaker, the second is a person she talks with, and every turn is
`Character.record`ed at its session's date (a shared photo as its caption). Then:

    recall     for each question, do her recalled memories include the evidence turns?
               recall@5/10/25 by category, for each way of recalling: the engine's weights
               (remembering.MODES) and, with WordLlama installed (`pip install inkborn[bench]`),
               dense similarity alone and fused with the engine by reciprocal rank
    cost       memories made per second while replaying, and recall's latency p50/p95 at 1k,
               10k and 100k memories (conversations replayed again into one character)

Categories, as LoCoMo's own code numbers them: 1 multi-hop, 2 temporal, 3 open-domain,
4 single-hop, 5 adversarial. Anchor: the LoCoMo paper's DRAGON retriever over dialog turns,
recall@5 58.8, @10 67.5, @25 79.9.
"""

from __future__ import annotations

import json
import statistics
import tempfile
import time
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Callable, Iterator

from ..character import Character
from ..remembering import MODES, Recall
from ..studio import Studio

RRF_K = 60  # reciprocal rank fusion's constant (Cormack et al. 2009)

CATEGORIES = {1: "multi-hop", 2: "temporal", 3: "open-domain", 4: "single-hop", 5: "adversarial"}
KS = (5, 10, 25)
SCALES = (1_000, 10_000, 100_000)
ANCHOR = {"DRAGON (LoCoMo paper), recall@5/10/25": [58.8, 67.5, 79.9]}


@dataclass
class Replayed:
    """One LoCoMo conversation in her memory."""

    sample: str
    character: Character
    person: str
    dia_of_turn: dict[int, str]  # stored turn id → LoCoMo dia_id
    last: datetime  # the last session's date: "now" for the questions
    questions: list[dict[str, Any]]


def session_time(text: str) -> datetime:
    """LoCoMo's "1:56 pm on 8 May, 2023"."""
    return datetime.strptime(" ".join(text.split()), "%I:%M %p on %d %B, %Y").replace(tzinfo=timezone.utc)


def sessions(conversation: dict[str, Any]) -> Iterator[tuple[datetime, list[dict[str, Any]]]]:
    numbers = sorted(int(k.split("_")[1]) for k in conversation if k.startswith("session_") and k.count("_") == 1)
    for n in numbers:
        yield session_time(conversation[f"session_{n}_date_time"]), conversation[f"session_{n}"]


def words_of(turn: dict[str, Any]) -> str:
    """A turn's words, with the photo it shares as LoCoMo's own caption."""
    text = turn["text"].strip()
    if turn.get("blip_caption"):
        text += f" [shares a photo: {turn['blip_caption']}]"
    return text


def replay(studio: Studio, sample: dict[str, Any], slug: str | None = None) -> Replayed:
    """One conversation recorded into a new character, turn by turn, at its sessions' dates."""
    conversation = sample["conversation"]
    her, person = conversation["speaker_a"], conversation["speaker_b"]
    character = studio.create(slug or sample["sample_id"].lower(), f"# {her}\n\n{her} is talking with {person}.",
                              name=her, author="Bench")
    dia_of_turn: dict[int, str] = {}
    last = None
    for when, turns in sessions(conversation):
        for offset, turn in enumerate(turns):
            at = when.replace(second=0) if offset == 0 else datetime.fromtimestamp(when.timestamp() + offset * 30,
                                                                                   timezone.utc)
            stored = character.record(words_of(turn), as_=person, hers=turn["speaker"] == her, at=at)
            dia_of_turn[stored.id] = turn["dia_id"]
        last = when
    assert last is not None, "a conversation has sessions"
    return Replayed(sample["sample_id"], character, person, dia_of_turn, last, sample["qa"])


def dense_modes() -> list[str]:
    """The modes that need WordLlama, when it is installed."""
    try:
        import wordllama  # noqa: F401
    except ImportError:
        return []
    return ["dense", "fused"]


class Dense:
    """Dense similarity over her memories (each with what was said before it), for comparison: WordLlama's
    256-dimension static embeddings (MIT), whose weights ship inside its package and load offline."""

    def __init__(self, studio: Studio, character: Character) -> None:
        import os

        import numpy as np
        import wordllama

        self.np = np
        self.model = wordllama.WordLlama.load(cache_dir=os.path.dirname(wordllama.__file__), disable_download=True)
        memories = studio.store.memories(character.id, limit=None)
        self.turns = [m.turn_id for m in memories]
        self.vectors = self._unit(self.model.embed([f"{m.speaker}: {m.text}" for m in memories]))
        self.context = self._unit(self.model.embed([f"{_context(studio, m.id)} {m.speaker}: {m.text}"
                                                    for m in memories]))

    def _unit(self, vectors: Any) -> Any:
        vectors = self.np.asarray(vectors, dtype=self.np.float32)
        return vectors / self.np.maximum(self.np.linalg.norm(vectors, axis=1, keepdims=True), 1e-9)

    def rank(self, query: str, n: int) -> list[int]:
        similarity = self.context @ self._unit(self.model.embed([query]))[0]
        return [self.turns[i] for i in self.np.argsort(-similarity)[:n]]


def _context(studio: Studio, mid: int) -> str:
    row = studio.store._row("SELECT context FROM memories WHERE id = ?", mid)
    return row["context"] if row else ""


def ranked(replayed: Replayed, recall: Recall, mode: str, question: str, dense: Dense | None) -> list[int | None]:
    """The turns recalled for a question, best first, in this mode."""
    person = replayed.character.person(replayed.person)
    if mode in MODES or mode == "fused":
        found = recall.recall(replayed.character.id, question, {person.id}, k=100 if mode == "fused" else max(KS),
                              weights=MODES.get(mode, MODES["engine"]), now=replayed.last)
        engine = [m.turn_id for m in found]
        if mode != "fused":
            return engine
    assert dense is not None, "dense modes need WordLlama"
    near = dense.rank(question, 100)
    if mode == "dense":
        return near
    score: dict[int | None, float] = {}
    for ranking in (engine, near):
        for rank, turn in enumerate(ranking):
            score[turn] = score.get(turn, 0.0) + 1.0 / (RRF_K + rank + 1)
    return sorted(score, key=score.__getitem__, reverse=True)


def evidence_recall(replayed: Replayed, recall: Recall, mode: str, dense: Dense | None = None) -> dict[str, Any]:
    """Per question: the share of its evidence turns among the top k recalled, for each k."""
    rows, times = [], []
    for qa in replayed.questions:
        evidence = {e.strip() for e in qa.get("evidence", []) for e in e.split(";") if e.strip()}
        if not evidence:
            continue
        began = time.perf_counter()
        turns = ranked(replayed, recall, mode, qa["question"], dense)
        times.append(time.perf_counter() - began)
        dias = [replayed.dia_of_turn.get(t or -1) for t in turns]
        rows.append({"category": qa["category"],
                     **{f"at_{k}": len(evidence & set(dias[:k])) / len(evidence) for k in KS}})
    return {"rows": rows, "times": times}


def summarize(rows: list[dict[str, Any]]) -> dict[str, Any]:
    """Mean recall@k (percent) per category and overall."""
    out: dict[str, Any] = {}
    for category, label in [*CATEGORIES.items(), (0, "overall")]:
        chosen = [r for r in rows if category in (0, r["category"])]
        if chosen:
            out[label] = {"n": len(chosen), **{f"recall@{k}": round(100 * statistics.fmean(r[f"at_{k}"] for r in chosen), 1)
                                               for k in KS}}
    return out


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))] if ordered else 0.0


def run(data: Path, *, samples: list[str] | None = None, modes: tuple[str, ...] = (*MODES, *dense_modes()),
        scales: tuple[int, ...] = SCALES, database: str | None = None, say: Callable[[str], None] = print
        ) -> dict[str, Any]:
    """Replay the conversations, measure recall for each mode and the cost at each scale."""
    everything = json.loads(data.read_text())
    chosen = [s for s in everything if not samples or s["sample_id"] in samples]
    result: dict[str, Any] = {"data": str(data), "samples": [s["sample_id"] for s in chosen], "anchor": ANCHOR,
                              "categories": CATEGORIES, "modes": {}, "cost": {}}
    with tempfile.TemporaryDirectory(prefix="inkborn-bench-memory-") as home, \
            Studio(home, backend="echo", database=database, reflect=False) as studio:
        replayed, made, spent = [], 0, 0.0
        for n, sample in enumerate(chosen, 1):
            began = time.perf_counter()
            replayed.append(replay(studio, sample))
            spent += time.perf_counter() - began
            made += len(replayed[-1].dia_of_turn)
            say(f"replayed {sample['sample_id']} ({n}/{len(chosen)}): {len(replayed[-1].dia_of_turn)} turns, "
                f"{studio.store.memory_count(replayed[-1].character.id)} memories")
        result["cost"]["memories_per_s"] = round(made / spent, 1) if spent else None
        dense = {one.sample: Dense(studio, one.character) for one in replayed} if set(modes) - set(MODES) else {}
        for mode in modes:
            rows, times = [], []
            for one in replayed:
                got = evidence_recall(one, studio.recall, mode, dense.get(one.sample))
                rows += got["rows"]
                times += got["times"]
            result["modes"][mode] = {"by_category": summarize(rows), "recall_ms_p50": round(1000 * percentile(times, .5), 2),
                                     "recall_ms_p95": round(1000 * percentile(times, .95), 2)}
            overall = result["modes"][mode]["by_category"]["overall"]
            say(f"{mode:<18} recall@5 {overall['recall@5']:5.1f}  @10 {overall['recall@10']:5.1f}  "
                f"@25 {overall['recall@25']:5.1f}  (p95 {result['modes'][mode]['recall_ms_p95']} ms)")
        if scales:
            result["cost"]["recall_at_scale"] = at_scale(studio, everything, scales, say)
    return result


def at_scale(studio: Studio, everything: list[dict[str, Any]], scales: tuple[int, ...],
             say: Callable[[str], None]) -> dict[str, Any]:
    """Recall latency as one character's memories grow: the conversations replayed into her again and
    again, timed on every LoCoMo question at each scale."""
    character = studio.create("many", "# Many\n\nMany has lived a long time.", name="Many", author="Bench")
    questions = [qa["question"] for s in everything for qa in s["qa"]][:400]
    out: dict[str, Any] = {}
    turns = [(words_of(t), t["speaker"] == s["conversation"]["speaker_a"], s["conversation"]["speaker_b"])
             for s in everything for _, session in sessions(s["conversation"]) for t in session]
    count, n, began = 0, 0, time.perf_counter()
    for scale in sorted(scales):
        while count < scale:
            text, hers, person = turns[n % len(turns)]
            character.record(text, as_=person, hers=hers)
            count, n = count + 1, n + 1
        built = time.perf_counter() - began
        studio.recall.recall(character.id, "warm up", set(), k=10)  # the index is read once, as a running server has it
        times = []
        for question in questions:
            t0 = time.perf_counter()
            studio.recall.recall(character.id, question, set(), k=10)
            times.append(time.perf_counter() - t0)
        out[str(scale)] = {"memories": studio.store.memory_count(character.id),
                           "recall_ms_p50": round(1000 * percentile(times, .5), 2),
                           "recall_ms_p95": round(1000 * percentile(times, .95), 2),
                           "memories_per_s_so_far": round(count / built, 1)}
        say(f"{scale:>7} memories: recall p50 {out[str(scale)]['recall_ms_p50']} ms, "
            f"p95 {out[str(scale)]['recall_ms_p95']} ms ({out[str(scale)]['memories_per_s_so_far']} memories/s made)")
    return out
