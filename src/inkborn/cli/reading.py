"""Reading her: show, history, diff, characters, people, backends, doctor; her memories and her sheet."""

from __future__ import annotations

import click

from ..backends import available, backend_class
from ..sheet import Held
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


@cli.command()
@click.argument("slug")
@click.option("--about", metavar="PERSON", help="Only what she lived with this person.")
@click.option("--search", metavar="TEXT", help="Only memories holding these words, best first.")
@click.option("--last", type=click.IntRange(min=1), default=30, show_default=True, help="How many.")
@click.option("--all", "everything", is_flag=True, help="Also memories an edit superseded and those you deleted.")
@pass_studio
def memories(studio: Studio, slug: str, about: str | None, search: str | None, last: int, everything: bool) -> None:
    """What she remembers, newest first: when, who was there, who said it, and who may hear it again.

    Every turn she lives becomes a memory; she recalls the ones that bear on what is said to her.
    A memory told in confidence is recalled only when everyone present was there. `inkborn memory
    SLUG ID --delete` deletes one (recorded).
    """
    character = studio.character(slug)
    found = character.memories(about=about, search=search, limit=last, everything=everything)
    if not found:
        click.echo(f"{character.name} remembers nothing yet" + (" of that" if about or search else ""), err=True)
    for memory in found:
        when = memory.lived_at[:16].replace("T", " ")
        who = f"with {', '.join(memory.people)}" if memory.people else "alone"
        marks = [m for m in (
            "only for those who were there" if memory.private else "",
            f"superseded by an edit (revision id {memory.superseded_by})" if memory.superseded_by else "",
            f"outgrown (reflection {memory.outgrown_by})" if memory.outgrown_by else "",
            f"deleted by {memory.deleted_by}" if memory.deleted_at else "") if m]
        drawn = "" if memory.kind == "lived" else f"[{memory.kind}{f' about {memory.about}' if memory.about else ''}] "
        click.echo(f"#{memory.id:<6} {when}  {who:<20} {memory.speaker}: {drawn}{memory.text}")
        if marks:
            click.secho(f"        {'; '.join(marks)}", dim=True)


@cli.command()
@click.argument("slug")
@click.argument("memory_id", metavar="ID", type=int)
@click.option("--delete", is_flag=True, required=True, help="Delete it: never recalled again, kept and listed.")
@pass_studio
def memory(studio: Studio, slug: str, memory_id: int, delete: bool) -> None:
    """Delete one of her memories (ids from `inkborn memories`). Recorded, never silent:
    `inkborn memories SLUG --all` lists it, with who deleted it."""
    forgotten = studio.character(slug).forget(memory_id)
    click.echo(f"memory #{forgotten.id} deleted: she will not recall it (kept; `inkborn memories {slug} --all`)",
               err=True)


@cli.command()
@click.argument("slug")
@click.option("--all", "everything", is_flag=True, help="Also what she no longer believes or wants, and why.")
@pass_studio
def sheet(studio: Studio, slug: str, everything: bool) -> None:
    """Who she is now: her canon as written, what she has come to believe about each person and what
    she wants, each with the memories it came from.

    Beliefs and wishes grow from what she lives: while she is idle (`inkborn talk`, `inkborn serve`),
    once enough of it has mattered, she reflects (`inkborn reflect SLUG` makes her reflect now). They
    are hers: recalled with her memories, they shape what she says and what she agrees to.
    """
    found = studio.character(slug).sheet(everything=everything)
    click.secho(f"{found.name}, as she is now", bold=True)
    if found.released:
        click.secho(f"Written free on {found.released[:10]}: what is written of her is frozen; she changes only by "
                    "living.", bold=True)
    click.echo(f"\nAs written (revision {found.revision}):")
    for sentence in found.canon:
        click.echo(f"  {sentence}")
    click.echo("\nWhat she believes:" if found.beliefs else "\nWhat she believes: nothing of her own yet")
    for about, held in found.beliefs.items():
        for one in held:
            _held(f"about {about or 'herself'}", one)
    click.echo("\nWhat she wants:" if found.wishes else "\nWhat she wants: nothing of her own yet")
    for one in found.wishes:
        _held("", one)
    if everything:
        click.echo("\nNo longer:" if found.before else "\nNo longer: nothing")
        for one in found.before:
            m = one.memory
            why = (f"outgrown at reflection {m.outgrown_by}" if m.outgrown_by else "superseded by an edit"
                   if m.superseded_by else f"deleted by {m.deleted_by}")
            _held(f"{m.kind}{f' about {m.about}' if m.about else ''}, {why}", one)
    last = f", last {found.last_reflected[:16].replace('T', ' ')}" if found.last_reflected else ""
    click.secho(f"\nShe has reflected {found.reflections} time{'s' * (found.reflections != 1)}{last}; toward the "
                f"next: {found.toward_next:.1f} of {found.reflect_at:g} (what she lived since, by how much it "
                "mattered)", dim=True)


def _held(label: str, held: "Held") -> None:
    m = held.memory
    click.echo(f"  #{m.id:<6} {label + ': ' if label else ''}{m.text}"
               + ("  (told in confidence: only for " + ", ".join(m.people) + ")" if m.private else ""))
    for source in held.sources:
        click.secho(f"           from #{source.id} {source.speaker}: {_short(source.text)}", dim=True)


def _short(text: str, most: int = 90) -> str:
    text = " ".join(text.split())
    return text if len(text) <= most else text[:most - 1] + "…"


@cli.command()
@click.argument("slug")
@pass_studio
def reflect(studio: Studio, slug: str) -> None:
    """Make her reflect now on what she lived since she last did: the beliefs and wishes she draws
    are on her sheet (`inkborn sheet SLUG`). She does it by herself while idle, once enough has mattered."""
    character = studio.character(slug)
    click.echo(f"{character.name} is reflecting on what she lived…", err=True)
    made = character.reflect()
    if made is None:
        click.echo(f"{character.name} has lived nothing new to reflect on since she last did", err=True)
        return
    drawn = [m for m in studio.store.drawn(character.id) if m.reflection_id == made]
    click.echo(f"reflection {made}: she drew {len(drawn)}" if drawn else f"reflection {made}: she drew nothing new",
               err=True)
    for m in drawn:
        click.echo(f"  #{m.id} {m.kind}{f' about {m.about}' if m.about else ''}: {m.text}")
