"""The `inkborn` group: its options (backend, options, database), the studio it opens, and progress."""

from __future__ import annotations

import sys
from typing import Any

import click

from ..backends import backend_class, parse_options
from ..errors import InvalidInput
from ..studio import Studio

__all__ = ["Progress", "cli", "pass_studio"]


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
