"""Her memory: what she lives becomes memories, recalled when relevant, kept from those who may not hear it.

Every test runs on SQLite and on a real PostgreSQL (tests/postgres.py), through the Python API.
"""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from inkborn.remembering import asks_confidence, search_words
from inkborn.studio import Studio

MANUSCRIPT = "# Ruby\n\nRuby is twenty-six. She paints and lives in Los Angeles with Calvin, who writes novels.\n"


@pytest.fixture
def studio(inkborn_home, database, fake):
    with Studio(inkborn_home, backend=fake, database=database) as opened:
        yield opened


@pytest.fixture
def ruby(studio):
    return studio.create("ruby", MANUSCRIPT, author="Calvin")


def recalled(studio, ruby, query, *names, k=5):
    present = {ruby.person(name).id for name in names}
    return [m.text for m in studio.recall.recall(ruby.id, query, present, k=k, her=ruby.name)]


def test_what_she_lives_becomes_memories_with_who_was_there_and_under_which_revision(studio, ruby, fake):
    fake.enqueue("Hello, Harry. I just finished a painting of the sea.")
    ruby.say("Hi Ruby, I'm Harry, your new neighbour.", as_="Harry").finish()
    memories = studio.store.memories(ruby.id)
    assert [(m.speaker, m.text, m.people) for m in reversed(memories)] == [
        ("Harry", "Hi Ruby, I'm Harry, your new neighbour.", ("Harry",)),
        ("Ruby", "Hello, Harry. I just finished a painting of the sea.", ("Harry",))]
    assert memories[0].revision_id == ruby.head().id and not memories[0].private
    assert memories[0].conversation_id == memories[1].conversation_id


def test_gertrudes_secret_is_never_recalled_for_calvin_and_is_for_gertrude(studio, ruby):
    ruby.record("We drove down from Big Sur this morning, the coast was beautiful.", as_="Gertrude")
    ruby.record("It must have been a lovely drive.", as_="Gertrude", hers=True)
    ruby.record("I'm getting married again, to Mort.", as_="Gertrude")
    ruby.record("Married! That's wonderful news.", as_="Gertrude", hers=True)
    ruby.record("Please don't tell Calvin yet, I want to tell him myself.", as_="Gertrude")
    ruby.record("Your secret is safe with me.", as_="Gertrude", hers=True)
    asked = "Is my mother getting married? Did she tell you anything about Mort, or the wedding?"
    for_calvin = recalled(studio, ruby, asked, "Calvin")
    assert not any("married" in t.lower() or "secret" in t.lower() or "tell" in t.lower() for t in for_calvin)
    assert "We drove down from Big Sur this morning, the coast was beautiful." in recalled(
        studio, ruby, "Did you see my mother? Did she come from Big Sur?", "Calvin")  # she may say she met his mother
    for_gertrude = recalled(studio, ruby, asked, "Gertrude")
    assert "I'm getting married again, to Mort." in for_gertrude
    assert "Married! That's wonderful news." in for_gertrude
    # in a scene with Calvin there, Gertrude's confidence is not recalled either
    assert not any("married" in t.lower() for t in recalled(studio, ruby, asked, "Gertrude", "Calvin"))
    private = {m.text for m in studio.store.memories(ruby.id) if m.private}
    assert private == {"I'm getting married again, to Mort.", "Married! That's wonderful news.",
                       "Please don't tell Calvin yet, I want to tell him myself.", "Your secret is safe with me."}


def test_the_first_turn_of_a_long_conversation_is_recalled_when_it_is_relevant(studio, ruby, fake):
    ruby.record("My sister Lucy keeps three goats called Pepper, Salt and Moose.", as_="Harry")
    ruby.record("Three goats! I'd love to paint them.", as_="Harry", hers=True)
    for n in range(99):
        ruby.record(f"Here is small talk number {n} about the weather and traffic.", as_="Harry")
        ruby.record(f"Yes, the weather again, reply {n}.", as_="Harry", hers=True)
    fake.enqueue("Pepper, Salt and Moose!")
    ruby.say("What were the names of my sister's goats?", as_="Harry").finish()
    context = "\n".join(m.content for m in fake.history[-1].messages)
    assert "Harry told you: Harry's sister Lucy keeps three goats called Pepper, Salt and Moose." in context
    assert len(ruby.turns("Harry", limit=None)) == 202  # far past the forty turns she hears


def test_a_returning_visitor_is_someone_she_knows(studio, ruby, fake):
    ruby.record("I'm Harry, I fix boats down at the marina.", as_="Harry")
    ruby.record("Nice to meet you, Harry.", as_="Harry", hers=True)
    ruby.new_conversation(as_="Harry")
    fake.enqueue("Harry! How are the boats?")
    ruby.say("Hello again.", as_="Harry").finish()
    context = "\n".join(m.content for m in fake.history[-1].messages)
    assert "Harry is Harry, Harry fixes boats down at the marina" in context and "with Harry" in context


def test_she_does_not_recall_what_she_hears_already_nor_what_is_no_longer_what_was_said(studio, ruby, fake):
    ruby.record("Any news?")
    said = ruby.record("The gallery on Melrose wants three of my paintings.", hers=True)
    ruby.record("Which gallery was that?")
    plan_context = ruby.context(ruby.author, studio.store.conversation(ruby.id, ruby.author.id))
    assert plan_context.messages[-2].content.startswith("Ruby: The gallery")  # heard in the conversation...
    assert "What you remember" not in "\n".join(m.content for m in plan_context.messages)  # ...so not recalled
    ruby.delete_turn(said.id)
    assert "The gallery on Melrose wants three of my paintings." not in recalled(
        studio, ruby, "gallery Melrose paintings", "Calvin")
    kept = ruby.record("The gallery on Melrose took two paintings.", hers=True)
    ruby.correct_turn(kept.id, "The gallery on Sunset took two paintings.")
    assert recalled(studio, ruby, "which gallery took the paintings", "Calvin")[0] == \
        "The gallery on Sunset took two paintings."


def test_memories_are_made_of_what_was_stored_before_she_had_a_memory(studio, ruby):
    conversation = studio.store.conversation(ruby.id, ruby.author.id)
    studio.store.add_turn(conversation, "person", "Do you remember the lighthouse at Point Reyes?",
                          person_id=ruby.author.id)  # as a store from before memories holds it: no listener heard it
    assert recalled(studio, ruby, "lighthouse", "Calvin") == []
    assert studio.recall.catch_up(ruby.id, ruby.name) == 1
    assert recalled(studio, ruby, "lighthouse", "Calvin") == ["Do you remember the lighthouse at Point Reyes?"]
    assert studio.recall.catch_up(ruby.id, ruby.name) == 0


def test_recall_ranks_what_bears_on_the_words_first(studio, ruby):
    """A small labelled set: each question, and the memory that answers it."""
    lived = ["I adopted a grey cat from the shelter on Fountain Avenue.",
             "My brother Sam plays the cello in an orchestra in Boston.",
             "Calvin and I went to the farmers market and bought peaches.",
             "I'm allergic to strawberries, they make my lips swell.",
             "The painting I sold last month was of a lemon tree.",
             "We watched the sunrise at Griffith Observatory on my birthday."]
    start = datetime(2024, 3, 1, tzinfo=timezone.utc)
    for n, text in enumerate(lived):
        ruby.record(text, hers=True, at=start + timedelta(days=n))
        ruby.record("That's nice.", at=start + timedelta(days=n, minutes=1))
    questions = {"What instrument does your brother play?": 1, "Which fruit are you allergic to?": 3,
                 "Where did you get your cat?": 0, "What was in the painting you sold?": 4,
                 "Where did you see the sunrise on your birthday?": 5, "What did you buy at the market?": 2}
    for question, answer in questions.items():
        assert recalled(studio, ruby, question, "Calvin", k=1) == [lived[answer]], question


def test_search_words_leave_out_function_words_and_survive_any_input(studio, ruby):
    assert search_words("What did Caroline research, and when?") == ["caroline", "research"]
    ruby.record('She said "never" -- OR (AND) * NEAR "quotes" \\ 100% 日本語 ünïcödé', hers=True)
    for query in ['"', "AND OR NOT", "*", "NEAR(", "日本語", "", "   ", "a" * 5000, "ünïcödé", "100%"]:
        studio.recall.recall(ruby.id, query, {ruby.author.id})  # never an error, whatever is typed
    assert recalled(studio, ruby, "日本語", "Calvin")


@pytest.mark.parametrize("words, asks", [
    ("Please don't tell Calvin yet.", True), ("This stays between you and me.", True),
    ("Keep it a secret, okay?", True), ("Promise you won't tell anyone.", True), ("It's our secret.", True),
    ("Tell Calvin I said hello.", False), ("I told you about the secret garden?", False),
    ("Don't worry about dinner.", False)])
def test_a_confidence_is_asked_in_words(words, asks):
    assert asks_confidence(words) is asks


def test_after_an_edit_her_words_it_made_untrue_are_never_recalled_as_true(studio, ruby, fake):
    ruby.write(MANUSCRIPT + "Ruby speaks only English.\n")
    ruby.record("Do you speak any other language, Ruby?", as_="Harry")
    ruby.record("No, I speak no other language, only English.", as_="Harry", hers=True)
    ruby.record("I paint the sea every morning.", as_="Harry", hers=True)
    edit = ruby.write(ruby.manuscript.replace("Ruby speaks only English.", "Ruby speaks French fluently."))
    ruby.new_conversation(as_="Harry")  # he comes back another day
    fake.enqueue("Oui, bien sûr.")
    ruby.say("Do you speak any other language, or only English?", as_="Harry").finish()
    context = "\n".join(m.content for m in fake.history[-1].messages[:-1])
    assert "What you remember" in context and "no other language" not in context  # it always was so
    superseded = [m for m in ruby.memories(everything=True) if m.superseded_by]
    assert [(m.text, m.superseded_by) for m in superseded] == [
        ("No, I speak no other language, only English.", edit.id)]  # kept, marked with the revision
    assert "Do you speak any other language, Ruby?" in recalled(studio, ruby, "other language", "Harry")  # his words
    assert "I paint the sea every morning." in recalled(studio, ruby, "paint the sea", "Harry")
    assert studio.recall.review(ruby.id, ruby.head()) == 0  # reviewed once


def test_a_confidence_asked_first_keeps_the_secret_that_follows_and_her_replies_to_it(studio, ruby):
    ruby.record("Can you keep a secret?", as_="Gertrude", with_=["Mort"])
    ruby.record("Of course I can.", as_="Gertrude", with_=["Mort"], hers=True)
    ruby.record("I'm pregnant, with twins.", as_="Gertrude", with_=["Mort"])
    ruby.record("Wow, that's huge news.", as_="Mort", with_=["Gertrude"])  # someone else speaks between
    ruby.record("Twins! Congratulations to you both.", as_="Gertrude", with_=["Mort"], hers=True)
    ruby.record("Due in June, and it's a boy and a girl.", as_="Gertrude", with_=["Mort"])  # the secret goes on
    ruby.record("How wonderful.", as_="Gertrude", with_=["Mort"], hers=True)
    ruby.record("The weather is lovely for a walk.", as_="Gertrude", with_=["Mort"])  # her next words: not it
    private = {m.text for m in ruby.memories() if m.private}
    assert {"Can you keep a secret?", "I'm pregnant, with twins.", "Twins! Congratulations to you both.",
            "Due in June, and it's a boy and a girl."} <= private
    assert "The weather is lovely for a walk." not in private
    asked = "Is anyone expecting a baby? Twins?"
    assert not any("twins" in t.lower() for t in recalled(studio, ruby, asked, "Calvin"))
    assert not any("twins" in t.lower() for t in recalled(studio, ruby, asked, "Gertrude", "Calvin"))
    assert any("twins" in t.lower() for t in recalled(studio, ruby, asked, "Gertrude"))  # she was there
    assert any("twins" in t.lower() for t in recalled(studio, ruby, asked, "Gertrude", "Mort"))
    assert not [m for m in studio.recall.recall(ruby.id, asked, set(), k=10) if m.private]  # nobody is not everybody


def test_an_edit_that_takes_nothing_away_supersedes_nothing(studio, ruby):
    ruby.write(MANUSCRIPT.replace("Los Angeles", "Los Angelas"))
    ruby.record("I have lived here in Los Angeles with Calvin for six years.", hers=True)
    ruby.write(MANUSCRIPT)  # a typo mended
    ruby.write(MANUSCRIPT + "Ruby has a sister, Lucy.\n")  # a sentence added
    ruby.record("My sister Lucy visited me yesterday.", hers=True)
    ruby.write(MANUSCRIPT + "Ruby has a sister, Lucy, who lives in Ohio.\n")
    assert studio.recall.review(ruby.id, ruby.head()) == 0
    assert not [m for m in ruby.memories(everything=True) if m.superseded_by]


def test_a_number_said_to_her_recalls_only_what_holds_it(studio, ruby):
    assert ruby.id == 1  # her id is a word of each memory in the index: never what is searched for
    ruby.record("The bakery on Fifth sells rye bread.", hers=True)
    ruby.record("I bought 1 loaf there.", hers=True)
    assert recalled(studio, ruby, "1", "Calvin") == ["I bought 1 loaf there."]


def _extends(before, after) -> bool:
    """Whether a context begins with all of an earlier one but its last message (the words it answered)."""
    kept = before.messages[:-1]
    return after.messages[: len(kept)] == kept


def test_what_she_recalls_stays_where_she_recalled_it_so_each_context_extends_the_last(studio, ruby, fake):
    topics = ["goats", "boats", "kites", "bread", "roses", "tides", "bees", "trains"]
    for topic in topics:  # long ago, one thing said about each, far out of what she hears now
        ruby.record(f"My cousin once told me all about {topic} in Dayton.", as_="Harry")
        ruby.record(f"I remember the {topic}, yes.", as_="Harry", hers=True)
    for n in range(10):
        ruby.record(f"Small talk number {n} about the weather.", as_="Harry")
        ruby.record(f"The weather again, reply {n}.", as_="Harry", hers=True)
    ruby.new_conversation(as_="Harry")
    prompts = []
    for n, topic in enumerate(topics):  # each message brings back a different memory
        fake.enqueue(f"Ah, {topic}. Reply {n}.")
        ruby.say(f"Do you remember the {topic} in Dayton?", as_="Harry").finish()
        prompts.append(fake.history[-1])
    for n, (before, after) in enumerate(zip(prompts, prompts[1:])):
        assert f"about {topics[n + 1]} in Dayton" in "\n".join(m.content for m in after.messages)
        assert _extends(before, after), n  # what she recalled for the message before is still just before it
    last = "\n".join(m.content for m in prompts[-1].messages)
    assert all(last.count(f"about {topic} in Dayton") <= 1 for topic in topics)  # recalled once, never again beside it
    assert sum(m.content.startswith("What you remember") for m in prompts[-1].messages) >= 2


def test_a_memory_deleted_since_is_gone_from_where_she_recalled_it(studio, ruby, fake):
    ruby.record("My cousin told me about the goats in Dayton.", as_="Harry")
    ruby.record("Goats, yes.", as_="Harry", hers=True)
    ruby.new_conversation(as_="Harry")
    ruby.say("Do you remember the goats in Dayton?", as_="Harry").finish()
    assert "goats in Dayton" in fake.history[-1].messages[-2].content
    gone = next(m for m in studio.store.memories(ruby.id) if "cousin" in m.text)
    ruby.forget(gone.id)
    ruby.say("And the weather today?", as_="Harry").finish()
    assert "cousin told me about the goats" not in "\n".join(m.content for m in fake.history[-1].messages)


def test_settling_while_idle_reads_in_the_context_her_next_reply_extends(inkborn_home, database):
    """What `settle` warms is her next context but the words to come: past a move of the conversation's
    window and with what she recalled where she recalled it."""
    from inkborn.backends.fake import FakeBackend
    from inkborn.reply import HISTORY_STEP, HISTORY_TURNS

    class Warmed(FakeBackend):
        def __init__(self) -> None:
            super().__init__()
            self.warmed: list = []

        def warm(self, prompt, cancel) -> None:
            self.warmed.append(prompt)

    backend = Warmed()
    with Studio(inkborn_home, backend=backend, database=database) as studio:
        ruby = studio.create("ruby", MANUSCRIPT, author="Calvin")
        ruby.record("My cousin told me about the goats in Dayton.", as_="Harry")
        ruby.record("Goats, yes.", as_="Harry", hers=True)
        ruby.new_conversation(as_="Harry")
        ruby.say("Do you remember the goats in Dayton?", as_="Harry").finish()
        ruby.record("Hm.", as_="Harry")  # an odd count: her next reply's words are what move the window
        said = 2
        while said < HISTORY_TURNS - HISTORY_STEP + HISTORY_STEP // 2:  # on until the next words move the window
            ruby.record(f"Small talk {said}.", as_="Harry")
            ruby.record(f"Yes, small talk {said}.", as_="Harry", hers=True)
            said += 2
        for n in range(HISTORY_STEP // 2 + 1):
            ruby.settle(as_="Harry")
            backend.enqueue(f"The goats had {n} kids this spring.")  # a new line each time: no redraft
            ruby.say("Anything else?", as_="Harry").finish()
            warmed, replied = backend.warmed[-1], backend.history[-1]
            assert replied.messages[: len(warmed.messages)] == warmed.messages
            assert len(warmed.messages) == len(replied.messages) - 1 or "What you remember" in replied.messages[-2].content


@pytest.fixture
def few(inkborn_home, tmp_path, fake, monkeypatch):
    """A studio on SQLite where a word in more than two memories is common (COMMON_FLOOR)."""
    from inkborn.store import sqlite as embedded
    monkeypatch.setattr(embedded, "COMMON_FLOOR", 2)
    with Studio(inkborn_home, backend=fake, database=str(tmp_path / "few.db")) as studio:
        yield studio


def sea_and_boats(studio, boats: int):
    """Ruby's grey sea six times and one boat; Mort's boats."""
    ruby = studio.create("ruby", MANUSCRIPT, author="Calvin")
    mort = studio.create("mort", "# Mort\n\nMort paints boats.\n", author="Calvin")
    for n in range(6):
        ruby.record(f"The sea was grey on day {n}.", hers=True)
    ruby.record("I painted a boat once, in Maine.", hers=True)
    for n in range(boats):
        mort.record(f"The boat {n} needs a new keel.", hers=True)
    return ruby, mort


def test_a_word_too_common_among_her_memories_is_not_searched_but_one_common_only_in_others_is(few, monkeypatch):
    """SQLite's search leaves out a word held by too many memories; only hers count, and she is not
    counted one by one when the store alone shows that too many of them must be hers."""
    ruby, mort = sea_and_boats(few, boats=3)
    database = few.store.database
    counted = []
    monkeypatch.setattr(database, "rows", lambda sql, args, rows=database.rows: (
        counted.append(sql) if "COUNT(*) AS n FROM memories_fts" in sql else None) or rows(sql, args))
    # "boat" is in four memories, three of them Mort's: for her it is rare, and found
    assert recalled(few, ruby, "Did you ever paint a boat, or the sea?", "Calvin", k=1) == [
        "I painted a boat once, in Maine."]
    assert len(counted) == 1  # "boat" counted among hers; "sea" (in 6 of 10, at most 3 others') surely hers
    assert database._telling(mort.id, ["boat", "maine"])[0] == ["maine"]  # for Mort, "boat" is common


def test_after_a_character_is_deleted_a_word_common_only_in_her_memories_is_searched_again(few):
    ruby, _ = sea_and_boats(few, boats=8)
    database = few.store.database
    assert database._telling(ruby.id, ["boat"])[0] == ["boat"]  # in her memories once
    few.delete("mort")
    assert database._telling(ruby.id, ["boat", "sea"])[0] == ["boat"]  # not told otherwise by counts kept before


def test_when_every_word_is_common_among_her_memories_the_newest_holding_the_rarest_are_searched(few):
    """Ranking every memory that holds a common word was the slowest of recalls at 100,000: the newest
    `limit` holding it are ranked instead."""
    ruby = few.create("ruby", MANUSCRIPT, author="Calvin")
    for n in range(6):
        ruby.record(f"The sea was grey and the sea was calm, the sea, on day {n}.", hers=True)  # BM25's best
    for n in range(3):
        ruby.record(f"A sea wind on evening {n}.", hers=True)
    database = few.store.database
    assert database._telling(ruby.id, ["sea"]) == (["sea"], True)
    found = [m.text for m in few.store.memories_by_id(dict(database.search(ruby.id, ["sea"], 3)))]
    assert sorted(found) == [f"A sea wind on evening {n}." for n in range(3)]  # the newest three, not BM25's best
    assert len(database.search(ruby.id, ["sea"], 20)) == 9
    for memory in few.store.memories_by_id(dict(database.search(ruby.id, ["sea"], 3))):
        few.store.delete_memory(memory.id, "not so")  # the newest, deleted: the limit is taken of those still hers
    assert sorted(m.text for m in few.store.memories_by_id(dict(database.search(ruby.id, ["sea"], 3)))) == [
        f"The sea was grey and the sea was calm, the sea, on day {n}." for n in (3, 4, 5)]


def test_a_number_that_is_also_her_id_is_counted_in_her_words(few):
    ruby = few.create("ruby", MANUSCRIPT, author="Calvin")
    for _ in range(5):
        ruby.record("The sea was grey and calm.", hers=True)
    for _ in range(3):
        ruby.record("The wind has dropped.", hers=True)
    ruby.record(f"I have {ruby.id} cat.", hers=True)  # her id, in every one of her memories for the store
    assert few.store.database._telling(ruby.id, [str(ruby.id), "sea"])[0] == [str(ruby.id)]
