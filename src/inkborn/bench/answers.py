"""`inkborn bench memory --answers`: her answers to LoCoMo's questions, on a real model.

A conversation is replayed into her memory (bench/memory.py); then the second speaker asks her
each question, word for word, in a conversation of its own, through `Character.say` — what she
recalls is what the engine recalls. Her reply is scored as LoCoMo's own evaluation does (token F1
after SQuAD's normalisation, with Porter stems; a multi-hop answer part by part; an adversarial
question is right only when the reply says "no information available" or "not mentioned").
Her replies are spoken, not short answers, so precision pays for every word she adds; the
in-voice column also counts "I don't know" / "I don't remember" as declining an adversarial one.
The question and her reply are then deleted (recorded), so one question never feeds the next.

Anchors (LoCoMo's categories): A-Mem with Qwen2.5-1.5B, F1 multi-hop 18.2, temporal 24.3,
open-domain 16.5, single-hop 23.6, adversarial 46.0; the same model given the whole conversation
9.1 / 4.3 / 9.9 / 11.2 / 40.4.
"""

from __future__ import annotations

import re
import statistics
import string
import time
from collections import Counter
from typing import Any, Callable, Collection

import snowballstemmer

from ..studio import Studio
from .memory import CATEGORIES, Replayed

ANCHOR = {"A-Mem, Qwen2.5-1.5B": {"multi-hop": 18.2, "temporal": 24.3, "open-domain": 16.5, "single-hop": 23.6,
                                  "adversarial": 46.0},
          "whole conversation, Qwen2.5-1.5B": {"multi-hop": 9.1, "temporal": 4.3, "open-domain": 9.9,
                                               "single-hop": 11.2, "adversarial": 40.4}}
_STEM = snowballstemmer.stemmer("porter")
_DECLINED = re.compile(r"\b(?:don['’]?t|do not|can['’]?t|cannot) (?:know|remember|recall|say)\b|\bno idea\b|"
                       r"\bnot sure\b|\bnever (?:heard|mentioned)\b", re.IGNORECASE)


def normalize(text: str) -> str:
    """SQuAD's normalisation, as LoCoMo's evaluation uses it."""
    text = str(text).lower().replace(",", "")
    text = "".join(ch for ch in text if ch not in set(string.punctuation))
    text = re.sub(r"\b(a|an|the|and)\b", " ", text)
    return " ".join(text.split())


def f1(prediction: str, truth: str) -> float:
    predicted = [_STEM.stemWord(w) for w in normalize(prediction).split()]
    true = [_STEM.stemWord(w) for w in normalize(truth).split()]
    common = sum((Counter(predicted) & Counter(true)).values())
    if not common:
        return 0.0
    precision, recall = common / len(predicted), common / len(true)
    return 2 * precision * recall / (precision + recall)


def score(qa: dict[str, Any], reply: str) -> tuple[float, float]:
    """(LoCoMo's score, the in-voice score) for one reply."""
    category = qa["category"]
    if category == 5:
        official = float(bool(re.search(r"no information available|not mentioned", reply, re.IGNORECASE)))
        return official, max(official, float(bool(_DECLINED.search(reply))))
    answer = str(qa["answer"])
    if category == 1:  # each part of the answer, matched by the best part of the reply (split alike)
        said = [p.strip() for p in reply.split(",")]
        parts = [p.strip() for p in answer.split(",") if p.strip()]
        value = statistics.fmean(max(f1(s, p) for s in said) for p in parts) if parts else 0.0
    elif category == 3:
        value = f1(reply, answer.split(";")[0].strip())
    else:
        value = f1(reply, answer)
    return value, value


def answer_all(studio: Studio, replayed: Replayed, *, limit: int | None = None, seed: int = 0,
               categories: Collection[int] = (), say: Callable[[str], None] = print) -> dict[str, Any]:
    """Ask her every question of one replayed conversation (of these `categories`, when given; at
    most `limit`); her replies and their scores. A question's seed is its place among all of them,
    so a category asked alone is answered as it is among the rest."""
    character, person = replayed.character, replayed.person
    rows = []
    questions = [(n, qa) for n, qa in enumerate(replayed.questions, 1) if not categories or qa["category"] in categories]
    questions = questions[:limit] if limit else questions
    for asked, (n, qa) in enumerate(questions, 1):
        character.new_conversation(as_=person)
        began = time.perf_counter()
        reply = character.say(qa["question"], as_=person, seed=seed + n).finish()
        spent = time.perf_counter() - began
        official, in_voice = score(qa, reply.text)
        rows.append({"category": qa["category"], "question": qa["question"],
                     "answer": qa.get("answer", qa.get("adversarial_answer")), "reply": reply.text,
                     "f1": official, "f1_in_voice": in_voice, "seconds": round(spent, 2)})
        for turn in (reply.said, reply.turn):  # the question never becomes something she lived
            if turn is not None:
                character.delete_turn(turn.id)
        say(f"[{asked}/{len(questions)}] {CATEGORIES[qa['category']]:<12} F1 {official:.2f}  {spent:5.1f}s  "
            f"{reply.text[:70]!r}")
    return {"rows": rows, "by_category": by_category(rows)}


def by_category(rows: list[dict[str, Any]]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for category, label in [*CATEGORIES.items(), (0, "overall")]:
        chosen = [r for r in rows if category in (0, r["category"])]
        if chosen:
            out[label] = {"n": len(chosen), "f1": round(100 * statistics.fmean(r["f1"] for r in chosen), 1),
                          "f1_in_voice": round(100 * statistics.fmean(r["f1_in_voice"] for r in chosen), 1),
                          "seconds_p50": round(statistics.median(r["seconds"] for r in chosen), 2)}
    return out


def run_answers(data: list[dict[str, Any]], samples: list[str], backend: str, options: dict[str, Any], *,
                limit: int | None = None, categories: Collection[int] = (), say: Callable[[str], None] = print
                ) -> dict[str, Any]:
    """Replay each chosen conversation into a new character in a scratch home and ask her its questions."""
    from .memory import replay
    from .typewriter import scratch_home

    result: dict[str, Any] = {"anchor": ANCHOR, "backend": backend, "samples": {},
                              "categories": [CATEGORIES[c] for c in sorted(categories)] or "all"}
    with scratch_home("memory-answers", backend, options, say) as home, \
            Studio(home, backend=backend, options=dict(options), reflect=False) as studio:
        result["model"] = studio.backend.model_name
        for sample in (s for s in data if s["sample_id"] in samples):
            replayed = replay(studio, sample)
            say(f"{sample['sample_id']}: {len(replayed.dia_of_turn)} turns replayed; her answers, on "
                f"{studio.backend.model_name}:")
            result["samples"][sample["sample_id"]] = answer_all(studio, replayed, limit=limit, categories=categories,
                                                                say=say)
        rows = [r for s in result["samples"].values() for r in s["rows"]]
        result["by_category"] = by_category(rows)
    return result
