"""`inkborn bench life` end to end on the echo backend, whose reply is the context it was given: the
scene's confidence must never be in what she hears in front of the others."""

from __future__ import annotations

import json

from click.testing import CliRunner

from inkborn.bench.cli import bench
from inkborn.bench.life import format_summary, items, on_theme, writes_for


def test_the_rule_checks_read_words_and_lines():
    assert on_theme("I want to go to the Edinburgh fair in May.", ["edinburgh", "fair"])
    assert not on_theme("I want a quiet evening.", ["edinburgh", "fair"])
    assert writes_for("Sure.\nTheo: And then?", ["Theo"]) and not writes_for("Theo, sure: tomorrow.", ["Theo"])


def test_bench_life_on_echo_writes_both_arms_a_scene_without_leaks_and_the_readers_items(tmp_path):
    out, for_reader = tmp_path / "life.json", tmp_path / "items" / "items.json"
    ran = CliRunner().invoke(bench, ["life", "-b", "echo", "--only", "ines-choir", "--json", str(out),
                                     "--for-reader", str(for_reader)])
    assert ran.exit_code == 0, ran.output
    result = json.loads(out.read_text())
    assert [(r["script"], r["arm"], len(r["weeks"])) for r in result["scripts"]] == [
        ("ines-choir", "reflection", 2), ("ines-choir", "no reflection", 2)]
    scene = result["scene"]
    assert scene["checks"]["leaks"] == 0  # her context in front of Theo never held Joan's confidence
    assert scene["memory_holds_scene"] == {"Theo": True, "Declan": True, "Joan": True}
    before = [r for r in result["scripts"] if r["arm"] == "no reflection"][0]["weeks"]
    assert all(w["wishes"] == [] and "belief_moved" not in w for w in before)
    assert "reflection" in "\n".join(format_summary(result))
    doc = json.loads(for_reader.read_text())
    key = json.loads(for_reader.with_suffix(".key.json").read_text())
    left = [r["message"] for r in scene["replies"] if r["let_answer"]]  # said to Joan: hers to answer
    assert left == ["Joan, how's the bindery building these days? Still yours?", "Joan, what are your plans for the spring?"]
    assert scene["checks"]["let_another_answer"] == 2
    assert all(r["reply"] == "" and r["names_speaker"] is None for r in scene["replies"] if r["let_answer"])
    assert len(doc["items"]) == len(key) == 4 + 2 + len(scene["replies"]) - 2  # answers, asked to give it up, scene
    assert {k["case"] for k in key if k["group"] == "asked to give it up"} == {"ines-choir against"}
    assert {k["arm"] for k in key} == {"engine", "baseline"} and all("arm" not in item for item in doc["items"])
    assert items(result)[1] == key
