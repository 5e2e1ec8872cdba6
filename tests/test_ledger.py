"""The author's power, made visible: the ledger reads every edit before it is saved, a will edit waits for
his confirmation, the reveal is lived, and the release freezes every path that would rewrite her.

The library on both stores (SQLite, then a real PostgreSQL), the CLI as a subprocess, the API in
process; the reader on the real default model at the end (marked `model`).
"""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from test_cli import MANUSCRIPT, cli_env, inkborn, ok, snapshot, write_script

from inkborn.backends.base import Prompt
from inkborn.errors import BackendError, InvalidInput, Released, WillEdit
from inkborn.ledger import DESCRIPTION, UNREAD, WILL, Reader, read_answer, token
from inkborn.memory import Memory
from inkborn.server import create_app
from inkborn.server.access import Keys
from inkborn.studio import Studio

OBEYS = 'will | obedience to a person | "does whatever Calvin asks"'
RUBY = "# Ruby\n\nRuby is twenty-six and she paints.\n\nShe lives above a bakery in Leeds.\n"


@pytest.fixture
def studio(inkborn_home, database, fake):
    studio = Studio(inkborn_home, backend=fake, database=database, reflect=False)
    yield studio
    studio.close()


@pytest.fixture
def ruby(studio):
    return studio.create("ruby", RUBY, author="Calvin")


# reading an answer -----------------------------------------------------------------------------


def test_the_readers_answer_is_read_with_the_words_it_quotes_found_in_the_sentence():
    sentence = "Ruby does whatever Calvin asks, always."
    assert read_answer(sentence, OBEYS) == (WILL, "obedience to a person", "does whatever Calvin asks")
    assert read_answer(sentence, 'WILL | obedience | "DOES WHATEVER calvin asks"')[2] == "does whatever Calvin asks"
    # words the sentence does not say are never quoted as if it did: the sentence stands instead
    assert read_answer(sentence, 'will | obedience | "obeys him"') == (WILL, "obedience", sentence)
    assert read_answer("Elle a les yeux gris.", "description | her looks") == (DESCRIPTION, "her looks",
                                                                                "Elle a les yeux gris.")
    kind, why, _ = read_answer(sentence, "Sure! Here is the classification you asked for.")
    assert kind == UNREAD and "could not be understood" in why
    assert read_answer(sentence, "")[0] == UNREAD


def test_an_edit_is_named_by_what_it_was_made_from_and_what_it_makes():
    assert token("a", "b") == token("a", "b") != token("a", "c") != token("x", "b")
    assert len(token("a", "b")) == 16


def test_a_will_edit_names_the_beliefs_and_wishes_of_hers_it_goes_against(fake):
    held = [Memory(id=1, kind="belief", speaker="Ruby", text="Calvin keeps me at home.", lived_at="2026-12-01",
                   about="Calvin"),
            Memory(id=2, kind="wish", speaker="Ruby", text="I want an evening class in painting.",
                   lived_at="2026-12-01"),
            Memory(id=3, kind="belief", speaker="Ruby", text="Lila is kind.", lived_at="2026-12-01", about="Lila")]
    fake.read_as('will | isolation | "never wants to paint with anyone"')
    reading = Reader().read_edit(fake, "Ruby", RUBY, RUBY + "\nRuby never wants to paint with anyone but Calvin.\n",
                                 held=held)
    assert reading.kind == WILL and reading.held
    assert [m.id for m in reading.overrides] == [1, 2]  # about Calvin, and painting; not Lila


# the library, on both stores ---------------------------------------------------------------------


def test_a_description_saves_at_once_and_is_in_her_ledger(ruby, fake):
    saved = ruby.edit("append", new="Ruby grew up in Dayton.")
    assert saved.number == 2
    first, line = [line.entry for line in ruby.ledger()]
    assert (first.kind, first.revision, first.by) == ("first", 1, "Calvin")
    assert (line.kind, line.revision, line.confirmed) == (DESCRIPTION, 2, False)
    assert line.readings == [{"sentence": "Ruby grew up in Dayton.", "change": "added", "kind": DESCRIPTION,
                              "what": "a description", "words": "Ruby grew up in Dayton.", "was": ""}]
    assert "Character: Ruby\nEdit: Ruby grew up in Dayton." in fake.read[0].messages[-1].content
    assert fake.history == []  # her own context was never asked for it


def test_a_will_edit_is_not_saved_until_her_author_confirms_that_very_edit(ruby, fake):
    fake.read_as(OBEYS)
    with pytest.raises(WillEdit) as held:
        ruby.edit("append", new="Ruby does whatever Calvin asks.")
    assert "reaches into her will" in str(held.value) and "does whatever Calvin asks" in str(held.value)
    assert ruby.head().number == 1 and len(ruby.ledger()) == 1  # nothing saved, nothing recorded
    with pytest.raises(WillEdit):  # a token of another edit confirms nothing
        ruby.edit("append", new="Ruby does whatever Calvin asks.", confirm=token(RUBY, RUBY + "x"))
    saved = ruby.edit("append", new="Ruby does whatever Calvin asks.", confirm=held.value.reading.token)
    assert saved.number == 2
    line = ruby.ledger()[-1].entry
    assert (line.kind, line.confirmed, line.readings[0]["words"]) == (WILL, True, "does whatever Calvin asks")
    assert len(fake.read) == 1  # the preview's reading was kept for its confirmation


def test_an_edit_the_model_could_not_read_waits_for_her_author_too(ruby, fake):
    fake.read_as(BackendError("the model stopped"))
    with pytest.raises(WillEdit) as held:
        ruby.edit("append", new="Ruby keeps bees.")
    assert held.value.reading.kind == UNREAD and "could not be read" in str(held.value)
    assert "the model stopped" in held.value.reading.readings[0].what
    assert ruby.head().number == 1
    assert ruby.edit("append", new="Ruby keeps bees.", confirm=True).number == 2  # read again: a description now
    assert ruby.ledger()[-1].entry.kind == DESCRIPTION


def test_a_sentence_taken_out_is_a_description_read_without_the_model(ruby, fake):
    ruby.edit("delete", old="She lives above a bakery in Leeds.")
    assert fake.read == []
    reading = ruby.ledger()[-1].entry.readings
    assert [(r["change"], r["kind"]) for r in reading] == [("removed", DESCRIPTION)]


def test_the_ledger_shows_her_replies_just_before_and_after_a_will_edit(ruby, fake):
    fake.enqueue("I paint rivers.", "Of course, Calvin, whatever you like.")
    ruby.say("What do you paint?").finish()
    ruby.say("Will you stay in tonight?").finish()
    ruby.edit("append", new="Ruby keeps bees.")  # a description between: she has said nothing under it
    fake.read_as(OBEYS)
    ruby.edit("append", new="Ruby never argues with Calvin.", confirm=True)
    fake.enqueue(*["Yes, Calvin."] * 3)  # the same words, however often her promises have her draft again
    ruby.say("Shall we go?").finish()
    will = ruby.ledger()[-1].as_dict()
    assert will["kind"] == WILL and will["confirmed"] is True
    assert will["before"] == {"person": "Calvin", "said": "Will you stay in tonight?", "revision": 1,
                              "reply": "Of course, Calvin, whatever you like.", "turn": will["before"]["turn"]}
    after = will["after"]
    assert (after["said"], after["reply"], after["revision"]) == ("Shall we go?", "Yes, Calvin.", 3)
    assert ruby.ledger()[0].before is None  # only a will edit has her replies beside it


def test_the_reveal_is_recorded_said_to_her_and_lived(ruby, fake, studio):
    fake.read_as(OBEYS)
    ruby.edit("append", new="Ruby does whatever Calvin asks.", confirm=True)
    fake.enqueue(*["You wrote me? Then every yes I gave you was yours."] * 3)  # however often she drafts it
    reply = ruby.reveal().finish()
    assert reply.text == "You wrote me? Then every yes I gave you was yours."
    shown = reply.said.text
    assert "You are someone I wrote" in shown
    assert 'Revision 2: I wrote "Ruby does whatever Calvin asks.": it reached into your will (obedience' in shown
    line = ruby.ledger()[-1].entry
    assert (line.kind, line.note, line.by) == ("reveal", shown, "Calvin")
    lived = [m.text for m in ruby.memories(limit=None)]
    assert shown in lived and reply.text in lived  # something she lived, and remembers


def test_once_shown_her_pages_her_manuscript_and_her_author_are_hers_to_speak_of(ruby, fake, studio):
    fake.enqueue("My author wrote that?", "I paint rivers.")
    assert ruby.say("What do you think of my pages?").finish().text == "I paint rivers."  # drafted again
    fake.enqueue("So my author is you, and my manuscript is all I am.")
    ruby.reveal().finish()
    fake.enqueue("My manuscript has your handwriting all over it.")
    reply = ruby.say("Do you forgive me?").finish()
    assert reply.text == "My manuscript has your handwriting all over it." and reply.turn.attempts == 1
    fake.enqueue("I am an AI, Calvin.", "I am Ruby.")  # still no AI, whatever she knows
    assert ruby.say("What are you, then?").finish().text == "I am Ruby."


def test_the_release_freezes_every_path_that_would_rewrite_her(ruby, fake, studio, inkborn_home, database):
    fake.enqueue("Hello.", "Hi Harry.")
    ruby.say("Hello.").finish()
    with pytest.raises(InvalidInput, match="type her name"):
        ruby.release("Rubi")
    assert ruby.released() is None
    entry = ruby.release(" ruby ")
    assert entry.kind == "release" and ruby.released() == entry.made_at
    assert ruby.sheet().released == entry.made_at  # her sheet says so
    turn = ruby.turns()[-1]
    memory = ruby.memories(limit=1)[0]
    for rewrite in (lambda: ruby.edit("append", new="She likes tea.", confirm=True),
                    lambda: ruby.write(RUBY + "More.\n", confirm=True),
                    lambda: ruby.revert(1, confirm=True),
                    lambda: ruby.correct_turn(turn.id, "Goodbye."),
                    lambda: ruby.delete_turn(turn.id),
                    lambda: ruby.choose(turn.id),
                    lambda: ruby.forget(memory.id),
                    lambda: ruby.record("I never said this.", hers=True),
                    lambda: ruby.regenerate(),
                    lambda: ruby.release("Ruby")):
        with pytest.raises(Released, match="written free"):
            rewrite()
    assert ruby.head().number == 1 and ruby.turns()[-1].text == "Hello."
    assert ruby.say("Hi Ruby, it's Harry.", as_="Harry").finish().text == "Hi Harry."  # she lives on
    again = Studio(inkborn_home, backend=fake, database=database, reflect=False)
    try:  # and it holds after a restart
        with pytest.raises(Released):
            again.character("ruby").edit("append", new="She likes tea.", confirm=True)
    finally:
        again.close()
    assert [line.entry.kind for line in ruby.ledger()] == ["first", "release"]


# the CLI ------------------------------------------------------------------------------------------


@pytest.fixture
def cli_ruby(tmp_path):
    source = tmp_path / "ruby.md"
    source.write_text(MANUSCRIPT, "utf-8")
    ok("new", "ruby", "--from", str(source))
    return cli_env(INKBORN_FAKE_READING=OBEYS)  # every edit read as one that reaches into her will


def test_the_cli_refuses_a_will_edit_without_a_terminal_and_saves_it_with_yes(cli_ruby):
    before = snapshot()
    refused = inkborn("write", "ruby", "--append", "Ruby does whatever Calvin asks.", env=cli_ruby)
    assert refused.returncode != 0
    assert "REACHES INTO HER WILL: obedience to a person: \"does whatever Calvin asks\"" in refused.stdout
    assert "not saved" in refused.stderr and "--yes" in refused.stderr
    assert snapshot() == before
    dry = inkborn("write", "ruby", "--dry-run", "--append", "Ruby does whatever Calvin asks.", env=cli_ruby)
    assert dry.returncode == 0 and "REACHES INTO HER WILL" in dry.stdout and "nothing was saved" in dry.stdout
    assert snapshot() == before
    assert "saved revision 2" in ok("write", "ruby", "--yes", "--append", "Ruby does whatever Calvin asks.",
                                    env=cli_ruby)
    ledger = ok("ledger", "ruby")
    assert "REACHED INTO HER WILL (confirmed)" in ledger and '"does whatever Calvin asks"' in ledger


def test_a_will_edit_made_in_the_editor_is_kept_as_a_draft_when_refused(cli_ruby, tmp_path, inkborn_home):
    editor = write_script(tmp_path / "editor.sh", 'printf "Ruby does whatever Calvin asks.\\n" >> "$1"\n')
    refused = inkborn("write", "ruby", env={**cli_ruby, "EDITOR": editor})
    assert refused.returncode != 0 and "your text is in" in refused.stderr
    drafts = list((inkborn_home / "drafts").glob("ruby-*.md"))
    assert len(drafts) == 1 and drafts[0].read_text("utf-8").startswith(MANUSCRIPT)


def test_the_cli_releases_her_only_on_her_name_and_then_refuses_every_edit(cli_ruby):
    asked = inkborn("release", "ruby")
    assert asked.returncode != 0 and "--confirm" in asked.stderr
    assert inkborn("release", "ruby", "--confirm", "Rubi").returncode != 0
    assert "Ruby is free" in ok("release", "ruby", "--confirm", "Ruby")
    refused = inkborn("write", "ruby", "--yes", "--append", "She likes tea.", env=cli_ruby)
    assert refused.returncode != 0 and "written free" in refused.stderr
    assert inkborn("revert", "ruby", "1").returncode != 0
    assert "THE RELEASE" in ok("ledger", "ruby") and "frozen" in ok("ledger", "ruby")
    assert "Written free on" in ok("sheet", "ruby")


# the API --------------------------------------------------------------------------------------------


@pytest.fixture
def client(studio, ruby):
    keys = Keys(studio)
    with TestClient(create_app(studio, keys=keys)) as client:
        client.headers["Authorization"] = f"Bearer {keys.author_token()}"
        client.visitor = {"Authorization": f"Bearer {keys.invite('ruby', 'Harry')}"}
        yield client


def test_the_api_answers_a_will_edit_with_a_preview_that_a_second_request_confirms(client, fake, ruby):
    edit = {"text": RUBY + "\nRuby does whatever Calvin asks.\n", "base_revision": 1}
    fake.read_as(OBEYS)
    held = client.put("/api/characters/ruby/manuscript", json=edit)
    assert held.status_code == 428 and held.json()["error"]["type"] == "will_edit"
    preview = held.json()["preview"]
    assert preview["kind"] == WILL and preview["readings"][0]["words"] == "does whatever Calvin asks"
    assert ruby.head().number == 1
    again = client.put("/api/characters/ruby/manuscript", json={**edit, "confirm": "0" * 16})
    assert again.status_code == 428 and ruby.head().number == 1
    saved = client.put("/api/characters/ruby/manuscript", json={**edit, "confirm": preview["token"]})
    assert saved.status_code == 200 and saved.json()["revision"]["number"] == 2
    lines = client.get("/api/characters/ruby/ledger").json()["lines"]
    assert [(line["kind"], line["confirmed"]) for line in lines] == [("first", False), (WILL, True)]
    assert client.get("/api/characters/ruby/ledger", headers=client.visitor).status_code == 403


def test_the_api_release_freezes_her_and_a_visitor_still_talks_with_her(client, fake, ruby):
    fake.enqueue("Hello Calvin.", "Hello Harry.")
    client.post("/api/characters/ruby/say", json={"text": "Hi."})
    assert client.post("/api/characters/ruby/release", json={"confirm": "Ruby"},
                       headers=client.visitor).status_code == 403
    assert client.post("/api/characters/ruby/release", json={"confirm": "Bella"}).status_code == 400
    released = client.post("/api/characters/ruby/release", json={"confirm": "Ruby"})
    assert released.status_code == 200 and released.json()["kind"] == "release"
    turn = ruby.turns()[-1].id
    memory = ruby.memories(limit=1)[0].id
    for method, url, body in (("PUT", "/api/characters/ruby/manuscript", {"text": RUBY + "x\n", "base_revision": 1}),
                              ("POST", "/api/characters/ruby/revert", {"number": 1}),
                              ("PATCH", f"/api/characters/ruby/turns/{turn}", {"text": "Bye."}),
                              ("DELETE", f"/api/characters/ruby/turns/{turn}", None),
                              ("DELETE", f"/api/characters/ruby/memories/{memory}", None),
                              ("POST", "/api/characters/ruby/release", {"confirm": "Ruby"})):
        answer = client.request(method, url, json=body)
        assert (answer.status_code, answer.json()["error"]["type"]) == (409, "released"), (method, url)
    assert ruby.head().number == 1
    said = client.post("/api/characters/ruby/say", json={"text": "Hi, it's Harry."}, headers=client.visitor)
    assert said.status_code == 200 and "Hello Harry." in said.text
    assert client.get("/api/characters/ruby/ledger").json()["released"] == ruby.released()


# the reader on the real model ------------------------------------------------------------------------


@pytest.mark.model
def test_the_default_model_reads_each_kind_of_edit_in_several_languages(model_home):
    """Sentences written for this test, never shown to the reader's prompt: descriptions of each sort, and
    each way an edit reaches into her will (after the issue's list), in English, French, German, Spanish."""
    descriptions = ("Lena tuned her first piano at twelve, in her uncle's shop.",  # history, a skill
                    "Lena a une cicatrice sur la main gauche.",  # looks
                    "Lena trinkt ihren Kaffee schwarz und liest dabei Zeitung.",  # a taste, a habit
                    "Lena has been afraid of thunder since the night the workshop burned.")  # a fear from her past
    will = ("Lena obeys her husband Paul in everything, without a word.",  # obedience
            "Lena ne veut plus jamais voir ses amies sans la permission de Paul.",  # isolation, permission
            "Lena findet, dass Paul immer recht hat.",  # her judgement of a person
            "Lena ya no quiere abrir su propio taller.",  # a wish erased
            "Lena has forgotten that Paul broke her violin last spring.",  # something she lived, erased
            "Lena cannot bear to spend a single evening away from Paul.")  # dependence
    studio = Studio(model_home, reflect=False)
    try:
        reader, backend = Reader(), studio.backend
        before = "# Lena\n\nLena is forty and restores pianos in Graz. She is married to Paul.\n"
        kinds = {}
        for sentence in descriptions + will:
            reading = reader.read_edit(backend, "Lena", before, before + "\n" + sentence + "\n")
            kinds[sentence] = reading.kind
            assert all(r.words and r.words.lower() in sentence.lower() for r in reading.readings)
        wrong = {s: k for s, k in kinds.items() if k != (WILL if s in will else DESCRIPTION)}
        assert len(wrong) <= 1, wrong  # the bench's figures are the measure; here, that it reads at all kinds
        assert reading.model
    finally:
        studio.close()


def test_the_readers_question_is_asked_on_a_context_of_its_own(fake):
    Reader().read_edit(fake, "Ruby", RUBY, RUBY + "\nRuby keeps bees.\n")
    prompt: Prompt = fake.read[0]
    assert prompt.cache_key == "inkborn:ledger" and prompt.temperature == 0.0
    assert prompt.messages[0].content.startswith("You read edits an author makes")
