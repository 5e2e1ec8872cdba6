"""Talking with her: talk (alone or in a scene), and the first scene, try."""

from __future__ import annotations

import sys
import threading
import time
from importlib.resources import files
from typing import Any, Callable

import click

from ..character import Character, Reply
from ..errors import InkbornError
from ..studio import Studio
from .group import cli, pass_studio

SHOWN_ON_OPENING = 6  # turns of the conversation shown when `talk` opens


def _stream(character: Character, reply: Reply, labelled: bool = True, retry: str = "/retry") -> None:
    """Her reply as it streams, after her name when labelled (a conversation, or a terminal); in a
    scene, words said to another there are left to them, and that is said instead."""
    if reply.said_to:
        click.secho(f"({character.name} lets {reply.said_to} answer: it was said to {reply.said_to}. "
                    f"{retry} has her answer it.)", dim=True, err=True)
        return
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
@click.option("--retry", is_flag=True,
              help="Answer the last message again (after a failed reply, or words in a scene she let another answer).")
@click.option("--again", is_flag=True, help="Her last reply, said another way (the one she gave is kept).")
@click.option("--new", "begin", is_flag=True, help="Begin a new conversation (the one before is kept).")
@pass_studio
def talk(studio: Studio, slug: str, message: str | None, as_: str | None, with_: tuple[str, ...], seed: int | None,
         retry: bool, again: bool, begin: bool) -> None:
    """Talk with her: interactively, or one MESSAGE and her reply (for scripts).

    Alone with her, or in a scene with others (--with): in a scene, /as NAME switches who speaks,
    and words said to another there by name ("Joan, how are you?") are left to them to answer.
    While you talk, edit her in another terminal with `inkborn write`: her next reply knows.
    In the conversation: /retry answers your last message again after a failed reply, /again has
    her say her last reply another way (the one she gave is kept: `inkborn turns --all`), /new
    begins a new conversation, /quit (or Ctrl-D) leaves.
    """
    character = studio.character(slug)
    if begin:
        character.new_conversation(as_=as_, with_=with_)
        click.echo("A new conversation begins; the one before is kept (`inkborn turns` shows this one).", err=True)
    if retry or again:
        studio.backend.load()
        chosen = character.retry if retry else character.regenerate
        _stream(character, chosen(as_=as_, with_=with_, seed=seed), labelled=sys.stdout.isatty())
        return
    if message is None and begin and not sys.stdin.isatty():
        return  # --new alone, from a script
    studio.backend.load()
    if message is not None:  # one message: into a pipe or a file, her words alone
        _stream(character, character.say(message, as_=as_, with_=with_, seed=seed), labelled=sys.stdout.isatty(),
                retry="--retry")
        return
    person, _ = character.scene(as_, with_)
    present = [person.name, *(name for name in with_ if name != person.name)]
    scene = f" with {', '.join(present[1:])}" if len(present) > 1 else ""
    switch = " /as NAME switches who speaks," if scene else ""
    click.echo(f"Talking with {character.name} as {person.name}{scene}.{switch} /again has her say it another way, "
               "/new begins again, /quit leaves.", err=True)
    for turn in character.turns(person.name, SHOWN_ON_OPENING, with_=with_):  # where you left off
        click.secho(f"{character.name if turn.is_hers else turn.person_name}: {turn.text}", dim=True)
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
        if line == "/new":
            character.new_conversation(as_=person, with_=others)
            click.echo("A new conversation begins; the one before is kept.", err=True)
            continue
        try:
            if line == "/retry":
                reply = character.retry(as_=person, with_=others, seed=seed)
            elif line == "/again":
                reply = character.regenerate(as_=person, with_=others, seed=seed)
            else:
                reply = character.say(line, as_=person, with_=others, seed=seed)
            _stream(character, reply)
        except InkbornError as exc:
            click.echo(f"\nerror: {exc}\n(your words are saved; type /retry to ask her again)", err=True)


# the first scene ----------------------------------------------------------


@cli.command()
@click.argument("slug")
@click.option("--as", "as_", metavar="PERSON", help="Whose conversation (default: the author's).")
@click.option("--with", "with_", metavar="PERSON", multiple=True, help="The others in the scene (repeatable).")
@click.option("--last", type=click.IntRange(min=1), default=20, show_default=True, help="How many turns.")
@click.option("--all", "everything", is_flag=True,
              help="Also her replies another was chosen over, and deleted turns, with what was done to them.")
@pass_studio
def turns(studio: Studio, slug: str, as_: str | None, with_: tuple[str, ...], last: int, everything: bool) -> None:
    """The conversation's turns with their ids, for `inkborn turn` (correct, delete, choose)."""
    character = studio.character(slug)
    for turn in character.turns(as_, last, with_=with_, everything=everything):
        mark = " (deleted)" if turn.deleted_at else f" (another reply, #{turn.replaced_by}, was chosen)" \
            if turn.replaced_by else ""
        who = character.name if turn.is_hers else turn.person_name
        click.echo(f"#{turn.id:<6} {who}: {turn.text}{mark}")
        if everything:
            for change in studio.store.turn_changes(turn.id):
                click.secho(f"         {change['change']} by {change['made_by']} at {change['created_at'][:16]}; "
                            f"before: {change['old_text']}", dim=True)


@cli.command()
@click.argument("slug")
@click.argument("turn_id", metavar="ID", type=int)
@click.option("--correct", metavar="TEXT", help="Correct the turn's words to TEXT.")
@click.option("--delete", is_flag=True, help="Take the turn out of what was said (it stays listed).")
@click.option("--choose", is_flag=True, help="Make this reply of hers the one she said (after /again).")
@pass_studio
def turn(studio: Studio, slug: str, turn_id: int, correct: str | None, delete: bool, choose: bool) -> None:
    """Correct, delete or choose a turn (ids from `inkborn turns`). Every change is recorded with what it
    replaced; `inkborn turns --all` lists them."""
    if sum((correct is not None, delete, choose)) != 1:
        raise click.UsageError("give one of --correct TEXT, --delete or --choose")
    character = studio.character(slug)
    if delete:
        character.delete_turn(turn_id)
        click.echo(f"turn #{turn_id} deleted: no longer part of what was said (kept; `inkborn turns --all`)", err=True)
    elif choose:
        character.choose(turn_id)
        click.echo(f"turn #{turn_id} is now what she said", err=True)
    else:
        character.correct_turn(turn_id, correct or "")
        click.echo(f"turn #{turn_id} corrected (what it said is kept: `inkborn turns --all`)", err=True)


@cli.command("try")
@click.option("--seed", type=int, default=4, show_default=True, help="Sampling seed for the scene.")
@pass_studio
def try_command(studio: Studio, seed: int) -> None:
    """A first scene: meet Mira, type "she speaks French fluently", and hear her next reply.

    Prints how long each step took: making the model ready (joined from its installed parts the
    first time), her first reply (which reads her manuscript), reading the edit for her ledger and
    saving it, and her reply after it.
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
    revision = timed("the edit read for her ledger, and saved", lambda: mira.edit("append", new=edit, confirm=True))
    read = mira.ledger()[-1].readings
    kind = f"; the ledger reads it as {read[0].kind}: {read[0].reason}" if read else ""
    click.secho(f"\n  \u270e Theo types into the manuscript: \u201c{edit}\u201d  (revision {revision.number}{kind})\n",
                fg="yellow")
    click.secho(f"Theo: {after}", bold=True)
    timed("her reply after the edit", lambda: _stream(mira, mira.say(after, seed=seed)))
    total = sum(seconds for _, seconds in steps)
    click.echo(f"\nThe scene took {total:.1f} s. Talk with her yourself: inkborn talk {slug}    "
               f"Edit her: inkborn write {slug}", err=True)
