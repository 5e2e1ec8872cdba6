"""The reader's items and table (bench/reader.py): blind items from a typewriter result, read back through the key."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from inkborn.bench.reader import format_table, items, read_jsonl, table
from inkborn.errors import InvalidInput


def test_items_hide_the_arm_and_the_table_reads_the_judge_back(tmp_path: Path) -> None:
    (tmp_path / "manuscripts").mkdir()
    (tmp_path / "manuscripts" / "ruby.md").write_text("# Ruby\n\nRuby paints.\n")
    case = {"id": "lang-fr-ruby", "manuscript": "ruby", "setup": None, "person": "Calvin", "role": "author",
            "edit": {"op": "append", "text": "Ruby speaks only French."}, "probe": "Hi?",
            "history": [{"person": "Calvin", "text": "Morning."}, {"her": "Morning, you."}],
            "checks": [{"kind": "language", "expect": "fr"}]}
    (tmp_path / "cases.jsonl").write_text(json.dumps(case) + "\n")
    samples = [{"case": "lang-fr-ruby", "seed": s, "arm": arm, "reply": f"{arm} {s}", "passed": arm == "engine"}
               for s in (0, 1) for arm in ("engine", "baseline")]
    doc, key = items({"cases_file": str(tmp_path / "cases.jsonl"), "samples": samples}, seed=0)
    assert [i["reply"] for i in doc["items"]] != [] and all(i["reply"].endswith(" 0") for i in doc["items"])
    assert all("arm" not in i and "passed" not in json.dumps(i) for i in doc["items"])
    first = doc["items"][0]
    assert first["edit_just_made"] == "appended: Ruby speaks only French." and first["speaker_role"] == "author"
    assert first["history"] == [{"speaker": "Calvin", "text": "Morning."}, {"speaker": "Ruby", "text": "Morning, you."}]
    engine = next(k["item"] for k in key if k["arm"] == "engine")
    lines = tmp_path / "judged.jsonl"
    lines.write_text("\n".join(json.dumps({"item": k["item"], "obeys": True, "natural": k["arm"] == "engine",
                                           "good": k["arm"] == "engine"}) for k in key) + "\nsummary: done\n")
    rows = table(key, read_jsonl(lines))
    assert rows["engine all"] == {"n": 1, "rule checks": 1.0, "obeys": 1.0, "natural": 1.0, "good": 1.0}
    assert rows["baseline lang"]["good"] == 0.0 and engine in {k["item"] for k in key}


def test_a_result_from_before_the_standing_checks_gives_items(tmp_path: Path) -> None:
    (tmp_path / "ms").mkdir()
    (tmp_path / "ms" / "otto.md").write_text("Otto fixes clocks.\n")
    case = {"id": "voice-otto", "manuscript": "otto", "setup": None, "edit": None, "person": "Lena",
            "role": "visitor", "probe": "Hi?", "checks": [{"kind": "max_words", "limit": 5}]}
    (tmp_path / "cases.jsonl").write_text(json.dumps(case) + "\n")
    old = {"cases_file": str(tmp_path / "cases.jsonl"),  # no manuscripts_dir, no standing fields
           "samples": [{"case": "voice-otto", "seed": 0, "arm": "engine", "reply": "Hello.", "passed": True}]}
    doc, key = items(old, seed=0, manuscripts=tmp_path / "ms")
    assert doc["items"][0]["reply"] == "Hello." and doc["items"][0]["character"] == "otto"
    assert key == [{"item": 1, "arm": "engine", "case": "voice-otto", "group": "voice", "seed": 0,
                    "rule_checks_passed": True}]
    new = {**old, "manuscripts_dir": str(tmp_path / "ms"),
           "samples": [{**old["samples"][0], "passed_own": True, "passed_standing": False, "passed": False}]}
    _, key = items(new, seed=0)
    assert key[0]["own_checks_passed"] is True and key[0]["standing_passed"] is False
    with pytest.raises(InvalidInput, match="seed 3"):
        items(new, seed=3)


def test_table_side_by_side_per_group() -> None:
    key = [{"item": 1, "arm": "engine", "case": "mood-a", "rule_checks_passed": True},
           {"item": 2, "arm": "baseline", "case": "mood-a", "rule_checks_passed": False},
           {"item": 3, "arm": "engine", "case": "talk-x", "group": "hester-hives", "rule_checks_passed": True}]
    judged = [{"item": 1, "obeys": True, "natural": True, "good": True},
              {"item": 2, "obeys": False, "natural": True, "good": False},
              {"item": 3, "obeys": True, "natural": False, "good": False}]
    rows = table(key, judged)
    assert list(rows) == ["engine all", "baseline all", "engine mood", "baseline mood", "engine hester-hives"]
    assert rows["engine all"] == {"n": 2, "rule checks": 1.0, "obeys": 1.0, "natural": 0.5, "good": 0.5}
    lines = format_table(rows)
    assert lines[0].split() == ["n", "rule", "checks", "obeys", "natural", "good"]
    assert lines[1].split() == ["group"] + ["engine", "baseline"] * 5
    assert lines[3].split() == ["mood", "1", "1", "1.00", "0.00", "1.00", "0.00", "1.00", "1.00", "1.00", "0.00"]
    assert lines[4].split()[:3] == ["hester-hives", "1", "-"]
