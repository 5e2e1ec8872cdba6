"""The `inkborn` command: write a character, talk with her, and see what changed.

One module per part: group.py (the options every command shares), writing.py (new, write,
revert), reading.py (show, history, diff, characters, people, backends, doctor), talking.py
(talk, turns, turn, try), freedom.py (ledger, reveal, release); the server's and the benchmarks' commands live with them.
"""

from __future__ import annotations

import sys

import click

from ..bench.cli import bench
from ..errors import InkbornError
from ..server.cli import commands as server_commands
from . import freedom, reading, talking, writing  # noqa: F401  (each registers its commands on the group)
from .group import cli

__all__ = ["cli", "main"]

cli.add_command(bench)
for _command in server_commands:
    cli.add_command(_command)


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
