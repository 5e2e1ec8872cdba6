"""Writing her: new, write, revert."""

from __future__ import annotations

import os
import shlex
import subprocess
import sys
import tempfile
from datetime import datetime
from pathlib import Path
from typing import Any, Callable

import click

from ..character import Character
from ..errors import EditorFailed, InvalidInput, StaleRevision, WillEdit
from ..home import private_dir, write_private
from ..ledger import DESCRIPTION, UNREAD, WILL, EditReading
from ..manuscript import apply_edit, decode
from ..people import account_name
from ..studio import Studio
from .group import cli, pass_studio


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
@click.option("--yes", is_flag=True, help="Save an edit that reaches into her will without asking (it is still "
                                          "recorded as one, in the ledger).")
@click.option("--dry-run", is_flag=True, help="Print what the edit is (description or will, and why); save nothing.")
@pass_studio
def write(studio: Studio, slug: str, append: str | None, replace: tuple[str, str] | None,
          delete: str | None, source: str | None, yes: bool, dry_run: bool) -> None:
    """Edit her manuscript: in $EDITOR, or with one of the options. Every change is a new revision.

    Each edit is read before it is saved and written in her ledger (`inkborn ledger`): a
    description (her past, skills, looks, tastes, habits) saves at once; one that reaches into her
    will (her feelings toward someone, obedience, dependence, not leaving, a wish or memory erased)
    is shown to you with the words that decided it, and saved only if you confirm (--yes, where
    there is no terminal to ask at).
    """
    character = studio.character(slug)
    chosen = [o for o in (append, replace, delete, source) if o is not None]
    if len(chosen) > 1:
        raise InvalidInput("give one of --append, --replace, --delete or --from")
    editor = not chosen
    opened = character.head()
    fixed = (_edit_in_editor(opened.text, slug, studio) if editor
             else _read_source(source) if source is not None else None)
    for _ in range(5):
        head = character.head()  # an option's edit is applied to the head as it is when saved
        text = fixed if fixed is not None else _edited(head.text, append, replace, delete)
        base = opened.number if editor else head.number  # never over a save made while you edited
        try:
            revision = _save(character, text, base, yes, dry_run, studio, slug, editor)
            break
        except StaleRevision as stale:
            if not editor:
                continue
            kept = _keep_draft(studio, slug, text.encode("utf-8"))
            raise StaleRevision(stale.base, stale.head, advice=(
                f"your text is in {kept}: `inkborn write {slug} --from {kept}` saves it as it is, "
                f"`inkborn diff {slug} {stale.base} {stale.head}` shows what changed meanwhile")) from None
    else:
        raise StaleRevision(head.number, character.head().number)
    if not dry_run:
        _report_save(character, revision)


def _edited(text: str, append: str | None, replace: tuple[str, str] | None, delete: str | None) -> str:
    if append is not None:
        return apply_edit(text, "append", new=append)
    if replace is not None:
        return apply_edit(text, "replace", old=replace[0], new=replace[1])
    return apply_edit(text, "delete", old=delete or "")


def _save(character: Character, text: str, base: int, yes: bool, dry_run: bool, studio: Studio, slug: str,
          editor: bool) -> Any:
    """Read the edit; save it (a will edit: once confirmed), or only say what it is (a dry run)."""
    if dry_run:
        _report_reading(character, character.read_edit(text, progress=_progress()))
        click.echo("(a dry run: nothing was saved)")
        return None
    try:
        return character.write(text, base=base, confirm=yes, progress=_progress())
    except WillEdit as held:
        _report_reading(character, held.reading)
        if not sys.stdin.isatty() or not sys.stdout.isatty() or not click.confirm(
                "Save it anyway? It will be in her ledger as yours", default=False):
            raise _kept(studio, slug, text, editor, held) from None
        return character.write(text, base=base, confirm=held.reading.token)


def _progress() -> Callable[[int, int], None] | None:
    """Reading many changed sentences takes a while: say how far it is, on a terminal."""
    if not sys.stderr.isatty():
        return None

    def shown(done: int, total: int) -> None:
        if total > 3:
            click.echo(f"\rreading the edit: {done}/{total} sentences", err=True, nl=done == total)
    return shown


def _report_reading(character: Character, reading: EditReading) -> None:
    """What an edit is, sentence by sentence, and what of hers it goes against."""
    if not reading.readings:
        click.echo("no change to read")
    for r in reading.readings:
        sign = {"added": "+", "removed": "-", "changed": "~"}[r.change]
        mark = {DESCRIPTION: "description", WILL: "REACHES INTO HER WILL", UNREAD: "NOT READ"}[r.kind]
        click.echo(f"{sign} {r.sentence}\n    {mark}: {r.reason}")
    for m in reading.overrides:
        what = f"what she believes of {m.about}" if m.kind == "belief" else "what she wants"
        click.echo(f"    it goes against {what}: {m.text}")


def _kept(studio: Studio, slug: str, text: str, editor: bool, held: WillEdit) -> click.ClickException:
    """Not saved: why, and how to save it; an edit made in the editor is kept as a draft."""
    how = f"`inkborn write {slug} ... --yes` saves it"
    if editor:
        kept = _keep_draft(studio, slug, text.encode("utf-8"))
        how = f"your text is in {kept}; `inkborn write {slug} --from {kept} --yes` saves it"
    what = "could not be read" if held.reading.kind == UNREAD else "reaches into her will"
    return click.ClickException(f"not saved: this edit {what}. {how} (it is recorded in her ledger as yours)")


@cli.command()
@click.argument("slug")
@click.argument("revision", type=int)
@pass_studio
def revert(studio: Studio, slug: str, revision: int) -> None:
    """Make a new revision equal to REVISION. Nothing is lost."""
    character = studio.character(slug)
    _report_save(character, character.revert(revision))
