"""The HTTP API (docs/http.md) as the author uses it, with the fake backend.

Most tests go through FastAPI's TestClient. The tests of the line for the model (who waits,
who is refused, what a client that goes away leaves behind) run a real uvicorn server in a
thread and read its event streams as they come, so that one reply can be held open while the
next request is made. Every wait is bounded; no test asserts on how long anything took.
"""

from __future__ import annotations

import asyncio
import json
import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi.testclient import TestClient
from serving import serving

from inkborn.backends.fake import FakeBackend
from inkborn.errors import BackendError, BackendUnavailable
from inkborn.server import create_app
from inkborn.server.queue import Busy, Line
from inkborn.studio import Studio

TIMEOUT = 30  # seconds any one wait may take before the test fails (never reached when all is well)

MANUSCRIPT = "# Ruby\n\nRuby is twenty-six and she paints.\n\nShe lives above a bakery in Leeds.\n"
WITH_CAT = MANUSCRIPT + "\nShe keeps a cat called Pepper.\n"
WITH_BIKE = WITH_CAT + "\nShe rides an old green bicycle.\n"

PAUSE = "|"  # in a queued reply: she stops there until the test opens the gate
BABBLE = "~"  # in a queued reply: from there she goes on and on, until nobody listens


class GatedBackend(FakeBackend):
    """The fake backend, with replies that can be held mid-stream.

    `enqueue("| Oh, hello there.")` holds the reply before its first word until `gate` is set;
    `paused` is set when a reply reaches the gate. `"Oh, hello there. ~"` says its opening, then
    keeps talking (bounded) until the reader goes away.
    """

    def __init__(self) -> None:
        super().__init__()
        self.gate = threading.Event()
        self.paused = threading.Event()

    def stream(self, prompt, usage) -> Iterator[str]:
        for chunk in super().stream(prompt, usage):
            if chunk.strip() == PAUSE:
                self.paused.set()
                assert self.gate.wait(TIMEOUT), "the test never opened the gate"
            elif chunk.strip() == BABBLE:
                for _ in range(10_000):
                    time.sleep(0.002)  # a slow talker: the server has time to notice a reader gone
                    yield " la"
            else:
                yield chunk


# fixtures -------------------------------------------------------------------


@pytest.fixture
def fake() -> Iterator[GatedBackend]:
    backend = GatedBackend()
    yield backend
    backend.gate.set()  # nothing stays held after a test


@pytest.fixture
def studio(inkborn_home: Path, fake: GatedBackend) -> Iterator[Studio]:
    studio = Studio(inkborn_home, backend=fake)
    yield studio
    studio.close()


@pytest.fixture
def ruby(studio: Studio):
    return studio.create("ruby", MANUSCRIPT)


@pytest.fixture
def app(studio: Studio, ruby):
    return create_app(studio)


@pytest.fixture
def author(app) -> dict[str, str]:
    return {"Authorization": f"Bearer {app.state.keys.author_token()}"}


@pytest.fixture
def client(app, author, fake: GatedBackend) -> Iterator[TestClient]:
    """The app in process, as her author."""
    with TestClient(app, headers=author) as client:
        yield client
        fake.gate.set()


@pytest.fixture
def live(app, author, fake: GatedBackend) -> Iterator[httpx.Client]:
    """The app behind a real server, as her author."""
    with serving(app) as url, httpx.Client(base_url=url, headers=author, timeout=TIMEOUT) as http:
        try:
            yield http
        finally:
            fake.gate.set()


# helpers ----------------------------------------------------------------------


def sse(text: str) -> list[tuple[str, dict[str, Any]]]:
    """A whole event stream as (event, data) pairs."""
    events = []
    for block in text.split("\n\n"):
        name, data = None, []
        for line in block.splitlines():
            if line.startswith("event:"):
                name = line[len("event:"):].strip()
            elif line.startswith("data:"):
                data.append(line[len("data:"):].strip())
        if name:
            events.append((name, json.loads("\n".join(data))))
    return events


def events_of(response: httpx.Response) -> Iterator[tuple[str, dict[str, Any]]]:
    """An event stream read as it arrives."""
    name, data = None, []
    for line in response.iter_lines():
        if line.startswith("event:"):
            name = line[len("event:"):].strip()
        elif line.startswith("data:"):
            data.append(line[len("data:"):].strip())
        elif not line and name:
            yield name, json.loads("\n".join(data))
            name, data = None, []


def kinds(events: list[tuple[str, dict[str, Any]]]) -> list[str]:
    """Event names, with runs of `text` collapsed into one."""
    out: list[str] = []
    for name, _ in events:
        if not (name == "text" and out and out[-1] == "text"):
            out.append(name)
    return out


def said_text(events: list[tuple[str, dict[str, Any]]]) -> str:
    return "".join(data["text"] for name, data in events if name == "text")


def say(client, text: str, **extra: Any) -> list[tuple[str, dict[str, Any]]]:
    response = client.post("/api/characters/ruby/say", json={"text": text, **extra})
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("text/event-stream")
    return sse(response.text)


def turns(client, name: str | None = None) -> list[tuple[str, str, str]]:
    params = {"as": name} if name else {}
    body = client.get("/api/characters/ruby/turns", params=params).json()
    return [(t["speaker"], t["text"], t["status"]) for t in body["turns"]]


def revision_numbers(client) -> list[int]:
    return [r["number"] for r in client.get("/api/characters/ruby/revisions").json()]


def error_of(response: httpx.Response, status: int, kind: str) -> str:
    """The error's message, after checking its status and OpenAI shape."""
    assert response.status_code == status, response.text
    error = response.json()["error"]
    assert error["type"] == kind and error["code"] == status
    assert isinstance(error["message"], str) and error["message"]
    return error["message"]


# the page and health ----------------------------------------------------------


def test_the_page_is_served_without_a_token(app):
    with TestClient(app) as anonymous:
        response = anonymous.get("/")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/html")


def test_health_answers_without_a_token(app):
    with TestClient(app) as anonymous:
        assert anonymous.get("/api/health").json() == {"ok": True, "backend": "fake", "queue": 0}


def test_me_names_the_author(client):
    assert client.get("/api/me").json() == {"role": "author", "name": "the author", "character": None}


# characters --------------------------------------------------------------------


def test_the_author_creates_a_character(client):
    response = client.post("/api/characters", json={"slug": "bella", "manuscript": "# Bella\n\nBella sings.\n"})
    assert response.status_code == 201, response.text
    assert response.json() == {"slug": "bella", "name": "Bella", "revision": 1}


def test_a_created_character_may_be_given_a_name(client):
    response = client.post("/api/characters", json={"slug": "bee", "manuscript": "She sings.", "name": "Bella"})
    assert response.json()["name"] == "Bella"


def test_a_created_character_may_be_given_her_authors_name(client, app, monkeypatch):
    monkeypatch.delenv("INKBORN_AUTHOR")
    monkeypatch.setattr("inkborn.studio.account_name", lambda: None)  # root: an account that names no one
    monkeypatch.setattr("inkborn.server.rest.account_name", lambda: None)
    assert client.get("/api/me").json()["name"] is None  # the page still opens
    refused = client.post("/api/characters", json={"slug": "bee", "manuscript": "She sings."})
    assert refused.status_code == 400 and "--author" in refused.json()["error"]["message"]
    made = client.post("/api/characters", json={"slug": "bee", "manuscript": "She sings.", "author": "Calvin"})
    assert made.status_code == 201 and app.state.studio.character("bee").author.name == "Calvin"


def test_characters_are_listed_with_their_head_revision(client):
    client.post("/api/characters", json={"slug": "bella", "manuscript": "# Bella\n\nBella sings.\n"})
    client.put("/api/characters/ruby/manuscript", json={"text": WITH_CAT, "base_revision": 1})
    assert client.get("/api/characters").json() == [
        {"slug": "bella", "name": "Bella", "revision": 1},
        {"slug": "ruby", "name": "Ruby", "revision": 2},
    ]


def test_a_bad_slug_is_invalid_input(client):
    message = error_of(client.post("/api/characters", json={"slug": "Ruby Two", "manuscript": "She sings."}),
                       400, "invalid_input")
    assert "Ruby Two" in message


def test_an_empty_manuscript_is_invalid_input(client):
    error_of(client.post("/api/characters", json={"slug": "bella", "manuscript": "  \n"}), 400, "invalid_input")
    assert [c["slug"] for c in client.get("/api/characters").json()] == ["ruby"]


def test_a_slug_already_taken_is_refused_and_she_is_unchanged(client):
    response = client.post("/api/characters", json={"slug": "ruby", "manuscript": "Someone else."})
    assert response.status_code == 400
    assert client.get("/api/characters/ruby/manuscript").json()["revision"]["number"] == 1


def test_deleting_a_character_takes_her_revisions_and_conversations(client, fake):
    fake.enqueue("Oh, hello there.")
    say(client, "Hello")
    client.put("/api/characters/ruby/manuscript", json={"text": WITH_CAT, "base_revision": 1})

    response = client.delete("/api/characters/ruby")
    assert response.status_code == 204
    assert client.get("/api/characters").json() == []
    error_of(client.get("/api/characters/ruby/manuscript"), 404, "not_found")

    client.post("/api/characters", json={"slug": "ruby", "manuscript": MANUSCRIPT})  # a new Ruby, from nothing
    assert revision_numbers(client) == [1]
    assert turns(client) == []


def test_deleting_an_unknown_character_is_not_found(client):
    error_of(client.delete("/api/characters/bella"), 404, "not_found")


# the manuscript -------------------------------------------------------------------


def test_the_manuscript_is_read_with_its_head_revision(client, ruby):
    body = client.get("/api/characters/ruby/manuscript").json()
    assert body["text"] == ruby.manuscript
    revision = body["revision"]
    assert set(revision) == {"number", "author", "created_at", "summary", "size", "hash"}
    assert revision["number"] == 1 and revision["author"] == "the author"
    assert revision["size"] == len(ruby.manuscript) and revision["hash"] == ruby.head().content_hash


def test_saving_on_the_head_makes_a_new_revision(client, ruby):
    response = client.put("/api/characters/ruby/manuscript", json={"text": WITH_CAT, "base_revision": 1})
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["saved"] is True and body["revision"]["number"] == 2
    assert ruby.manuscript.rstrip() == WITH_CAT.rstrip()


def test_saving_the_same_text_again_saves_nothing(client):
    text = client.get("/api/characters/ruby/manuscript").json()["text"]
    body = client.put("/api/characters/ruby/manuscript", json={"text": text, "base_revision": 1}).json()
    assert body["saved"] is False and body["revision"]["number"] == 1
    assert revision_numbers(client) == [1]


def test_saving_on_a_stale_revision_is_a_conflict_with_the_current_text_and_a_diff(client, ruby):
    client.put("/api/characters/ruby/manuscript", json={"text": WITH_CAT, "base_revision": 1})

    response = client.put("/api/characters/ruby/manuscript", json={"text": WITH_BIKE, "base_revision": 1})
    error_of(response, 409, "conflict")
    body = response.json()
    assert body["current"]["revision"]["number"] == 2
    assert body["current"]["text"] == ruby.manuscript
    assert "+She keeps a cat called Pepper." in body["diff"]
    assert "revision 1" in body["diff"] and "revision 2" in body["diff"]


def test_a_conflict_saves_nothing(client, ruby):
    client.put("/api/characters/ruby/manuscript", json={"text": WITH_CAT, "base_revision": 1})
    client.put("/api/characters/ruby/manuscript", json={"text": WITH_BIKE, "base_revision": 1})
    assert revision_numbers(client) == [2, 1]
    assert "bicycle" not in ruby.manuscript


def test_saving_an_empty_manuscript_is_invalid_input(client):
    error_of(client.put("/api/characters/ruby/manuscript", json={"text": " \n", "base_revision": 1}),
             400, "invalid_input")
    assert revision_numbers(client) == [1]


def test_revisions_are_listed_newest_first(client):
    client.put("/api/characters/ruby/manuscript", json={"text": WITH_CAT, "base_revision": 1})
    client.put("/api/characters/ruby/manuscript", json={"text": WITH_BIKE, "base_revision": 2})
    listed = client.get("/api/characters/ruby/revisions").json()
    assert [r["number"] for r in listed] == [3, 2, 1]
    assert all("text" not in r for r in listed)


def test_a_revision_is_read_with_its_text(client, ruby):
    first = ruby.manuscript
    client.put("/api/characters/ruby/manuscript", json={"text": WITH_CAT, "base_revision": 1})
    body = client.get("/api/characters/ruby/revisions/1").json()
    assert body["number"] == 1 and body["text"] == first


def test_an_unknown_revision_is_not_found(client):
    error_of(client.get("/api/characters/ruby/revisions/7"), 404, "not_found")


def test_the_diff_defaults_to_the_heads_parent_and_the_head(client):
    client.put("/api/characters/ruby/manuscript", json={"text": WITH_CAT, "base_revision": 1})
    client.put("/api/characters/ruby/manuscript", json={"text": WITH_BIKE, "base_revision": 2})
    body = client.get("/api/characters/ruby/diff").json()
    assert (body["a"], body["b"]) == (2, 3)
    assert "+She rides an old green bicycle." in body["diff"]
    assert "Pepper." not in [line[1:] for line in body["diff"].splitlines() if line[:1] in "+-"]


def test_the_diff_between_two_chosen_revisions(client):
    client.put("/api/characters/ruby/manuscript", json={"text": WITH_CAT, "base_revision": 1})
    client.put("/api/characters/ruby/manuscript", json={"text": WITH_BIKE, "base_revision": 2})
    body = client.get("/api/characters/ruby/diff", params={"a": 1, "b": 3}).json()
    assert (body["a"], body["b"]) == (1, 3)
    assert "+She keeps a cat called Pepper." in body["diff"]
    assert "+She rides an old green bicycle." in body["diff"]


def test_revert_makes_a_new_revision_equal_to_the_old_one(client, ruby):
    first = ruby.manuscript
    client.put("/api/characters/ruby/manuscript", json={"text": WITH_CAT, "base_revision": 1})
    body = client.post("/api/characters/ruby/revert", json={"number": 1}).json()
    assert body["saved"] is True and body["revision"]["number"] == 3
    assert client.get("/api/characters/ruby/manuscript").json()["text"] == first
    assert revision_numbers(client) == [3, 2, 1]


def test_reverting_to_the_head_saves_nothing(client):
    body = client.post("/api/characters/ruby/revert", json={"number": 1}).json()
    assert body["saved"] is False and body["revision"]["number"] == 1


# people and turns ---------------------------------------------------------------


def test_people_are_the_author_and_whoever_talked_with_her(client, fake):
    fake.enqueue("Oh, hello there.")
    say(client, "Hello, I am Harry.", **{"as": "Harry"})
    assert client.get("/api/characters/ruby/people").json() == [
        {"name": "the author", "role": "author"},
        {"name": "Harry", "role": "visitor"},
    ]


def test_turns_page_back_with_before_and_limit(client, ruby):
    for i in range(5):
        ruby.record(f"line {i}", hers=bool(i % 2))

    newest = client.get("/api/characters/ruby/turns", params={"limit": 2}).json()
    assert newest["person"] == "the author"
    assert [t["text"] for t in newest["turns"]] == ["line 3", "line 4"]
    assert newest["more"] is True

    older = client.get("/api/characters/ruby/turns", params={"limit": 2, "before": newest["turns"][0]["id"]}).json()
    assert [t["text"] for t in older["turns"]] == ["line 1", "line 2"] and older["more"] is True

    oldest = client.get("/api/characters/ruby/turns", params={"limit": 2, "before": older["turns"][0]["id"]}).json()
    assert [t["text"] for t in oldest["turns"]] == ["line 0"] and oldest["more"] is False


def test_turns_carry_speaker_status_and_revision(client, ruby):
    ruby.record("Hello")
    ruby.record("Oh, hello there.", hers=True)
    listed = client.get("/api/characters/ruby/turns").json()["turns"]
    assert [(t["speaker"], t["status"], t["revision"]) for t in listed] == [("person", "ok", None), ("her", "ok", 1)]
    assert set(listed[0]) == {"id", "speaker", "person", "text", "status", "revision", "created_at", "error"}


def test_the_author_reads_another_persons_conversation(client, fake):
    fake.enqueue("Oh, hello there.")
    say(client, "Hello, I am Harry.", **{"as": "Harry"})
    assert turns(client, "Harry") == [("person", "Hello, I am Harry.", "ok"), ("her", "Oh, hello there.", "ok")]
    assert turns(client) == []


def test_turns_of_someone_who_never_talked_with_her_are_not_found(client):
    error_of(client.get("/api/characters/ruby/turns", params={"as": "Nobody"}), 404, "not_found")
    assert [p["name"] for p in client.get("/api/characters/ruby/people").json()] == ["the author"]


# her reply as events ------------------------------------------------------------------


def test_say_streams_said_then_text_then_done(client, fake):
    fake.enqueue("Oh, hello there. I was just cleaning my brushes by the window.")
    events = say(client, "Hello")
    assert kinds(events) == ["said", "text", "done"]

    said = events[0][1]["turn"]
    assert (said["speaker"], said["text"], said["status"], said["revision"]) == ("person", "Hello", "ok", None)

    done = events[-1][1]
    assert done["turn"]["speaker"] == "her" and done["turn"]["status"] == "ok"
    assert done["turn"]["text"] == said_text(events) == "Oh, hello there. I was just cleaning my brushes by the window."
    assert done["revision"] == done["turn"]["revision"] == 1
    assert done["turn"]["id"] > said["id"]
    assert len([name for name, _ in events if name == "text"]) > 1  # she streams; it is not one lump


def test_her_reply_is_stored_as_the_done_turn(client, fake):
    fake.enqueue("Oh, hello there.")
    done = say(client, "Hello")[-1][1]
    stored = client.get("/api/characters/ruby/turns").json()["turns"]
    assert stored[-1] == {**done["turn"], "landed": done["landed"]}


def test_her_first_reply_ever_has_not_landed_an_edit(client, fake):
    fake.enqueue("Oh, hello there.")
    assert say(client, "Hello")[-1][1]["landed"] is None


def test_landed_marks_her_first_reply_to_anyone_after_an_edit(client, fake):
    fake.enqueue("Oh, hello there.", "Pepper is asleep on the windowsill.", "Yes, she sleeps all day.",
                 "Pepper? She is upstairs.")
    say(client, "Hello")
    client.put("/api/characters/ruby/manuscript", json={"text": WITH_CAT, "base_revision": 1})

    first = say(client, "What is new?")[-1][1]
    assert first["landed"] == {"from": 1, "to": 2, "shown": True} and first["revision"] == 2
    assert say(client, "Really?")[-1][1]["landed"] is None
    assert say(client, "Hi, where is the cat?", **{"as": "Harry"})[-1][1]["landed"] is None  # reached her already
    # after a reload, her author still sees where the edit reached her; a visitor never does
    stored = client.get("/api/characters/ruby/turns").json()["turns"]
    assert [t.get("landed") for t in stored if t["speaker"] == "her"] == [None, {"from": 1, "to": 2, "shown": True}, None]
    visitor = {"Authorization": f"Bearer {client.app.state.keys.invite('ruby', 'Harry')}"}
    assert all("landed" not in t for t in client.get("/api/characters/ruby/turns", headers=visitor).json()["turns"])


def test_an_edit_her_reply_does_not_show_is_marked_known_not_shown(client, fake):
    fake.enqueue("Oh, hello there.", "Not much.", "Nothing at all.", "The usual.", "The usual, really.")
    say(client, "Hello")
    client.put("/api/characters/ruby/manuscript", json={"text": WITH_CAT, "base_revision": 1})
    first = say(client, "What is new?")[-1][1]
    assert first["landed"] == {"from": 1, "to": 2, "shown": False}  # every draft and the rewrite missed Pepper


def test_the_author_may_speak_as_someone_else(client, fake):
    fake.enqueue("Oh, hello there.")
    events = say(client, "Hello, I am Harry.", **{"as": "Harry"})
    assert events[-1][0] == "done"
    assert turns(client, "Harry")[0] == ("person", "Hello, I am Harry.", "ok")
    assert fake.history[-1].messages[-1].content.startswith("Harry")


def test_a_failed_reply_is_an_error_event_with_the_stored_turn(client, fake):
    fake.enqueue(BackendError("the model fell over"))
    events = say(client, "Tell me about Leeds.")
    assert kinds(events) == ["said", "text", "error"]
    error = events[-1][1]
    assert error["error"]["type"] == "backend_error" and error["error"]["code"] == 502
    assert "the model fell over" in error["error"]["message"]
    assert error["turn"]["speaker"] == "her" and error["turn"]["text"] == "I was saying"
    assert error["turn"]["status"] in ("partial", "failed")
    assert error["turn"]["error"] == "the model fell over"


def test_retry_after_a_failed_reply_answers_the_kept_words(client, fake):
    fake.enqueue(BackendError("the model fell over"), "Leeds is rainy and I love it.")
    say(client, "Tell me about Leeds.")

    response = client.post("/api/characters/ruby/retry", json={})
    assert response.status_code == 200, response.text
    events = sse(response.text)
    assert kinds(events) == ["text", "done"]  # nothing new was said, so no `said`
    assert events[-1][1]["turn"]["text"] == "Leeds is rainy and I love it."
    kept = turns(client)
    assert [(speaker, text) for speaker, text, _ in kept] == [
        ("person", "Tell me about Leeds."),
        ("her", "I was saying"),
        ("her", "Leeds is rainy and I love it."),
    ]
    assert kept[1][2] in ("partial", "failed") and kept[2][2] == "ok"
    assert fake.history[-1].messages[-1].content.endswith("Tell me about Leeds.")


def test_retry_with_nothing_said_is_not_found(client):
    error_of(client.post("/api/characters/ruby/retry", json={}), 404, "not_found")


def test_retry_after_a_finished_reply_is_invalid_input(client, fake):
    fake.enqueue("Oh, hello there.")
    say(client, "Hello")
    error_of(client.post("/api/characters/ruby/retry", json={}), 400, "invalid_input")


def test_an_unreachable_backend_is_an_error_event(client, fake):
    fake.enqueue(BackendUnavailable("cannot reach the model at http://127.0.0.1:9"))
    events = say(client, "Hello")
    assert events[0][0] == "said"  # her words were kept first
    name, data = events[-1]
    assert name == "error"
    assert data["error"]["type"] == "backend_unavailable" and data["error"]["code"] == 503
    assert "cannot reach the model" in data["error"]["message"]
    assert turns(client)[0] == ("person", "Hello", "ok")


def test_an_empty_message_is_invalid_input_and_nothing_is_stored(client):
    error_of(client.post("/api/characters/ruby/say", json={"text": "   "}), 400, "invalid_input")
    assert turns(client) == []


def test_a_refused_say_frees_the_conversation_for_the_next_one(client, fake):
    client.post("/api/characters/ruby/say", json={"text": ""})
    fake.enqueue("Oh, hello there.")
    assert say(client, "Hello")[-1][0] == "done"


# errors at the edge ------------------------------------------------------------------


def test_a_body_that_is_not_json_is_invalid_input_with_a_readable_message(client):
    response = client.post("/api/characters/ruby/say", content=b"{this is not json",
                           headers={"Content-Type": "application/json"})
    message = error_of(response, 400, "invalid_input")
    assert "JSON" in message and "Traceback" not in message
    assert turns(client) == []


def test_a_missing_field_is_named_in_the_message(client):
    message = error_of(client.put("/api/characters/ruby/manuscript", json={"text": WITH_CAT}), 400, "invalid_input")
    assert "base_revision" in message
    assert revision_numbers(client) == [1]


def test_an_unknown_character_is_not_found_and_the_known_ones_are_named(client):
    message = error_of(client.get("/api/characters/rubby/manuscript"), 404, "not_found")
    assert "rubby" in message and "ruby" in message.replace("rubby", "")


def test_saying_something_to_an_unknown_character_is_not_found(client):
    error_of(client.post("/api/characters/rubby/say", json={"text": "Hello"}), 404, "not_found")


# the line, unit -----------------------------------------------------------------------


def test_the_line_refuses_a_second_place_for_the_same_conversation():
    line = Line()
    line.join(("ruby", "Harry"))
    with pytest.raises(Busy):
        line.join(("ruby", "Harry"))
    line.join(("ruby", "Calvin"))
    assert len(line) == 2


def test_the_line_tells_a_waiter_its_place_until_its_turn():
    async def scenario() -> list[int]:
        line = Line()
        first, second, third = line.join("a"), line.join("b"), line.join("c")
        seen: list[int] = []

        async def wait_third() -> None:
            async for ahead in line.wait(third):
                seen.append(ahead)
                if ahead == 2:
                    line.leave(first)
                elif ahead == 1:
                    line.leave(second)

        await asyncio.wait_for(wait_third(), TIMEOUT)
        assert len(line) == 1
        return seen

    assert asyncio.run(scenario()) == [2, 1]


def test_a_place_given_up_can_be_taken_again():
    line = Line()
    place = line.join("a")
    line.leave(place)
    line.leave(place)  # leaving twice is harmless
    line.join("a")
    assert len(line) == 1


def test_a_client_that_goes_away_before_the_first_event_frees_its_place(client, fake):
    fake.enqueue("Oh, hello there.", "Hello again.")
    with client.stream("POST", "/api/characters/ruby/say", json={"text": "Hello"}):
        pass  # went away at once: the app is cancelled while it sends `said`
    assert turns(client)[0] == ("person", "Hello", "ok")  # her words are kept
    assert say(client, "Are you there?")[-1][0] == "done"  # and the conversation is free again


# the line, live -----------------------------------------------------------------------


def test_a_second_say_in_the_same_conversation_is_a_conflict_while_she_answers(live, fake):
    fake.enqueue(f"{PAUSE} Oh, hello there.")
    with live.stream("POST", "/api/characters/ruby/say", json={"text": "Hello"}) as first:
        events = events_of(first)
        assert next(events)[0] == "said"
        assert fake.paused.wait(TIMEOUT)

        error_of(live.post("/api/characters/ruby/say", json={"text": "Are you there?"}), 409, "conflict")
        error_of(live.post("/api/characters/ruby/retry", json={}), 409, "conflict")

        fake.gate.set()
        assert [name for name, _ in events][-1] == "done"
    assert turns(live) == [("person", "Hello", "ok"), ("her", "Oh, hello there.", "ok")]  # the refused words were not kept


def test_another_person_in_the_same_scene_is_a_conflict_while_she_answers(live, fake):
    fake.enqueue(f"{PAUSE} Hello, both of you.", "Yes, Mort?")
    scene = {"as": "Gertrude", "with": ["Mort"]}
    with live.stream("POST", "/api/characters/ruby/say", json={"text": "Hello, dear.", **scene}) as first:
        events = events_of(first)
        assert next(events)[0] == "said"
        assert fake.paused.wait(TIMEOUT)
        refused = live.post("/api/characters/ruby/say", json={"text": "Hi there!", "as": "Mort", "with": ["Gertrude"]})
        error_of(refused, 409, "conflict")  # one scene, one reply at a time, whoever speaks
        fake.gate.set()
        assert [name for name, _ in events][-1] == "done"
    assert [t["text"] for t in live.get("/api/characters/ruby/turns", params={"as": "Gertrude", "with": ["Mort"]})
            .json()["turns"]] == ["Hello, dear.", "Hello, both of you."]


def test_a_second_person_waits_in_line_then_is_answered(live, fake):
    fake.enqueue(f"{PAUSE} Oh, hello there.", "Hello Harry, come in.")
    with live.stream("POST", "/api/characters/ruby/say", json={"text": "Hello"}) as first:
        first_events = events_of(first)
        assert next(first_events)[0] == "said"
        assert fake.paused.wait(TIMEOUT)

        with live.stream("POST", "/api/characters/ruby/say", json={"text": "Hi, it is Harry.", "as": "Harry"}) as second:
            second_events = events_of(second)
            assert next(second_events)[0] == "said"
            assert next(second_events) == ("queued", {"position": 1})
            assert live.get("/api/health").json()["queue"] == 2
            error_of(live.post("/api/characters/ruby/say", json={"text": "Me again.", "as": "Harry"}), 409, "conflict")

            fake.gate.set()
            first_rest, second_rest = list(first_events), list(second_events)

    assert kinds(first_rest) == ["text", "done"]  # the first in line never waits
    assert kinds(second_rest) == ["text", "done"]
    assert second_rest[-1][1]["turn"]["text"] == "Hello Harry, come in."
    assert [p.messages[-1].content for p in fake.history] == ["the author: Hello", "Harry: Hi, it is Harry."]
    assert live.get("/api/health").json()["queue"] == 0


def test_the_manuscript_and_health_answer_while_she_speaks(live, fake):
    fake.enqueue(f"Oh, hello there. {PAUSE} I was painting.")
    with live.stream("POST", "/api/characters/ruby/say", json={"text": "Hello"}) as held:
        events = events_of(held)
        assert next(events)[0] == "said"
        assert fake.paused.wait(TIMEOUT)

        assert live.get("/api/health").json() == {"ok": True, "backend": "fake", "queue": 1}
        assert live.get("/api/characters/ruby/manuscript").json()["revision"]["number"] == 1
        assert live.get("/api/characters/ruby/turns").json()["turns"][0]["text"] == "Hello"
        # a save is read by the model before it is kept (the ledger), so it waits for her to finish
        with ThreadPoolExecutor(1) as pool:
            saving = pool.submit(live.put, "/api/characters/ruby/manuscript",
                                 json={"text": WITH_CAT, "base_revision": 1})
            assert not saving.done() and fake.read == []
            fake.gate.set()
            done = next(data for name, data in events if name == "done")
            saved = saving.result(TIMEOUT).json()
    assert saved["saved"] is True and saved["revision"]["number"] == 2
    assert done["turn"]["text"] == "Oh, hello there. I was painting."
    assert done["revision"] == 1  # she began under the revision that was the head when she began


def test_a_client_that_goes_away_mid_reply_leaves_a_partial_turn_and_frees_the_line(live, fake):
    fake.enqueue(f"Oh, hello there. {BABBLE}", "Hello Harry, come in.")
    with live.stream("POST", "/api/characters/ruby/say", json={"text": "Hello"}) as going:
        for name, data in events_of(going):
            if name == "text":
                break  # heard her begin, then went away

    with live.stream("POST", "/api/characters/ruby/say", json={"text": "Hi, it is Harry.", "as": "Harry"}) as next_:
        after = list(events_of(next_))
    assert after[-1][0] == "done", after  # the line moved on
    assert after[-1][1]["turn"]["text"] == "Hello Harry, come in."

    first = live.get("/api/characters/ruby/turns").json()["turns"]
    assert [(t["speaker"], t["status"]) for t in first] == [("person", "ok"), ("her", "partial")]
    assert first[0]["text"] == "Hello"
    assert first[1]["text"].startswith("Oh, hello there.")
    assert first[1]["error"] == "the reply was cut off"
    assert live.get("/api/health").json()["queue"] == 0


def test_a_client_that_goes_away_while_waiting_frees_its_place(live, fake):
    fake.enqueue(f"{PAUSE} Oh, hello there.", "Hello Calvin.")
    with live.stream("POST", "/api/characters/ruby/say", json={"text": "Hello"}) as first:
        first_events = events_of(first)
        assert next(first_events)[0] == "said"
        assert fake.paused.wait(TIMEOUT)

        with live.stream("POST", "/api/characters/ruby/say", json={"text": "Hi, it is Harry.", "as": "Harry"}) as leaving:
            leaving_events = events_of(leaving)
            assert next(leaving_events)[0] == "said"
            assert next(leaving_events) == ("queued", {"position": 1})
        # Harry went away while waiting

        with live.stream("POST", "/api/characters/ruby/say", json={"text": "Hi, Calvin here.", "as": "Calvin"}) as third:
            third_events = events_of(third)
            assert next(third_events)[0] == "said"
            for name, data in third_events:  # Calvin moves up to right behind the first reply
                assert name == "queued", (name, data)
                if data["position"] == 1:
                    break
            fake.gate.set()
            assert list(first_events)[-1][0] == "done"
            assert [name for name, _ in third_events][-1] == "done"

    assert turns(live, "Harry") == [("person", "Hi, it is Harry.", "ok")]  # kept, unanswered
    assert len(fake.history) == 2  # Harry's reply was never generated


# the guard at the door --------------------------------------------------------


def test_a_body_too_large_is_refused_before_the_token_is_even_read(app) -> None:
    with TestClient(app) as anonymous:  # no token at all
        r = anonymous.post("/api/characters/ruby/say", content=b"x" * (3 * 1024 * 1024),
                           headers={"Content-Type": "application/json"})
    assert r.status_code == 413 and r.json()["error"]["type"] == "too_large"


def test_every_response_keeps_the_page_to_its_own_scripts(client) -> None:
    for r in (client.get("/"), client.get("/api/health"), client.get("/api/characters/nobody/manuscript")):
        assert "default-src 'self'" in r.headers["content-security-policy"]
        assert r.headers["x-content-type-options"] == "nosniff"
        assert r.headers["referrer-policy"] == "no-referrer"


def test_a_visitor_is_not_told_why_the_model_failed_but_the_author_is(app, client, fake) -> None:
    secret = "cannot reach http://10.0.0.7:8080/v1 (her manuscript is 9000 tokens)"
    visitor = {"Authorization": f"Bearer {app.state.keys.invite('ruby', 'Harry')}"}
    fake.enqueue(BackendUnavailable(secret))
    events = sse(client.post("/api/characters/ruby/say", json={"text": "Hello?"}, headers=visitor).text)
    error = dict(events)["error"]
    assert error["error"]["type"] == "backend_unavailable"
    assert "10.0.0.7" not in json.dumps(events) and "words are kept" in error["error"]["message"]
    theirs = client.get("/api/characters/ruby/turns", params={"as": "Harry"}, headers=visitor).json()["turns"]
    assert theirs[-1]["status"] == "failed" and theirs[-1]["error"] is None
    mine = client.get("/api/characters/ruby/turns", params={"as": "Harry"}).json()["turns"]
    assert "10.0.0.7" in mine[-1]["error"]  # her author sees the reason


# every input at the edge: bounded numbers, text that is text --------------------------------

HUGE = "99999999999999999999"  # past SQLite's 64-bit integers
SURROGATE = '"hi \\udc00"'  # a lone surrogate, as JSON escapes it: no UTF-8 form, so it cannot be stored


def raw(client, method: str, url: str, body: str, headers: dict[str, str] | None = None) -> httpx.Response:
    """A request with a JSON body written by hand (json= cannot carry a lone surrogate)."""
    return client.request(method, url, content=body.encode(), headers={"Content-Type": "application/json", **(headers or {})})


@pytest.mark.parametrize(("method", "url", "body"), [
    ("GET", f"/api/characters/ruby/turns?before={HUGE}", None),
    ("GET", "/api/characters/ruby/turns?before=0", None),
    ("GET", "/api/characters/ruby/turns?limit=0", None),
    ("GET", "/api/characters/ruby/turns?as=Har%00ry", None),
    ("GET", f"/api/characters/ruby/revisions/{HUGE}", None),
    ("GET", f"/api/characters/ruby/diff?a={HUGE}", None),
    ("GET", f"/api/characters/ruby/diff?b={HUGE}", None),
    ("GET", "/api/characters/ru%00by/manuscript", None),
    ("GET", "/api/characters/ruby%0A/manuscript", None),
    ("POST", "/api/characters/ruby/revert", f'{{"number": {HUGE}}}'),
    ("PUT", "/api/characters/ruby/manuscript", f'{{"text": "Ruby paints.", "base_revision": {HUGE}}}'),
    ("PUT", "/api/characters/ruby/manuscript", f'{{"text": {SURROGATE}, "base_revision": 1}}'),
    ("POST", "/api/characters", f'{{"slug": "bella", "manuscript": {SURROGATE}}}'),
    ("POST", "/api/characters", f'{{"slug": "bella", "manuscript": "Bella sings.", "name": {SURROGATE}}}'),
    ("POST", "/api/characters", '{"slug": "bella", "manuscript": "Bella sings.", "name": "Bel\\u0000la"}'),
    ("POST", "/api/characters", f'{{"slug": {SURROGATE}, "manuscript": "Bella sings."}}'),
    ("POST", "/api/characters", '{"slug": "ruby\\n", "manuscript": "A second Ruby."}'),
    ("POST", "/api/characters/ruby/say", f'{{"text": {SURROGATE}}}'),
    ("POST", "/api/characters/ruby/say", f'{{"text": "Hello", "as": {SURROGATE}}}'),
    ("POST", "/api/characters/ruby/say", '{"text": "Hello", "as": "Harry\\u0000"}'),
    ("POST", "/api/characters/ruby/say", '{"text": "Hello", "as": "Harry\\nthe author"}'),
    ("POST", "/api/characters/ruby/say", f'{{"text": "Hello", "seed": {HUGE}}}'),
    ("POST", "/api/characters/ruby/say", '{"text": "Hello", "seed": -1}'),
    ("POST", "/api/characters/ruby/retry", f'{{"as": {SURROGATE}}}'),
    ("POST", "/api/characters/ruby/retry", f'{{"seed": {HUGE}}}'),
    ("POST", "/v1/chat/completions", f'{{"model": "ruby", "messages": [{{"role": "user", "content": {SURROGATE}}}]}}'),
    ("POST", "/v1/chat/completions",
     f'{{"model": "ruby", "messages": [{{"role": "user", "content": [{{"type": "text", "text": {SURROGATE}}}]}}]}}'),
    ("POST", "/v1/chat/completions", f'{{"model": {SURROGATE}, "messages": [{{"role": "user", "content": "Hi"}}]}}'),
    ("POST", "/v1/chat/completions", f'{{"model": "ruby", "user": {SURROGATE}, "messages": [{{"role": "user", "content": "Hi"}}]}}'),
    ("POST", "/v1/chat/completions", f'{{"model": "ruby", "seed": {HUGE}, "messages": [{{"role": "user", "content": "Hi"}}]}}'),
])
def test_input_out_of_bounds_or_not_text_is_invalid_input_and_changes_nothing(client, method, url, body):
    before = (revision_numbers(client), client.get("/api/characters").json(), turns(client))
    response = raw(client, method, url, body) if body is not None else client.request(method, url)
    message = error_of(response, 400, "invalid_input")
    assert "Traceback" not in message
    assert (revision_numbers(client), client.get("/api/characters").json(), turns(client)) == before


def test_a_visitor_gets_invalid_input_too_never_a_server_error(app, client):
    visitor = {"Authorization": f"Bearer {app.state.keys.invite('ruby', 'Harry')}"}
    error_of(client.get(f"/api/characters/ruby/turns?before={HUGE}", headers=visitor), 400, "invalid_input")
    chat = f'{{"model": "ruby", "messages": [{{"role": "user", "content": {SURROGATE}}}]}}'
    message = error_of(raw(client, "POST", "/v1/chat/completions", chat, headers=visitor), 400, "invalid_input")
    assert "surrogate" in message and "messages.0.content" in message


def test_a_refusal_names_the_field_and_what_to_do(client):
    message = error_of(raw(client, "POST", "/api/characters/ruby/say", '{"text": "Hi", "as": "Har\\u0000ry"}'),
                       400, "invalid_input")
    assert "as: character 4 is a control character" in message and "Value error" not in message
    message = error_of(client.get(f"/api/characters/ruby/revisions/{HUGE}"), 400, "invalid_input")
    assert "number" in message and "9223372036854775807" in message


def test_newlines_are_welcome_in_a_manuscript_and_a_message(client, fake):
    fake.enqueue("Oh, hello there.")
    assert say(client, "Hello.\n\nIt is Calvin.")[-1][0] == "done"
    saved = client.put("/api/characters/ruby/manuscript", json={"text": WITH_CAT + "\tShe hums.\n", "base_revision": 1})
    assert saved.status_code == 200 and saved.json()["saved"] is True


def test_a_surrogate_pair_is_one_character_and_welcome(client, fake):
    fake.enqueue("Oh, hello there.")
    response = raw(client, "POST", "/api/characters/ruby/say", '{"text": "I brought you a \\ud83c\\udf35"}')
    assert response.status_code == 200 and sse(response.text)[-1][0] == "done"
    assert turns(client)[0][1] == "I brought you a \U0001F335"


# one error shape, FastAPI's own errors included ------------------------------------------------


@pytest.mark.parametrize(("method", "url", "status", "kind"), [
    ("GET", "/api/nothing", 404, "not_found"),
    ("GET", "/v2/chat/completions", 404, "not_found"),
    ("GET", "/static/nothing.js", 404, "not_found"),
    ("DELETE", "/api/health", 405, "method_not_allowed"),
    ("PATCH", "/api/characters/ruby/manuscript", 405, "method_not_allowed"),
    ("GET", "/v1/chat/completions", 405, "method_not_allowed"),
])
def test_the_frameworks_own_errors_come_in_the_one_error_shape(client, method, url, status, kind):
    response = client.request(method, url)
    message = error_of(response, status, kind)
    assert "detail" not in response.json() and url.split("?")[0] in message
    if status == 405:
        assert response.headers["allow"]


def test_an_unexpected_failure_is_a_500_in_the_one_error_shape(studio, ruby, monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("the disk caught fire")

    monkeypatch.setattr(studio.store, "revisions", broken)
    app = create_app(studio)
    with TestClient(app, headers={"Authorization": f"Bearer {app.state.keys.author_token()}"},
                    raise_server_exceptions=False) as client:
        response = client.get("/api/characters/ruby/revisions")
    message = error_of(response, 500, "internal_error")
    assert "fire" not in message and "log" in message


# the published schema ------------------------------------------------------------------------


def test_the_schema_lists_400_where_the_server_sends_it_and_never_422(client):
    schema = client.get("/api/openapi.json").json()
    assert '"422"' not in json.dumps(schema) and "HTTPValidationError" not in json.dumps(schema)
    operations = {(m.upper(), path): op for path, item in schema["paths"].items() for m, op in item.items()}
    for (method, path), op in operations.items():
        if op.get("parameters") or op.get("requestBody"):
            assert "400" in op["responses"], (method, path)
        for status, response in op["responses"].items():
            if status[0] in "45":
                assert response["content"]["application/json"]["schema"]["$ref"].startswith("#/components/schemas/"), \
                    (method, path, status)


def test_the_schema_states_every_status_a_route_can_answer(client):
    schema = client.get("/api/openapi.json").json()

    def statuses(method: str, path: str) -> set[str]:
        return set(schema["paths"][path][method]["responses"])

    assert statuses("get", "/api/health") == {"200"}
    assert statuses("get", "/api/me") == {"200", "401"}
    assert statuses("put", "/api/characters/{slug}/manuscript") == {"200", "400", "401", "403", "404", "409", "413",
                                                                    "428", "502", "503", "504"}
    assert statuses("post", "/api/characters/{slug}/say") == {"200", "400", "401", "403", "404", "409", "413"}
    assert statuses("post", "/v1/chat/completions") == {"200", "400", "401", "403", "404", "409", "413", "502", "503", "504"}
    conflict = schema["paths"]["/api/characters/{slug}/manuscript"]["put"]["responses"]["409"]
    assert conflict["content"]["application/json"]["schema"]["$ref"] == "#/components/schemas/Conflict"
    assert schema["paths"]["/api/me"]["get"]["security"] == [{"token": []}]
    assert "security" not in schema["paths"]["/api/health"]["get"]


def test_the_schema_declares_her_reply_as_an_event_stream(client):
    paths = client.get("/api/openapi.json").json()["paths"]
    for path in ("/api/characters/{slug}/say", "/api/characters/{slug}/retry"):
        assert set(paths[path]["post"]["responses"]["200"]["content"]) == {"text/event-stream"}
    assert set(paths["/v1/chat/completions"]["post"]["responses"]["200"]["content"]) == {"application/json",
                                                                                           "text/event-stream"}


def test_the_schema_states_the_bounds_of_every_number_and_name(client):
    schema = client.get("/api/openapi.json").json()
    params = {(p["in"], p["name"]): p["schema"] for p in schema["paths"]["/api/characters/{slug}/turns"]["get"]["parameters"]}
    before = params["query", "before"]["anyOf"][0]
    assert (before["minimum"], before["maximum"]) == (1, 2**63 - 1)
    assert (params["query", "limit"]["minimum"], params["query", "limit"]["maximum"]) == (1, 200)
    assert params["path", "slug"]["maxLength"] == 64 and params["path", "slug"]["pattern"]
    say_body = schema["components"]["schemas"]["Say"]["properties"]
    assert say_body["seed"]["anyOf"][0]["maximum"] == 2**32 - 1
    assert say_body["as"]["anyOf"][0]["pattern"] and say_body["text"]["maxLength"] == 20_000
    revision = schema["paths"]["/api/characters/{slug}/revisions/{number}"]["get"]["parameters"]
    assert next(p for p in revision if p["name"] == "number")["schema"]["maximum"] == 2**63 - 1


# a body without a length ------------------------------------------------------------------------


def test_a_chunked_body_too_large_is_refused_with_413_and_nothing_stored(live):
    def chunks() -> Iterator[bytes]:
        yield b'{"text": "'
        for _ in range(3 * 1024):
            yield b"x" * 1024
        yield b'", "base_revision": 1}'

    response = live.put("/api/characters/ruby/manuscript", content=chunks(), headers={"Content-Type": "application/json"})
    assert "content-length" not in response.request.headers  # sent chunked: the size is learnt as it comes
    error_of(response, 413, "too_large")
    assert revision_numbers(live) == [1]


def test_a_chunked_body_within_the_limit_is_read_as_usual(live):
    def chunks() -> Iterator[bytes]:
        yield json.dumps({"text": WITH_CAT, "base_revision": 1}).encode()

    response = live.put("/api/characters/ruby/manuscript", content=chunks(), headers={"Content-Type": "application/json"})
    assert response.status_code == 200 and response.json()["saved"] is True


# deleting her while she answers ---------------------------------------------------------------------


def test_deleting_her_mid_reply_ends_every_reply_in_flight_with_a_not_found(app, live, fake):
    harry = {"Authorization": f"Bearer {app.state.keys.invite('ruby', 'Harry')}"}
    ginny = {"Authorization": f"Bearer {app.state.keys.invite('ruby', 'Ginny')}"}
    fake.enqueue(f"{PAUSE} Oh, hello there.", "Hello Ron.", "Hello Ginny.")
    chat: dict[str, httpx.Response] = {}

    with live.stream("POST", "/api/characters/ruby/say", json={"text": "Hi, it is Harry."}, headers=harry) as speaking, \
            live.stream("POST", "/api/characters/ruby/say", json={"text": "Ron here.", "as": "Ron"}) as waiting:
        spoken, waited = events_of(speaking), events_of(waiting)
        assert next(spoken)[0] == "said" and fake.paused.wait(TIMEOUT)
        assert next(waited)[0] == "said" and next(waited) == ("queued", {"position": 1})

        def ask() -> None:
            body = {"model": "ruby", "messages": [{"role": "user", "content": "Hi, Ginny here."}]}
            chat["response"] = live.post("/v1/chat/completions", json=body, headers=ginny)

        asking = threading.Thread(target=ask)
        asking.start()
        deadline = time.monotonic() + TIMEOUT
        while live.get("/api/health").json()["queue"] < 3:
            assert time.monotonic() < deadline, "Ginny never joined the line"
            time.sleep(0.01)

        assert live.delete("/api/characters/ruby").status_code == 204
        fake.gate.set()
        spoken_rest, waited_rest = list(spoken), list(waited)
        asking.join(TIMEOUT)

    for events in (spoken_rest, waited_rest):
        name, data = events[-1]  # each stream ends as events do: with an error event, not a cut connection
        assert name == "error", events
        assert data["error"]["type"] == "not_found" and data["error"]["code"] == 404
        assert "no longer exists" in data["error"]["message"]
    message = error_of(chat["response"], 404, "not_found")
    assert "no longer exists" in message
    assert live.get("/api/health").json()["queue"] == 0
    error_of(live.get("/api/characters/ruby/manuscript"), 404, "not_found")


# scenes -----------------------------------------------------------------------


def test_her_author_sets_a_scene_and_a_visitor_talks_with_her_alone(app, client, fake) -> None:
    fake.enqueue("Hello, both.", "Yes, Mort?")
    say(client, "Hello, dear.", **{"as": "Gertrude", "with": ["Mort"]})
    say(client, "Hi there!", **{"as": "Mort", "with": ["Gertrude"]})
    assert [m.content for m in fake.history[-1].messages if m.role == "user"] == [
        "Gertrude: Hello, dear.", "Mort: Hi there!"]
    scene = client.get("/api/characters/ruby/turns", params={"as": "Gertrude", "with": ["Mort"]}).json()["turns"]
    assert [t["text"] for t in scene] == ["Hello, dear.", "Hello, both.", "Hi there!", "Yes, Mort?"]
    assert client.get("/api/characters/ruby/turns", params={"as": "Mort"}).json()["turns"] == []  # alone: another

    visitor = {"Authorization": f"Bearer {app.state.keys.invite('ruby', 'Harry')}"}
    refused = client.post("/api/characters/ruby/say", json={"text": "Hi", "with": ["Mort"]}, headers=visitor)
    assert error_of(refused, 403, "forbidden") == (
        "a visitor talks with her alone, or in a scene her author set with him in it")
    assert client.get("/api/characters/ruby/turns", params={"with": ["Mort"]}, headers=visitor).status_code == 403
    assert client.get("/api/characters/ruby/scenes", headers=visitor).json() == []

    # her author sets a scene with Harry in it: Harry sees it and speaks in it, and sees no other
    fake.enqueue("Hello, Harry and Mort.", "Of course, Harry.")
    say(client, "Ruby, this is Harry.", **{"as": "Mort", "with": ["Harry"]})
    assert client.get("/api/characters/ruby/scenes", headers=visitor).json() == [{"with": ["Mort"]}]
    assert client.get("/api/characters/ruby/scenes", params={"as": "Gertrude"}).json() == [{"with": ["Mort"]}]
    events = sse(client.post("/api/characters/ruby/say", json={"text": "May I join you?", "with": ["Mort"]},
                             headers=visitor).text)
    assert said_text(events) == "Of course, Harry."
    seen = client.get("/api/characters/ruby/turns", params={"with": ["Mort"]}, headers=visitor).json()["turns"]
    assert [t["text"] for t in seen] == ["Ruby, this is Harry.", "Hello, Harry and Mort.", "May I join you?",
                                          "Of course, Harry."]
    for others in (["Gertrude", "Mort"], ["Gertrude"]):  # scenes Harry was never in
        assert client.get("/api/characters/ruby/turns", params={"with": others}, headers=visitor).status_code == 403
        refused = client.post("/api/characters/ruby/say", json={"text": "Hi", "with": others}, headers=visitor)
        assert refused.status_code == 403
    assert client.get("/api/characters/ruby/scenes", params={"as": "Gertrude"}, headers=visitor).status_code == 403


def test_words_said_to_another_in_a_scene_are_left_to_them_and_retry_has_her_answer(client, fake) -> None:
    scene = {"as": "Gertrude", "with": ["Mort"]}
    events = say(client, "Mort, would you pour the wine?", **scene)
    assert kinds(events) == ["said", "done"]
    assert events[-1][1] == {"turn": None, "revision": None, "landed": None, "said_to": "Mort"}
    assert fake.history == []  # the model was not asked
    fake.enqueue("I'll have a glass too.")
    events = sse(client.post("/api/characters/ruby/retry", json=scene).text)
    assert said_text(events) == "I'll have a glass too." and events[-1][1]["turn"]["speaker"] == "her"
    shown = client.get("/api/characters/ruby/turns", params=scene).json()["turns"]
    assert [t["text"] for t in shown] == ["Mort, would you pour the wine?", "I'll have a glass too."]


def test_her_author_regenerates_corrects_deletes_and_begins_again(app, client, fake) -> None:
    fake.enqueue("First.", "Second.")
    say(client, "Hi.")
    events = sse(client.post("/api/characters/ruby/regenerate", json={}).text)
    assert said_text(events) == "Second."
    live = client.get("/api/characters/ruby/turns").json()["turns"]
    assert [t["text"] for t in live] == ["Hi.", "Second."]
    every = client.get("/api/characters/ruby/turns", params={"all": "true"}).json()["turns"]
    first = next(t for t in every if t["text"] == "First.")
    assert first["replaced_by"] == live[1]["id"]

    chosen = client.post(f"/api/characters/ruby/turns/{first['id']}/choose")
    assert chosen.status_code == 200 and chosen.json()["text"] == "First."
    corrected = client.patch(f"/api/characters/ruby/turns/{live[0]['id']}", json={"text": "Hello."})
    assert corrected.status_code == 200 and corrected.json()["text"] == "Hello."
    assert client.delete(f"/api/characters/ruby/turns/{first['id']}").status_code == 204
    assert [t["text"] for t in client.get("/api/characters/ruby/turns").json()["turns"]] == ["Hello."]
    deleted = next(t for t in client.get("/api/characters/ruby/turns", params={"all": "true"}).json()["turns"]
                   if t["id"] == first["id"])
    assert deleted["deleted"] and [c["change"] for c in deleted["changes"]] == ["chosen", "deleted"]

    begun = client.post("/api/characters/ruby/conversations", json={})
    assert begun.status_code == 201
    assert client.get("/api/characters/ruby/turns").json()["turns"] == []

    visitor = {"Authorization": f"Bearer {app.state.keys.invite('ruby', 'Harry')}"}
    assert client.delete(f"/api/characters/ruby/turns/{live[0]['id']}", headers=visitor).status_code == 403
    assert client.get("/api/characters/ruby/turns", params={"all": "true"}, headers=visitor).status_code == 403
    assert client.post("/api/characters/ruby/conversations", json={}, headers=visitor).status_code == 403
    assert client.patch("/api/characters/ruby/turns/999999", json={"text": "x"}).status_code == 404


# her memory -------------------------------------------------------------------


def test_her_author_reads_and_deletes_her_memories_and_a_visitor_may_not(app, client, fake) -> None:
    fake.enqueue("Your secret is safe.", "Hello, Harry.")
    say(client, "Don't tell Calvin, but I'm moving to Lisbon.", **{"as": "Gertrude"})
    visitor = {"Authorization": f"Bearer {app.state.keys.invite('ruby', 'Harry')}"}
    client.post("/api/characters/ruby/say", json={"text": "Hi Ruby"}, headers=visitor)
    listed = client.get("/api/characters/ruby/memories").json()
    assert [(m["speaker"], m["text"], m["people"], m["private"]) for m in listed] == [
        ("Ruby", "Hello, Harry.", ["Harry"], False), ("Harry", "Hi Ruby", ["Harry"], False),
        ("Ruby", "Your secret is safe.", ["Gertrude"], True),
        ("Gertrude", "Don't tell Calvin, but I'm moving to Lisbon.", ["Gertrude"], True)]
    assert [m["text"] for m in client.get("/api/characters/ruby/memories", params={"about": "Harry"}).json()] == [
        "Hello, Harry.", "Hi Ruby"]
    found = client.get("/api/characters/ruby/memories", params={"search": "Lisbon"}).json()
    assert [m["text"] for m in found] == [  # best first; her reply is found by what was said just before it
        "Don't tell Calvin, but I'm moving to Lisbon.", "Your secret is safe."]
    error_of(client.get("/api/characters/ruby/memories", headers=visitor), 403, "forbidden")
    error_of(client.delete(f"/api/characters/ruby/memories/{listed[0]['id']}", headers=visitor), 403, "forbidden")
    error_of(client.get("/api/characters/ruby/memories", params={"about": "Nobody"}), 404, "not_found")

    gone = client.delete(f"/api/characters/ruby/memories/{listed[0]['id']}")
    assert gone.status_code == 200 and gone.json()["deleted_by"] == app.state.studio.character("ruby").author.name
    assert [m["id"] for m in client.get("/api/characters/ruby/memories").json()] == [m["id"] for m in listed[1:]]
    kept = client.get("/api/characters/ruby/memories", params={"all": "true"}).json()
    assert kept[0]["id"] == listed[0]["id"] and kept[0]["deleted_at"]
    error_of(client.delete(f"/api/characters/ruby/memories/{listed[0]['id']}"), 404, "not_found")
    error_of(client.delete("/api/characters/ruby/memories/999999"), 404, "not_found")
