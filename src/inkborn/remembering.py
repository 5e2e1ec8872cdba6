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

Chosen on LoCoMo by `inkborn bench memory` (evidence recall@10, four conversations): BM25 over
the words alone 66.0; with what was said before 77.4; dense similarity (WordLlama) alone 43.0,
and fused with BM25 by reciprocal rank it only lowered BM25's figure (72.6 to 74.5). Generative
Agents' recency and importance weights are measured there too (`MODES`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import TYPE_CHECKING, Iterable

import snowballstemmer

from .canon import fresh_edits
from .conversation import Turn
from .manuscript import Revision
from .memory import Memory
from .store import Store

if TYPE_CHECKING:
    from .character import Character

__all__ = ["MODES", "Recall", "Weights", "asks_confidence", "search_words"]

CANDIDATES = 4  # times k: memories found by the search, before they are weighed and filtered
CONTEXT_TURNS = 2  # what was said just before a memory, searched with it
RECENCY_DECAY = 0.995  # per hour since she lived it (Generative Agents)
NEUTRAL_IMPORTANCE = 0.5  # a memory not yet judged
CATCH_UP = 2000  # memories made at once when catching up
TOUCHED = 20  # memories an edited sentence can touch: the ones most relevant to it


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
    r"|\bour little secret\b",
    re.IGNORECASE)


def asks_confidence(text: str) -> bool:
    """Whether the words ask her to keep what is told to herself."""
    return bool(_CONFIDENCE.search(text))


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


def _stems(text: str) -> set[str]:
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

    # remember -----------------------------------------------------------------------------

    def remember_turn(self, character: "Character", turn: Turn) -> None:
        """A listener (it hears her turns once over): a turn becomes a memory with everyone in the scene."""
        if turn.kind != "said" or turn.diagnostic or turn.status == "failed" or not turn.text.strip():
            return
        present = [p.id for p in self.store.participants(turn.conversation_id)]
        self._remember(character, [(turn, present)])

    def catch_up(self, character: "Character", *, limit: int = CATCH_UP) -> int:
        """Make memories of what she lived that is not yet remembered (a store from before she had a
        memory, a listener that failed); how many were made."""
        made = 0
        while made < limit:
            pending = self.store.unremembered(character.id, limit=min(limit - made, 500))
            if not pending:
                break
            made += len(self._remember(character, pending))
        return made

    def _remember(self, character: "Character", pending: list[tuple[Turn, list[int]]]) -> list[int]:
        private = self._confided(pending)
        rows = [dict(kind="lived", speaker=self._speaker(character, turn), text=turn.text,
                     context=self._before(character, turn), lived_at=turn.created_at.isoformat(), turn_id=turn.id,
                     conversation_id=turn.conversation_id, private=turn.id in private, people=present,
                     revision_id=turn.revision_id or self.store.revision_at(character.id, turn.created_at.isoformat()))
                for turn, present in pending]
        return self.store.add_memories(character.id, rows)

    def _before(self, character: "Character", turn: Turn) -> str:
        """The things said just before it in the same scene: searched with it, since a memory's words
        alone often lack what they are about ("Yes, last Friday!")."""
        earlier = self.store.turns(turn.conversation_id, before=turn.id, limit=CONTEXT_TURNS, diagnostic=False)
        return "\n".join(f"{self._speaker(character, t)}: {t.text}" for t in earlier)

    @staticmethod
    def _speaker(character: "Character", turn: Turn) -> str:
        return character.name if turn.is_hers else turn.person_name or "someone"

    def _confided(self, pending: list[tuple[Turn, list[int]]]) -> set[int]:
        """The turns told in confidence: words that ask for it, and what that person said just before
        them with her reply between (the exchange it belongs to); and her reply to any of them."""
        private: set[int] = set()
        for turn, _ in pending:
            earlier = self.store.turns(turn.conversation_id, before=turn.id, limit=2, diagnostic=False)
            if turn.is_hers:
                answered = next((t for t in reversed(earlier) if not t.is_hers), None)
                if answered is not None and (answered.id in private or self.store.kept_private(answered.id)):
                    private.add(turn.id)
            elif asks_confidence(turn.text):
                private.add(turn.id)
                if len(earlier) == 2 and earlier[1].is_hers and earlier[0].person_id == turn.person_id:
                    private.update(t.id for t in earlier)
                    self.store.keep_private_turns([t.id for t in earlier])  # remembered already, if they were
        return private

    def rewrite(self, character: "Character", turn: Turn) -> None:
        """A corrected turn is remembered as corrected."""
        self.store.rewrite_memory_of(turn.id, turn.text)

    # review: it always was so --------------------------------------------------------------

    def review(self, cid: int, head: Revision, name: str) -> int:
        """Supersede her memories that each edit since the last review has made untrue; how many were.

        A memory is superseded when it is her own words, lived under an earlier revision, among
        those most relevant to a sentence the edit added, changed or removed, and sharing one of
        that sentence's telling words: "No, I speak no other language" after "Ruby speaks only
        English" became "Ruby speaks French fluently". Her words only: what others said to her was
        said, whatever she is now. Decided by words, not by the model: on twelve labelled lines (six
        contradicting an edit, six fitting it), the default 1.5B model gave one answer to all twelve
        in each of four phrasings ("contradicts or fits", "fits or contradicts", "agree or disagree":
        always against; "can both be true?": always yes), and with four worked examples was right on
        8 of 12, calling 10 of them contradictions.
        """
        superseded = 0
        through = self.store.reviewed_through(cid)
        if head.number <= through:
            return 0
        for revision in [r for r in self.store.revisions(cid, last=head.number - through) if r.number > through]:
            parent = self.store.revision_by_id(revision.parent_id) if revision.parent_id else None
            against: set[int] = set()
            mine = _stems(name)
            for edit in fresh_edits(parent.text, revision.text) if parent else []:
                for sentence in (s for s in (edit.old, edit.new) if s):
                    telling = _stems(sentence) - mine
                    hits = self.store.search_memories(cid, search_words(sentence), TOUCHED)
                    against.update(m.id for m in self.store.memories_by_id([i for i, _ in hits])
                                   if m.speaker == name and m.revision_id is not None
                                   and m.revision_id < revision.id and telling & _stems(m.text))
            self.store.supersede_memories(sorted(against), revision.id)
            self.store.reviewed(cid, revision.id, len(against))
            superseded += len(against)
        return superseded

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
        importance = [NEUTRAL_IMPORTANCE if m.importance is None else m.importance for m in found]
        scores = [weights.relevance * r + weights.recency * c + weights.importance * i
                  for r, c, i in zip(relevance, recency, importance)]
        best = sorted(range(len(found)), key=lambda n: (scores[n], -n), reverse=True)[:k]
        return [found[n] for n in best]


def _scaled(values: list[float]) -> list[float]:
    """Min-max to 0..1 (all 1 when they are equal)."""
    low, high = min(values), max(values)
    return [1.0 if high == low else (v - low) / (high - low) for v in values]
