"""`inkborn bench memory` on a small conversation of LoCoMo's shape: replayed through the product
path, its evidence recalled, and questions asked of her by category (the echo backend answers
with her whole context, so what she recalled is read off her reply)."""

import json
import subprocess
import sys
from pathlib import Path

from inkborn.bench.answers import answer_all, score
from inkborn.bench.memory import evidence_recall, replay
from inkborn.studio import Studio

INKBORN = Path(sys.executable).with_name("inkborn")
SAMPLE = {
    "sample_id": "conv-t",
    "conversation": {
        "speaker_a": "Ana", "speaker_b": "Ben",
        "session_1_date_time": "1:56 pm on 8 May, 2023",
        "session_1": [
            {"speaker": "Ana", "dia_id": "D1:1", "text": "I walked out to the lighthouse yesterday, it was lovely."},
            {"speaker": "Ben", "dia_id": "D1:2", "text": "Lovely! I finally bought a red kayak."}],
        "session_2_date_time": "10:00 am on 20 June, 2023",
        "session_2": [
            {"speaker": "Ana", "dia_id": "D2:1", "text": "My sister is moving to Lisbon."},
            {"speaker": "Ben", "dia_id": "D2:2", "text": "Say hello to her from me."}],
    },
    "qa": [
        {"question": "When did Ana walk to the lighthouse?", "answer": "7 May 2023", "evidence": ["D1:1"], "category": 2},
        {"question": "What colour is the kayak Ben bought?", "answer": "red", "evidence": ["D1:2"], "category": 4},
        {"question": "Where is Ben's sister moving?", "adversarial_answer": "Lisbon", "evidence": ["D2:1"],
         "category": 5},
    ],
}


def test_a_replayed_conversation_recalls_each_questions_evidence(tmp_path: Path) -> None:
    with Studio(tmp_path, backend="echo", reflect=False) as studio:
        replayed = replay(studio, SAMPLE)
        rows = evidence_recall(replayed, studio.recall, "engine")["rows"]
    assert [r["category"] for r in rows] == [2, 4, 5]
    assert all(r["at_5"] == 1.0 for r in rows)


def test_questions_of_one_category_are_asked_alone_and_what_she_recalls_keeps_its_day(tmp_path: Path) -> None:
    with Studio(tmp_path, backend="echo", reflect=False) as studio:
        replayed = replay(studio, SAMPLE)
        got = answer_all(studio, replayed, categories={2}, say=lambda _: None)
        assert [r["category"] for r in got["rows"]] == [2]
        assert "yesterday (7 May 2023)" in got["rows"][0]["reply"]  # her memory, as the stage gave it her
        assert studio.store.turns(replayed.character.new_conversation(as_="Ben")) == []


def test_an_adversarial_question_is_right_only_when_declined() -> None:
    qa = SAMPLE["qa"][2]
    assert score(qa, "That was never mentioned.") == (0.0, 1.0)  # declined in her voice, not in LoCoMo's words
    assert score(qa, "It was not mentioned, as far as I know.") == (1.0, 1.0)
    assert score(qa, "She is moving to Lisbon.") == (0.0, 0.0)
    assert score(SAMPLE["qa"][0], "7 May 2023.")[0] == 1.0 > score(SAMPLE["qa"][0], "On 7 May 2023, I think.")[0]


def test_a_category_without_answers_is_a_clear_error(tmp_path: Path) -> None:
    data = tmp_path / "locomo10.json"
    data.write_text(json.dumps([SAMPLE]))
    done = subprocess.run([str(INKBORN), "bench", "memory", "--data", str(data), "--category", "temporal"],
                          capture_output=True, text=True, timeout=60)
    assert done.returncode != 0 and "give --answers SAMPLE too" in done.stderr
