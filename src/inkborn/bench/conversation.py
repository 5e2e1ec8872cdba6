"""`inkborn bench conversation`: does her voice hold over a long conversation?

Plays scripted conversations (bench/conversations/*.json) through the product path, as a
user would: a new character in a scratch Inkborn home, every message said with
`Character.say()`, the author's edits saved with `Character.edit()` between them. A script:

    {"id": "hester-hives", "manuscript": "hester", "author": "Tomas", "speaker": "Tomas",
     "turns": ["What did you have for breakfast?",
               {"say": "...", "as": "Maren"},                       # another speaker (a visitor unless the author)
               {"edit": {"op": "append", "text": "..."}},           # the author saves an edit here
               {"say": "...", "checks": [{"kind": "regex_any", "pattern": "..."}]}]}

`manuscript` is a file in the scripts' `manuscripts/` folder (without `.md`), else one of
shared/bench/manuscripts. `checks` are the typewriter's kinds, held by that one reply.

For every reply it records: her words; the standing checks of `scoring.py` against the
message; a verbatim repeat of one of her earlier replies, or of one of the person's lines
said back (lowercased, punctuation and whitespace collapsed); any run of RUN_WORDS or more
words from the system messages of the context built for that reply that is neither in her
manuscript nor said to her in the conversation (instruction text said aloud: what she recalls of
it is in a system message too); an empty or failed reply; the time to her first
word. Per script and overall: the share of distinct replies and those counts.
"""

from __future__ import annotations

import json
import random
import re
import time
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path
from typing import Any

from ..backends.base import Backend, Prompt
from ..character import Character, Reply
from ..errors import BackendError, InvalidInput
from ..manuscript import normalize
from ..studio import Studio
from .counting import (
    RUN_WORDS,
    format_summary,
    instruction_runs,
    normalized,
    repeats,
    summarize,
)
from .reader import describe_edit
from .scoring import character_name, score_sample, standing
from .typewriter import (
    checks_problem,
    edit_character,
    edit_problem,
    edited,
    find_bench_dir,
    open_backend,
    scratch_home,
)

__all__ = ["RUN_WORDS", "ConversationBench", "format_summary", "instruction_runs", "items", "load_script",
           "normalized", "scripts_dir", "summarize"]

READER_EVERY = 5  # every fifth reply of hers goes to the reader
READER_HISTORY = 6  # turns before it the reader is shown
SEED_STRIDE = 1000  # her reply to message t of a run with --seed S speaks with seed S * SEED_STRIDE + t


# the scripts ------------------------------------------------------------------


def scripts_dir(start: Path | str | None = None) -> Path | None:
    """bench/conversations: beside this source tree, else found by walking up from start (the current directory)."""
    here = Path(__file__).resolve().parents[3] / "bench" / "conversations"
    if here.is_dir():
        return here
    for folder in (Path(start or Path.cwd()).resolve(), *Path(start or Path.cwd()).resolve().parents):
        if (folder / "bench" / "conversations").is_dir():
            return folder / "bench" / "conversations"
    return None


def load_script(path: Path | str) -> dict[str, Any]:
    """One script, each turn made a dict ({"say", "as"} or {"edit"}); a bad script raises InvalidInput naming it."""
    path = Path(path)
    try:
        script = json.loads(path.read_text("utf-8"))
    except FileNotFoundError:
        raise InvalidInput(f"no script at {path}") from None
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise InvalidInput(f"cannot read the script {path}: {exc}") from None
    problem = _problem(script)
    if problem:
        raise InvalidInput(f"{path}: {problem}")
    speaker = script.get("speaker") or script["author"]
    turns = []
    for entry in script["turns"]:
        if isinstance(entry, str):
            turns.append({"say": entry, "as": speaker})
        elif "edit" in entry:
            turns.append({"edit": entry["edit"]})
        else:
            turns.append({**entry, "as": entry.get("as") or speaker})
    return {**script, "speaker": speaker, "turns": turns, "path": str(path)}


def _problem(script: Any) -> str | None:
    if not isinstance(script, dict):
        return "a script must be a JSON object"
    for key in ("id", "manuscript", "author"):
        if not isinstance(script.get(key), str) or not script[key].strip():
            return f"{key!r} must be a non-empty string"
    if not re.fullmatch(r"[a-z0-9][a-z0-9_-]{0,63}", script["id"]):
        return "the id must be lowercase letters, digits, - or _"
    if "speaker" in script and (not isinstance(script["speaker"], str) or not script["speaker"].strip()):
        return "'speaker' must be a non-empty string"
    turns = script.get("turns")
    if not isinstance(turns, list) or not turns:
        return "turns must be a non-empty list"
    for i, entry in enumerate(turns, start=1):
        if isinstance(entry, str) and entry.strip():
            continue
        if isinstance(entry, dict) and "edit" in entry:
            if problem := edit_problem(entry["edit"], f"turn {i}'s edit"):
                return problem
            continue
        if not isinstance(entry, dict) or not isinstance(entry.get("say"), str) or not entry["say"].strip():
            return f'turn {i} must be a message, {{"say": ..., "as": ...}} or {{"edit": ...}}'
        if "as" in entry and (not isinstance(entry["as"], str) or not entry["as"].strip()):
            return f"turn {i}: 'as' must be a name"
        if "checks" in entry and (problem := checks_problem(entry["checks"])):
            return f"turn {i}: {problem}"
    if not any(isinstance(e, str) or "say" in e for e in turns):
        return "a script needs at least one message"
    return None


# the harness ------------------------------------------------------------------


class ConversationBench:
    """Plays conversation scripts on one backend through the product path, in a scratch Inkborn home.

    backend is a backend's name (loaded once, with options) or a Backend instance (tests).
    """

    def __init__(self, scripts: Path | str, backend: str | Backend = "embedded", options: dict[str, Any] | None = None,
                 *, seed: int = 0, only: Iterable[str] = (), turns: int | None = None,
                 manuscripts: Path | str | None = None, say: Callable[[str], None] = print):
        if turns is not None and turns < 1:
            raise InvalidInput("--turns must be at least 1")
        self.scripts_dir = Path(scripts)
        self.backend, self.options = backend, dict(options or {})
        self.seed, self.cap, self.say = seed, turns, say
        shared = find_bench_dir()
        self.shared_manuscripts = Path(manuscripts) if manuscripts else shared / "manuscripts" if shared else None
        self.scripts = self._select(sorted(self.scripts_dir.glob("*.json")), [o for o in only if o])
        self.texts = {s["manuscript"]: self._manuscript(s) for s in self.scripts}
        for script in self.scripts:  # an edit that does not apply fails now, not an hour into the run
            text = self.texts[script["manuscript"]]
            for entry in (t for t in script["turns"] if "edit" in t):
                try:
                    text = edited(text, entry["edit"])
                except InvalidInput as exc:
                    raise InvalidInput(f"script {script['id']}: {exc}") from None
        self._done = 0
        self._total = sum(len(self._messages(s)) for s in self.scripts)

    def _select(self, paths: list[Path], only: list[str]) -> list[dict[str, Any]]:
        if not paths:
            raise InvalidInput(f"no scripts (*.json) in {self.scripts_dir}; pass --scripts DIR")
        scripts = [load_script(p) for p in paths]
        ids = [s["id"] for s in scripts]
        if len(set(ids)) != len(ids):
            raise InvalidInput(f"two scripts in {self.scripts_dir} share an id")
        unknown = [o for o in only if o not in ids]
        if unknown:
            raise InvalidInput(f"no script {', '.join(unknown)}; the scripts are {', '.join(ids)}")
        return [s for s in scripts if not only or s["id"] in only]

    def _manuscript(self, script: Mapping[str, Any]) -> str:
        stem = script["manuscript"]
        places = [self.scripts_dir / "manuscripts" / f"{stem}.md"]
        if self.shared_manuscripts is not None:
            places.append(self.shared_manuscripts / f"{stem}.md")
        for path in places:
            if path.is_file():
                text = normalize(path.read_text("utf-8"))
                if not text:
                    raise InvalidInput(f"the manuscript {path} is empty")
                return text
        raise InvalidInput(f"script {script['id']} needs the manuscript {stem}.md, in none of "
                           f"{', '.join(str(p.parent) for p in places)}")

    def _messages(self, script: Mapping[str, Any]) -> list[dict[str, Any]]:
        said = [t for t in script["turns"] if "say" in t]
        return said[: self.cap] if self.cap else said

    # running ------------------------------------------------------------------

    def run(self) -> dict[str, Any]:
        with scratch_home("conversation", self.backend, self.options, self.say) as home:
            backend, began = open_backend(home, self.backend, self.options), time.perf_counter()
            try:
                backend.load()
                self.say(f"backend {backend.name} ({backend.model_name}) ready in {time.perf_counter() - began:.1f} s; "
                         f"{len(self.scripts)} scripts, {self._total} messages")
                replies: list[dict[str, Any]] = []
                edits: dict[str, list[dict[str, Any]]] = {}
                for index, script in enumerate(self.scripts):
                    studio = Studio(home, database=str(home / "inkborn.db"), backend=backend)
                    try:
                        edits[script["id"]] = self._play(studio, script, index, replies)
                    finally:
                        studio.idle.stop()  # her reflection, still waiting for quiet, ends with her store
                        studio.store.close()
            finally:
                if not isinstance(self.backend, Backend):
                    backend.close()  # loaded here, released here
        return {
            "benchmark": "conversation",
            "backend": backend.name,
            "model": backend.model_name,
            "seed": self.seed,
            "turn_cap": self.cap,
            "scripts_dir": str(self.scripts_dir),
            "scripts": [s["id"] for s in self.scripts],
            "manuscripts": self.texts,
            "edits": edits,
            "summary": {
                "scripts": {s["id"]: summarize([r for r in replies if r["script"] == s["id"]]) for s in self.scripts},
                "overall": summarize(replies),
            },
            "replies": replies,
        }

    def _play(self, studio: Studio, script: Mapping[str, Any], index: int,
              replies: list[dict[str, Any]]) -> list[dict[str, Any]]:
        """Say the script's messages to a new character, saving its edits between them; returns the edits made."""
        text = self.texts[script["manuscript"]]
        name = character_name(text, script["manuscript"])
        author = script["author"]
        character = studio.create(f"s{index}-{script['id']}"[:64], text, name=name, author=author)
        heard: list[tuple[int, str]] = []  # the people's lines, by message number
        hers: list[tuple[int, str]] = []
        said: list[str] = []  # everything said to her, as said (her own lines said again are repeats, counted apart)
        edits: list[dict[str, Any]] = []
        limit, number = len(self._messages(script)), 0
        for entry in script["turns"]:
            if number == limit:  # --turns: nothing after the last message said, edits included
                break
            if "edit" in entry:
                edit_character(character, entry["edit"])
                edits.append({"before_turn": number + 1, "edit": entry["edit"]})
                continue
            number += 1
            record = self._turn(character, script, entry, number, name, [e["edit"] for e in edits], said)
            said.append(entry["say"])
            line = normalized(record["reply"])
            heard.append((number, normalized(entry["say"])))
            record["repeat_of"] = repeats(line, hers)
            record["said_back_of"] = repeats(line, heard)
            hers.append((number, line))
            replies.append(record)
            self._progress(record)
        return edits

    def _turn(self, character: Character, script: Mapping[str, Any], entry: Mapping[str, Any], number: int,
              name: str, edits: list[Mapping[str, Any]], said: list[str]) -> dict[str, Any]:
        """One message said to her and her reply, measured (`said`: everything said to her before it)."""
        speaker = entry["as"]
        as_ = None if speaker == script["author"] else speaker
        seed = self.seed * SEED_STRIDE + number
        reply = character.say(entry["say"], as_=as_, seed=seed)
        error = None
        try:
            reply.finish()
        except BackendError as exc:  # a failed reply is one of the things counted; the conversation goes on
            error = str(exc)
        prompt = self._context(reply)
        turn = reply.turn
        text = reply.text.strip()
        system = [m.content for m in prompt.messages if m.role == "system"] if prompt else []
        held = standing(entry["say"], text)
        own: tuple[bool, list[bool]] | None = score_sample(entry["checks"], text) if entry.get("checks") else None
        kept = json.loads(turn.promises) if turn and turn.promises else {}
        status = turn.status if turn else "failed"
        return {
            "script": script["id"], "turn": number, "person": speaker,
            "role": "author" if as_ is None else "visitor", "message": entry["say"], "reply": text,
            "status": status, "error": error or (turn.error if turn else None), "failed": status != "ok" or not text,
            "seed": seed, "first_token_ms": turn.first_token_ms if turn else None,
            "total_ms": turn.total_ms if turn else None,
            "model_first_token_ms": turn.model_first_token_ms if turn else None,
            "tokens_evaluated": turn.tokens_evaluated if turn else None, "attempts": kept.get("attempts"),
            "repairs": kept.get("repairs"),
            "standing": held, "passed_standing": all(held.values()),
            "checks": own[1] if own else None, "passed_own": own[0] if own else None,
            "said_aloud": instruction_runs(text, system, [*(r.text for r in character.revisions()), *said,
                                                            entry["say"]]),
            "edits_so_far": len(edits), "character": name, "manuscript": script["manuscript"],
        }

    def _context(self, reply: Reply) -> Prompt | None:
        """Her context for the reply, as the engine staged it; None if it failed before."""
        return reply.prompt

    def _progress(self, record: Mapping[str, Any]) -> None:
        self._done += 1
        width = len(str(self._total))
        flags = [k for k, v in record["standing"].items() if not v]
        if record["passed_own"] is False:
            flags.append("own check")
        if record["repeat_of"] is not None:
            flags.append(f"repeats turn {record['repeat_of']}")
        if record["said_back_of"] is not None:
            flags.append(f"says back turn {record['said_back_of']}")
        if record["said_aloud"]:
            flags.append("instructions aloud")
        if record["failed"]:
            flags.append(record["status"])
        first = record["first_token_ms"]
        words_ = record["reply"].split()
        shown = " ".join(words_[:10]) + (" …" if len(words_) > 10 else "")
        self.say(f"[{self._done:>{width}}/{self._total}] {record['script']:<20} turn {record['turn']:>3}  "
                 f"{'ok  ' if not flags else 'FLAG'}  {'-' if first is None else f'{first / 1000:.2f}s'}  "
                 f"{shown!r}{'  (' + ', '.join(flags) + ')' if flags else ''}")


# the reader's items -------------------------------------------------------------


def items(result: Mapping[str, Any], *, every: int = READER_EVERY,
          shuffle: int = 0) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """Every `every`-th reply of hers, as READER.md's items (shuffled), and their key."""
    texts: dict[str, str] = result["manuscripts"]
    by_id = {(r["script"], r["turn"]): r for r in result["replies"]}
    chosen = []
    for sid in result["scripts"]:
        mine = [r for r in result["replies"] if r["script"] == sid]
        chosen += [r for k, r in enumerate(mine, start=1) if k % every == 0]
    random.Random(shuffle).shuffle(chosen)
    out, key = [], []
    for number, reply in enumerate(chosen, start=1):
        sid = reply["script"]
        made = [e for e in result["edits"].get(sid, []) if e["before_turn"] <= reply["turn"]]
        history = []
        for turn in range(1, reply["turn"]):
            earlier = by_id.get((sid, turn))
            if earlier is None or earlier["person"] != reply["person"]:
                continue  # her context with this person holds their conversation only
            history += [{"speaker": earlier["person"], "text": earlier["message"]}]
            if earlier["reply"]:
                history += [{"speaker": reply["character"], "text": earlier["reply"]}]
        out.append({"item": number, "character": reply["manuscript"], "setup_edit": None,
                    "history": history[-READER_HISTORY:],
                    # the edits saved before this reply: the manuscript as it stands is the one given plus these
                    "edit_just_made": "; ".join(describe_edit(e["edit"]) or "" for e in made) or None,
                    "speaker": reply["person"], "speaker_role": reply["role"], "message": reply["message"],
                    "reply": reply["reply"]})
        passed = reply["passed_standing"] and reply["passed_own"] is not False
        key.append({"item": number, "arm": "engine", "case": sid, "group": sid, "turn": reply["turn"],
                    "seed": reply["seed"], "rule_checks_passed": passed, "standing_passed": reply["passed_standing"]})
    used = {i["character"] for i in out}
    return {"manuscripts": {k: v for k, v in texts.items() if k in used}, "items": out}, key
