"""Writing her: new, write, revert."""

from __future__ import annotations

import os
import shlex
import subprocess
import sys
import tempfile
from datetime import datetime
from pathlib import Path
from typing import Any

import click

from ..character import Character
from ..errors import EditorFailed, InvalidInput, StaleRevision
from ..home import private_dir, write_private
from ..manuscript import decode
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
