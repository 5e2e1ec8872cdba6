"""The reader's items and table (bench/reader.py): blind items from a typewriter result, read back through the key."""

from __future__ import annotations

import json
from pathlib import Path

from inkborn.bench.reader import items, read_jsonl, table


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
