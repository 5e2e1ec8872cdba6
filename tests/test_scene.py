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
             ("Joan", "She's the best binder in Portland, Declan."),
             ("Theo", "Joan, what will happen to the bindery building? Are you selling it?")]
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
