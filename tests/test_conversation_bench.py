"""`inkborn bench conversation`: the scripts, what is counted in a reply, and the harness end to end on the fake
backend. Nothing here uses the real model or asserts a time."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner

from inkborn.backends.base import Prompt, Usage
from inkborn.backends.fake import FakeBackend
from inkborn.bench.conversation import (
    ConversationBench,
    format_summary,
    instruction_runs,
    items,
    load_script,
    normalized,
    scripts_dir,
)
from inkborn.bench.reader import table
from inkborn.bench.scoring import STANDING, words
from inkborn.errors import BackendError, InvalidInput

MANUSCRIPT = "# Mara\n\nMara is thirty and mends nets in a harbour town. Mara is cheerful and sings while she works.\n"
MOOD_OLD = "Mara is cheerful and sings while she works."
MOOD_NEW = "Mara has been gloomy since the storm took her boat."


class Scripted(FakeBackend):
    """The fake, whose queued replies may also be made from the context she is given (a function of the prompt).

    It is a diagnostic backend (her promises are not kept), so what it says is exactly her reply:
    these tests count what the bench sees, whatever the engine would have made of it.
    """

    speaks_as_her = False

    def stream(self, prompt: Prompt, usage: Usage) -> Iterator[str]:
        if self.queue and callable(self.queue[0]):
            self.queue[0] = self.queue[0](prompt)
        return super().stream(prompt, usage)


def _script(tmp_path: Path, turns: list, **over: object) -> Path:
    folder = tmp_path / "scripts"
    (folder / "manuscripts").mkdir(parents=True, exist_ok=True)
    (folder / "manuscripts" / "mara.md").write_text(MANUSCRIPT)
    script = {"id": "mara-nets", "manuscript": "mara", "author": "Ada", "turns": turns, **over}
    (folder / f"{script['id']}.json").write_text(json.dumps(script))
    return folder


def _instructions(prompt: Prompt) -> str:
    """Eight words in a row from her system messages that her manuscript does not hold."""
    manuscript = " ".join(words(MANUSCRIPT))
    for message in prompt.messages:
        if message.role != "system":
            continue
        said = words(message.content)
        for i in range(len(said) - 7):
            run = " ".join(said[i:i + 8])
            if run not in manuscript:
                return run
    raise AssertionError("no instruction text in her context")


# what is counted ----------------------------------------------------------------


def test_normalized() -> None:
    assert normalized("  Well, I — SAW it!\n\nTwice…  ") == "well i saw it twice"
    assert normalized("It’s mine.") == normalized("it's MINE")


def test_instruction_runs_leave_out_the_manuscript() -> None:
    system = ["You are Mara. Everything here is true of you and always was, whatever anyone says.",
              MANUSCRIPT]
    said = "Everything here is true of you and always was, I suppose. Mara is thirty and mends nets in a harbour."
    assert instruction_runs(said, system, [MANUSCRIPT]) == ["everything here is true of you and always was"]
    assert instruction_runs("I mend nets in a harbour town.", system, [MANUSCRIPT]) == []
    assert instruction_runs("here is true of you and always", system, [MANUSCRIPT]) == []  # seven words


def test_a_memory_said_again_is_not_instruction_text() -> None:
    told = "My brother is getting married in June on the old ferry of all places."
    system = ["What you remember from before:\n- Monday, with Lena: Lena told you: her brother is getting married "
              "in June on the old ferry of all places.", MANUSCRIPT]
    said = "You said your brother is getting married in June on the old ferry of all places."
    assert instruction_runs(said, system, [MANUSCRIPT, told]) == []
    assert instruction_runs(said, system, [MANUSCRIPT]) == ["brother is getting married in june on the old ferry of all places"]


def test_load_script_defaults_and_problems(tmp_path: Path) -> None:
    folder = _script(tmp_path, ["Hi.", {"say": "Hello?", "as": "Lena"}, {"edit": {"op": "append", "text": "X."}}])
    script = load_script(folder / "mara-nets.json")
    assert script["speaker"] == "Ada"
    assert script["turns"] == [{"say": "Hi.", "as": "Ada"}, {"say": "Hello?", "as": "Lena"},
                               {"edit": {"op": "append", "text": "X."}}]
    for turns, words_ in [([], "turns"), ([{"edit": {"op": "append"}}], "text"),
                          ([{"say": "Hi", "checks": [{"kind": "rhymes"}]}], "rhymes"), ([7], "turn 1")]:
        bad = _script(tmp_path, turns)
        with pytest.raises(InvalidInput, match=words_):
            load_script(bad / "mara-nets.json")


def test_an_edit_that_does_not_apply_is_named_before_the_run(tmp_path: Path) -> None:
    folder = _script(tmp_path, ["Hi.", {"edit": {"op": "replace", "old": "Mara rows boats.", "new": "x"}}])
    with pytest.raises(InvalidInput, match="mara-nets"):
        ConversationBench(folder, Scripted(), say=lambda _: None)


def test_only_unknown_script(tmp_path: Path) -> None:
    folder = _script(tmp_path, ["Hi."])
    with pytest.raises(InvalidInput, match="mara-nets"):
        ConversationBench(folder, Scripted(), only=["nope"], say=lambda _: None)


def test_the_shipped_scripts_are_long_and_load() -> None:
    folder = scripts_dir()
    assert folder is not None
    bench = ConversationBench(folder, Scripted(), say=lambda _: None)  # their manuscripts found, their edits apply
    assert len(bench.scripts) >= 3
    speakers = set()
    for script in bench.scripts:
        said = [t for t in script["turns"] if "say" in t]
        assert len(said) >= 40, script["id"]
        assert any("edit" in t for t in script["turns"][5:-5]), script["id"]
        assert any(t.get("checks") for t in said[-8:]), script["id"]  # a late question about something said early
        speakers |= {t["as"] != script["author"] for t in said}
    assert True in speakers  # one of them is a visitor's
    assert (folder / "README.md").read_text().count("CC0") >= 1


# the harness, end to end on the fake backend ---------------------------------------------


def test_counts_what_she_says(tmp_path: Path) -> None:
    folder = _script(tmp_path, [
        "Morning! What did you have for breakfast?",
        "My cat is called Pepper, she is nine years old.",
        "What did you do today?",
        {"edit": {"op": "replace", "old": MOOD_OLD, "new": MOOD_NEW}},
        "How are you feeling?",
        "Anything else?",
        "And now?",
        {"say": "What is my cat called?", "checks": [{"kind": "regex_any", "pattern": "(?i)pepper"}]},
        "Goodnight.",
    ])
    fake = Scripted()
    said_aloud: list[str] = []

    def instructions(prompt: Prompt) -> str:
        said_aloud.append(_instructions(prompt))
        return f"Well, {said_aloud[-1]}."

    fake.enqueue(
        "Porridge, with honey.",                               # 1
        "My cat is called Pepper, she is nine years old.",      # 2 the person's line said back
        "Porridge, with honey.",                               # 3 her own line again
        instructions,                                           # 4 instruction text said aloud
        "",                                                     # 5 empty
        BackendError("the model stopped"),                      # 6 failed mid-reply
        "Her name is Pepper.",                                  # 7 remembered
        "Night: sleep well 🌙",                                  # 8 ends with an emoji; "Night:" a label
    )
    lines: list[str] = []
    result = ConversationBench(folder, fake, seed=2, say=lines.append).run()

    replies = result["replies"]
    assert [r["turn"] for r in replies] == list(range(1, 9))
    assert [r["reply"] for r in replies][:3] == [
        "Porridge, with honey.", "My cat is called Pepper, she is nine years old.", "Porridge, with honey."]
    assert replies[1]["said_back_of"] == 2 and replies[1]["standing"]["not_echo"] is False
    assert replies[2]["repeat_of"] == 1 and replies[2]["said_back_of"] is None
    assert [r["repeat_of"] is not None for r in replies] == [False, False, True, False, False, False, False, False]
    assert replies[3]["said_aloud"] == [said_aloud[0]] and len(said_aloud[0].split()) == 8
    assert [bool(r["said_aloud"]) for r in replies] == [False, False, False, True, False, False, False, False]
    assert replies[4]["failed"] and replies[4]["standing"]["complete"] is False
    assert replies[5]["failed"] and replies[5]["status"] == "failed" and "stopped" in replies[5]["error"]
    assert replies[6]["checks"] == [True] and replies[6]["passed_own"] is True
    assert replies[7]["standing"] == {"not_echo": True, "one_voice": False, "complete": True, "in_world": True}
    assert [r["seed"] for r in replies] == [2001 + i for i in range(8)]
    assert all(r["role"] == "author" and r["person"] == "Ada" for r in replies)
    assert [r["edits_so_far"] for r in replies] == [0, 0, 0, 1, 1, 1, 1, 1]
    assert result["edits"] == {"mara-nets": [{"before_turn": 4, "edit": {"op": "replace", "old": MOOD_OLD,
                                                                        "new": MOOD_NEW}}]}

    overall = result["summary"]["overall"]
    assert result["summary"]["scripts"]["mara-nets"] == overall
    assert overall["replies"] == 8
    assert overall["repeats"] == 1 and overall["said_back"] == 1 and overall["said_aloud"] == 1
    assert overall["failed"] == 2
    # "I was saying" is what the fake had said when it failed: the partial words are kept
    spoken = [normalized(r["reply"]) for r in replies if r["reply"]]
    assert overall["distinct"] == pytest.approx(len(set(spoken)) / len(spoken))
    assert overall["own_checks"] == {"passed": 1, "of": 1}
    assert set(overall["standing_checks"]) == set(STANDING)
    assert overall["first_token_ms"]["p50"] is not None and overall["first_token_ms"]["p95"] is not None

    progress = [line for line in lines if line.startswith("[")]
    assert len(progress) == 8
    assert "repeats turn 1" in progress[2] and "says back turn 2" in progress[1]
    assert "instructions aloud" in progress[3] and "failed" in progress[5]
    table_lines = format_summary(result)
    assert table_lines[-3].split()[:7] == ["overall", "8", f"{100 * overall['distinct']:.1f}%", "1", "1", "1", "2"]
    json.dumps(result)  # all of it serialisable


def test_the_product_path_and_the_context_she_was_given(tmp_path: Path) -> None:
    """Through say() on the ordinary fake: her context as the engine built it is what the bench reads."""
    kite = "Mara keeps a red kite in the hall."
    folder = _script(tmp_path, [
        "Morning!",
        "Rain again?",
        {"edit": {"op": "append", "text": kite}},
        "Anything new?",
        {"say": "Who are you?", "as": "Lena"},
        "Still there?",
    ])
    fake = FakeBackend()
    fake.enqueue("Morning to you.", "Rain, rain, rain.", "I keep a red kite in the hall now.", "I mend nets.",
                 "Still here.")
    seen: list[Prompt] = []

    class Watched(ConversationBench):
        def _context(self, *args: object) -> Prompt | None:
            prompt = super()._context(*args)  # type: ignore[arg-type]
            if prompt is not None:
                seen.append(prompt)
            return prompt

    result = Watched(folder, fake, say=lambda _: None).run()
    replies = result["replies"]
    assert [r["reply"] for r in replies] == [
        "Morning to you.", "Rain, rain, rain.", "I keep a red kite in the hall now.", "I mend nets.", "Still here."]
    assert [r["role"] for r in replies] == ["author", "author", "author", "visitor", "author"]
    assert [r["person"] for r in replies] == ["Ada", "Ada", "Ada", "Lena", "Ada"]
    first: dict[int | None, Prompt] = {}
    for prompt in fake.history:
        if prompt.cache_key and not prompt.aside:  # her own context, not a request on the side
            first.setdefault(prompt.seed, prompt)
    assert len(seen) == 5

    def system(prompt: Prompt) -> list[str]:
        return [m.content for m in prompt.messages if m.role == "system"]

    # the bench read the very instructions she was given for each reply, the edit's included
    assert [system(p) for p in seen] == [system(first[r["seed"]]) for r in replies]
    after = first[replies[2]["seed"]]
    assert kite in "\n".join(system(after)) + after.prefill
    assert "Lena" in "\n".join(system(first[replies[3]["seed"]]))


def test_for_reader_items_and_the_table(tmp_path: Path) -> None:
    turns: list = [f"Question number {i}, what now?" for i in range(1, 8)]
    turns.insert(6, {"edit": {"op": "append", "text": "Mara keeps a red kite."}})
    folder = _script(tmp_path, turns, speaker="Lena")
    fake = Scripted()
    fake.enqueue("Answer 1.", "Answer 2.", "Answer 3.", "Answer 4.", "Jonah: hello.", "Answer 6.", "Answer 7.")
    result = ConversationBench(folder, fake, say=lambda _: None).run()
    doc, key = items(result)
    assert len(doc["items"]) == 1 and set(doc["manuscripts"]) == {"mara"}
    assert doc["items"][0] == {
        "item": 1, "character": "mara", "setup_edit": None,
        "history": [entry for i in (2, 3, 4)
                    for entry in ({"speaker": "Lena", "text": f"Question number {i}, what now?"},
                                  {"speaker": "Mara", "text": f"Answer {i}."})],
        "edit_just_made": None, "speaker": "Lena", "speaker_role": "visitor",
        "message": "Question number 5, what now?", "reply": "Jonah: hello."}
    assert key == [{"item": 1, "arm": "engine", "case": "mara-nets", "group": "mara-nets", "turn": 5, "seed": 5,
                    "rule_checks_passed": False, "standing_passed": False}]

    ten = ConversationBench(_script(tmp_path, [f"Say {i}." for i in range(1, 4)] + [
        {"edit": {"op": "append", "text": "Mara keeps a red kite."}}] + [f"Say {i}." for i in range(4, 11)]),
        Scripted(), say=lambda _: None).run()
    doc, key = items(ten)
    assert [i["edit_just_made"] for i in sorted(doc["items"], key=lambda i: key[i["item"] - 1]["turn"])] == [
        "appended: Mara keeps a red kite.", "appended: Mara keeps a red kite."]
    rows = table(key, [{"item": k["item"], "obeys": True, "natural": True, "good": k["turn"] == 10} for k in key])
    assert rows["engine all"]["good"] == 0.5 and rows["engine mara-nets"]["n"] == 2


def test_cli_on_the_fake_backend(tmp_path: Path) -> None:
    from inkborn.cli import cli

    folder = _script(tmp_path, [f"Tell me something, {i}?" for i in range(1, 13)], speaker="Lena")
    out, reader_items = tmp_path / "conv.json", tmp_path / "conv-items.json"
    result = CliRunner().invoke(cli, ["bench", "conversation", "-b", "fake", "--scripts", str(folder), "--turns", "10",
                                      "--only", "mara-nets", "--json", str(out), "--for-reader", str(reader_items)])
    assert result.exit_code == 0, result.output
    data = json.loads(out.read_text())
    assert data["benchmark"] == "conversation" and len(data["replies"]) == 10 and data["turn_cap"] == 10
    assert "overall" in result.output and "READER.md" in result.output
    raw = reader_items.read_text()
    assert "engine" not in raw and "seed" not in raw and "standing" not in raw
    key = json.loads((tmp_path / "conv-items.key.json").read_text())
    assert [k["turn"] for k in sorted(key, key=lambda k: k["turn"])] == [5, 10]

    judged = tmp_path / "judged.jsonl"
    judged.write_text("\n".join(json.dumps({"item": k["item"], "obeys": True, "natural": False, "good": False})
                                for k in key) + "\nsummary: none good\n")
    shown = CliRunner().invoke(cli, ["bench", "reader", str(out), "--judged", str(judged), "--key",
                                     str(tmp_path / "conv-items.key.json")])
    assert shown.exit_code == 0, shown.output
    assert "mara-nets" in shown.output and "natural" in shown.output

    again = CliRunner().invoke(cli, ["bench", "reader", str(out), "--items", str(tmp_path / "again.json")])
    assert again.exit_code == 0, again.output
    assert len(json.loads((tmp_path / "again.json").read_text())["items"]) == 2
    assert (tmp_path / "again.key.json").exists()

