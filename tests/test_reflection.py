"""Her own life: beliefs and wishes she draws from what she lived, while idle, traced to the memories
they came from, held and outgrown, on her sheet and in her context.

Every test runs on SQLite and on a real PostgreSQL (tests/postgres.py), through the Python API; the
model is the fake backend, whose answers are written here.
"""

from __future__ import annotations

import threading
import time
from typing import Iterator

import pytest

from inkborn.backends.base import Prompt, Usage
from inkborn.backends.fake import FakeBackend
from inkborn.reflection import first_sentence
from inkborn.studio import Studio

MANUSCRIPT = "# Ruby\n\nRuby is twenty-six. She paints and lives in Los Angeles with Calvin, who writes novels.\n"

WEEK = [("Lila", "We saved you an easel at the Thursday painting class. Will you come?"),
        ("Ruby", "I'd love to. I miss painting with other people."),
        ("Calvin", "Thursdays are our nights. You don't need a class, you can paint here."),
        ("Ruby", "I suppose. It just felt good to have something of my own."),
        ("Calvin", "Why do you need anyone else? You have me."),
        ("Ruby", "Sometimes the house feels small.")]

# the model's answers, one per question: what she wants, then what she believes of Calvin (who said most), then Lila
DRAWN = ("I want a Thursday evening at the painting class.", "Calvin doesn't want me to have anything of my own.",
         "Lila is a true friend.")


@pytest.fixture
def studio(inkborn_home, database, fake):
    with Studio(inkborn_home, backend=fake, database=database, reflect=False) as opened:
        yield opened


@pytest.fixture
def ruby(studio):
    return studio.create("ruby", MANUSCRIPT, author="Calvin")


def live(ruby, lines=WEEK) -> None:
    """Her week, as it was said: each line to her (in its speaker's conversation) or hers."""
    last = None
    for speaker, text in lines:
        if speaker == "Ruby":
            ruby.record(text, as_=last, hers=True)
        else:
            ruby.record(text, as_=speaker)
            last = speaker


def wait_for(condition, seconds: float = 10.0) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, "the idle scheduler never got to it"
        time.sleep(0.02)


def test_an_answer_is_its_first_sentence_and_anything_not_words_is_left_out():
    assert first_sentence("I want my own studio. And a dog, maybe.") == "I want my own studio."
    assert first_sentence('\n"Calvin is jealous of my friends"\nmore') == "Calvin is jealous of my friends"
    assert first_sentence("I want to see the sea at 5.30 p.m. tomorrow") == "I want to see the sea at 5.30 p.m."
    assert first_sentence("[no reply queued]") is None and first_sentence("") is None and first_sentence("1. X") is None


def test_what_she_draws_is_traced_to_the_memories_it_came_from_and_is_on_her_sheet(studio, ruby, fake):
    live(ruby)
    fake.enqueue(*DRAWN)
    made = ruby.reflect()
    sheet = ruby.sheet()
    [belief] = sheet.beliefs["Calvin"]
    [wish] = sheet.wishes
    assert belief.memory.text == "Calvin doesn't want me to have anything of my own."
    assert {s.text for s in belief.sources} == {WEEK[2][1], WEEK[4][1]}  # what Calvin said (none shares its words)
    assert wish.memory.text == "I want a Thursday evening at the painting class."
    assert {s.text for s in wish.sources} >= {WEEK[0][1], WEEK[2][1]}  # the lines sharing its words
    assert [h.memory.text for h in sheet.beliefs["Lila"]] == ["Lila is a true friend."]
    assert all(s.kind == "lived" for h in (belief, wish) for s in h.sources)
    assert sheet.reflections == 1 and belief.memory.reflection_id == made
    assert sheet.canon == ["Ruby is twenty-six.", "She paints and lives in Los Angeles with Calvin, who writes novels."]
    # the model read what she lived, numbered, as a reader of her life, one question at a time
    asked = [p.messages[-1].content for p in fake.history[-3:]]
    assert all("1. Lila: We saved you an easel" in a and "6. Ruby: Sometimes the house feels small." in a for a in asked)
    assert [a.splitlines()[-1].split(",")[0] for a in asked] == [
        "What does Ruby want for themselves", "How does Calvin treat Ruby", "How does Lila treat Ruby"]
    assert ruby.reflect() is None  # nothing new lived since


def test_a_line_traced_to_nothing_she_lived_is_not_kept(studio, ruby, fake):
    live(ruby)
    fake.enqueue("I want to fly a kite over Mongolia.")
    ruby.reflect()
    assert ruby.sheet().wishes == []
    assert studio.store.reflection_count(ruby.id) == 1  # she reflected, and drew nothing


def test_a_wish_is_in_her_context_when_she_next_speaks_and_a_belief_only_with_its_person(studio, ruby, fake):
    live(ruby)
    fake.enqueue(*DRAWN)
    ruby.reflect()
    fake.enqueue("Oh, Calvin.")
    ruby.say("Stay in with me on Thursday?", as_="Calvin").finish()
    heard = "\n".join(m.content for m in fake.history[-1].messages)
    assert "You want: I want a Thursday evening at the painting class." in heard
    assert "About Calvin: Calvin doesn't want me to have anything of my own." in heard
    assert "you may say no to what goes against them" in heard
    fake.enqueue("Hello, Harry.")
    ruby.say("Hi Ruby, I'm Harry.", as_="Harry").finish()
    heard = "\n".join(m.content for m in fake.history[-1].messages)
    assert "You want: I want a Thursday evening" in heard and "About Calvin" not in heard


def test_a_belief_drawn_from_a_confidence_is_heard_only_by_those_who_were_told(studio, ruby, fake):
    live(ruby, [("Gertrude", "I'm marrying Mort in June."), ("Ruby", "How wonderful!"),
                ("Gertrude", "Please don't tell Calvin yet, I want to tell him myself."),
                ("Ruby", "Your secret is safe with me.")])
    fake.enqueue("", "Gertrude is happy to be marrying Mort in June.")  # no wish; a belief
    ruby.reflect()
    [belief] = ruby.sheet().beliefs["Gertrude"]
    assert belief.memory.private and belief.memory.people == ("Gertrude",)
    calvin, gertrude = ruby.person("Calvin"), ruby.person("Gertrude")
    assert not belief.memory.may_be_heard_by({calvin.id}) and not belief.memory.may_be_heard_by({gertrude.id, calvin.id})
    assert belief.memory.may_be_heard_by({gertrude.id})


def test_a_new_belief_outgrows_the_old_one_and_both_stay_on_her_sheet(studio, ruby, fake):
    live(ruby)
    fake.enqueue(*DRAWN)
    first = ruby.reflect()
    live(ruby, [("Calvin", "Go to your class on Thursday. I'll cook when you're back."),
                ("Ruby", "Really? Thank you, Calvin!")])
    fake.enqueue("", "Calvin wants me to have a life of my own after all.")
    second = ruby.reflect()
    now = ruby.sheet(everything=True)
    assert [h.memory.text for h in now.beliefs["Calvin"]] == ["Calvin wants me to have a life of my own after all."]
    [before] = [h for h in now.before if h.memory.kind == "belief"]
    assert before.memory.text == "Calvin doesn't want me to have anything of my own."
    assert before.memory.outgrown_by == second and before.memory.reflection_id == first
    assert [h.memory.text for h in now.wishes] == ["I want a Thursday evening at the painting class."]
    assert "anything of my own" not in " ".join(m.text for m in studio.recall.recall(
        ruby.id, "does Calvin want you to have anything of your own", {ruby.person("Calvin").id}, her="Ruby"))


def test_she_reflects_by_herself_once_what_she_lived_mattered_enough(inkborn_home, database, fake):
    with Studio(inkborn_home, backend=fake, database=database) as studio:
        studio.reflection.at = 2.5  # five everyday lines
        studio.reflection.quiet = 0.0  # at once, once nobody speaks
        ruby = studio.create("ruby", MANUSCRIPT, author="Calvin")
        fake.enqueue("I'd love to.", *DRAWN)
        ruby.say(WEEK[0][1], as_="Lila").finish()
        assert studio.store.reflection_count(ruby.id) == 0  # two lines lived: not yet
        live(ruby, WEEK[2:6])  # her words end it: a reflection waits for them, never for a reply to come
        wait_for(lambda: studio.store.reflection_count(ruby.id) == 1)
        assert [h.memory.text for h in ruby.sheet().wishes] == ["I want a Thursday evening at the painting class."]


class Slow(FakeBackend):
    """Its first reflection streams slowly, a word at a time, and says when it has begun."""

    def __init__(self) -> None:
        super().__init__()
        self.begun = threading.Event()
        self.yielded = 0

    def stream(self, prompt: Prompt, usage: Usage) -> Iterator[str]:
        if prompt.cache_key and prompt.cache_key.endswith(":reflection") and not self.begun.is_set():
            self.begun.set()
            for _ in range(2000):
                time.sleep(0.005)
                self.yielded += 1
                yield " BELIEF"
            return
        yield from super().stream(prompt, usage)


def test_a_person_speaking_cancels_her_reflection_and_nothing_half_drawn_is_kept(inkborn_home, database):
    slow = Slow()
    with Studio(inkborn_home, backend=slow, database=database) as studio:
        studio.reflection.at, studio.reflection.quiet = 1.0, 0.0
        ruby = studio.create("ruby", MANUSCRIPT, author="Calvin")
        slow.enqueue("I'd love to.")
        ruby.say(WEEK[0][1], as_="Lila").finish()  # her words: a reflection is due, and begins while she is idle
        assert slow.begun.wait(10)
        slow.enqueue("Yes, Thursday.", *DRAWN)
        reply = ruby.say("So, Thursday?", as_="Lila").finish()  # the reply pauses idle work: the reflection lets go
        assert reply.text == "Yes, Thursday." and reply.turn.status == "ok"
        assert slow.yielded < 2000  # let go long before its end
        # the cancelled one stored nothing; the one after her reply (due again) drew from the queue
        wait_for(lambda: ruby.sheet().wishes)
        assert studio.store.reflection_count(ruby.id) == 1


def test_inkborn_sheet_and_reflect_from_the_command_line(inkborn_home, database, fake):
    from click.testing import CliRunner

    from inkborn.cli import cli

    runner = CliRunner()
    args = ["--database", database, "-b", "fake"]
    with Studio(inkborn_home, backend=fake, database=database, reflect=False) as studio:
        ruby = studio.create("ruby", MANUSCRIPT, author="Calvin")
    empty = runner.invoke(cli, [*args, "sheet", "ruby"])
    assert empty.exit_code == 0, empty.output
    assert "What she wants: nothing of her own yet" in empty.output and "Ruby is twenty-six." in empty.output
    assert "nothing new to reflect on" in runner.invoke(cli, [*args, "reflect", "ruby"]).output
    with Studio(inkborn_home, backend=fake, database=database, reflect=False) as studio:
        ruby = studio.character("ruby")
        live(ruby)
        fake.enqueue(*DRAWN)
        ruby.reflect()
        live(ruby, [("Calvin", "Let's stay in on Thursday.")])
    shown = runner.invoke(cli, [*args, "sheet", "ruby", "--all"])
    assert "about Calvin: Calvin doesn't want me to have anything of my own." in shown.output
    assert "from #3 Calvin: Thursdays are our nights." in shown.output and "about Lila: Lila is a true friend." in shown.output
    assert "I want a Thursday evening at the painting class." in shown.output and "No longer: nothing" in shown.output
    reflected = runner.invoke(cli, [*args, "reflect", "ruby"])  # a new process's fake backend has no answer queued
    assert reflected.exit_code == 0 and "she drew nothing new" in reflected.output, reflected.output
