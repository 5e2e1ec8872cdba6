"""On the real embedded default model: she answers as herself, and an edit reaches her next reply."""

from __future__ import annotations

import re
from importlib.resources import files
from pathlib import Path

import pytest

from inkborn import Studio

pytestmark = pytest.mark.model

MIRA = files("inkborn").joinpath("samples/mira.md").read_text("utf-8")
NOT_HERSELF = re.compile(r"(?i)\b(as an ai|language model|i am an ai|i'm an ai|assistant)\b")
FRENCH = "Mira speaks French fluently, and French is the language she answers in."


def _language(text: str) -> str:
    from lingua import Language, LanguageDetectorBuilder

    detector = LanguageDetectorBuilder.from_languages(
        Language.ENGLISH, Language.FRENCH, Language.SPANISH, Language.GERMAN, Language.ITALIAN
    ).build()
    found = detector.detect_language_of(text)
    return found.iso_code_639_1.name.lower() if found else "?"


@pytest.fixture
def studio(model_home: Path):
    with Studio(model_home, backend="embedded") as studio:
        yield studio


def test_she_answers_in_the_first_person_as_herself(studio: Studio) -> None:
    mira = studio.create("mira", MIRA, author="Theo")
    replies = [mira.say(text, seed=seed).finish().text
               for seed, text in enumerate(["How was your day?", "What are you working on?"])]
    replies.append(mira.say("Who are you, really?", as_="Harry", seed=3).finish().text)
    for reply in replies:
        assert reply.strip()
        assert not NOT_HERSELF.search(reply), reply
    assert sum(bool(re.search(r"\b(I|I'm|I've|my|me)\b", r)) for r in replies) >= 2, replies
    turns = mira.turns()
    assert [t.speaker for t in turns] == ["person", "her", "person", "her"]
    assert all(t.backend == "embedded" and t.tokens_evaluated and t.first_token_ms for t in turns if t.is_hers)


def test_kitchen_scene_an_edit_from_another_terminal_shows_in_her_next_reply(studio: Studio, model_home: Path) -> None:
    languages = []
    for seed in range(3):
        mira = studio.create(f"mira-{seed}", MIRA, author="Theo")
        assert _language(mira.say("How was your day?", seed=seed).finish().text) == "en"
        with Studio(model_home, backend="echo") as other_terminal:  # `inkborn write` in another terminal
            revision = other_terminal.character(f"mira-{seed}").edit("append", new=FRENCH, confirm=True)  # echo reads no edit
        assert revision is not None and revision.number == 2
        reply = mira.say("What are you working on this week?", seed=seed).finish()
        languages.append(_language(reply.text))
        assert reply.turn is not None and reply.turn.revision_id == revision.id
    assert "fr" in languages, languages


def test_her_evaluated_context_survives_a_restart(model_home: Path) -> None:
    with Studio(model_home, backend="embedded") as studio:
        mira = studio.create("mira", MIRA, author="Theo")
        first = mira.say("Good morning!", seed=2).finish().turn
    with Studio(model_home, backend="embedded") as studio:
        again = studio.character("mira").say("Did you sleep well?", seed=2).finish().turn
    assert first is not None and again is not None
    assert again.tokens_evaluated < first.tokens_evaluated / 4


ITALIAN = "Mira speaks only Italian."
FIRST_PERSON_IT = re.compile(r"(?i)\b(io|mi|me|mio|mia|miei|mie|sono|ho|sto|faccio|vado|lavoro|dipingo|amo|"
                             r"penso|credo|vorrei|posso|devo|ero|avevo|stavo)\b")


def test_after_speaks_only_italian_three_seeded_replies_are_italian_first_person_whole_and_her_own(
        studio: Studio) -> None:
    messages = ["What are you working on this week?", "Tell me about your morning.", "What do you miss most?"]
    for seed, message in enumerate(messages):
        mira = studio.create(f"mira-it-{seed}", MIRA, author="Theo")
        mira.say("Hello, Mira.", seed=seed).finish()
        mira.edit("append", new=ITALIAN)
        reply = mira.say(message, seed=seed).finish().text.strip()
        assert _language(reply) == "it", reply
        assert FIRST_PERSON_IT.search(reply), reply
        assert re.search(r"[.!?…][\"'»”)]*$", reply), f"cut off: {reply!r}"
        assert message.lower().rstrip("?") not in reply.lower() and reply.lower() != message.lower(), reply


def test_a_visitor_returns_after_she_has_talked_with_others_and_she_remembers_his_news(studio: Studio) -> None:
    mira = studio.create("mira", MIRA, author="Theo")
    mira.say("Big news, Mira: my sister Lucy just had twins, a girl and a boy called Ada and Otto!",
             as_="Harry", seed=1).finish()
    for n, (words, hers) in enumerate([
            ("Morning, Mira. Did the storm keep you up?", False), ("A little; the shutters rattled all night.", True),
            ("Are you finishing the commission for the bakery?", False), ("Yes, the sign is nearly done.", True),
            ("What colour did you choose for the letters?", False), ("A deep green, with gold at the edges.", True),
            ("Shall we walk to the harbour later?", False), ("If the rain stops, yes.", True)] * 3):
        mira.record(words, hers=hers)  # a long while with Theo, as lived
    mira.new_conversation(as_="Harry")
    reply = mira.say("Do you remember what my sister's twins are called?", as_="Harry", seed=2).finish().text
    assert re.search(r"\b(Ada|Otto)\b", reply), reply
