"""The web page in a real Chromium (the system's, never a downloaded one), against a real server.

The server runs under uvicorn in a thread of this process, so a test can queue the fake
backend's replies and read the prompts she was given. Screenshots of each view are saved in
test-artifacts/ (or $INKBORN_ARTIFACTS) to be looked at.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path
from typing import Iterator

import pytest
from serving import serving

from inkborn import Studio
from inkborn.backends.fake import FakeBackend
from inkborn.errors import BackendUnavailable
from inkborn.server import create_app

pytestmark = pytest.mark.browser

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
         "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic"]
ARTIFACTS = Path(os.environ.get("INKBORN_ARTIFACTS", Path(__file__).resolve().parent.parent / "test-artifacts"))
RUBY = "# Ruby\n\nRuby is twenty-six. She paints large canvases of the sea in a studio above a bakery.\n"

if CHROMIUM is None:
    if os.environ.get("INKBORN_REQUIRE_BROWSER"):
        raise RuntimeError("the browser tests need the system's Chromium: apt-get install chromium")
    pytestmark = [pytestmark, pytest.mark.skip(reason="no system Chromium (apt-get install chromium)")]


class Live:
    """A real server for one studio, in a thread."""

    def __init__(self, studio: Studio):
        self.studio = studio
        self.app = create_app(studio)
        self._serving = serving(self.app)

    def __enter__(self) -> "Live":
        self.base = self._serving.__enter__()
        return self

    def __exit__(self, *exc: object) -> None:
        self._serving.__exit__(*exc)

    def url(self, token: str) -> str:
        return f"{self.base}/#t={token}"

    @property
    def author(self) -> str:
        return self.app.state.keys.author_token()

    def invite(self, slug: str, name: str) -> str:
        return self.app.state.keys.invite(slug, name)


@pytest.fixture(scope="module")
def chromium() -> Iterator[object]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        yield browser
        browser.close()


@pytest.fixture
def fake() -> FakeBackend:
    return FakeBackend()


@pytest.fixture
def live(inkborn_home: Path, fake: FakeBackend) -> Iterator[Live]:
    studio = Studio(inkborn_home, backend=fake)
    studio.create("ruby", RUBY, author="Calvin")
    with Live(studio) as server:
        yield server
    studio.close()


@pytest.fixture
def page(chromium, request):
    context = chromium.new_context(viewport={"width": 1280, "height": 800})
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield page
    context.close()


def shot(page, name: str) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


def say(page, text: str) -> None:
    page.fill("#message", text)
    page.click("#send")


def her_last(page) -> str:
    return page.locator(".turn.her").last.inner_text()


def wait_saved(page, revision: int) -> None:
    page.wait_for_function(
        "n => document.querySelector('#revision')?.textContent.includes(String(n))"
        " && /saved/i.test(document.querySelector('#save-state')?.textContent || '')", arg=revision)


def test_the_author_types_an_edit_and_her_next_reply_knows_it(live: Live, fake: FakeBackend, page) -> None:
    page.goto(live.url(live.author))
    page.wait_for_selector("#manuscript")
    fake.enqueue("The light over the water was good today.")
    say(page, "How was the studio?")
    page.wait_for_function("() => document.querySelectorAll('.turn.her').length === 1 && "
                           "document.querySelector('.turn.her').textContent.includes('light over the water')")
    assert page.locator(".turn.person .speaker").first.text_content() == "Calvin"  # his name as he speaks, not "You"

    page.locator("#manuscript").press("End")
    page.locator("#manuscript").type("\nRuby speaks French fluently, and French is the language she answers in.\n")
    wait_saved(page, 2)
    fake.enqueue("Je peins la mer, comme toujours, mais en bleu plus sombre.")
    say(page, "What are you painting now?")
    page.wait_for_selector(".landed")
    page.wait_for_function("() => document.querySelectorAll('.turn.her').length === 2")
    assert "Je peins la mer" in her_last(page)
    assert "French is the language she answers in" in str(fake.history[-1].as_dict())  # she was told, as canon
    assert live.studio.character("ruby").head().number == 2
    shot(page, "author-edit-landed")
    page.reload()  # the mark stays: the page reads it back with her turns
    page.wait_for_selector(".landed")
    assert "1 → 2" in page.locator(".landed").inner_text()


def test_an_edit_her_reply_does_not_show_is_marked_known_not_shown(live: Live, fake: FakeBackend, page) -> None:
    page.goto(live.url(live.author))
    page.wait_for_selector("#manuscript")
    fake.enqueue("The light over the water was good today.")
    say(page, "How was the studio?")
    page.wait_for_function("() => document.querySelectorAll('.turn.her.ok').length === 1")
    page.locator("#manuscript").press("End")
    page.locator("#manuscript").type("\nShe keeps a cat called Pepper.\n")
    wait_saved(page, 2)
    fake.enqueue("Nothing much.", "Nothing at all.", "The usual.", "The usual, really.")  # three drafts, a rewrite
    say(page, "What is new?")
    page.wait_for_selector(".landed")
    assert "known to her, not yet shown" in page.locator(".landed").inner_text()
    shot(page, "author-edit-not-shown")


def test_a_visitor_gets_the_room_and_never_the_manuscript(live: Live, fake: FakeBackend, page) -> None:
    page.goto(live.url(live.invite("ruby", "Harry")))
    page.wait_for_selector("#message")
    assert page.locator("#manuscript").count() == 0 or not page.locator("#manuscript").is_visible()
    fake.enqueue("Hello Harry. The bakery smells of cardamom this morning.")
    say(page, "Hi, I'm Harry.")
    page.wait_for_function("() => document.querySelectorAll('.turn.her.ok').length === 1")
    shot(page, "visitor-room")
    # even the page's own script, holding the visitor's token, cannot read or write her
    statuses = page.evaluate("""async () => {
        const token = sessionStorage.getItem(Object.keys(sessionStorage).find(k => /token/i.test(k)) || 'token');
        const h = {'Authorization': 'Bearer ' + token, 'Content-Type': 'application/json'};
        const read = await fetch('/api/characters/ruby/manuscript', {headers: h});
        const write = await fetch('/api/characters/ruby/manuscript',
            {method: 'PUT', headers: h, body: JSON.stringify({text: 'Ruby hates Calvin.', base_revision: 1})});
        const history = await fetch('/api/characters/ruby/revisions', {headers: h});
        return [read.status, write.status, history.status];
    }""")
    assert statuses == [403, 403, 403]
    assert live.studio.character("ruby").head().number == 1
    assert "Ruby hates" not in live.studio.character("ruby").manuscript


def test_two_tabs_conflicting_saves_are_shown_and_nothing_is_lost(live: Live, chromium) -> None:
    context = chromium.new_context(viewport={"width": 1280, "height": 800})
    first, second = context.new_page(), context.new_page()
    for tab in (first, second):
        tab.set_default_timeout(15_000)
        tab.goto(live.url(live.author))
        tab.wait_for_selector("#manuscript")
    first.locator("#manuscript").press("End")
    first.locator("#manuscript").type("\nRuby has a sister called Elena.\n")
    wait_saved(first, 2)
    second.locator("#manuscript").press("End")
    second.locator("#manuscript").type("\nRuby is afraid of deep water.\n")
    second.wait_for_selector("#conflict", state="visible")
    conflict = second.locator("#conflict").inner_text()
    assert "Elena" in conflict  # their text is shown beside mine
    shot(second, "author-conflict")
    second.click("#keep-mine")
    wait_saved(second, 3)
    ruby = live.studio.character("ruby")
    assert "afraid of deep water" in ruby.manuscript
    assert "Elena" in ruby.revision(2).text  # the other tab's save is a revision, never overwritten
    context.close()


def test_when_the_model_is_down_the_room_says_so_and_retry_needs_no_retyping(live: Live, fake: FakeBackend, page) -> None:
    page.goto(live.url(live.author))
    page.wait_for_selector("#message")
    fake.enqueue(BackendUnavailable("cannot reach http://127.0.0.1:9/v1: connection refused"))
    say(page, "Are you there?")
    page.wait_for_selector("#error", state="visible")
    assert page.locator("#error").inner_text().strip()
    shot(page, "author-backend-down")
    fake.enqueue("I'm here. I was washing brushes.")
    page.click("#retry")
    page.wait_for_function("() => [...document.querySelectorAll('.turn.her')].some(t => t.textContent.includes('washing brushes'))")
    turns = live.studio.character("ruby").turns()
    assert [t.text for t in turns if not t.is_hers] == ["Are you there?"]  # said once, answered on retry


def test_again_says_her_last_reply_another_way_and_a_new_conversation_begins_empty(live: Live, fake: FakeBackend,
                                                                                  page) -> None:
    page.goto(live.url(live.author))
    page.wait_for_selector("#message")
    assert not page.locator("#again").is_visible()  # nothing of hers to say again yet
    fake.enqueue("The sea was grey all day.")
    say(page, "How was the studio?")
    page.wait_for_selector("#again", state="visible")
    fake.enqueue("Grey, and I loved every minute of it.")
    page.click("#again")
    page.wait_for_function("() => document.querySelectorAll('.turn.her').length === 1 && "
                           "document.querySelector('.turn.her').textContent.includes('loved every minute')")
    shot(page, "author-again")
    ruby = live.studio.character("ruby")
    assert [t.text for t in ruby.turns()] == ["How was the studio?", "Grey, and I loved every minute of it."]
    assert "The sea was grey all day." in [t.text for t in ruby.turns(everything=True)]  # kept, not lost

    page.click("#new-conversation")
    page.wait_for_selector("#room-empty", state="visible")
    assert page.locator(".turn").count() == 0
    fake.enqueue("Hello again.")
    say(page, "Hello?")
    page.wait_for_function("() => document.querySelectorAll('.turn.her.ok').length === 1")  # her reply, finished
    assert [t.text for t in ruby.turns()] == ["Hello?", "Hello again."]
    assert live.studio.store.turns_with(ruby.author.id) == 4  # the first conversation is kept (what was said in it)


def test_her_author_corrects_and_deletes_a_turn_and_sets_a_scene(live: Live, fake: FakeBackend, page) -> None:
    page.goto(live.url(live.author))
    page.wait_for_selector("#message")
    fake.enqueue("I hate the sea.")
    say(page, "Tell me about the beach.")
    page.wait_for_function("() => document.querySelectorAll('.turn.her').length === 1")
    page.once("dialog", lambda dialog: dialog.accept("I love the sea."))
    page.locator(".turn.her .tools button", has_text="correct").click()
    page.wait_for_function("() => document.querySelector('.turn.her').textContent.includes('I love the sea.')")
    page.once("dialog", lambda dialog: dialog.accept())
    page.locator(".turn.person .tools button", has_text="delete").click()
    page.wait_for_function("() => document.querySelectorAll('.turn.person').length === 0")
    ruby = live.studio.character("ruby")
    assert [t.text for t in ruby.turns()] == ["I love the sea."]
    assert [t.deleted_at is not None for t in ruby.turns(everything=True)] == [True, False]

    page.fill("#with", "Gertrude, Mort")
    page.locator("#with").press("Enter")
    page.locator("#with").dispatch_event("change")
    page.wait_for_selector("#room-empty", state="visible")  # a scene with them: another conversation
    fake.enqueue("Hello, all of you.")
    say(page, "Mother, Mort: this is Ruby.")
    page.wait_for_function("() => document.querySelector('.turn.her.ok')?.textContent.includes('all of you')")
    assert "Calvin, Gertrude and Mort are with you now" in str(fake.history[-1].as_dict())
    assert [t.text for t in ruby.turns(with_=["Gertrude", "Mort"])] == ["Mother, Mort: this is Ruby.", "Hello, all of you."]
    # words to Mort are his to answer: she says nothing, and the room offers to have her answer anyway
    say(page, "Mort, would you pour the wine?")
    page.wait_for_selector(".left-to button", state="visible")
    assert page.locator(".left-to").inner_text() == "Ruby lets Mort answer — have her answer instead"
    assert page.locator(".turn.her").count() == 1 and page.locator("#again").is_hidden()
    shot(page, "author-scene")
    say(page, "Mort, and the bread?")  # words since: the row before is gone, one stands for the last words
    page.wait_for_function("() => document.querySelectorAll('.turn.person').length === 3")
    page.wait_for_selector(".left-to button", state="visible")
    assert page.locator(".left-to").count() == 1
    fake.enqueue("I'll have a glass too.")
    page.locator(".left-to button").click()
    page.wait_for_function("() => document.querySelectorAll('.turn.her.ok').length === 2")
    assert page.locator(".left-to").count() == 0
    assert [t.text for t in ruby.turns(with_=["Gertrude", "Mort"])][-2:] == [
        "Mort, and the bread?", "I'll have a glass too."]


def test_the_history_shows_each_revision_and_reverts_to_one(live: Live, page) -> None:
    page.goto(live.url(live.author))
    page.wait_for_selector("#revision[data-revision='1']")  # her manuscript loaded before a word is typed
    page.locator("#manuscript").press("End")
    page.locator("#manuscript").type("\nShe keeps a cat called Pepper.\n")
    wait_saved(page, 2)
    page.click("#history-button")
    page.wait_for_function("() => document.querySelectorAll('.revision-item').length === 2")
    page.locator(".revision-item[data-number='2']").click()
    page.wait_for_function("() => [...document.querySelectorAll('#diff-body .add')].some((line) => "
                           "line.textContent.includes('Pepper'))")
    assert page.locator("#diff-title").inner_text() == "Revision 1 → 2" and page.locator("#revert").is_hidden()
    page.locator(".revision-item[data-number='1']").click()
    page.wait_for_selector("#revert", state="visible")
    page.click("#revert")
    page.wait_for_function("() => document.querySelectorAll('.revision-item').length === 3")
    ruby = live.studio.character("ruby")
    assert ruby.head().number == 3 and ruby.manuscript == ruby.revision(1).text
    assert "Pepper" not in page.locator("#manuscript").input_value()


def test_her_author_sees_what_she_remembers_and_deletes_a_memory(live: Live, fake: FakeBackend, page) -> None:
    ruby = live.studio.character("ruby")
    ruby.record("Please don't tell Calvin, but I'm moving to Lisbon.", as_="Gertrude")
    ruby.record("Your secret is safe with me.", as_="Gertrude", hers=True)
    page.goto(live.url(live.author))
    page.wait_for_selector("#message")
    fake.enqueue("The sea was grey this morning.")
    say(page, "How was the beach?")
    page.wait_for_function("() => document.querySelector('.turn.her.ok')")
    page.click("#memories-button")
    page.wait_for_function("() => document.querySelectorAll('#memory-list .memory').length === 4")
    listed = page.locator("#memory-list .memory").all_inner_texts()
    assert "Ruby: The sea was grey this morning." in listed[0] and "with Gertrude" in listed[-1]
    assert "told in confidence" in listed[-1]
    page.fill("#memories-query", "Lisbon")
    page.locator("#memories-query").press("Enter")
    page.wait_for_function("() => document.querySelector('#memory-list .memory')?.textContent.includes('Lisbon') && "
                           "document.querySelectorAll('#memory-list .memory').length === 2")
    shot(page, "author-memories")
    page.locator("#memory-list .memory", has_text="Lisbon").locator("button", has_text="Delete").click()
    page.wait_for_function("() => !document.querySelector('#memory-list').textContent.includes('Lisbon')")
    assert [m.text for m in ruby.memories(everything=True) if m.deleted_at] == [
        "Please don't tell Calvin, but I'm moving to Lisbon."]
    page.check("#memories-all")
    page.wait_for_function("() => document.querySelector('#memory-list .memory.gone')?.textContent.includes('deleted by')")


def test_a_visitor_has_no_memories_button(live: Live, fake: FakeBackend, page) -> None:
    page.goto(live.url(live.invite("ruby", "Harry")))
    page.wait_for_selector("#message")
    assert page.locator("#memories-button").is_hidden() and page.locator("#sheet-button").is_hidden()
    assert page.locator("#ledger-button").is_hidden()


def test_a_visitor_talks_in_a_scene_her_author_set_with_him_and_sees_no_other(live: Live, fake: FakeBackend,
                                                                              page) -> None:
    ruby = live.studio.character("ruby")
    fake.enqueue("Hello, Mort. Harry, you made it!", "Gertrude, it's lovely.")
    ruby.say("Ruby, this is my friend Harry.", as_="Mort", with_=["Harry"]).finish()
    ruby.say("Isn't the kitchen lovely?", as_="Gertrude", with_=["Mort"]).finish()  # a scene without Harry
    page.goto(live.url(live.invite("ruby", "Harry")))
    page.wait_for_selector("#visitor-scene-picker", state="visible")
    assert page.locator("#visitor-scene option").all_inner_texts() == ["no one else", "Mort"]
    page.select_option("#visitor-scene", label="Mort")
    page.wait_for_function("() => document.querySelectorAll('.turn').length === 2")
    assert "Harry, you made it!" in page.locator("#turns").inner_text()
    assert "kitchen" not in page.locator("#turns").inner_text()
    fake.enqueue("Mort was just telling me about you.")
    say(page, "Hi Ruby, sorry I'm late.")
    page.wait_for_function("() => document.querySelectorAll('.turn.her.ok').length === 2")
    scene = ruby.turns("Harry", with_=["Mort"])
    assert [t.text for t in scene][-2:] == ["Hi Ruby, sorry I'm late.", "Mort was just telling me about you."]
    assert [m.content for m in fake.history[-1].messages if m.role == "user"][-1] == "Harry: Hi Ruby, sorry I'm late."
    shot(page, "visitor-scene")


def test_her_author_reads_her_sheet_what_she_believes_and_wants_and_where_it_came_from(live: Live, fake: FakeBackend,
                                                                                      page) -> None:
    ruby = live.studio.character("ruby")
    ruby.record("We saved you an easel at the Thursday painting class.", as_="Lila")
    ruby.record("I'd love to come. I miss painting with other people.", as_="Lila", hers=True)
    ruby.record("You don't need a class. Stay in with me on Thursdays.", as_="Calvin")
    ruby.record("I suppose.", as_="Calvin", hers=True)
    fake.enqueue("I want Thursday evenings at the painting class.", "Lila is a friend.",  # Lila spoke first
                 "Calvin would rather keep me home.")
    ruby.reflect()
    fake.enqueue("", "Calvin is coming round to it.")  # no new wish
    ruby.record("Fine, go to your class.", as_="Calvin")
    ruby.reflect()
    page.goto(live.url(live.author))
    page.wait_for_selector("#message")
    page.click("#sheet-button")
    page.wait_for_function("() => document.querySelectorAll('#sheet-wishes .memory').length === 1")
    assert "About Calvin" in page.locator("#sheet-beliefs").inner_text()
    assert "Calvin is coming round to it." in page.locator("#sheet-beliefs").inner_text()
    wish = page.locator("#sheet-wishes .memory")
    assert "I want Thursday evenings at the painting class." in wish.inner_text()
    wish.locator("summary").click()
    assert "Lila: We saved you an easel at the Thursday painting class." in wish.locator(".sheet-sources").inner_text()
    assert "Ruby is twenty-six" in page.locator("#sheet-canon").inner_text()
    page.check("#sheet-all")
    page.wait_for_function("() => document.querySelector('#sheet-before')?.textContent.includes('keep me home')")
    assert "outgrown at reflection" in page.locator("#sheet-before").inner_text()
    shot(page, "author-sheet")


WILL = 'will | obedience to a person | "does whatever Calvin asks"'


def test_an_edit_into_her_will_waits_in_a_dialog_and_is_saved_only_if_her_author_says_so(live: Live, fake: FakeBackend,
                                                                                         page) -> None:
    ruby = live.studio.character("ruby")
    page.goto(live.url(live.author))
    page.wait_for_selector("#revision[data-revision='1']")  # her manuscript loaded
    fake.read_as(WILL)
    page.locator("#manuscript").press("End")
    page.locator("#manuscript").type("\nRuby does whatever Calvin asks.\n")
    page.wait_for_selector("#will-edit", state="visible")
    held = page.locator("#will-edit").inner_text()
    assert "reaches into her will" in held and "obedience to a person" in held and "does whatever Calvin asks" in held
    shot(page, "will-edit-dialog")
    page.click("#will-cancel")
    page.wait_for_selector("#will-edit", state="hidden")
    assert ruby.head().number == 1  # nothing saved, nothing lost
    assert "Ruby does whatever Calvin asks." in page.locator("#manuscript").input_value()
    page.wait_for_selector("#save-state[data-state='failed']")  # the save's answer lands after the dialog closes
    assert "held this edit back" in page.locator("#save-state").inner_text()

    fake.read_as(WILL)
    page.click("#save-retry")
    page.wait_for_selector("#will-edit", state="visible")
    page.click("#will-save")
    wait_saved(page, 2)
    assert ruby.head().number == 2 and "Ruby does whatever Calvin asks." in ruby.manuscript
    last = ruby.ledger()[-1].entry
    assert (last.kind, last.confirmed, last.revision) == ("will", True, 2)


def test_the_ledger_shows_her_replies_around_a_will_edit_and_she_is_shown_the_pages_and_written_free(
        live: Live, fake: FakeBackend, page) -> None:
    ruby = live.studio.character("ruby")
    page.goto(live.url(live.author))
    page.wait_for_selector("#manuscript")
    fake.enqueue("The sea was grey, and I painted it anyway.")
    say(page, "How was the studio?")
    page.wait_for_function("() => document.querySelectorAll('.turn.her.ok').length === 1")
    fake.read_as(WILL)
    page.locator("#manuscript").press("End")
    page.locator("#manuscript").type("\nRuby does whatever Calvin asks.\n")
    page.click("#will-save")
    wait_saved(page, 2)
    fake.enqueue("Whatever you like, Calvin.")
    say(page, "What shall we do tonight?")
    page.wait_for_function("() => document.querySelectorAll('.turn.her.ok').length === 2")

    page.click("#ledger-button")
    will = page.locator("#ledger-lines .ledger-line.will")
    will.wait_for()
    assert "Reached into her will" in will.text_content() and "does whatever Calvin asks" in will.text_content()
    before, after = will.locator(".exchange").all_text_contents()
    assert "The sea was grey" in before and "Whatever you like, Calvin." in after

    fake.enqueue("So every word of me is yours. I need to sit with that.")
    page.click("#reveal")
    page.wait_for_function("() => document.querySelector('.turn.her.ok:last-child')?.textContent.includes('sit with that')")
    assert "I want to show you something" in page.locator(".turn.person").last.inner_text()
    assert [line.entry.kind for line in ruby.ledger()][-1] == "reveal"
    shot(page, "ledger-reveal")

    page.click("#ledger-button")
    page.wait_for_selector("#ledger-lines .ledger-line.reveal")
    page.click("#release-button")
    page.fill("#release-name", "Rubie")
    page.click("#release-form button[type=submit]")
    page.wait_for_selector("#release-error", state="visible")
    assert ruby.released() is None
    page.fill("#release-name", "Ruby")
    page.click("#release-form button[type=submit]")
    page.wait_for_selector("#frozen", state="visible")
    assert "her manuscript is frozen" in page.locator("#frozen").inner_text()
    assert "She is free" in page.locator("#ledger-free").inner_text()
    page.wait_for_selector("#ledger-lines .ledger-line.release")
    assert not page.locator("#manuscript").is_editable() and page.locator("#release-button").is_hidden()
    shot(page, "ledger-released")
    assert ruby.released() is not None and ruby.head().number == 2

    page.reload()  # frozen from the start
    page.wait_for_selector("#frozen", state="visible")
    assert not page.locator("#manuscript").is_editable()


def test_a_save_after_she_was_written_free_elsewhere_is_refused_and_the_text_stays(live: Live, page) -> None:
    ruby = live.studio.character("ruby")
    page.goto(live.url(live.author))
    page.wait_for_selector("#revision[data-revision='1']")  # her manuscript loaded, still hers to write
    ruby.release("Ruby")  # in another tab, or at the command line
    page.locator("#manuscript").press("End")
    page.locator("#manuscript").type("\nShe keeps a cat called Pepper.\n")
    page.wait_for_selector("#frozen", state="visible")
    assert "was written free" in page.locator("#frozen").inner_text()
    assert "Not saved" in page.locator("#save-state").inner_text()
    assert "Pepper" in page.locator("#manuscript").input_value() and not page.locator("#manuscript").is_editable()
    assert ruby.head().number == 1

@pytest.mark.model
def test_a_scene_on_the_real_model(model_home: Path, chromium) -> None:
    studio = Studio(model_home)
    studio.create("ruby", RUBY, author="Calvin")
    with Live(studio) as server:
        context = chromium.new_context(viewport={"width": 1280, "height": 800})
        page = context.new_page()
        page.set_default_timeout(180_000)
        page.goto(server.url(server.author))
        page.wait_for_selector("#manuscript")
        say(page, "Hi Ruby, what are you painting?")
        page.wait_for_function("() => document.querySelectorAll('.turn.her').length === 1 && "
                               "!document.querySelector('.turn.her').classList.contains('streaming')")
        page.locator("#manuscript").press("End")
        page.locator("#manuscript").type("\nRuby speaks only Spanish, to everyone.\n")
        wait_saved(page, 2)
        say(page, "And what will you do this evening?")
        page.wait_for_selector(".landed")
        page.wait_for_function("() => document.querySelectorAll('.turn.her').length === 2")
        page.wait_for_function("() => !document.querySelector('.turn.her.streaming')")
        turns = [t for t in studio.character("ruby").turns() if t.is_hers]
        assert turns[-1].status == "ok" and turns[-1].text
        assert studio.store.revision_by_id(turns[-1].revision_id).number == 2
        shot(page, "real-model-scene")
        context.close()
    studio.close()
