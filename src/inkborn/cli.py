"""The `inkborn` command: write a character, talk with her, and see what changed."""

from __future__ import annotations

import os
import shlex
import subprocess
import sys
import tempfile
import threading
import time
from datetime import datetime
from importlib.resources import files
from pathlib import Path
from typing import Any, Callable

import click

from .backends import available, backend_class, parse_options
from .bench.cli import bench
from .character import Character, Reply
from .errors import EditorFailed, InkbornError, InvalidInput, StaleRevision
from .home import private_dir, write_private
from .manuscript import decode
from .people import account_name
from .server.cli import commands as server_commands
from .studio import Studio


class Progress:
    """A one-line progress report on stderr for long work (joining and loading the model)."""

    def __init__(self) -> None:
        self._last = ("", -1)
        self._tty = sys.stderr.isatty()

    def __call__(self, label: str, done: int, total: int) -> None:
        pct = 100 * done // max(total, 1)
        step = 1 if self._tty else 25
        if label == self._last[0] and (pct // step == self._last[1] // step) and done < total:
            return
        self._last = (label, pct)
        if self._tty:
            click.echo(f"\r{label}: {pct:3d}%", nl=done >= total, err=True)
        else:
            click.echo(f"{label}: {pct}%", err=True)


def _options(pairs: tuple[str, ...]) -> dict[str, Any]:
    try:
        return parse_options(pairs)
    except InvalidInput as exc:
        raise click.BadParameter(str(exc), param_hint="-o") from None


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.option("--backend", "-b", metavar="NAME", help="Model backend: embedded (default), openai, echo. See `inkborn backends`.")
@click.option("--option", "-o", "options", multiple=True, metavar="KEY=VALUE",
              help="A backend option, e.g. -o model_path=other.gguf or -o base_url=http://127.0.0.1:8080/v1.")
@click.option("--database", metavar="URL", help="Where she is kept: a postgresql:// URL, or a SQLite file "
              "(default: $INKBORN_DATABASE_URL, else `database` in config.toml, else inkborn.db in the home).")
@click.version_option(package_name="inkborn")
@click.pass_context
def cli(ctx: click.Context, backend: str | None, options: tuple[str, ...], database: str | None) -> None:
    """Inkborn: write a person in prose, then talk with her. Your edits are true from her next sentence.

    State lives in ~/.inkborn (or $INKBORN_HOME). Start with `inkborn try`.
    """
    if backend is not None:
        backend_class(backend)  # an unknown name is an error now, not at the first reply
    studio = Studio(backend=backend, options=_options(options), progress=Progress(), database=database)
    ctx.obj = studio
    ctx.call_on_close(studio.close)


pass_studio = click.make_pass_decorator(Studio)


def main() -> None:
    """Run the CLI, turning Inkborn's errors into one clear line and a non-zero exit."""
    try:
        cli.main(standalone_mode=False)
    except InkbornError as exc:
        click.echo(f"error: {exc}", err=True)
        sys.exit(1)
    except click.exceptions.Abort:
        click.echo("", err=True)
        sys.exit(130)
    except click.ClickException as exc:
        exc.show()
        sys.exit(exc.exit_code)
    except KeyboardInterrupt:
        click.echo("\ninterrupted; everything said so far is saved", err=True)
        sys.exit(130)


# writing ------------------------------------------------------------------


def _read_source(path: str) -> str:
    if path == "-":
        return decode(sys.stdin.buffer.read(), "standard input")
    try:
        return decode(Path(path).read_bytes(), path)
    except OSError as exc:
        raise InvalidInput(f"cannot read {path}: {exc.strerror}") from None


def _edit_in_editor(text: str, slug: str, studio: Studio) -> str:
    editor = os.environ.get("VISUAL") or os.environ.get("EDITOR") or "vi"
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / f"{slug}.md"
        path.write_text(text, "utf-8")
        try:
            status = subprocess.call([*shlex.split(editor), str(path)])
        except OSError as exc:
            raise EditorFailed(f"cannot start the editor {editor!r} ({exc.strerror}); set $EDITOR") from None
        draft = path.read_bytes()
        if status != 0:
            kept = _keep_draft(studio, slug, draft)
            raise EditorFailed(
                f"the editor exited with status {status}; nothing was saved, your draft is in {kept} "
                f"(`inkborn write {slug} --from {kept}` saves it)"
            )
        try:
            return decode(draft, "the edited manuscript")
        except InvalidInput as exc:
            raise InvalidInput(f"{exc}; nothing was saved, your draft is in {_keep_draft(studio, slug, draft)}") from None


def _keep_draft(studio: Studio, slug: str, draft: bytes) -> Path:
    """Keep the draft (her whole manuscript) where only its author can read it."""
    folder = private_dir(studio.home / "drafts")
    stamp = f"{slug}-{datetime.now():%Y%m%d-%H%M%S}"
    n = 1
    while True:
        kept = folder / (f"{stamp}.md" if n == 1 else f"{stamp}-{n}.md")
        try:
            write_private(kept, draft)
            return kept
        except FileExistsError:
            n += 1


def _report_save(character: Character, revision: Any) -> None:
    if revision is None:
        click.echo(f"no change; {character.slug} stays at revision {character.head().number}")
    else:
        click.echo(f"saved revision {revision.number} of {character.slug}: {revision.summary}")


@cli.command()
@click.argument("slug")
@click.option("--from", "source", metavar="FILE", help="Read the manuscript from FILE (- for stdin).")
@click.option("--name", help="Her name as she says it (default: the manuscript's # heading, or SLUG).")
@click.option("--author", help="Your name, as she will know you (default: $INKBORN_AUTHOR, config, "
                                 "else asked once and kept in config.toml).")
@pass_studio
def new(studio: Studio, slug: str, source: str | None, name: str | None, author: str | None) -> None:
    """Create a character from a manuscript: a file, stdin, or $EDITOR."""
    if author is None and studio.chosen_author_name is None and sys.stdin.isatty():
        author = studio.remember_author(click.prompt("Your name, as she will know you", default=account_name()))
        click.echo(f"(kept in {studio.home / 'config.toml'} as author; she will know you as {author})", err=True)
    if source:
        text = _read_source(source)
    elif not sys.stdin.isatty():
        text = _read_source("-")
    else:
        text = _edit_in_editor(f"# {slug.title()}\n\n", slug, studio)
    character = studio.create(slug, text, name=name, author=author)
    click.echo(f"created {character.slug} ({character.name}), revision 1; `inkborn talk {slug}` to meet her")


@cli.command()
@click.argument("slug")
@click.option("--append", "append", metavar="TEXT", help="Add TEXT at the end.")
@click.option("--replace", "replace", nargs=2, metavar="OLD NEW", help="Replace the passage OLD with NEW.")
@click.option("--delete", "delete", metavar="TEXT", help="Delete the passage TEXT.")
@click.option("--from", "source", metavar="FILE", help="Replace the whole manuscript with FILE (- for stdin).")
@pass_studio
def write(studio: Studio, slug: str, append: str | None, replace: tuple[str, str] | None,
          delete: str | None, source: str | None) -> None:
    """Edit her manuscript: in $EDITOR, or with one of the options. Every change is a new revision."""
    character = studio.character(slug)
    chosen = [o for o in (append, replace, delete, source) if o is not None]
    if len(chosen) > 1:
        raise InvalidInput("give one of --append, --replace, --delete or --from")
    if append is not None:
        revision = character.edit("append", new=append)
    elif replace is not None:
        revision = character.edit("replace", old=replace[0], new=replace[1])
    elif delete is not None:
        revision = character.edit("delete", old=delete)
    elif source is not None:
        revision = character.write(_read_source(source))
    else:
        head = character.head()
        text = _edit_in_editor(head.text, slug, studio)
        try:
            revision = character.write(text, base=head.number)  # never over a save made while you edited
        except StaleRevision as stale:
            kept = _keep_draft(studio, slug, text.encode("utf-8"))
            raise StaleRevision(stale.base, stale.head, advice=(
                f"your text is in {kept}: `inkborn write {slug} --from {kept}` saves it as it is, "
                f"`inkborn diff {slug} {stale.base} {stale.head}` shows what changed meanwhile")) from None
    _report_save(character, revision)


@cli.command()
@click.argument("slug")
@click.argument("revision", type=int)
@pass_studio
def revert(studio: Studio, slug: str, revision: int) -> None:
    """Make a new revision equal to REVISION. Nothing is lost."""
    character = studio.character(slug)
    _report_save(character, character.revert(revision))


# reading ------------------------------------------------------------------


@cli.command()
@click.argument("slug")
@click.option("--rev", "number", type=int, help="Show this revision instead of the current one.")
@pass_studio
def show(studio: Studio, slug: str, number: int | None) -> None:
    """Print her manuscript."""
    click.echo(studio.character(slug).revision(number).text, nl=False)


@cli.command()
@click.argument("slug")
@pass_studio
def history(studio: Studio, slug: str) -> None:
    """List the revisions: number, time, size, and what changed."""
    for rev in studio.character(slug).revisions():
        when = rev.created_at.astimezone().strftime("%Y-%m-%d %H:%M:%S")
        click.echo(f"{rev.number:>4}  {when}  {rev.size:>6} chars  {rev.summary}")


@cli.command("diff")
@click.argument("slug")
@click.argument("rev_a", type=int, required=False)
@click.argument("rev_b", type=int, required=False)
@pass_studio
def diff_command(studio: Studio, slug: str, rev_a: int | None, rev_b: int | None) -> None:
    """Show what changed: the last edit, REV_A against the current text, or REV_A against REV_B."""
    text = studio.character(slug).diff(rev_a, rev_b)
    for line in text.splitlines():
        colour = "green" if line.startswith("+") else "red" if line.startswith("-") else None
        click.secho(line, fg=colour)


@cli.command()
@pass_studio
def characters(studio: Studio) -> None:
    """List the characters."""
    rows = studio.characters()
    if not rows:
        click.echo("no characters yet; `inkborn new NAME --from FILE` or `inkborn try`")
    for character in rows:
        head = character.head()
        click.echo(f"{character.slug:<16} {character.name:<20} revision {head.number:<4} {len(head.text.split())} words")


@cli.command()
@click.argument("slug")
@pass_studio
def people(studio: Studio, slug: str) -> None:
    """List the people who talk with her, and how many turns their conversations (and scenes) hold."""
    character = studio.character(slug)
    for person in character.people():
        click.echo(f"{person.name:<20} {person.role:<8} {studio.store.turns_with(person.id)} turns")


@cli.command()
@pass_studio
def backends(studio: Studio) -> None:
    """List the installed model backends and which one is in use."""
    for name, target in available().items():
        mark = "*" if name == studio.backend_name else " "
        doc = (backend_class(name).__doc__ or "").strip().splitlines()[0]
        click.echo(f"{mark} {name:<10} {doc}  ({target})")


@cli.command()
@pass_studio
def doctor(studio: Studio) -> None:
    """Show this machine as the embedded model sees it: CPU features, llama.cpp's build, how the model loads."""
    from .backends import cpu, weights

    rows = {"home": str(studio.home), "backend": studio.backend_name, **cpu.system_info()}
    if studio.backend_name == "embedded":  # as it will load here, options included
        rows["model loading"] = studio.backend.plan.reason
    joined = studio.home / "models" / weights.FILENAME
    rows["default model"] = f"{weights.MODEL_NAME}, " + (
        f"joined at {joined}" if joined.exists() else "not joined yet (the first reply joins it, once)")
    for key, value in rows.items():
        click.echo(f"{key + ':':<15} {value}")


# talking ------------------------------------------------------------------


def _stream(character: Character, reply: Reply, labelled: bool = True) -> None:
    """Her reply as it streams, after her name when labelled (a conversation, or a terminal)."""
    if labelled:
        click.secho(f"{character.name}: ", bold=True, nl=False)
    for chunk in reply:
        click.echo(chunk, nl=False)
        sys.stdout.flush()
    click.echo()


@cli.command()
@click.argument("slug")
@click.argument("message", required=False)
@click.option("--as", "as_", metavar="PERSON", help="Talk as this person (default: the author).")
@click.option("--with", "with_", metavar="PERSON", multiple=True,
              help="Others in the scene with you and her (repeatable): --as Gertrude --with Calvin --with Mort.")
@click.option("--seed", type=int, help="Sampling seed, for replies you can reproduce.")
@click.option("--retry", is_flag=True, help="Answer the last message again (after a failed reply).")
@pass_studio
def talk(studio: Studio, slug: str, message: str | None, as_: str | None, with_: tuple[str, ...], seed: int | None,
         retry: bool) -> None:
    """Talk with her: interactively, or one MESSAGE and her reply (for scripts).

    Alone with her, or in a scene with others (--with): in a scene, /as NAME switches who speaks.
    While you talk, edit her in another terminal with `inkborn write`: her next reply knows.
    In the conversation, /retry answers your last message again and /quit (or Ctrl-D) leaves.
    """
    character = studio.character(slug)
    studio.backend.load()
    if retry:
        _stream(character, character.retry(as_=as_, with_=with_, seed=seed), labelled=sys.stdout.isatty())
        return
    if message is not None:  # one message: into a pipe or a file, her words alone
        _stream(character, character.say(message, as_=as_, with_=with_, seed=seed), labelled=sys.stdout.isatty())
        return
    person, _ = character.scene(as_, with_)
    present = [person.name, *(name for name in with_ if name != person.name)]
    scene = f" with {', '.join(present[1:])}" if len(present) > 1 else ""
    switch = " /as NAME switches who speaks," if scene else ""
    click.echo(f"Talking with {character.name} as {person.name}{scene}.{switch} /retry answers again, /quit leaves.",
               err=True)
    studio.idle.every(("settle", character.slug), 1.0, _settler(character, person.name, tuple(present[1:])))
    try:
        _conversation(character, present, seed)
    finally:
        studio.idle.forget(("settle", character.slug))


def _settler(character: Character, person: str, others: tuple[str, ...]) -> Callable[[threading.Event], None]:
    """Idle work for a conversation: when her manuscript has changed, read it into the model's cache."""
    settled: list[int] = []

    def settle(cancel: threading.Event) -> None:
        head = character.head().id
        if head in settled:
            return
        try:
            character.settle(as_=person, with_=others, cancel=cancel)
        except InkbornError:  # a manuscript too long, a model that won't load: her next reply says so
            settled[:] = [head]
            return
        if not cancel.is_set():
            settled[:] = [head]

    return settle


def _conversation(character: Character, present: list[str], seed: int | None) -> None:
    """The conversation's loop: present[0] speaks; /as NAME hands the turn to another in the scene."""
    while True:
        person, others = present[0], present[1:]
        try:
            line = click.prompt(click.style(person, bold=True), prompt_suffix="> ", default="",
                                show_default=False)
        except (EOFError, click.exceptions.Abort):
            click.echo("", err=True)
            return
        line = line.strip()
        if not line:
            continue
        if line in ("/quit", "/exit"):
            return
        if line.startswith("/as"):
            name = line[3:].strip()
            if name not in present:
                click.echo(f"/as takes one of those in the scene: {', '.join(present)}", err=True)
            else:
                present[:] = [name, *(p for p in present if p != name)]
            continue
        try:
            reply = (character.retry(as_=person, with_=others, seed=seed) if line == "/retry"
                     else character.say(line, as_=person, with_=others, seed=seed))
            _stream(character, reply)
        except InkbornError as exc:
            click.echo(f"\nerror: {exc}\n(your words are saved; type /retry to ask her again)", err=True)


# the first scene ----------------------------------------------------------


@cli.command("try")
@click.option("--seed", type=int, default=4, show_default=True, help="Sampling seed for the scene.")
@pass_studio
def try_command(studio: Studio, seed: int) -> None:
    """A first scene: meet Mira, type "she speaks French fluently", and hear her next reply.

    Prints how long each step took: making the model ready (joined from its installed parts the
    first time), her first reply (which reads her manuscript), saving the edit, and her reply after it.
    """
    text = files("inkborn").joinpath("samples/mira.md").read_text("utf-8")
    slug = next(s for s in (f"mira-{n}" if n else "mira" for n in range(100)) if s not in {c.slug for c in studio.characters()})
    steps: list[tuple[str, float]] = []

    def timed(label: str, work: Any) -> Any:
        began = time.perf_counter()
        result = work()
        steps.append((label, time.perf_counter() - began))
        click.secho(f"  ({label}: {steps[-1][1]:.1f} s)", dim=True, err=True)
        return result

    timed("the model ready", studio.backend.load)
    mira = studio.create(slug, text, author="Theo")
    click.echo(f"Created {slug} from the sample manuscript (`inkborn show {slug}` prints it).\n", err=True)
    before, after = "How was your day?", "What is on your workbench this week?"
    click.secho(f"Theo: {before}", bold=True)
    timed("her first reply, reading her manuscript", lambda: _stream(mira, mira.say(before, seed=seed)))
    edit = "Mira speaks French fluently, and French is the language she answers in."
    revision = timed("the edit saved", lambda: mira.edit("append", new=edit))
    click.secho(f"\n  \u270e Theo types into the manuscript: \u201c{edit}\u201d  (revision {revision.number})\n", fg="yellow")
    click.secho(f"Theo: {after}", bold=True)
    timed("her reply after the edit", lambda: _stream(mira, mira.say(after, seed=seed)))
    total = sum(seconds for _, seconds in steps)
    click.echo(f"\nThe scene took {total:.1f} s. Talk with her yourself: inkborn talk {slug}    "
               f"Edit her: inkborn write {slug}", err=True)


cli.add_command(bench)
for _command in server_commands:
    cli.add_command(_command)
