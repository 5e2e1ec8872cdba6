"""Reading her: show, history, diff, characters, people, backends, doctor."""

from __future__ import annotations

import click

from ..backends import available, backend_class
from ..studio import Studio
from .group import cli, pass_studio


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
    from ..backends import cpu, weights

    rows = {"home": str(studio.home), "backend": studio.backend_name, **cpu.system_info()}
    if studio.backend_name == "embedded":  # as it will load here, options included
        rows["model loading"] = studio.backend.plan.reason
    joined = studio.home / "models" / weights.FILENAME
    rows["default model"] = f"{weights.MODEL_NAME}, " + (
        f"joined at {joined}" if joined.exists() else "not joined yet (the first reply joins it, once)")
    for key, value in rows.items():
        click.echo(f"{key + ':':<15} {value}")
