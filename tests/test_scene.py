"""A scene: several people with her at once, on both stores. She is told who is here and who speaks,
never writes their lines (each is a stop), everyone's memory holds the scene, and a confidence one
of them made alone is never in her context in front of the others."""

from __future__ import annotations

import pytest

from inkborn.backends.fake import FakeBackend
from inkborn.studio import Studio

MIRA = "# Mira\n\nMira is twenty-nine. She binds books in Portland and lives with Theo.\n"


@pytest.fixture
def mira(inkborn_home, database, fake):
    with Studio(inkborn_home, backend=fake, database=database, reflect=False) as studio:
        yield studio.create("mira", MIRA, author="Theo")


def heard(fake: FakeBackend) -> str:
    return "\n".join(m.content for m in fake.history[-1].messages)


def test_three_people_with_her_at_once_and_a_confidence_kept_from_the_others(mira, fake):
    fake.enqueue("Of course, Joan. I won't say a word.")
    mira.say("Please don't tell Theo yet: I'm selling the bindery building in the spring.", as_="Joan").finish()

    lines = [("Declan", "Mira, tell me about the atlas you're rebinding."),
             ("Joan", "Declan, she's the best binder in Portland, isn't she, Mira?"),
             ("Theo", "Mira, what will happen to Joan's bindery building? Is she selling it?")]
    fake.enqueue("It's a 1790 atlas, Declan.", "You're too kind, Joan.", "Theo, let's not talk shop tonight.")
    for person, line in lines:
        others = [p for p in ("Declan", "Joan", "Theo") if p != person]
        mira.say(line, as_=person, with_=others).finish()
        prompt = fake.history[-1]
        assert {f"\n{p}:" for p in ("Declan", "Joan", "Theo", "Mira")} <= set(prompt.stop)  # nobody's line is hers
        assert f"{person} is speaking to you." in heard(fake)
        assert "selling the bindery building in the spring" not in heard(fake)  # Joan's confidence, not here
    # one scene, whoever spoke, with everyone's words in the order said
    scene = mira.turns("Theo", with_=["Declan", "Joan"])
    assert [(t.person_name, t.text) for t in scene if not t.is_hers] == lines
    assert [t.text for t in mira.turns("Declan", with_=["Theo", "Joan"])] == [t.text for t in scene]
    # everyone's memory holds the scene; the confidence is Joan's alone
    said = {t.text for t in scene}
    for person in ("Declan", "Joan", "Theo"):
        assert said <= {m.text for m in mira.memories(about=person, limit=None)}
    assert "Please don't tell Theo yet: I'm selling the bindery building in the spring." not in {
        m.text for m in mira.memories(about="Theo", limit=None)}
    # alone with Joan again, in a new conversation, she recalls it
    mira.new_conversation(as_="Joan")
    fake.enqueue("It's safe with me.")
    mira.say("Did you tell anyone about the building?", as_="Joan").finish()
    assert "selling the bindery building in the spring" in heard(fake)


def test_words_said_to_another_in_the_scene_are_theirs_to_answer_and_she_hears_them(mira, fake):
    others = ("Declan", "Joan")
    fake.enqueue("It's a 1790 atlas, Declan.")
    mira.say("Mira, tell Declan about the atlas.", as_="Theo", with_=others).finish()
    asked = len(fake.history)
    reply = mira.say("Joan, how's the bindery building these days? Still yours?", as_="Theo", with_=others)
    assert reply.finish().text == "" and reply.said_to == "Joan" and reply.turn is None
    assert len(fake.history) == asked  # the model was not asked
    scene = mira.turns("Theo", with_=list(others))
    assert [(t.person_name, t.text) for t in scene[-1:]] == [
        ("Theo", "Joan, how's the bindery building these days? Still yours?")]  # stored, and nothing of hers after
    assert "Joan, how's the bindery building these days? Still yours?" in {
        m.text for m in mira.memories(about="Joan", limit=None)}  # she heard it
    # the one it was said to answers; she then answers what is said to her, hearing both
    fake.enqueue("Lovely, Joan.")
    mira.say("Still mine, Theo. Mira, did you finish the atlas?", as_="Joan", with_=("Theo", "Declan")).finish()
    assert "Joan, how's the bindery building these days? Still yours?" in heard(fake)
    # retry has her answer words she let another answer
    fake.enqueue("Oh, I'll let Joan say.")
    reply = mira.say("What are your plans for the spring, Joan?", as_="Declan", with_=("Theo", "Joan"))
    assert reply.finish().said_to == "Joan"
    again = mira.retry(as_="Declan", with_=("Theo", "Joan")).finish()
    assert again.text == "Oh, I'll let Joan say." and again.said_to is None and again.turn.is_hers


def test_alone_with_her_words_that_call_another_by_name_are_hers_to_answer(mira, fake):
    fake.enqueue("He's fine, Theo.")
    reply = mira.say("Declan, if he were here, would love this.", as_="Theo").finish()
    assert reply.said_to is None and reply.text == "He's fine, Theo."


@pytest.mark.parametrize("words, to", [
    ("Joan, how's the building?", "Joan"),
    ("What do you think, Joan?", "Joan"),
    ("Well, Joan, tell us.", "Joan"),
    ("Anyone want more coffee? Mira, you're quiet tonight.", None),  # her name: hers too
    ("Joan, Mira, look at this.", None),
    ("I saw Joan at the market.", None),  # spoken of, not to
    ("Declan, you never change.", None),  # the speaker's own name
    ("Everyone, dinner's ready!", None),
])
def test_who_words_in_a_scene_are_said_to(words, to):
    from inkborn.conversation import said_to
    assert said_to(words, "Mira", "Declan", ["Theo", "Joan"]) == to
    assert said_to(words, "Mira", "Declan", []) is None  # alone with her: hers


def test_words_that_call_her_by_her_first_name_are_hers():
    from inkborn.conversation import said_to
    assert said_to("Hester, what do you make of it, Joan?", "Hester Lind", "Theo", ["Joan"]) is None
    assert said_to("What do you make of it, Joan?", "Hester Lind", "Theo", ["Joan"]) == "Joan"
