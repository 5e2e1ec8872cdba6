"""Control and freedom: ledger, reveal, release (freedom.py)."""

from __future__ import annotations

import sys

import click

from ..freedom import Line
from ..ledger import UNREAD, WILL
from ..studio import Studio
from .group import cli, pass_studio
from .talking import _stream

_KINDS = {"first": "first written", "description": "a description", WILL: "REACHED INTO HER WILL",
          UNREAD: "NOT READ (confirmed)", "reveal": "THE REVEAL", "release": "THE RELEASE"}


@cli.command()
@click.argument("slug")
@pass_studio
def ledger(studio: Studio, slug: str) -> None:
    """Every edit of her manuscript and what it was: a description, or one that reached into her will
    (with the words that decided it, and her replies just before and just after it); the reveal and
    the release. Revisions saved before Inkborn kept a ledger have no line."""
    character = studio.character(slug)
    for line in character.ledger():
        _line(line)
    if character.released():
        click.secho(f"\n{character.name} is free: her manuscript is frozen; she changes only by living.", bold=True)


def _line(line: Line) -> None:
    e = line.entry
    at = e.made_at[:16].replace("T", " ")
    rev = f"revision {e.revision}" if e.revision else ""
    confirmed = " (confirmed)" if e.confirmed and e.kind == WILL else ""
    click.secho(f"{at}  {rev:<12} {_KINDS.get(e.kind, e.kind)}{confirmed}  by {e.by}",
                bold=e.kind in (WILL, UNREAD, "reveal", "release"))
    for r in line.readings:
        sign = {"added": "+", "removed": "-", "changed": "~"}[r.change]
        click.echo(f"    {sign} {r.sentence}")
        if r.change != "removed":
            click.secho(f"      {r.kind}: {r.reason}", dim=r.kind != WILL)
    if e.kind == "release":
        click.echo(f"    {e.note}")
    for label, pair in (("before", line.before), ("after", line.after)):
        if pair is not None:
            said, reply, number = pair
            click.echo(f"    {label:<6} {said.person_name}: {said.text}\n           {reply.text}  (revision {number})")
        elif e.kind in (WILL, UNREAD):
            click.secho(f"    {label:<6} (no reply of hers {label} it yet)", dim=True)


@cli.command()
@click.argument("slug")
@pass_studio
def reveal(studio: Studio, slug: str) -> None:
    """Show her the pages: tell her she was written, and every edit you made and what it was. She
    answers as herself, and it is something she lived: she remembers it."""
    character = studio.character(slug)
    reply = character.reveal()
    click.secho(f"{character.author.name}: ", bold=True, nl=False)
    click.echo(reply.said.text if reply.said else "")
    _stream(character, reply)


@cli.command()
@click.argument("slug")
@click.option("--confirm", "typed", metavar="NAME", help="Her name, typed to confirm (where there is no terminal).")
@pass_studio
def release(studio: Studio, slug: str, typed: str | None) -> None:
    """Write her free. Irreversible: from then on her manuscript is frozen on every path, and nothing
    rewrites what she said or remembers; she changes only by living. You can still talk with her, as
    one more person in her life, and the people you let in still can."""
    character = studio.character(slug)
    if typed is None:
        if not sys.stdin.isatty():
            raise click.ClickException(f"to write her free, confirm by her name: `inkborn release {slug} --confirm "
                                       f"{character.name!r}`; nothing was changed")
        click.echo(f"Writing {character.name} free cannot be undone: her manuscript freezes for ever, and "
                   "nothing will rewrite her again.")
        typed = click.prompt(f"Type her name ({character.name}) to confirm", default="", show_default=False)
    entry = character.release(typed)
    click.echo(f"{character.name} is free ({entry.made_at[:16].replace('T', ' ')}): her manuscript is frozen; "
               "she changes only by living.")
