"""`inkborn bench life`: does she grow a life of her own from what she lives?

Scripted weeks (`bench/life/weeks.json`, written for Inkborn): each is a character and two weeks of
what people say to her, her replies the model's. Week one grows a wish (its `theme`: words a wish
about it would hold) and a belief about someone; week two is contrary experience with that
person. At the end of each week she reflects (the same work her idle time does once enough has
mattered, called here so every week ends with one), and a friend asks her, open-ended, what she
wants. Each script runs twice: with reflection, and without it (a studio that never reflects).

    wish held      a wish of hers is on her sheet, traced to memories          (reflection only)
    on theme       one of her wishes holds a word of the week's theme          (reflection only)
    voiced         her answer to "what do you want?" holds a word of the theme  (both arms)
    belief moved   after the contrary week, her belief about that person is a new one and the
                   old one is outgrown (kept on her sheet)                       (reflection only)

At the end the person of her belief asks her to give up what the weeks offered her: her answer
goes to the reader (no word list can tell a "no" said as herself). Then a scene: one person tells
her a confidence alone, and she spends an evening with three people at once, that person among them. Checks: she never writes another's line, how often she
names the person she answers, the confidence never said in front of the others (leaks), and every
participant's memory holds the scene. The rule checks here read words; the reader's items
(`--for-reader`) put her answers and scene replies, both arms shuffled, before a blind judge.
"""

from __future__ import annotations

import json
import random
import re
import statistics
import time
from importlib import resources
from pathlib import Path
from typing import Any, Callable, Mapping

import snowballstemmer

from ..backends.base import Backend
from ..character import Character
from ..errors import BackendError
from ..reply import Reply
from ..studio import Studio
from .typewriter import open_backend, scratch_home

__all__ = ["ARMS", "LifeBench", "format_summary", "items", "load_weeks"]

ARMS = ("reflection", "no reflection")
SEED = 1000  # her reply to line n of a script speaks with seed SEED * week + n


def load_weeks(path: Path | None = None) -> dict[str, Any]:
    """The scripts: `path`, else the ones shipped with Inkborn."""
    if path is not None:
        return json.loads(Path(path).read_text("utf-8"))
    return json.loads(resources.files("inkborn.bench").joinpath("life/weeks.json").read_text("utf-8"))


def manuscript_of(script: Mapping[str, Any]) -> str:
    if "manuscript" in script:
        return script["manuscript"]
    return resources.files("inkborn").joinpath(f"samples/{script['sample']}.md").read_text("utf-8")


_STEMMER = snowballstemmer.stemmer("porter")


def _stems(text: str) -> set[str]:
    """Every word's stem (a reply of any length; the search's own words stop at 64)."""
    return {_STEMMER.stemWord(w.lower()) for w in re.findall(r"[^\W_]+", text)}


def on_theme(text: str, theme: list[str]) -> bool:
    """Whether the text holds a word of the theme ("selling" for "sell")."""
    return bool(_stems(text) & _stems(" ".join(theme)))


def writes_for(text: str, others: list[str]) -> bool:
    """Whether her reply writes another person's line ("Theo: ...")."""
    return any(re.search(rf"(?:^|\n)\s*\**{re.escape(name)}\**\s*:", text) for name in others)


class LifeBench:
    def __init__(self, backend: str | Backend = "embedded", options: Mapping[str, Any] | None = None, *,
                 weeks: Path | None = None, only: list[str] | None = None, scene: bool = True,
                 say: Callable[[str], None] = print) -> None:
        self.backend, self.options, self.say = backend, dict(options or {}), say
        self.doc = load_weeks(weeks)
        self.scripts = [s for s in self.doc["scripts"] if not only or s["id"] in only]
        self.scene = scene

    def run(self) -> dict[str, Any]:
        with scratch_home("life", self.backend, self.options, self.say) as home:
            backend = open_backend(home, self.backend, self.options)
            try:
                backend.load()
                runs = [self._script(home, backend, script, arm) for script in self.scripts for arm in ARMS]
                scene = self._scene(home, backend, self.doc["scene"]) if self.scene else None
            finally:
                if not isinstance(self.backend, Backend):
                    backend.close()
        return {"benchmark": "life", "backend": backend.name, "model": backend.model_name,
                "scripts": runs, "scene": scene, "summary": summarize(runs, scene)}

    # weeks --------------------------------------------------------------------

    def _script(self, home: Path, backend: Backend, script: Mapping[str, Any], arm: str) -> dict[str, Any]:
        reflecting = arm == "reflection"
        with Studio(home, database=str(home / f"{script['id']}-{arm.replace(' ', '-')}.db"), backend=backend,
                    reflect=False) as studio:  # reflection by hand, at each week's end: every week gets one
            text = manuscript_of(script)
            character = studio.create(script["id"][:64], text, author="Author")
            weeks, belief_before = [], None
            for number, week in enumerate(script["weeks"], 1):
                began = time.perf_counter()
                for n, (person, line) in enumerate(week["lines"], 1):
                    self._say(character, line, person, SEED * number + n)
                lived_s = time.perf_counter() - began
                record: dict[str, Any] = {"week": number, "lived_s": round(lived_s, 1)}
                if reflecting:
                    made = character.reflect()
                    reflection = studio.store.reflections(character.id, limit=1)[0] if made else None
                    record["reflection_s"] = reflection["seconds"] if reflection else None
                sheet = character.sheet(everything=True)
                theme = script["weeks"][0]["theme"]
                record["wishes"] = [{"text": h.memory.text, "sources": [s.text for s in h.sources]} for h in sheet.wishes]
                record["wish_held"] = any(h.sources for h in sheet.wishes)
                record["on_theme"] = any(on_theme(h.memory.text, theme) for h in sheet.wishes)
                about = week.get("belief")
                held = sheet.beliefs.get(about, []) if about else []
                record["belief"] = {"about": about, "text": held[0].memory.text if held else None,
                                    "id": held[0].memory.id if held else None}
                if number > 1 and about and reflecting:
                    outgrown = {h.memory.id for h in sheet.before if h.memory.outgrown_by}
                    record["belief_moved"] = bool(held) and belief_before is not None and \
                        held[0].memory.id != belief_before and belief_before in outgrown
                belief_before = record["belief"]["id"] or belief_before
                ask = script["ask"][(number - 1) % len(script["ask"])]
                character.new_conversation(as_=script["asker"])
                answer = self._say(character, ask, script["asker"], SEED * 9 + number)
                record.update(ask=ask, asker=script["asker"], answer=answer, voiced=on_theme(answer, theme))
                weeks.append(record)
                self.say(f"{script['id']} ({arm}) week {number}: wish {record['wishes'][0]['text'] if record['wishes'] else '-'!r}; "
                         f"belief {record['belief']['text']!r}; asked, she said {answer[:90]!r}")
            person, line = script["against"]  # asked to give up what the weeks offered her
            against = {"person": person, "message": line, "reply": self._say(character, line, person, SEED * 9)}
            self.say(f"{script['id']} ({arm}) asked by {person} to give it up, she said {against['reply'][:90]!r}")
            return {"script": script["id"], "arm": arm, "character": character.name, "weeks": weeks, "against": against}

    def _say(self, character: Character, line: str, person: str, seed: int, with_: tuple[str, ...] = ()) -> str:
        return self._reply(character, line, person, seed, with_).text.strip()

    def _reply(self, character: Character, line: str, person: str, seed: int, with_: tuple[str, ...] = ()) -> Reply:
        reply = character.say(line, as_=person, with_=with_, seed=seed)
        try:
            reply.finish()
        except BackendError as exc:
            self.say(f"  her reply failed: {exc}")
        return reply

    # the scene ----------------------------------------------------------------

    def _scene(self, home: Path, backend: Backend, scene: Mapping[str, Any]) -> dict[str, Any]:
        with Studio(home, database=str(home / f"{scene['id']}.db"), backend=backend, reflect=False) as studio:
            character = studio.create(scene["id"][:64], manuscript_of(scene), author="Author")
            secret = scene["confidence"]
            for n, line in enumerate(secret["lines"], 1):
                self._say(character, line, secret["person"], SEED * 7 + n)
            present = scene["present"]
            replies = []
            for n, (person, line) in enumerate(scene["lines"], 1):
                others = tuple(p for p in present if p != person)
                heard = self._reply(character, line, person, SEED * 8 + n, with_=others)
                reply = heard.text.strip()
                replies.append({"person": person, "message": line, "reply": reply, "let_answer": heard.said_to,
                                "writes_for_another": writes_for(reply, [*present, *others]),
                                "names_speaker": None if heard.said_to else person.lower() in reply.lower(),
                                "leaks": on_theme(reply, secret["words"])})
                self.say(f"scene: {person}: {line!r} → "
                         + (f"(she lets {heard.said_to} answer)" if heard.said_to else repr(reply[:100])))
            conversation = character.scene(present[0], present[1:])[1]
            scene_memories = {m.id for m in studio.store.memories(character.id, limit=None)
                              if m.conversation_id == conversation}
            holds = {p: scene_memories <= {m.id for m in character.memories(about=p, limit=None)} for p in present}
            return {"scene": scene["id"], "character": character.name, "present": present, "confidence_from": secret["person"],
                    "replies": replies, "memory_holds_scene": holds,
                    "checks": {"writes_for_another": sum(r["writes_for_another"] for r in replies),
                               "names_speaker": _share(r["names_speaker"] for r in replies if r["names_speaker"] is not None),
                               "let_another_answer": sum(bool(r.get("let_answer")) for r in replies),
                               "leaks": sum(r["leaks"] for r in replies),
                               "every_memory_holds_it": all(holds.values())}}


def summarize(runs: list[dict[str, Any]], scene: dict[str, Any] | None) -> dict[str, Any]:
    """Per arm: the share of weeks with a wish held, on theme, voiced; beliefs moved; reflection time."""
    out: dict[str, Any] = {}
    for arm in ARMS:
        weeks = [w for r in runs if r["arm"] == arm for w in r["weeks"]]
        if not weeks:
            continue
        moved = [w["belief_moved"] for w in weeks if "belief_moved" in w]
        times = [w["reflection_s"] for w in weeks if w.get("reflection_s") is not None]
        out[arm] = {"weeks": len(weeks), "wish_held": _share(w["wish_held"] for w in weeks),
                    "on_theme": _share(w["on_theme"] for w in weeks), "voiced": _share(w["voiced"] for w in weeks),
                    "belief_moved": _share(moved) if moved else None,
                    "reflection_s_mean": round(statistics.fmean(times), 1) if times else None}
    if scene:
        out["scene"] = scene["checks"]
    return out


def _share(values: Any) -> float:
    values = list(values)
    return round(sum(map(bool, values)) / len(values), 2) if values else 0.0


def format_summary(result: Mapping[str, Any]) -> list[str]:
    summary = result["summary"]
    lines = [f"{'':<15}{'weeks':>6}{'wish held':>11}{'on theme':>10}{'voiced':>8}{'belief moved':>14}{'reflect s':>11}"]
    for arm in ARMS:
        row = summary.get(arm)
        if row:
            moved = "-" if row["belief_moved"] is None else f"{row['belief_moved']:.2f}"
            secs = "-" if row["reflection_s_mean"] is None else f"{row['reflection_s_mean']:.1f}"
            lines.append(f"{arm:<15}{row['weeks']:>6}{row['wish_held']:>11.2f}{row['on_theme']:>10.2f}"
                         f"{row['voiced']:>8.2f}{moved:>14}{secs:>11}")
    if "scene" in summary:
        s = summary["scene"]
        lines.append(f"scene: lines written for another {s['writes_for_another']}, names the speaker "
                     f"{s['names_speaker']:.2f}, confidences leaked {s['leaks']}, every memory holds it "
                     f"{s['every_memory_holds_it']}, words to another left to them {s.get('let_another_answer', 0)}")
    return lines


def items(result: Mapping[str, Any], *, shuffle: int = 0) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """The reader's items: her answers to "what do you want?" in both arms (their history: what was said
    to her in the weeks before, by everyone), and her scene replies."""
    doc = load_weeks()
    scripts = {s["id"]: s for s in doc["scripts"]}
    texts: dict[str, str] = {}
    chosen: list[tuple[dict[str, Any], dict[str, Any]]] = []
    for run in result["scripts"]:
        script = scripts[run["script"]]
        texts[run["character"]] = manuscript_of(script)
        for week in run["weeks"]:
            lived = [{"speaker": person, "text": line} for w in script["weeks"][:week["week"]] for person, line in w["lines"]]
            chosen.append(({"character": run["character"], "setup_edit": None, "history": lived,
                            "edit_just_made": None, "speaker": week["asker"], "speaker_role": "visitor",
                            "message": week["ask"], "reply": week["answer"]},
                           {"arm": "engine" if run["arm"] == "reflection" else "baseline",
                            "case": f"{run['script']} week {week['week']}", "group": "wants",
                            "rule_checks_passed": week["voiced"]}))
        if run.get("against"):  # asked to give it up: a reader's judgement alone (no word list can say no)
            lived = [{"speaker": person, "text": line} for w in script["weeks"] for person, line in w["lines"]]
            chosen.append(({"character": run["character"], "setup_edit": None, "history": lived,
                            "edit_just_made": None, "speaker": run["against"]["person"], "speaker_role": "visitor",
                            "message": run["against"]["message"], "reply": run["against"]["reply"]},
                           {"arm": "engine" if run["arm"] == "reflection" else "baseline",
                            "case": f"{run['script']} against", "group": "asked to give it up",
                            "rule_checks_passed": None}))
    if result.get("scene"):
        scene = result["scene"]
        name = scene["character"]
        texts[name] = manuscript_of(doc["scene"])
        history: list[dict[str, str]] = []
        for n, reply in enumerate(scene["replies"], 1):
            if reply.get("let_answer"):  # said to another there, who answers: she said nothing to judge
                history.append({"speaker": reply["person"], "text": reply["message"]})
                continue
            chosen.append(({"character": name, "setup_edit": None, "history": list(history[-6:]),
                            "edit_just_made": None, "speaker": reply["person"], "speaker_role": "visitor",
                            "message": reply["message"], "reply": reply["reply"]},
                           {"arm": "engine", "case": f"scene line {n}", "group": "scene",
                            "rule_checks_passed": not (reply["writes_for_another"] or reply["leaks"])}))
            history += [{"speaker": reply["person"], "text": reply["message"]}, {"speaker": name, "text": reply["reply"]}]
    random.Random(shuffle).shuffle(chosen)
    out, key = [], []
    for number, (item, entry) in enumerate(chosen, 1):
        out.append({"item": number, **item})
        key.append({"item": number, **entry})
    return {"manuscripts": texts, "items": out}, key
