"""Stateless servers: two `inkborn serve` processes on one PostgreSQL database serve the same characters.

An edit saved through one is fresh in her next reply through the other; an invitation made once
admits its visitor on both. The replicas share the author's token (`author.token`, copied to each
replica's home; here one home), and each has its own model (here the echo backend, which replies
with the context she was given, so the test can read what she knew).
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
from pathlib import Path
from typing import Iterator

import httpx
import pytest

INKBORN = [sys.executable, "-c", "from inkborn.cli import main; main()"]
START_LIMIT = 60  # seconds a replica may take to answer (never reached when all is well)
FRENCH = "Ruby speaks French fluently."


def _port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _run(*args: str, env: dict[str, str]) -> str:
    done = subprocess.run([*INKBORN, *args], env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    return done.stdout


@pytest.fixture
def replicas(postgres_url: str, inkborn_home: Path) -> Iterator[tuple[list[str], dict[str, str]]]:
    env = {**os.environ, "INKBORN_HOME": str(inkborn_home), "INKBORN_DATABASE_URL": postgres_url}
    ports = [_port(), _port()]
    servers = [subprocess.Popen([*INKBORN, "-b", "echo", "serve", "--port", str(port)], env=env,
                                stdout=subprocess.DEVNULL, stderr=subprocess.PIPE) for port in ports]
    bases = [f"http://127.0.0.1:{port}" for port in ports]
    try:
        for server, base in zip(servers, bases):
            deadline = time.monotonic() + START_LIMIT
            while True:
                assert server.poll() is None, server.stderr.read().decode() if server.stderr else "exited"
                try:
                    if httpx.get(f"{base}/api/health", timeout=2).status_code == 200:
                        break
                except httpx.TransportError:
                    pass
                assert time.monotonic() < deadline, "a replica did not start"
                time.sleep(0.1)
        yield bases, env
    finally:
        for server in servers:
            server.terminate()
            server.wait(30)


def _said(base: str, token: str, text: str, **extra: str) -> dict:
    """Her reply (the echo's JSON of her context) to text, through this replica."""
    response = httpx.post(f"{base}/api/characters/ruby/say", json={"text": text, **extra},
                          headers={"Authorization": f"Bearer {token}"}, timeout=60)
    assert response.status_code == 200, response.text
    words = "".join(json.loads(line[5:])["text"] for line in response.text.splitlines()
                    if line.startswith("data:") and '"text"' in line and line.startswith("data: {\"text\""))
    return json.loads(words)


def test_two_servers_on_one_database_serve_the_same_her(replicas):
    (one, other), env = replicas
    token = _run("token", env=env).strip()
    author = {"Authorization": f"Bearer {token}"}
    made = httpx.post(f"{one}/api/characters", headers=author, timeout=30,
                      json={"slug": "ruby", "manuscript": "# Ruby\n\nRuby is twenty-six and she paints.\n"})
    assert made.status_code == 201, made.text
    assert [c["slug"] for c in httpx.get(f"{other}/api/characters", headers=author).json()] == ["ruby"]

    first = _said(one, token, "Hi Ruby.")
    assert FRENCH not in json.dumps(first)
    edit = {"text": "# Ruby\n\nRuby is twenty-six and she paints.\n\n" + FRENCH + "\n", "base_revision": 1}
    held = httpx.put(f"{one}/api/characters/ruby/manuscript", headers=author, timeout=30, json=edit)
    assert held.status_code == 428, held.text  # the echo reads no edit: held for her author to confirm
    confirm = held.json()["preview"]["token"]  # which names the edit itself, so any replica takes it
    saved = httpx.put(f"{other}/api/characters/ruby/manuscript", headers=author, timeout=30,
                      json={**edit, "confirm": confirm})
    assert saved.status_code == 200, saved.text
    after = _said(one, token, "What are you painting?")  # through the replica that did not save it
    assert FRENCH in after["messages"][0]["content"]  # her manuscript as it now stands
    assert FRENCH in after["messages"][-2]["content"]  # and fresh: said just before his words

    stale = httpx.put(f"{one}/api/characters/ruby/manuscript", headers=author, timeout=30,
                      json={"text": "# Ruby\n\nRuby sings.\n", "base_revision": 1})
    assert stale.status_code == 409  # a save from an old head is refused, whichever replica took it

    link = _run("invite", "ruby", "Harry", env=env)
    visitor = link.strip().rsplit("#", 1)[-1].split("=", 1)[-1]
    for base in (one, other):
        me = httpx.get(f"{base}/api/me", headers={"Authorization": f"Bearer {visitor}"}).json()
        assert me == {"role": "visitor", "name": "Harry", "character": "ruby"}


def test_the_cli_keeps_her_where_database_says(postgres_url: str, inkborn_home: Path):
    env = {**os.environ, "INKBORN_HOME": str(inkborn_home)}
    done = subprocess.run([*INKBORN, "--database", postgres_url, "new", "ruby", "--author", "Calvin"], env=env,
                          input="# Ruby\n\nRuby paints.\n", capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert _run("--database", postgres_url, "characters", env=env).split()[0] == "ruby"
    assert not (inkborn_home / "inkborn.db").exists()  # nothing in the home's SQLite file
    assert "no characters yet" in _run("characters", env=env)  # which is still the default


def test_a_database_that_cannot_be_reached_is_a_clear_error(inkborn_home: Path):
    env = {**os.environ, "INKBORN_HOME": str(inkborn_home)}
    done = subprocess.run([*INKBORN, "--database", f"postgresql://nobody:secret@127.0.0.1:{_port()}/x", "characters"],
                          env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 1
    assert "cannot reach the database at postgresql://nobody:***@127.0.0.1" in done.stderr
    assert "secret" not in done.stderr
