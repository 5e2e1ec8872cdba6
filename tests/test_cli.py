"""The `inkborn` command, run for real as a subprocess, with the echo and fake backends only.

Every subprocess has a timeout, and the interactive one is read through a thread and a queue
with bounded waits, so no test can hang. No test asserts on how long anything took.
"""

from __future__ import annotations

import json
import os
import queue
import re
import shlex
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

INKBORN = Path(sys.executable).with_name("inkborn")
TIMEOUT = 60  # seconds any one command may take before the test fails (never reached when all is well)

MANUSCRIPT = "# Ruby\n\nRuby is twenty-six and she paints.\n\nShe lives above a bakery in Leeds.\n"
FRENCH = "Ruby speaks French fluently."

# An editor that fails without touching anything: the default for every command, so that a
# command which unexpectedly opens $EDITOR fails fast instead of waiting on vi.
NO_EDITOR = f"{shlex.quote(sys.executable)} -c 'import sys; sys.exit(97)'"


# helpers ------------------------------------------------------------------


def cli_env(**extra: str) -> dict[str, str]:
    """The test's environment (INKBORN_HOME comes from the autouse fixture), with a safe editor and Calvin as
    the author (INKBORN_AUTHOR="" leaves it unset)."""
    env = dict(os.environ)
    env.pop("VISUAL", None)  # VISUAL would win over EDITOR
    env["EDITOR"] = NO_EDITOR
    env["PYTHONUTF8"] = "1"
    env["INKBORN_AUTHOR"] = "Calvin"
    env["INKBORN_BACKEND"] = "fake"  # reads every edit as a description (INKBORN_FAKE_READING says otherwise)
    env.update(extra)
    if not env["INKBORN_AUTHOR"]:
        del env["INKBORN_AUTHOR"]
    return env


def inkborn(*args: str, input: str | bytes | None = None, stdin: Any = None,
            env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    """Run the real `inkborn` script; stdout and stderr come back as text."""
    if isinstance(input, str):
        input = input.encode("utf-8")
    result = subprocess.run(
        [str(INKBORN), *args],
        input=input,
        stdin=None if input is not None else (stdin if stdin is not None else subprocess.DEVNULL),
        capture_output=True,
        env=env or cli_env(),
        timeout=TIMEOUT,
    )
    return subprocess.CompletedProcess(
        result.args, result.returncode, result.stdout.decode("utf-8"), result.stderr.decode("utf-8")
    )


def ok(*args: str, **kwargs: Any) -> str:
    result = inkborn(*args, **kwargs)
    assert result.returncode == 0, f"inkborn {' '.join(args)} failed:\n{result.stdout}\n{result.stderr}"
    return result.stdout


def assert_error(result: subprocess.CompletedProcess[str], *needles: str) -> str:
    """A non-zero exit with exactly one line on stderr, starting with "error:"."""
    assert result.returncode != 0, result.stdout
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, f"expected one line on stderr, got:\n{result.stderr}"
    line = lines[0]
    assert line.startswith("error:"), line
    assert "Traceback" not in result.stderr
    for needle in needles:
        assert needle.lower() in line.lower(), line
    return line


HISTORY_LINE = re.compile(r"^\s*(\d+)\s+\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\s+(\d+) chars\s+(.+)$")


def history(slug: str = "ruby") -> list[tuple[int, int, str]]:
    """`inkborn history` as (number, size, summary) rows."""
    rows = []
    for line in ok("history", slug).splitlines():
        match = HISTORY_LINE.match(line)
        assert match, f"unexpected history line: {line!r}"
        rows.append((int(match[1]), int(match[2]), match[3]))
    return rows


def snapshot(slug: str = "ruby") -> tuple[str, list[tuple[int, int, str]]]:
    return ok("show", slug), history(slug)


def her_json(stdout: str, name: str = "Ruby") -> dict[str, Any]:
    """The echo backend's reply: the JSON after "Ruby: " in a conversation, the whole of one piped reply."""
    before, sep, payload = stdout.partition(f"{name}: ")
    return json.loads(payload if sep else stdout)


def write_script(path: Path, body: str) -> str:
    """An executable shell script; returns it quoted for $EDITOR."""
    path.write_text("#!/bin/sh\n" + body, "utf-8")
    path.chmod(0o755)
    return shlex.quote(str(path))


@pytest.fixture
def ruby(tmp_path: Path) -> str:
    """Ruby, created from a file, at revision 1; returns her manuscript."""
    source = tmp_path / "ruby.md"
    source.write_text(MANUSCRIPT, "utf-8")
    out = ok("new", "ruby", "--from", str(source))
    assert "created ruby (Ruby), revision 1" in out
    return MANUSCRIPT


@pytest.fixture
def appending_editor(tmp_path: Path) -> str:
    return write_script(tmp_path / "append-editor.sh", 'printf "She hums when she paints.\\n" >> "$1"\n')


@pytest.fixture
def failing_editor(tmp_path: Path) -> str:
    return write_script(tmp_path / "failing-editor.sh", 'printf "Half a thought.\\n" >> "$1"\nexit 3\n')


def draft_named_in(line: str, home: Path) -> Path:
    match = re.search(r"your draft is in (\S+\.md)", line)
    assert match, line
    draft = Path(match[1])
    assert draft.is_file(), f"the draft {draft} it names does not exist"
    assert draft.resolve().is_relative_to(home.resolve())
    return draft


# 1. new ---------------------------------------------------------------------


def test_new_from_file(ruby: str) -> None:
    assert ok("show", "ruby") == ruby
    assert [row[0] for row in history()] == [1]
    assert "first draft" in history()[0][2]
    assert re.search(r"^ruby\s+Ruby\s+revision 1\s+\d+ words$", ok("characters"), re.M)


def test_new_from_stdin_dash() -> None:
    out = ok("new", "ruby", "--from", "-", input=MANUSCRIPT)
    assert "created ruby (Ruby), revision 1" in out
    assert ok("show", "ruby") == MANUSCRIPT


def test_new_from_piped_stdin() -> None:
    out = ok("new", "ruby", input=MANUSCRIPT)
    assert "created ruby (Ruby)" in out
    assert ok("show", "ruby") == MANUSCRIPT


def test_new_name_from_option_and_from_slug() -> None:
    ok("new", "ruby", "--name", "Ruby Okafor", input=MANUSCRIPT)
    ok("new", "mae-west", input="Mae paints signs for a living.\n")
    listing = ok("characters")
    assert re.search(r"^ruby\s+Ruby Okafor\s+revision 1", listing, re.M)
    assert re.search(r"^mae-west\s+Mae West\s+revision 1", listing, re.M)


@contextmanager
def terminal() -> Iterator[int]:
    """A pseudo-terminal for stdin: `new` only opens the editor when stdin is a terminal."""
    master, slave = os.openpty()
    try:
        yield slave
    finally:
        os.close(slave)
        os.close(master)


def test_new_with_editor(appending_editor: str) -> None:
    with terminal() as tty:
        out = ok("new", "ruby", stdin=tty, env=cli_env(EDITOR=appending_editor))
    assert "created ruby (Ruby), revision 1" in out
    assert ok("show", "ruby") == "# Ruby\n\nShe hums when she paints.\n"


def test_new_with_failing_editor_keeps_the_draft(failing_editor: str, inkborn_home: Path) -> None:
    with terminal() as tty:
        result = inkborn("new", "ruby", stdin=tty, env=cli_env(EDITOR=failing_editor))
    line = assert_error(result, "draft", "status 3")
    draft = draft_named_in(line, inkborn_home)
    assert "Half a thought." in draft.read_text("utf-8")
    assert "no characters yet" in ok("characters")  # nothing saved
    assert_error(inkborn("show", "ruby"), "no character called 'ruby'")


def test_drafts_are_the_authors_alone_even_in_a_home_made_by_hand(failing_editor: str, inkborn_home: Path) -> None:
    inkborn_home.chmod(0o755)  # made by hand, or by an older Inkborn
    (inkborn_home / "drafts").mkdir(mode=0o755)
    (inkborn_home / "drafts").chmod(0o755)
    with terminal() as tty:
        line = assert_error(inkborn("new", "ruby", stdin=tty, env=cli_env(EDITOR=failing_editor)), "draft")
    draft = draft_named_in(line, inkborn_home)
    assert draft.stat().st_mode & 0o777 == 0o600
    assert draft.parent.stat().st_mode & 0o777 == 0o700
    assert inkborn_home.stat().st_mode & 0o777 == 0o700
    ok("new", "ruby", input=MANUSCRIPT)
    for path in inkborn_home.glob("inkborn.db*"):
        assert path.stat().st_mode & 0o777 == 0o600, path


@contextmanager
def typing(text: str) -> Iterator[int]:
    """A pseudo-terminal for stdin, on which `text` has already been typed."""
    master, slave = os.openpty()
    try:
        os.write(master, text.encode("utf-8"))
        yield slave
    finally:
        os.close(slave)
        os.close(master)


def test_new_asks_the_authors_name_once_on_a_terminal(appending_editor: str, inkborn_home: Path) -> None:
    env = cli_env(EDITOR=appending_editor, INKBORN_AUTHOR="")
    with typing("  Ada   Lovelace \n") as tty:
        result = inkborn("new", "ruby", stdin=tty, env=env)
    assert result.returncode == 0, result.stderr
    assert "Your name, as she will know you" in result.stdout
    assert "she will know you as Ada Lovelace" in result.stderr
    config = inkborn_home / "config.toml"
    assert config.read_text("utf-8") == 'author = "Ada Lovelace"\n'
    assert config.stat().st_mode & 0o777 == 0o600
    assert re.search(r"^Ada Lovelace\s+author\s+0 turns$", ok("people", "ruby", env=env), re.M)
    with typing("") as tty:  # asked once: nothing typed now, and nothing waits for it
        result = inkborn("new", "mae", stdin=tty, env=env)
    assert result.returncode == 0 and "Your name" not in result.stdout, result.stdout
    assert re.search(r"^Ada Lovelace\s+author", ok("people", "mae", env=env), re.M)
    assert "Ada Lovelace: Hi" in ok("-b", "echo", "talk", "ruby", "Hi", env=env)


def as_account(login: str, gecos: str, uid: int, *args: str, input: str) -> subprocess.CompletedProcess[str]:
    """`inkborn ARGS` run by a user whose account is (login, gecos, uid), with no $INKBORN_AUTHOR."""
    entry = (login, "x", uid, uid, gecos, f"/home/{login}", "/bin/sh")
    code = (f"import pwd, sys; pwd.getpwuid = lambda uid: pwd.struct_passwd({entry!r}); "
            "from inkborn.cli import main; sys.argv[0] = 'inkborn'; main()")
    result = subprocess.run([sys.executable, "-c", code, *args], input=input.encode("utf-8"), capture_output=True,
                            env=cli_env(INKBORN_AUTHOR=""), timeout=TIMEOUT)
    return subprocess.CompletedProcess(result.args, result.returncode, result.stdout.decode("utf-8"),
                                       result.stderr.decode("utf-8"))


def test_new_without_a_terminal_takes_the_accounts_name(inkborn_home: Path) -> None:
    result = as_account("calvin", "Calvin Hobbes,,,", 1000, "new", "ruby", input=MANUSCRIPT)
    assert result.returncode == 0, result.stderr
    assert re.search(r"^Calvin Hobbes\s+author", ok("people", "ruby"), re.M)
    assert not (inkborn_home / "config.toml").exists()  # not asked, so nothing to remember


def test_new_as_root_without_a_name_says_how_to_give_one(inkborn_home: Path) -> None:
    line = assert_error(as_account("root", "root", 0, "new", "ruby", input=MANUSCRIPT),
                        "--author NAME", "INKBORN_AUTHOR", "config.toml")
    assert "the author" not in line
    assert "no characters yet" in ok("characters")


def test_write_with_editor(ruby: str, appending_editor: str) -> None:
    out = ok("write", "ruby", env=cli_env(EDITOR=appending_editor))
    assert "saved revision 2 of ruby" in out
    assert ok("show", "ruby") == ruby + "She hums when she paints.\n"


def test_a_save_made_while_the_editor_was_open_is_never_overwritten(ruby: str, tmp_path: Path,
                                                                     inkborn_home: Path) -> None:
    meanwhile = write_script(tmp_path / "meanwhile-editor.sh",
                             f'{shlex.quote(str(INKBORN))} write ruby --append "She keeps bees." >/dev/null\n'
                             'printf "She hums when she paints.\\n" >> "$1"\n')
    result = inkborn("write", "ruby", env=cli_env(EDITOR=meanwhile))
    line = assert_error(result, "saved elsewhere since revision 1", "nothing was saved", "inkborn write ruby --from")
    shown = ok("show", "ruby")
    assert shown.startswith(ruby.rstrip()) and shown.endswith("She keeps bees.\n")  # the other save stands
    kept = Path(re.search(r"your text is in (\S+\.md)", line)[1])
    assert kept.read_text("utf-8") == ruby + "She hums when she paints.\n"  # and so does yours, as a draft
    assert kept.resolve().is_relative_to(inkborn_home.resolve())


def test_write_with_failing_editor_saves_nothing(ruby: str, failing_editor: str, inkborn_home: Path) -> None:
    before = snapshot()
    line = assert_error(inkborn("write", "ruby", env=cli_env(EDITOR=failing_editor)), "draft", "nothing was saved")
    draft = draft_named_in(line, inkborn_home)
    assert draft.read_text("utf-8") == ruby + "Half a thought.\n"
    assert snapshot() == before
    # and the command it suggests does save the draft
    assert "saved revision 2 of ruby" in ok("write", "ruby", "--from", str(draft))
    assert "Half a thought." in ok("show", "ruby")


def test_editor_that_cannot_start(ruby: str, tmp_path: Path) -> None:
    before = snapshot()
    missing = shlex.quote(str(tmp_path / "no-such-editor"))
    assert_error(inkborn("write", "ruby", env=cli_env(EDITOR=missing)), "cannot start the editor", "$EDITOR")
    assert snapshot() == before


# 2. write, history, show, diff, revert, characters, people, backends -----------------


def test_write_options_each_make_a_revision(ruby: str, tmp_path: Path) -> None:
    out = ok("write", "ruby", "--append", "She takes her coffee black.")
    assert "saved revision 2 of ruby" in out and "She takes her coffee black." in out
    assert ok("show", "ruby").endswith("She takes her coffee black.\n")

    out = ok("write", "ruby", "--replace", "twenty-six", "thirty")
    assert "saved revision 3 of ruby" in out
    assert "Ruby is thirty and she paints." in ok("show", "ruby")

    out = ok("write", "ruby", "--delete", "She lives above a bakery in Leeds.")
    assert "saved revision 4 of ruby" in out
    assert "bakery" not in ok("show", "ruby")

    replacement = tmp_path / "again.md"
    replacement.write_text("# Ruby\n\nRuby restores old clocks.\n", "utf-8")
    out = ok("write", "ruby", "--from", str(replacement))
    assert "saved revision 5 of ruby" in out
    assert ok("show", "ruby") == "# Ruby\n\nRuby restores old clocks.\n"

    out = ok("write", "ruby", "--from", "-", input="# Ruby\n\nRuby restores old clocks. She is left-handed.\n")
    assert "saved revision 6 of ruby" in out

    rows = history()
    assert [number for number, _, _ in rows] == [1, 2, 3, 4, 5, 6]
    summaries = [summary for _, _, summary in rows]
    assert "first draft" in summaries[0]
    assert "added 1 sentence" in summaries[1] and "coffee" in summaries[1]
    assert "changed" in summaries[2] and "thirty" in summaries[2]
    assert "removed" in summaries[3] and "bakery" in summaries[3]
    assert "left-handed" in summaries[5]
    assert rows[5][1] == len(ok("show", "ruby"))


def test_write_that_changes_nothing(ruby: str, tmp_path: Path) -> None:
    same = tmp_path / "same.md"
    same.write_text(ruby, "utf-8")
    out = ok("write", "ruby", "--from", str(same))
    assert "no change" in out and "revision 1" in out
    out = ok("write", "ruby", "--replace", "twenty-six", "twenty-six")
    assert "no change" in out
    out = ok("write", "ruby", "--from", "-", input=ruby.replace("\n", "\r\n") + "\n\n")  # only line endings
    assert "no change" in out
    assert [row[0] for row in history()] == [1]


def test_show_rev_and_diff(ruby: str) -> None:
    ok("write", "ruby", "--append", FRENCH)
    assert ok("show", "ruby", "--rev", "1") == ruby
    assert ok("show", "ruby").rstrip().endswith(FRENCH)

    last = ok("diff", "ruby")
    assert "--- revision 1" in last and "+++ revision 2" in last
    assert f"+{FRENCH}" in last.splitlines()

    ok("write", "ruby", "--replace", "twenty-six", "thirty")
    between = ok("diff", "ruby", "1", "2")
    assert "--- revision 1" in between and "+++ revision 2" in between
    assert f"+{FRENCH}" in between.splitlines()
    assert "thirty" not in between
    one_to_now = ok("diff", "ruby", "1")
    assert "+++ revision 3" in one_to_now
    assert "-Ruby is twenty-six and she paints." in one_to_now.splitlines()
    assert "+Ruby is thirty and she paints." in one_to_now.splitlines()


def test_revert_makes_a_new_revision(ruby: str) -> None:
    ok("write", "ruby", "--append", FRENCH)
    ok("write", "ruby", "--replace", "twenty-six", "thirty")
    out = ok("revert", "ruby", "1")
    assert "saved revision 4 of ruby" in out and "reverted to revision 1" in out
    assert ok("show", "ruby") == ok("show", "ruby", "--rev", "1") == ruby
    rows = history()
    assert [number for number, _, _ in rows] == [1, 2, 3, 4]
    assert "reverted to revision 1" in rows[3][2]
    assert ok("show", "ruby", "--rev", "3") != ruby  # nothing lost
    assert "no change" in ok("revert", "ruby", "4")
    assert len(history()) == 4


def test_characters(ruby: str) -> None:
    ok("new", "mae", input="# Mae\n\nMae fixes bicycles.\n")
    ok("write", "ruby", "--append", FRENCH)
    lines = ok("characters").splitlines()
    assert len(lines) == 2
    assert re.match(r"^mae\s+Mae\s+revision 1\s+\d+ words$", lines[0])
    assert re.match(r"^ruby\s+Ruby\s+revision 2\s+\d+ words$", lines[1])


def test_characters_when_there_are_none() -> None:
    assert "no characters yet" in ok("characters")


def test_people_after_talking_as_harry(ruby: str) -> None:
    ok("-b", "echo", "talk", "ruby", "Hi", "--as", "Harry")
    ok("-b", "fake", "talk", "ruby", "And again", "--as", "Harry")
    ok("-b", "fake", "talk", "ruby", "Hello from your author")
    rows = {line.split()[0]: line for line in ok("people", "ruby").splitlines()}
    assert re.match(r"^Calvin\s+author\s+2 turns$", rows["Calvin"])
    assert re.match(r"^Harry\s+visitor\s+4 turns$", rows["Harry"])


def test_backends() -> None:
    out = ok("-b", "echo", "backends")
    names = {line[2:].split()[0]: line for line in out.splitlines()}
    assert set(names) == {"embedded", "openai", "echo"}  # the tests' fake is found by name, never listed
    assert names["echo"].startswith("*")
    assert not names["embedded"].startswith("*")
    assert "inkborn.backends.echo:EchoBackend" in names["echo"]


# 3. bad input ---------------------------------------------------------------


@pytest.mark.parametrize("args", [
    ("show", "nobody"),
    ("history", "nobody"),
    ("write", "nobody", "--append", "Hello."),
    ("revert", "nobody", "1"),
    ("diff", "nobody"),
    ("people", "nobody"),
    ("-b", "echo", "talk", "nobody", "Hi"),
])
def test_unknown_character(ruby: str, args: tuple[str, ...]) -> None:
    before = snapshot()
    assert_error(inkborn(*args), "no character called 'nobody'", "ruby")
    assert snapshot() == before


@pytest.mark.parametrize("args", [
    ("show", "ruby", "--rev", "7"),
    ("revert", "ruby", "7"),
    ("diff", "ruby", "1", "7"),
    ("diff", "ruby", "7"),
])
def test_unknown_revision(ruby: str, args: tuple[str, ...]) -> None:
    before = snapshot()
    assert_error(inkborn(*args), "no revision 7", "1 to 1")
    assert snapshot() == before


def test_empty_manuscript(ruby: str, tmp_path: Path) -> None:
    empty = tmp_path / "empty.md"
    empty.write_text("  \n\n\t\n", "utf-8")
    before = snapshot()
    assert_error(inkborn("new", "mae", "--from", str(empty)), "empty")
    assert_error(inkborn("new", "mae"), "empty")  # stdin with nothing on it
    assert_error(inkborn("write", "ruby", "--from", str(empty)), "empty")
    assert_error(inkborn("write", "ruby", "--from", "-", input=""), "empty")
    assert_error(inkborn("write", "ruby", "--delete", ruby.strip()), "empty")
    assert snapshot() == before
    assert [line.split()[0] for line in ok("characters").splitlines()] == ["ruby"]


def test_file_that_is_not_utf8(ruby: str, tmp_path: Path) -> None:
    bad = tmp_path / "bad.md"
    bad.write_bytes(b"\xff\xfe\xfa")
    before = snapshot()
    assert_error(inkborn("new", "mae", "--from", str(bad)), "not UTF-8", str(bad))
    assert_error(inkborn("new", "mae", input=b"\xff\xfe\xfa"), "not UTF-8", "standard input")
    assert_error(inkborn("write", "ruby", "--from", str(bad)), "not UTF-8")
    assert snapshot() == before
    assert [line.split()[0] for line in ok("characters").splitlines()] == ["ruby"]


def test_replace_or_delete_a_passage_not_there(ruby: str) -> None:
    before = snapshot()
    assert_error(inkborn("write", "ruby", "--replace", "forty-two", "thirty"), "'forty-two' is not in the manuscript")
    assert_error(inkborn("write", "ruby", "--delete", "She sings opera."), "is not in the manuscript")
    assert snapshot() == before


def test_empty_option_values_are_errors_not_the_editor(ruby: str) -> None:
    """`--append ""` is a mistake to report, not a request to open $EDITOR (which fails here with 97)."""
    before = snapshot()
    assert_error(inkborn("write", "ruby", "--append", ""), "nothing to append")
    assert_error(inkborn("write", "ruby", "--delete", ""), "nothing to delete")
    assert_error(inkborn("write", "ruby", "--replace", "", "thirty"), "nothing to replace")
    assert_error(inkborn("write", "ruby", "--append", "A.", "--delete", "B."), "give one of")
    assert snapshot() == before


def test_missing_file_for_from(ruby: str, tmp_path: Path) -> None:
    missing = tmp_path / "missing.md"
    before = snapshot()
    assert_error(inkborn("new", "mae", "--from", str(missing)), "cannot read", str(missing))
    assert_error(inkborn("write", "ruby", "--from", str(missing)), "cannot read", str(missing))
    assert snapshot() == before
    assert [line.split()[0] for line in ok("characters").splitlines()] == ["ruby"]


def test_unknown_backend(ruby: str) -> None:
    before = snapshot()
    line = assert_error(inkborn("-b", "nope", "talk", "ruby", "Hi"), "no backend called 'nope'")
    for name in ("echo", "embedded", "openai"):
        assert name in line
    assert "fake" not in line
    assert snapshot() == before
    assert re.search(r"^Calvin\s+author\s+0 turns$", ok("people", "ruby"), re.M)  # her words unsaid


def test_bad_slug() -> None:
    assert_error(inkborn("new", "Ruby Red", input=MANUSCRIPT), "cannot name a character")
    assert "no characters yet" in ok("characters")


def test_character_that_already_exists(ruby: str) -> None:
    before = snapshot()
    assert_error(inkborn("new", "ruby", input="Someone else entirely.\n"), "already a character called 'ruby'")
    assert snapshot() == before


# 4. talk, one message -----------------------------------------------------------


def test_talk_echo_shows_her_context(ruby: str) -> None:
    out = ok("-b", "echo", "talk", "ruby", "Hi")
    assert out.startswith("{")  # piped: her words alone, no "Ruby: " label
    context = her_json(out)
    messages = context["messages"]
    assert messages[0]["role"] == "system"
    assert "Ruby is twenty-six and she paints." in messages[0]["content"]
    assert "She lives above a bakery in Leeds." in messages[0]["content"]
    assert messages[-1] == {"role": "user", "content": "Calvin: Hi"}
    assert context["prefill"].endswith("Ruby:")


def test_talk_echo_as_harry(ruby: str) -> None:
    context = her_json(ok("-b", "echo", "talk", "ruby", "Hi", "--as", "Harry"))
    assert any("Harry is with you now" in m["content"] for m in context["messages"] if m["role"] == "system")
    assert context["messages"][-1] == {"role": "user", "content": "Harry: Hi"}
    assert "\nHarry:" in context["stop"]
    assert "Calvin:" not in json.dumps(context)  # nothing her author said


def test_talk_fake(ruby: str) -> None:
    assert ok("-b", "fake", "talk", "ruby", "Hi") == "[no reply queued]\n"


def test_talk_knows_an_edit_made_between_two_messages(ruby: str) -> None:
    first = her_json(ok("-b", "echo", "talk", "ruby", "Hi"))
    assert FRENCH not in json.dumps(first)
    ok("write", "ruby", "--append", FRENCH)
    second = her_json(ok("-b", "echo", "talk", "ruby", "Bonjour?"))
    assert any(FRENCH in m["content"] for m in second["messages"][1:] if m["role"] == "system")
    assert second["prefill"] == "Ruby:"  # the edit is never put in her mouth


def test_talk_empty_message(ruby: str) -> None:
    assert_error(inkborn("-b", "echo", "talk", "ruby", "   "), "message is empty")


# 5. the kitchen scene ----------------------------------------------------------


class Lines:
    """A subprocess's output, read line by line on a thread, so every wait is bounded."""

    def __init__(self, stream: Any):
        self._queue: queue.Queue[str | None] = queue.Queue()
        self._thread = threading.Thread(target=self._pump, args=(stream,), daemon=True)
        self._thread.start()

    def _pump(self, stream: Any) -> None:
        try:
            for line in iter(stream.readline, ""):
                self._queue.put(line)
        finally:
            self._queue.put(None)

    def reply(self, timeout: float = TIMEOUT) -> dict[str, Any]:
        """Her next echo reply: lines up to one that is exactly "}", parsed after "Ruby: "."""
        deadline = time.monotonic() + timeout
        lines: list[str] = []
        while True:
            try:
                line = self._queue.get(timeout=max(0.0, deadline - time.monotonic()))
            except queue.Empty:
                raise AssertionError(f"her reply did not arrive; read so far: {''.join(lines)!r}") from None
            if line is None:
                raise AssertionError(f"talk ended before her reply did; read: {''.join(lines)!r}")
            lines.append(line)
            if line.rstrip("\r\n") == "}":
                return her_json("".join(lines))

    def rest(self, timeout: float = TIMEOUT) -> str:
        """Everything until the stream closes."""
        deadline = time.monotonic() + timeout
        out = []
        while True:
            line = self._queue.get(timeout=max(0.0, deadline - time.monotonic()))
            if line is None:
                return "".join(out)
            out.append(line)


def test_kitchen_scene(ruby: str, tmp_path: Path) -> None:
    """Talking in one terminal, writing in another: her very next reply knows the edit."""
    err_path = tmp_path / "talk.err"
    with open(err_path, "w", encoding="utf-8") as err:
        talk = subprocess.Popen(
            [str(INKBORN), "-b", "echo", "talk", "ruby"],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=err,
            text=True, encoding="utf-8", bufsize=1, env=cli_env(),
        )
    try:
        lines = Lines(talk.stdout)
        talk.stdin.write("Hi\n")
        talk.stdin.flush()
        first = lines.reply()
        assert first["messages"][-1] == {"role": "user", "content": "Calvin: Hi"}
        assert FRENCH not in json.dumps(first)

        # another terminal
        out = ok("write", "ruby", "--append", FRENCH)
        assert "saved revision 2 of ruby" in out

        talk.stdin.write("Bonjour?\n")
        talk.stdin.flush()
        second = lines.reply()
        messages = second["messages"]
        assert messages[-1] == {"role": "user", "content": "Calvin: Bonjour?"}
        said_hi = messages.index({"role": "user", "content": "Calvin: Hi"})
        assert all(m["role"] != "assistant" for m in messages)  # the echo's first reply was never her words
        assert '"messages"' not in json.dumps(messages)
        fresh = [i for i, m in enumerate(messages) if m["role"] == "system" and FRENCH in m["content"]]
        assert fresh and fresh[-1] > said_hi, "the edit must be stated after the earlier conversation"
        assert fresh[-1] == len(messages) - 2  # right before what he just said
        assert second["prefill"] == "Ruby:"  # the edit is never put in her mouth

        talk.stdin.close()
        assert talk.wait(timeout=TIMEOUT) == 0
        lines.rest()
    finally:
        if talk.poll() is None:
            talk.kill()
            talk.wait(timeout=TIMEOUT)
        if talk.stdout:
            talk.stdout.close()

    stderr = err_path.read_text("utf-8")
    assert "Talking with Ruby as Calvin" in stderr
    assert "error" not in stderr.lower() and "Traceback" not in stderr

    from inkborn import Studio

    with Studio() as studio:
        character = studio.character("ruby")
        revisions = character.revisions()
        turns = character.turns()
    assert [r.number for r in revisions] == [1, 2]
    assert [(t.speaker, t.status) for t in turns] == [("person", "ok"), ("her", "ok"), ("person", "ok"), ("her", "ok")]
    assert [t.text for t in turns if not t.is_hers] == ["Hi", "Bonjour?"]
    hers = [t for t in turns if t.is_hers]
    assert hers[0].revision_id == revisions[0].id
    assert hers[1].revision_id == revisions[1].id
    assert all(t.backend == "echo" and t.diagnostic for t in hers)


def test_interactive_quit_and_blank_lines(ruby: str) -> None:
    """/quit leaves at once; blank lines are skipped; everything said is kept."""
    result = inkborn("-b", "fake", "talk", "ruby", "--as", "Harry", input="\n   \nHello\n/quit\nNever sent\n")
    assert result.returncode == 0, result.stderr
    assert result.stdout.count("Ruby: [no reply queued]") == 1
    assert re.search(r"^Harry\s+visitor\s+2 turns$", ok("people", "ruby"), re.M)


def test_talk_in_a_scene_and_switching_who_speaks(ruby: str) -> None:
    """--as Gertrude --with Calvin: one scene, whoever speaks; /as hands the turn to another in it."""
    context = her_json(ok("-b", "echo", "talk", "ruby", "Hello, dear.", "--as", "Gertrude", "--with", "Calvin"))
    assert any("Gertrude and Calvin are with you now" in m["content"] for m in context["messages"])
    assert context["messages"][-1] == {"role": "user", "content": "Gertrude: Hello, dear."}
    result = inkborn("-b", "fake", "talk", "ruby", "--as", "Gertrude", "--with", "Calvin",
                     input="More tea?\n/as Mort\n/as Calvin\nMom!\nGertrude, sit down.\n/retry\n/quit\n")
    assert result.returncode == 0, result.stderr
    assert "with Calvin. /as NAME switches who speaks" in result.stderr
    assert "/as takes one of those in the scene: Gertrude, Calvin" in result.stderr
    assert "(Ruby lets Gertrude answer: it was said to Gertrude. /retry has her answer it.)" in result.stderr
    assert result.stdout.count("Ruby: [no reply queued]") == 3  # the words to Gertrude answered on /retry
    people = ok("people", "ruby")  # the echo's exchange and these three: all in one scene
    assert re.search(r"^Gertrude\s+visitor\s+8 turns$", people, re.M) and re.search(r"^Calvin\s+author\s+8 turns$", people, re.M)
    left = inkborn("-b", "fake", "talk", "ruby", "Calvin, pass the sugar.", "--as", "Gertrude", "--with", "Calvin")
    assert left.returncode == 0 and left.stdout == ""
    assert "(Ruby lets Calvin answer: it was said to Calvin. --retry has her answer it.)" in left.stderr


def test_again_new_and_the_authors_hand_on_turns(ruby: str) -> None:
    """/again keeps the reply she gave; /new begins again; `turn` corrects, deletes, chooses, each recorded."""
    result = inkborn("-b", "fake", "talk", "ruby", input="Hi\n/again\n/quit\n")
    assert result.returncode == 0, result.stderr
    listed = ok("turns", "ruby", "--all")
    ids = [int(line[1:].split()[0]) for line in listed.splitlines() if line.startswith("#")]
    assert len(ids) == 3 and "was chosen)" in listed.splitlines()[1]
    first_reply = ids[1]
    ok("turn", "ruby", str(first_reply), "--choose")
    line_of = {int(line[1:].split()[0]): line for line in ok("turns", "ruby", "--all").splitlines() if line.startswith("#")}
    assert f"(another reply, #{first_reply}, was chosen)" in line_of[ids[2]] and "chosen" not in line_of[first_reply]
    ok("turn", "ruby", str(ids[0]), "--correct", "Hello there")
    ok("turn", "ruby", str(ids[2]), "--delete")
    listed = ok("turns", "ruby", "--all")
    assert "Hello there" in listed and "corrected by Calvin" in listed and "before: Hi" in listed
    assert "(deleted)" in listed and "deleted by Calvin" in listed
    assert [line.split(": ", 1)[1] for line in ok("turns", "ruby").splitlines()] == ["Hello there", "[no reply queued]"]
    assert_error(inkborn("turn", "ruby", str(ids[2]), "--delete"), "no turn")
    usage = inkborn("turn", "ruby", str(ids[0]))
    assert usage.returncode == 2 and "give one of --correct TEXT, --delete or --choose" in usage.stderr

    result = inkborn("-b", "fake", "talk", "ruby", input="/new\nA fresh start\n/quit\n")
    assert result.returncode == 0, result.stderr
    assert "Calvin: Hello there\nRuby: [no reply queued]" in result.stdout  # where he left off, shown as talk opens
    assert [line.split(": ", 1)[1] for line in ok("turns", "ruby").splitlines()] == [
        "A fresh start", "[no reply queued]"]


def test_what_she_remembers_is_listed_searched_and_a_memory_deleted(ruby: str) -> None:
    result = inkborn("-b", "fake", "talk", "ruby", "--as", "Gertrude", input="Don't tell Calvin, I'm moving to Lisbon.\n/quit\n")
    assert result.returncode == 0, result.stderr
    ok("-b", "fake", "talk", "ruby", "How was the beach?")
    listed = ok("memories", "ruby")
    lines = [line for line in listed.splitlines() if line.startswith("#")]
    assert len(lines) == 4 and "Calvin: How was the beach?" in lines[1]
    assert "with Gertrude" in lines[3] and "Gertrude: Don't tell Calvin, I'm moving to Lisbon." in lines[3]
    assert "only for those who were there" in listed
    assert [line for line in ok("memories", "ruby", "--about", "Gertrude").splitlines() if line.startswith("#")] == \
        lines[2:]
    found = ok("memories", "ruby", "--search", "Lisbon").splitlines()
    assert "Lisbon" in found[0]
    secret = found[0][1:].split()[0]
    result = inkborn("memory", "ruby", secret, "--delete")
    assert result.returncode == 0 and "deleted" in result.stderr
    assert "Lisbon" not in ok("memories", "ruby")
    assert "deleted by Calvin" in ok("memories", "ruby", "--all")
    assert_error(inkborn("memory", "ruby", secret, "--delete"), "no memory")
    assert_error(inkborn("memories", "ruby", "--about", "Nobody"), "Nobody")
    assert "Nobody" not in ok("people", "ruby")  # reading admits no one


# 6. help ----------------------------------------------------------------------


def test_help() -> None:
    out = ok("--help")
    assert "Inkborn: write a person in prose, then talk with her." in out
    assert "$INKBORN_HOME" in out
    for command in ("new", "write", "revert", "show", "history", "diff", "characters", "people", "backends", "talk", "try"):
        assert re.search(rf"^\s+{command}\s", out, re.M), command
    assert ok("-h") == out


def test_talk_help() -> None:
    out = ok("talk", "--help")
    assert "Usage: inkborn talk [OPTIONS] SLUG [MESSAGE]" in out
    assert "Talk with her: interactively, or one MESSAGE and her reply (for scripts)." in out
    flat = " ".join(out.split())
    assert "edit her in another terminal with `inkborn write`: her next reply knows." in flat
    assert "/retry" in flat and "/quit" in flat
    assert "--as PERSON" in out
