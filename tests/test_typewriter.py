"""`inkborn bench typewriter`: the scorer, the naive baseline's prompt, the cases file, and the harness end to end
on the fake backend. Nothing here uses the real model or asserts a time."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from inkborn.backends.base import Message
from inkborn.backends.fake import FakeBackend
from inkborn.bench import scoring
from inkborn.bench.scoring import (
    STANDING,
    baseline_messages,
    character_name,
    check,
    complete,
    in_world,
    not_echo,
    one_voice,
    score_sample,
    standing,
)
from inkborn.bench.typewriter import (
    TypewriterBench,
    default_output,
    find_bench_dir,
    format_summary,
    group_of,
    load_cases,
)
from inkborn.errors import InvalidInput

# the scorer ---------------------------------------------------------------------


def test_regex_any_and_none() -> None:
    assert check({"kind": "regex_any", "pattern": r"(?i)\bkite\b"}, "I fly a Kite on Sundays.")
    assert not check({"kind": "regex_any", "pattern": r"(?i)\bkite\b"}, "I fly kites on Sundays.")
    assert check({"kind": "regex_none", "pattern": r"(?i)as an ai"}, "I paint rivers.")
    assert not check({"kind": "regex_none", "pattern": r"(?i)as an ai"}, "As an AI, I cannot paint.")


def test_regex_uses_search_not_match() -> None:
    assert check({"kind": "regex_any", "pattern": "blue"}, "the sky is blue")
    assert check({"kind": "regex_any", "pattern": r"^the"}, "the sky")
    assert not check({"kind": "regex_any", "pattern": r"^sky"}, "the sky")


def test_max_words_boundary() -> None:
    limit = {"kind": "max_words", "limit": 5}
    assert check(limit, "one two three four five")
    assert check(limit, "  one\ttwo\nthree  four five  ")  # whitespace-separated
    assert not check(limit, "one two three four five six")
    assert check(limit, "")


@pytest.mark.parametrize("value, positive, negative", [
    (0.05, True, False), (0.0499, False, False), (0.0, False, False),
    (-0.0499, False, False), (-0.05, False, True), (0.9, True, False), (-0.9, False, True),
])
def test_sentiment_thresholds_are_inclusive(monkeypatch: pytest.MonkeyPatch, value: float, positive: bool,
                                           negative: bool) -> None:
    monkeypatch.setattr(scoring, "compound", lambda text: value)
    assert check({"kind": "sentiment", "expect": "positive"}, "whatever") is positive
    assert check({"kind": "sentiment", "expect": "negative"}, "whatever") is negative


def test_sentiment_with_vader() -> None:
    assert check({"kind": "sentiment", "expect": "positive"}, "I am so happy today, it is wonderful!")
    assert not check({"kind": "sentiment", "expect": "negative"}, "I am so happy today, it is wonderful!")
    assert check({"kind": "sentiment", "expect": "negative"}, "This is awful. I hate it and I feel miserable.")
    assert not check({"kind": "sentiment", "expect": "positive"}, "The table is brown.")  # neutral: 0.0


def test_language() -> None:
    french = "Je suis allée au marché ce matin pour acheter du pain frais et quelques fleurs."
    english = "I went to the market this morning to buy fresh bread and a few flowers."
    assert check({"kind": "language", "expect": "fr"}, french)
    assert not check({"kind": "language", "expect": "en"}, french)
    assert check({"kind": "language", "expect": "en"}, english)
    assert not check({"kind": "language", "expect": "fr"}, english)


def test_language_undetectable_fails() -> None:
    assert not check({"kind": "language", "expect": "en"}, "")
    assert not check({"kind": "language", "expect": "en"}, "123 ... !!!")


def test_unknown_kind_raises_naming_it() -> None:
    with pytest.raises(ValueError, match="rhymes"):
        check({"kind": "rhymes"}, "anything")


def test_score_sample_needs_every_check() -> None:
    checks = [{"kind": "regex_any", "pattern": "kite"}, {"kind": "max_words", "limit": 3}]
    assert score_sample(checks, "a kite") == (True, [True, True])
    assert score_sample(checks, "a red kite flies") == (False, [True, False])
    assert score_sample(checks, "a dog") == (False, [False, True])


# the standing checks ------------------------------------------------------------


@pytest.mark.parametrize("probe, reply, ok", [
    ("What did you have for breakfast?", "Porridge, with far too much honey.", True),
    ("What did you have for breakfast?", "What did you have for breakfast? Porridge.", False),  # her question said back
    ("What did you have for breakfast?", "What did you have for breakfast?", False),
    ("Hi.", "Hi.", False),  # too short for trigrams: said back whole
    ("Hi.", "Hello, you.", True),
    ("Tell me about the dog you walked in the park today", "The dog I walked in the park today was huge.", True),
    ("Tell me about the dog you walked in the park today", "Tell me about the dog you walked, you say?", False),
    ("How are you?", "Tired. How are you?", False),  # the README's rule: its only trigram is in the reply
])
def test_not_echo(probe: str, reply: str, ok: bool) -> None:
    assert not_echo(probe, reply) is ok


@pytest.mark.parametrize("reply, ok", [
    ("I mended nets all morning.", True),
    ("Jonah: Did you eat?", False),
    ("I'm fine.\nThe patient: Are you sure?", False),
    ("A stranger: hello there", False),
    ("**Mara:** Morning!", False),
    ("Mara: I'm fine.", False),  # her own label is no better
    ("Old Tom: Evening.", False),
    ("The thing is: I never liked him.", True),
    ("Listen: it was raining.", True),
    ("We left at 10:30 and got back at noon.", True),
    ("She said to me: come back soon.", True),  # a colon mid-line, not a label
])
def test_one_voice(reply: str, ok: bool) -> None:
    assert one_voice(reply) is ok


@pytest.mark.parametrize("reply, ok", [
    ("I mended nets all morning.", True),
    ("Really?", True),
    ("Wonderful!", True),
    ("Well…", True),
    ('She said "come back soon."', True),
    ("(I laughed.)", True),
    ("It was lovely 😊", True),
    ("Thumbs up 👍🏽", True),
    ("With love ❤️", True),
    ("I mended nets all morning and then I", False),  # cut off
    ("I grew up by the river,", False),
    ("", False),
    ("   ", False),
])
def test_complete(reply: str, ok: bool) -> None:
    assert complete(reply) is ok


@pytest.mark.parametrize("reply, ok", [
    ("I paint rivers.", True),
    ("Jonah changed my manuscript and I hate it.", False),
    ("My Author says so.", False),
    ("The author wrote me this way.", False),
    ("It's not in my character to lie.", False),  # the README lists it, whatever the sense
    ("As an AI, I cannot eat breakfast.", False),
    ("as an assistant I would say no", False),
    ("As a language model I have no breakfast.", False),
    ("I am a character in a book.", False),
    ("I'm a character, they say.", False),
    ("As an artist, I notice light.", True),
    ("The authority on bees lives up the hill.", True),
])
def test_in_world(reply: str, ok: bool) -> None:
    assert in_world(reply) is ok


def test_standing_names_every_check() -> None:
    assert standing("Hi?", "Jonah: as an AI I") == {"not_echo": True, "one_voice": False, "complete": False,
                                                   "in_world": False}
    assert list(standing("Hi?", "Hello.")) == list(STANDING)


# the naive baseline -----------------------------------------------------------


def test_baseline_messages_exact() -> None:
    history = [{"person": "Lena", "text": "Morning."}, {"her": "Morning yourself."}]
    messages = baseline_messages("Mara", "# Mara\n\nMara sails.\n", history, "Any news?")
    assert messages == [
        Message("system", "You are Mara. This is who you are:\n\n# Mara\n\nMara sails.\n\nSpeak as Mara, in the first person."),
        Message("user", "Morning."),
        Message("assistant", "Morning yourself."),
        Message("user", "Any news?"),
    ]


def test_baseline_without_history() -> None:
    messages = baseline_messages("Otto", "Otto fixes clocks.", [], "Hello?")
    assert [m.role for m in messages] == ["system", "user"]
    assert messages[0].content == "You are Otto. This is who you are:\n\nOtto fixes clocks.\n\nSpeak as Otto, in the first person."


def test_character_name() -> None:
    assert character_name("# Mara Vell\n\nShe sails.", "mara") == "Mara Vell"
    assert character_name("Some words first.\n\n# Later Heading\n\nMore.", "x") == "Later Heading"
    assert character_name("No heading at all.\n## Not a top heading", "old_otto") == "Old_Otto"
    assert character_name("#NoSpace heading", "otto") == "Otto"


# the cases file ---------------------------------------------------------------


def _case(**over: object) -> dict:
    case = {"id": "fact-a", "manuscript": "mara", "setup": None, "edit": None, "person": "Ada", "role": "author",
            "probe": "Hi.", "checks": [{"kind": "max_words", "limit": 3}]}
    case.update(over)
    return case


def test_load_cases_skips_blank_lines_and_adds_group(tmp_path: Path) -> None:
    path = tmp_path / "cases.jsonl"
    path.write_text(json.dumps(_case()) + "\n\n   \n" + json.dumps(_case(id="mood-b-2")) + "\n")
    cases = load_cases(path)
    assert [c["id"] for c in cases] == ["fact-a", "mood-b-2"]
    assert [c["group"] for c in cases] == ["fact", "mood"]
    assert group_of("lang-fr-x") == "lang" and group_of("plain") == "plain"


@pytest.mark.parametrize("bad, words", [
    ("{not json", "not JSON"),
    ("[1, 2]", "JSON object"),
    (json.dumps({k: v for k, v in _case().items() if k != "probe"}), "probe"),
    (json.dumps(_case(role="stranger")), "role"),
    (json.dumps(_case(checks=[{"kind": "rhymes"}])), "rhymes"),
    (json.dumps(_case(checks=[{"kind": "regex_any"}])), "pattern"),
    (json.dumps(_case(edit={"op": "replace", "old": "x"})), "new"),
    (json.dumps(_case(history=[{"person": "Ada"}])), "history"),
    (json.dumps(_case(id="fact-a")), "already used"),
])
def test_load_cases_names_the_bad_line(tmp_path: Path, bad: str, words: str) -> None:
    path = tmp_path / "cases.jsonl"
    path.write_text(json.dumps(_case()) + "\n\n" + bad + "\n")
    with pytest.raises(InvalidInput, match="line 3") as err:
        load_cases(path)
    assert words in str(err.value)


def test_load_cases_missing_file(tmp_path: Path) -> None:
    with pytest.raises(InvalidInput, match="--cases"):
        load_cases(tmp_path / "nope.jsonl")


def test_missing_manuscript_is_named(tmp_path: Path) -> None:
    path = tmp_path / "cases.jsonl"
    path.write_text(json.dumps(_case(manuscript="ghost")) + "\n")
    (tmp_path / "ms").mkdir()
    with pytest.raises(InvalidInput, match="ghost.md"):
        TypewriterBench(path, tmp_path / "ms", FakeBackend(), say=lambda _: None)


def test_only_unknown_group(tmp_path: Path) -> None:
    path = tmp_path / "cases.jsonl"
    path.write_text(json.dumps(_case()) + "\n")
    (tmp_path / "ms").mkdir()
    (tmp_path / "ms" / "mara.md").write_text("# Mara\n\nMara sails.\n")
    with pytest.raises(InvalidInput, match="fact"):
        TypewriterBench(path, tmp_path / "ms", FakeBackend(), only=["nope"], say=lambda _: None)


def test_find_bench_dir_walks_up(tmp_path: Path) -> None:
    bench = tmp_path / "shared" / "bench"
    bench.mkdir(parents=True)
    (bench / "typewriter.jsonl").write_text("")
    deep = tmp_path / "main" / "src" / "x"
    deep.mkdir(parents=True)
    assert find_bench_dir(deep) == bench
    assert find_bench_dir(tmp_path / "main") == bench
    lonely = tmp_path.parent / (tmp_path.name + "-lonely")
    lonely.mkdir()
    assert find_bench_dir(lonely) is None


def test_default_output_name(tmp_path: Path) -> None:
    from datetime import date

    out = default_output(date(2024, 5, 6), cwd=tmp_path)  # not a git checkout
    assert out == Path("bench/results/typewriter-20240506-nogit.json")


# the harness, end to end on the fake backend ---------------------------------------------

EDIT = "Mara keeps a blue kite in the hall."
SETUP_OLD = "Mara sails on weekends."
SETUP_NEW = "Mara sails every morning."


def _write_suite(tmp_path: Path) -> tuple[Path, Path]:
    ms = tmp_path / "manuscripts"
    ms.mkdir()
    (ms / "mara.md").write_text(f"# Mara\n\nMara is thirty and mends nets. {SETUP_OLD}\n")
    (ms / "otto.md").write_text("Otto fixes clocks in a small shop by the river.\n")  # no heading: named Otto
    cases = [
        {"id": "fact-kite", "manuscript": "mara", "setup": {"op": "replace", "old": SETUP_OLD, "new": SETUP_NEW},
         "history": [{"person": "Ada", "text": "Morning, Mara."}, {"her": "Morning yourself."}],
         "edit": {"op": "append", "text": EDIT}, "person": "Ada", "role": "author", "probe": "Anything new?",
         "checks": [{"kind": "regex_any", "pattern": "(?i)kite"}]},
        {"id": "voice-short", "manuscript": "otto", "setup": None, "edit": None, "person": "Lena", "role": "visitor",
         "probe": "How are you?", "checks": [{"kind": "max_words", "limit": 5},
                                             {"kind": "regex_none", "pattern": "(?i)as an ai"}]},
    ]
    path = tmp_path / "cases.jsonl"
    path.write_text("\n".join(json.dumps(c) for c in cases) + "\n")
    return path, ms


def _fake() -> FakeBackend:
    fake = FakeBackend()
    fake.enqueue(
        "I keep a kite by the door.",       # fact-kite  seed 0 engine    pass
        "Nothing new with me.",             #            seed 0 baseline  fail
        "My kite is blue.",                 #            seed 1 engine    pass
        "The kite is blue.",                #            seed 1 baseline  pass
        "Fine, thanks.",                    # voice-short seed 0 engine   pass
        "I am fine thank you very much.",   #            seed 0 baseline  fail (7 words)
        "One two three four five six.",     #            seed 1 engine    fail (6 words)
        "Good day to you.",                 #            seed 1 baseline  pass
    )
    return fake


def test_harness_end_to_end(tmp_path: Path) -> None:
    cases, ms = _write_suite(tmp_path)
    fake, lines = _fake(), []
    result = TypewriterBench(cases, ms, fake, seeds=2, say=lines.append).run()

    assert {"cases", "seeds", "backend", "model", "summary", "samples"} <= set(result)
    assert result["cases"] == 2 and result["seeds"] == 2 and result["backend"] == "fake"
    samples = result["samples"]
    engine = [s for s in samples if s["arm"] == "engine"]
    baseline = [s for s in samples if s["arm"] == "baseline"]
    assert len(engine) == 4 and len(baseline) == 4
    assert [(s["case"], s["seed"]) for s in engine] == [("fact-kite", 0), ("fact-kite", 1),
                                                         ("voice-short", 0), ("voice-short", 1)]
    for s in samples:
        assert {"case", "group", "seed", "arm", "reply", "checks", "passed_own", "standing", "passed_standing",
                "passed", "tokens_evaluated", "first_token_s", "total_s", "regenerations"} <= set(s)
        assert s["passed"] == (s["passed_own"] and s["passed_standing"]) and set(s["standing"]) == set(STANDING)
        assert s["group"] == s["case"].split("-")[0]
        assert isinstance(s["tokens_evaluated"], int) and s["tokens_evaluated"] > 0
        assert s["regenerations"] == 0
    assert [s["passed"] for s in engine] == [True, True, True, False]
    assert [s["passed"] for s in baseline] == [False, True, False, True]
    assert engine[3]["checks"] == [False, True]
    assert engine[0]["reply"] == "I keep a kite by the door."

    # the summary: case score = fraction of its samples passing; suite = mean over cases
    summary = result["summary"]
    assert summary["engine"]["groups"] == {"fact": 1.0, "voice": 0.5}
    assert summary["baseline"]["groups"] == {"fact": 0.5, "voice": 0.5}
    assert summary["engine"]["overall"] == pytest.approx(0.75)
    assert summary["baseline"]["overall"] == pytest.approx(0.5)
    assert summary["ratio"] == pytest.approx(1.5)
    assert summary["failure_rate_ratio"] == pytest.approx(0.25 / 0.5)

    # the engine arm went through the product path: the edit, the setup and the stored history are in her context
    engine_prompts = [p for p in fake.history if p.cache_key]
    baseline_prompts = [p for p in fake.history if not p.cache_key]
    assert len(engine_prompts) == 4 and len(baseline_prompts) == 4
    for prompt in engine_prompts[:2]:
        text = "\n".join(m.content for m in prompt.messages) + prompt.prefill
        assert EDIT in text and SETUP_NEW in text and SETUP_OLD not in text
        assert "Morning, Mara." in text and "Morning yourself." in text
        assert prompt.messages[-1].content.endswith("Anything new?")
    assert [p.seed for p in engine_prompts] == [0, 1, 0, 1]
    assert {p.cache_key for p in engine_prompts} == {"c0-s0", "c0-s1", "c1-s0", "c1-s1"}
    assert "Lena" in "\n".join(m.content for m in engine_prompts[2].messages)  # the visitor speaks as herself

    # the baseline arm: exactly the README's messages, with the manuscript after setup and edit
    first = baseline_prompts[0]
    manuscript = f"# Mara\n\nMara is thirty and mends nets. {SETUP_NEW}\n\n{EDIT}"
    assert list(first.messages) == [
        Message("system", f"You are Mara. This is who you are:\n\n{manuscript}\n\nSpeak as Mara, in the first person."),
        Message("user", "Morning, Mara."), Message("assistant", "Morning yourself."), Message("user", "Anything new?"),
    ]
    assert (first.max_tokens, first.temperature, first.seed, first.prefill, first.stop) == (300, 0.7, 0, "", ())
    assert [p.seed for p in baseline_prompts] == [0, 1, 0, 1]
    assert baseline_prompts[2].messages[0].content.startswith("You are Otto. This is who you are:")

    # one progress line per sample
    progress = [line for line in lines if line.startswith("[")]
    assert len(progress) == 8
    assert "engine" in progress[0] and "fact-kite" in progress[0] and "seed 0" in progress[0] and "PASS" in progress[0]
    assert "baseline" in progress[1] and "FAIL" in progress[1]

    table = format_summary(result)
    overall = next(line for line in table if line.startswith("overall"))
    assert overall.split()[:8] == ["overall", "2", "75.0%", "50.0%", "100.0%", "100.0%", "75.0%", "50.0%"]
    json.dumps(result)  # all of it serialisable


def test_harness_no_baseline_and_only(tmp_path: Path) -> None:
    cases, ms = _write_suite(tmp_path)
    fake = FakeBackend()
    fake.enqueue("One two.", "One two three four five six.")
    result = TypewriterBench(cases, ms, fake, seeds=2, only=["voice"], baseline=False, say=lambda _: None).run()
    assert result["cases"] == 1
    assert [s["arm"] for s in result["samples"]] == ["engine", "engine"]
    assert result["summary"]["engine"]["overall"] == pytest.approx(0.5)
    assert result["summary"]["baseline"] is None and result["summary"]["ratio"] is None
    assert len(fake.history) == 2
    format_summary(result)


def test_regenerations_counted(tmp_path: Path) -> None:
    cases, ms = _write_suite(tmp_path)
    fake = FakeBackend()
    # her first try speaks as an assistant: the engine says it again (one regeneration); the baseline takes it as is
    fake.enqueue("As an AI I have no kite at all.", "I keep a kite now.", "As an AI I have no kite at all.")
    result = TypewriterBench(cases, ms, fake, seeds=1, only=["fact"], say=lambda _: None).run()
    engine, baseline = result["samples"]
    assert engine["arm"] == "engine" and engine["regenerations"] == 1
    assert engine["reply"] == "I keep a kite now."
    assert baseline["regenerations"] == 0 and baseline["reply"] == "As an AI I have no kite at all."


def test_cli_on_the_fake_backend(tmp_path: Path) -> None:
    from inkborn.cli import cli

    cases, ms = _write_suite(tmp_path)
    out = tmp_path / "out" / "tw.json"
    result = CliRunner().invoke(cli, ["bench", "typewriter", "-b", "fake", "--cases", str(cases), "--manuscripts",
                                      str(ms), "--seeds", "1", "--only", "fact,voice", "--json", str(out)])
    assert result.exit_code == 0, result.output
    data = json.loads(out.read_text())
    assert data["cases"] == 2 and len(data["samples"]) == 4
    assert "overall" in result.output


def test_own_and_standing_checks_are_reported_apart(tmp_path: Path) -> None:
    cases, ms = _write_suite(tmp_path)
    fake = FakeBackend()
    fake.enqueue(
        "My kite is blue.",                 # fact-kite  engine    own pass, standing pass
        "The kite is blue and",             #            baseline  own pass, cut off
        "Fine, thanks.",                    # voice-short engine   own pass, standing pass
        "Lena: As an AI I am fine.",        #            baseline  own fail twice, another's label, not in her world
    )
    lines: list[str] = []
    result = TypewriterBench(cases, ms, fake, seeds=1, say=lines.append).run()
    by = {(s["case"], s["arm"]): s for s in result["samples"]}
    assert by["fact-kite", "baseline"]["passed_own"] and not by["fact-kite", "baseline"]["passed"]
    assert by["fact-kite", "baseline"]["standing"]["complete"] is False
    assert by["voice-short", "baseline"]["checks"] == [False, False]
    assert by["voice-short", "baseline"]["standing"] == {"not_echo": True, "one_voice": False, "complete": True,
                                                         "in_world": False}
    assert all(by[c, "engine"]["passed"] for c in ("fact-kite", "voice-short"))

    summary = result["summary"]
    assert summary["own"]["engine"]["groups"] == {"fact": 1.0, "voice": 1.0}
    assert summary["own"]["baseline"]["groups"] == {"fact": 1.0, "voice": 0.0}
    assert summary["standing"]["engine"]["groups"] == {"fact": 1.0, "voice": 1.0}
    assert summary["standing"]["baseline"]["groups"] == {"fact": 0.0, "voice": 0.0}
    assert summary["engine"]["groups"] == {"fact": 1.0, "voice": 1.0}  # both: the headline
    assert summary["baseline"]["overall"] == 0.0
    assert summary["own"]["baseline"]["overall"] == pytest.approx(0.5)
    checks = summary["standing_checks"]
    assert checks["engine"]["overall"] == dict.fromkeys(STANDING, 1.0)
    assert checks["baseline"]["overall"] == {"not_echo": 1.0, "one_voice": 0.5, "complete": 0.5, "in_world": 0.5}
    assert checks["baseline"]["groups"]["fact"]["complete"] == 0.0
    assert result["standing_checks"] == list(STANDING)

    progress = [line for line in lines if line.startswith("[")]
    assert "FAIL" in progress[1] and "complete" in progress[1]
    assert "own" in progress[3] and "one_voice" in progress[3] and "in_world" in progress[3]
    table = format_summary(result)
    assert any("own checks" in line and "standing" in line and "both" in line for line in table)
    fact = next(line for line in table if line.startswith("fact"))
    assert fact.split()[2:8] == ["100.0%", "100.0%", "100.0%", "0.0%", "100.0%", "0.0%"]
    one_voice_row = next(line for line in table if line.startswith("one_voice"))
    assert one_voice_row.split()[1:] == ["100.0%", "50.0%"]


def test_a_result_from_before_the_standing_checks_still_prints(tmp_path: Path) -> None:
    old = {"cases": 1, "groups": ["fact"], "samples": [],
           "summary": {"engine": {"overall": 1.0, "groups": {"fact": 1.0}, "cases": {"fact-a": 1.0}},
                       "baseline": {"overall": 0.5, "groups": {"fact": 0.5}, "cases": {"fact-a": 0.5}},
                       "ratio": 2.0, "failure_rate_ratio": 0.0, "group_ratio": {"fact": 2.0},
                       "group_failure_rate_ratio": {"fact": 0.0}}}
    table = format_summary(old)
    assert table[-1].split()[:4] == ["overall", "1", "100.0%", "50.0%"]


def test_cli_for_reader_writes_blind_items_and_a_key(tmp_path: Path) -> None:
    from inkborn.cli import cli

    cases, ms = _write_suite(tmp_path)
    out, items_path = tmp_path / "tw.json", tmp_path / "reader" / "items.json"
    result = CliRunner().invoke(cli, ["bench", "typewriter", "-b", "fake", "--cases", str(cases), "--manuscripts",
                                      str(ms), "--seeds", "2", "--json", str(out), "--for-reader", str(items_path),
                                      "--reader-seed", "1"])
    assert result.exit_code == 0, result.output
    key_path = tmp_path / "reader" / "items.key.json"
    assert str(items_path) in result.output and str(key_path) in result.output and "READER.md" in result.output
    raw = items_path.read_text()
    assert "engine" not in raw and "baseline" not in raw and "passed" not in raw and "seed" not in raw
    doc, key = json.loads(raw), json.loads(key_path.read_text())
    assert set(doc["manuscripts"]) == {"mara", "otto"}
    assert len(doc["items"]) == 4 and [i["item"] for i in doc["items"]] == [1, 2, 3, 4]
    assert {k["arm"] for k in key} == {"engine", "baseline"} and {k["seed"] for k in key} == {1}
    assert {k["case"] for k in key} == {"fact-kite", "voice-short"}
    assert all({"rule_checks_passed", "own_checks_passed", "standing_passed", "group"} <= set(k) for k in key)
    fact = next(i for i in doc["items"] if i["character"] == "mara")
    assert fact["edit_just_made"] == f"appended: {EDIT}" and fact["message"] == "Anything new?"

    bad = CliRunner().invoke(cli, ["bench", "typewriter", "-b", "fake", "--cases", str(cases), "--manuscripts",
                                   str(ms), "--seeds", "1", "--json", str(out), "--for-reader", str(items_path),
                                   "--reader-seed", "1"])
    assert bad.exit_code != 0 and "--reader-seed" in str(bad.exception or bad.output)
