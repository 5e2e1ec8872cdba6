"""Who may do what over HTTP (docs/http.md): the author, the visitors, and everyone else.

The matrix covers every route the app serves (a new route without a rule here fails
`test_the_matrix_covers_every_route`) for six callers: no token, an unknown token, a revoked
visitor's token, the author, a visitor of Ruby (Harry), and a visitor of another character
(Calvin, invited to Bella). Then: the rules that matter most on their own (a visitor never reads
or changes her manuscript, never reads another's conversation, never speaks as someone else),
how tokens are kept, and the `inkborn token` / `inkborn invite` commands.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import re
import socket
import stat
import subprocess
import sys
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from starlette.routing import Mount

from inkborn.backends.fake import FakeBackend
from inkborn.errors import InvalidInput, NotFound
from inkborn.server import Access, Keys, create_app
from inkborn.server import access as access_module
from inkborn.studio import Studio

INKBORN = Path(sys.executable).with_name("inkborn")
TIMEOUT = 60  # seconds any one command may take before the test fails

RUBY = "# Ruby\n\nRuby is twenty-six and she paints.\n\nShe lives above a bakery in Leeds.\n"
BELLA = "# Bella\n\nBella sings in a choir.\n"
SECRET = "above a bakery"  # in Ruby's manuscript only: no visitor's response may carry it
WORDS_TO_HER = {"author": "I am writing you.", "Harry": "Hi, it is Harry."}


# the world every access test starts from -------------------------------------------


@dataclass
class World:
    client: TestClient
    studio: Studio
    tokens: dict[str, str | None]

    def call(self, method: str, url: str, role: str, json: Any = None, **kwargs: Any):
        token = self.tokens[role]
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        return self.client.request(method, url, headers=headers, json=json, **kwargs)


@pytest.fixture
def world(inkborn_home: Path) -> Iterator[World]:
    """Ruby and Bella; the author; Harry invited to Ruby; Ron's invitation to Ruby revoked; Calvin invited to Bella.

    The author and Harry have each said something to Ruby that she has not answered yet, so that
    `retry` has something to answer.
    """
    studio = Studio(inkborn_home, backend=FakeBackend())
    ruby = studio.create("ruby", RUBY)
    studio.create("bella", BELLA)
    keys = Keys(studio)
    revoked = keys.invite("ruby", "Ron")
    keys.revoke("ruby", "Ron")
    tokens = {
        "none": None,
        "wrong": "ink_v_" + "x" * 43,
        "revoked": revoked,
        "author": keys.author_token(),
        "visitor": keys.invite("ruby", "Harry"),
        "other": keys.invite("bella", "Calvin"),
    }
    ruby.record(WORDS_TO_HER["author"])
    ruby.record(WORDS_TO_HER["Harry"], as_="Harry")
    with TestClient(create_app(studio, keys=keys)) as client:
        yield World(client, studio, tokens)
    studio.close()


# the matrix --------------------------------------------------------------------------

ROLES = ("none", "wrong", "revoked", "author", "visitor", "other")
VISITORS = ("none", "wrong", "revoked", "visitor", "other")  # everyone but the author


@dataclass(frozen=True)
class Rule:
    """One request to a route, and the status each caller gets. `open`: no token needed."""

    url: str
    json: Any = None
    author: int = 200
    visitor: int = 403
    other: int = 404
    open: bool = False

    def expected(self, role: str) -> int:
        if self.open:
            return self.author
        return {"author": self.author, "visitor": self.visitor, "other": self.other}.get(role, 401)


CHAT = {"model": "ruby", "messages": [{"role": "user", "content": "Hello again."}]}

ROUTES: dict[tuple[str, str], Rule] = {
    ("GET", "/"): Rule("/", open=True),
    ("GET", "/static"): Rule("/static/index.html", open=True),
    ("GET", "/api/openapi.json"): Rule("/api/openapi.json", open=True),
    ("GET", "/api/health"): Rule("/api/health", open=True),
    ("GET", "/api/me"): Rule("/api/me", visitor=200, other=200),
    ("GET", "/api/characters"): Rule("/api/characters", visitor=200, other=200),
    ("POST", "/api/characters"): Rule("/api/characters", {"slug": "carla", "manuscript": "Carla bakes."},
                                      author=201, other=403),
    ("DELETE", "/api/characters/{slug}"): Rule("/api/characters/ruby", author=204),
    ("GET", "/api/characters/{slug}/manuscript"): Rule("/api/characters/ruby/manuscript"),
    ("PUT", "/api/characters/{slug}/manuscript"): Rule(
        "/api/characters/ruby/manuscript", {"text": RUBY + "\nShe hates the author.\n", "base_revision": 1}),
    ("GET", "/api/characters/{slug}/revisions"): Rule("/api/characters/ruby/revisions"),
    ("GET", "/api/characters/{slug}/revisions/{number}"): Rule("/api/characters/ruby/revisions/1"),
    ("GET", "/api/characters/{slug}/diff"): Rule("/api/characters/ruby/diff"),
    ("POST", "/api/characters/{slug}/revert"): Rule("/api/characters/ruby/revert", {"number": 1}),
    ("GET", "/api/characters/{slug}/people"): Rule("/api/characters/ruby/people"),
    ("GET", "/api/characters/{slug}/scenes"): Rule("/api/characters/ruby/scenes", visitor=200),
    ("GET", "/api/characters/{slug}/turns"): Rule("/api/characters/ruby/turns", visitor=200),
    ("POST", "/api/characters/{slug}/say"): Rule("/api/characters/ruby/say", {"text": "Hello again."}, visitor=200),
    ("POST", "/api/characters/{slug}/retry"): Rule("/api/characters/ruby/retry", {}, visitor=200),
    # nothing of hers to say again yet: refused alike to her author and to her visitor
    ("POST", "/api/characters/{slug}/regenerate"): Rule("/api/characters/ruby/regenerate", {}, author=400,
                                                        visitor=400),
    ("POST", "/api/characters/{slug}/conversations"): Rule("/api/characters/ruby/conversations", {}, author=201),
    ("PATCH", "/api/characters/{slug}/turns/{turn_id}"): Rule("/api/characters/ruby/turns/1", {"text": "I wrote you."}),
    ("DELETE", "/api/characters/{slug}/turns/{turn_id}"): Rule("/api/characters/ruby/turns/1", author=204),
    ("POST", "/api/characters/{slug}/turns/{turn_id}/choose"): Rule("/api/characters/ruby/turns/1/choose"),
    ("GET", "/api/characters/{slug}/memories"): Rule("/api/characters/ruby/memories"),
    ("DELETE", "/api/characters/{slug}/memories/{memory_id}"): Rule("/api/characters/ruby/memories/1"),
    ("GET", "/api/characters/{slug}/sheet"): Rule("/api/characters/ruby/sheet"),
    ("GET", "/api/characters/{slug}/ledger"): Rule("/api/characters/ruby/ledger"),
    ("POST", "/api/characters/{slug}/reveal"): Rule("/api/characters/ruby/reveal"),
    ("POST", "/api/characters/{slug}/release"): Rule("/api/characters/ruby/release", {"confirm": "Ruby"}),
    ("GET", "/v1/models"): Rule("/v1/models", visitor=200, other=200),
    ("POST", "/v1/chat/completions"): Rule("/v1/chat/completions", CHAT, visitor=200),
}

KNOWN_BUGS: dict[Any, str] = {}  # (route, role): reason, for a cell that is a known bug (strict xfail)


def _cells() -> list[Any]:
    cells = []
    for route in ROUTES:
        for role in ROLES:
            marks = [pytest.mark.xfail(strict=True, reason=KNOWN_BUGS[route, role])] if (route, role) in KNOWN_BUGS else []
            cells.append(pytest.param(route, role, marks=marks, id=f"{route[0]} {route[1]} as {role}"))
    return cells


def served_routes(app) -> set[tuple[str, str]]:
    """(method, path) for every route the app serves; a mount counts as GET of its prefix."""
    served: set[tuple[str, str]] = set()

    def walk(routes, prefix: str = "") -> None:
        for route in routes:
            if isinstance(route, Mount):
                served.add(("GET", prefix + route.path))
            elif hasattr(route, "original_router"):  # newer FastAPI keeps an included router whole
                walk(route.original_router.routes, prefix + route.include_context.prefix)
            else:
                served.update((method, prefix + route.path) for method in route.methods - {"HEAD"})

    walk(app.routes)
    return served


def test_the_matrix_covers_every_route(world):
    assert served_routes(world.client.app) == set(ROUTES)


@pytest.mark.parametrize(("route", "role"), _cells())
def test_who_may_use_each_route(world, route, role):
    rule = ROUTES[route]
    response = world.call(route[0], rule.url, role, json=rule.json)
    expected = rule.expected(role)
    assert response.status_code == expected, response.text
    if expected >= 400:
        kind = {400: "invalid_input", 401: "unauthorized", 403: "forbidden", 404: "not_found"}[expected]
        assert response.json()["error"] == {"message": response.json()["error"]["message"], "type": kind,
                                            "code": expected}
    if role != "author":
        assert SECRET not in response.text  # her manuscript never reaches anyone but her author


def test_every_status_the_matrix_sees_is_in_the_published_schema(world):
    paths = world.client.get("/api/openapi.json").json()["paths"]
    for (method, path), rule in ROUTES.items():
        if rule.open and path not in paths:
            continue  # the page and its files are not part of the API
        documented = set(paths[path][method.lower()]["responses"])
        for role in ROLES:
            status = world.call(method, rule.url, role, json=rule.json).status_code
            assert str(status) in documented, (method, path, role, status, documented)


def test_no_visitor_attempt_changes_anything_of_hers(world):
    ruby, bella = world.studio.character("ruby"), world.studio.character("bella")
    before = (ruby.manuscript, bella.manuscript, [p.name for p in ruby.people()], ruby.turns())

    for (method, _), rule in ROUTES.items():
        for role in VISITORS:
            world.call(method, rule.url, role, json=rule.json)

    assert [r.number for r in ruby.revisions()] == [1]
    assert [r.number for r in bella.revisions()] == [1]
    assert [c.slug for c in world.studio.characters()] == ["bella", "ruby"]
    assert (ruby.manuscript, bella.manuscript) == before[:2]
    assert [p.name for p in ruby.people()] == before[2]  # nobody new was let in by a visitor
    assert ruby.turns() == before[3]  # the author's conversation is untouched


# what a visitor may not do, one by one ---------------------------------------------------


def test_a_visitor_is_told_who_he_is(world):
    assert world.call("GET", "/api/me", "visitor").json() == {"role": "visitor", "name": "Harry", "character": "ruby"}


def test_a_visitor_sees_only_his_character_without_her_revision(world):
    assert world.call("GET", "/api/characters", "visitor").json() == [{"slug": "ruby", "name": "Ruby"}]
    assert [m["id"] for m in world.call("GET", "/v1/models", "visitor").json()["data"]] == ["ruby"]
    assert [m["id"] for m in world.call("GET", "/v1/models", "other").json()["data"]] == ["bella"]


def test_a_visitor_reads_only_his_own_conversation(world):
    body = world.call("GET", "/api/characters/ruby/turns", "visitor").json()
    assert body["person"] == "Harry"
    assert [t["text"] for t in body["turns"]] == [WORDS_TO_HER["Harry"]]
    own = world.call("GET", "/api/characters/ruby/turns", "visitor", params={"as": "Harry"})
    assert own.status_code == 200 and own.json() == body


@pytest.mark.parametrize("name", ["the author", "Calvin", "harry", "Ron"])
def test_a_visitor_cannot_read_another_persons_conversation(world, name):
    response = world.call("GET", "/api/characters/ruby/turns", "visitor", params={"as": name})
    assert response.status_code == 403, response.text
    assert WORDS_TO_HER["author"] not in response.text


@pytest.mark.parametrize("name", ["the author", "Calvin"])
def test_a_visitor_cannot_say_something_as_another_person(world, name):
    ruby = world.studio.character("ruby")
    people, mine = [p.name for p in ruby.people()], ruby.turns()
    response = world.call("POST", "/api/characters/ruby/say", "visitor", json={"text": "I love Harry.", "as": name})
    assert response.status_code == 403, response.text
    assert response.json()["error"]["type"] == "forbidden"
    assert ruby.turns() == mine
    assert [p.name for p in ruby.people()] == people  # nobody was admitted under that name


@pytest.mark.parametrize("name", ["the author", "Calvin"])
def test_a_visitor_cannot_retry_as_another_person(world, name):
    response = world.call("POST", "/api/characters/ruby/retry", "visitor", json={"as": name})
    assert response.status_code == 403, response.text
    assert world.studio.character("ruby").turns()[-1].text == WORDS_TO_HER["author"]  # not answered


@pytest.mark.parametrize("name", ["the author", "Calvin"])
def test_a_visitor_cannot_chat_as_another_person(world, name):
    ruby = world.studio.character("ruby")
    mine = ruby.turns()
    response = world.call("POST", "/v1/chat/completions", "visitor", json={**CHAT, "user": name})
    assert response.status_code == 403, response.text
    assert ruby.turns() == mine


def test_a_visitor_may_name_himself(world):
    said = world.call("POST", "/api/characters/ruby/say", "visitor", json={"text": "Hello again.", "as": "Harry"})
    assert said.status_code == 200
    chat = world.call("POST", "/v1/chat/completions", "visitor", json={**CHAT, "user": "Harry"})
    assert chat.status_code == 200, chat.text
    harry = [t.text for t in world.studio.character("ruby").turns("Harry") if t.speaker == "person"]
    assert harry == [WORDS_TO_HER["Harry"], "Hello again.", "Hello again."]


def test_a_visitors_words_go_into_his_own_conversation(world):
    world.call("POST", "/v1/chat/completions", "visitor", json=CHAT)
    ruby = world.studio.character("ruby")
    assert [t.text for t in ruby.turns("Harry")][:2] == [WORDS_TO_HER["Harry"], "Hello again."]
    assert [t.text for t in ruby.turns()] == [WORDS_TO_HER["author"]]


@pytest.mark.parametrize("slug", ["ruby", "nobody"])
def test_another_character_is_as_if_she_did_not_exist(world, slug):
    response = world.call("GET", f"/api/characters/{slug}/turns", "other")
    assert response.status_code == 404
    error = response.json()["error"]
    assert error["message"] == f"no character called {slug!r}"  # the same for Ruby and for nobody
    assert "bella" not in error["message"]


def test_a_visitor_of_another_character_cannot_chat_with_her(world):
    response = world.call("POST", "/v1/chat/completions", "other", json=CHAT)
    assert response.status_code == 404
    assert "Calvin" not in [p.name for p in world.studio.character("ruby").people()]


def test_a_header_that_is_not_bearer_is_unauthorized(world):
    response = world.client.get("/api/me", headers={"Authorization": f"Basic {world.tokens['author']}"})
    assert response.status_code == 401
    assert response.json()["error"]["type"] == "unauthorized"


def test_deleting_a_character_ends_her_visitors_invitations(world):
    assert world.call("DELETE", "/api/characters/ruby", "author").status_code == 204
    assert world.call("GET", "/api/me", "visitor").status_code == 401
    assert world.call("GET", "/api/me", "other").status_code == 200  # Bella's visitor is untouched


# how tokens are kept -------------------------------------------------------------------------


@pytest.fixture
def keys(inkborn_home: Path) -> Iterator[Keys]:
    studio = Studio(inkborn_home, backend=FakeBackend())
    studio.create("ruby", RUBY)
    yield Keys(studio)
    studio.close()


def test_only_a_hash_of_a_visitor_token_is_stored(keys, inkborn_home):
    token = keys.invite("ruby", "Harry")
    stored = b"".join(path.read_bytes() for path in inkborn_home.glob("inkborn.db*"))
    assert hashlib.sha256(token.encode()).hexdigest().encode() in stored  # we are looking in the right place
    assert token.encode() not in stored
    assert token[len("ink_v_"):].encode() not in stored


def test_the_author_token_is_readable_by_its_owner_only(keys, inkborn_home):
    token = keys.author_token()
    path = inkborn_home / "author.token"
    assert path.read_text().strip() == token and token.startswith("ink_a_")
    assert stat.S_IMODE(path.stat().st_mode) == 0o600


def test_an_author_token_file_left_open_is_closed_again(keys, inkborn_home):
    path = inkborn_home / "author.token"
    token = keys.author_token()
    path.chmod(0o644)
    assert keys.author_token() == token
    assert stat.S_IMODE(path.stat().st_mode) == 0o600


def test_tokens_are_compared_in_constant_time(keys, monkeypatch):
    visitor = keys.invite("ruby", "Harry")
    compared: list[tuple[str, str]] = []
    real = hmac.compare_digest

    def spy(a, b):
        compared.append((a, b))
        return real(a, b)

    monkeypatch.setattr(access_module.hmac, "compare_digest", spy)
    assert keys.access(keys.author_token()) == Access("author")
    assert keys.access(visitor) == Access("visitor", "ruby", "Harry")
    assert keys.access("ink_v_unknown") is None
    assert len(compared) >= 3


@pytest.mark.parametrize("name", ["the author", "The Author", "  the   author "])
def test_the_author_cannot_be_invited_as_a_visitor(keys, name):
    with pytest.raises(InvalidInput, match="her author"):
        keys.invite("ruby", name)


def test_an_invitation_needs_a_name_and_a_character(keys):
    with pytest.raises(InvalidInput):
        keys.invite("ruby", "   ")
    with pytest.raises(NotFound):
        keys.invite("bella", "Harry")


def test_a_revoked_token_admits_nothing_and_others_still_do(keys):
    first, second = keys.invite("ruby", "Harry"), keys.invite("ruby", "Calvin")
    assert keys.revoke("ruby", "Harry") == 1
    assert keys.access(first) is None
    assert keys.access(second) == Access("visitor", "ruby", "Calvin")


# the commands ---------------------------------------------------------------------------------


def inkborn(*args: str) -> subprocess.CompletedProcess[str]:
    """Run the real `inkborn` script (INKBORN_HOME comes from the autouse fixture)."""
    env = {**os.environ, "PYTHONUTF8": "1"}
    return subprocess.run([str(INKBORN), *args], check=False, capture_output=True, text=True, env=env, timeout=TIMEOUT,
                          stdin=subprocess.DEVNULL)


def ok(*args: str) -> str:
    result = inkborn(*args)
    assert result.returncode == 0, f"inkborn {' '.join(args)} failed:\n{result.stdout}\n{result.stderr}"
    return result.stdout


@pytest.fixture
def home_with_ruby(inkborn_home: Path) -> Path:
    with Studio(inkborn_home, backend=FakeBackend()) as studio:
        studio.create("ruby", RUBY)
    return inkborn_home


@pytest.fixture
def http(home_with_ruby: Path) -> Iterator[TestClient]:
    """The server for the same home as the commands, with nobody's token."""
    studio = Studio(home_with_ruby, backend=FakeBackend())
    with TestClient(create_app(studio)) as client:
        yield client
    studio.close()


def test_inkborn_token_prints_the_same_token_each_time(home_with_ruby):
    first, second = ok("token").strip(), ok("token").strip()
    assert first == second and first.startswith("ink_a_")
    assert stat.S_IMODE((home_with_ruby / "author.token").stat().st_mode) == 0o600


def test_inkborn_token_admits_the_author(home_with_ruby, http):
    token = ok("token").strip()
    assert http.get("/api/me", headers={"Authorization": f"Bearer {token}"}).json()["role"] == "author"


def test_inkborn_invite_prints_a_link_that_admits_the_visitor(home_with_ruby, http):
    out = ok("invite", "ruby", "Harry").strip()
    match = re.fullmatch(r"http://127\.0\.0\.1:8750/#t=(ink_v_[A-Za-z0-9_-]+)", out)
    assert match, out
    me = http.get("/api/me", headers={"Authorization": f"Bearer {match[1]}"})
    assert me.json() == {"role": "visitor", "name": "Harry", "character": "ruby"}


def test_inkborn_invite_revoke_ends_the_token(home_with_ruby, http):
    token = ok("invite", "ruby", "Harry").strip().partition("#t=")[2]
    assert "1 ended" in ok("invite", "ruby", "Harry", "--revoke")
    response = http.get("/api/me", headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 401 and response.json()["error"]["type"] == "unauthorized"


def test_inkborn_invite_refuses_the_authors_own_name(home_with_ruby):
    result = inkborn("invite", "ruby", "the author")
    assert result.returncode != 0
    assert result.stderr.startswith("error:") and "her author" in result.stderr
    assert "#t=" not in result.stdout


def test_inkborn_token_link_prints_the_authors_link(home_with_ruby, http):
    token = ok("token").strip()
    assert ok("token", "--link").strip() == f"http://127.0.0.1:8750/#t={token}"
    assert ok("token", "--link", "--port", "9000").strip() == f"http://127.0.0.1:9000/#t={token}"


def test_inkborn_serve_does_not_print_the_authors_token(home_with_ruby):
    token = ok("token").strip()
    with socket.socket() as probe:  # a free port for the server
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    env = {**os.environ, "PYTHONUTF8": "1"}
    server = subprocess.Popen([str(INKBORN), "-b", "echo", "serve", "--port", str(port)], stdin=subprocess.DEVNULL,
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
    watchdog = threading.Timer(TIMEOUT, server.kill)
    watchdog.start()
    try:
        lines = []
        while not lines or "Your page" not in lines[-1]:
            line = server.stderr.readline()
            assert line, f"inkborn serve said no more:\n{''.join(lines)}"
            lines.append(line)
    finally:
        watchdog.cancel()
        server.terminate()
        server.communicate(timeout=TIMEOUT)
    said = "".join(lines)
    assert token not in said and "#t=" not in said
    assert f"http://127.0.0.1:{port}/" in said and f"inkborn token --link --host 127.0.0.1 --port {port}" in said
