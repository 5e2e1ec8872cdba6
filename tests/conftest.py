"""Shared fixtures: every test gets its own Inkborn home; the real model is joined once per run."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from postgres import postgres_server, postgres_url  # noqa: F401  (fixtures: a real PostgreSQL, started here)


@pytest.fixture(autouse=True)
def inkborn_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A fresh INKBORN_HOME for each test, with no config from the machine around it."""
    home = tmp_path / "home"
    home.mkdir()
    monkeypatch.setenv("INKBORN_HOME", str(home))
    for name in ("INKBORN_BACKEND", "INKBORN_OPENAI_BASE_URL", "OPENAI_BASE_URL", "OPENAI_API_KEY",
                 "INKBORN_DATABASE_URL"):
        monkeypatch.delenv(name, raising=False)
    # the author's name as a configured machine has it: never the account's (CI runs as root, which names no one)
    monkeypatch.setenv("INKBORN_AUTHOR", "the author")
    return home


@pytest.fixture
def fake():
    """The deterministic backend (inkborn.backends.fake): replies queued with enqueue(), prompts kept in history.
    A test file with a backend of its own (gated, slow) defines its own `fake`."""
    from inkborn.backends.fake import FakeBackend

    return FakeBackend()


@pytest.fixture(params=["sqlite", "postgres"])
def database(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """Her store, on each database in turn: a SQLite file, then a real PostgreSQL (tests/postgres.py)."""
    return str(tmp_path / "inkborn.db") if request.param == "sqlite" else request.getfixturevalue("postgres_url")


@pytest.fixture(scope="session")
def model_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The default model joined and verified once per test run (from the installed parts)."""
    from inkborn.backends import weights

    home = tmp_path_factory.mktemp("model-home")
    weights.default_model_path(home)
    return home / "models"


@pytest.fixture
def model_home(inkborn_home: Path, model_dir: Path) -> Path:
    """An Inkborn home whose default model is already joined (shared, read-only)."""
    os.symlink(model_dir, inkborn_home / "models")
    return inkborn_home
