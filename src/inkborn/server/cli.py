"""`inkborn serve`, `inkborn token` and `inkborn invite`: the server and who may use it."""

from __future__ import annotations

import click

from ..studio import Studio
from .access import Keys

__all__ = ["commands"]

pass_studio = click.make_pass_decorator(Studio)
DEFAULT_PORT = 8750


def _page(host: str, port: int) -> str:
    shown = "127.0.0.1" if host in ("0.0.0.0", "::") else host
    return f"http://{shown}:{port}/"


def _link(host: str, port: int, token: str) -> str:
    return f"{_page(host, port)}#t={token}"


@click.command()
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on (loopback only by default).")
@click.option("--port", default=DEFAULT_PORT, show_default=True, type=int)
@pass_studio
def serve(studio: Studio, host: str, port: int) -> None:
    """Serve the web page, the HTTP API and the OpenAI-compatible endpoint.

    Open your link (`inkborn token --link`): the typewriter and the room side by side. Give visitors
    `inkborn invite SLUG NAME` links; any OpenAI client can talk to her at /v1 with a token
    as its API key. The API is described in docs/http.md and at /api/openapi.json.
    """
    import sys

    import uvicorn

    from .app import create_app

    # replies hand off between the event loop and the model's thread many times a second;
    # a shorter GIL switch interval than the 5 ms default makes each hand-off quicker (+15% replies/s)
    sys.setswitchinterval(0.001)

    keys = Keys(studio)
    app = create_app(studio, keys=keys)
    if host not in ("127.0.0.1", "localhost", "::1"):
        click.secho(f"warning: listening on {host}: anyone who can reach it and holds a token can use it", fg="yellow", err=True)
    click.echo(f"Inkborn on http://{host}:{port}  (backend {studio.backend_name}; Ctrl-C stops)", err=True)
    # the token stays out of the log: a terminal's scrollback or a service's journal is read by others
    where = "" if (host, port) == ("127.0.0.1", DEFAULT_PORT) else f" --host {host} --port {port}"
    click.echo(f"Your page: {_page(host, port)} (open the link `inkborn token --link{where}` prints, "
               "or paste your token from `inkborn token` into the page)", err=True)
    uvicorn.run(app, host=host, port=port, log_level="warning")


@click.command()
@click.option("--link", is_flag=True, help="Print the page's link that carries the token instead: open it as her author.")
@click.option("--host", default="127.0.0.1", show_default=True, help="The server's address, for the link.")
@click.option("--port", default=DEFAULT_PORT, show_default=True, type=int, help="The server's port, for the link.")
@pass_studio
def token(studio: Studio, link: bool, host: str, port: int) -> None:
    """Print the author's token (made on first use; kept readable only by you in the Inkborn home)."""
    author = Keys(studio).author_token()
    click.echo(_link(host, port, author) if link else author)


@click.command()
@click.argument("slug")
@click.argument("name")
@click.option("--revoke", is_flag=True, help="End every invitation of NAME instead.")
@click.option("--host", default="127.0.0.1", show_default=True, help="The server's address, for the link.")
@click.option("--port", default=DEFAULT_PORT, show_default=True, type=int, help="The server's port, for the link.")
@pass_studio
def invite(studio: Studio, slug: str, name: str, revoke: bool, host: str, port: int) -> None:
    """Let NAME talk with her: prints a visitor's token and its link, once (only its hash is kept).

    A visitor may talk with her as himself and read his own conversation; he can never read or
    change her manuscript, or speak as anyone else. `--revoke` ends his invitations.
    """
    keys = Keys(studio)
    if revoke:
        ended = keys.revoke(slug, name)
        click.echo(f"{name}'s invitations to {slug}: {ended} ended" if ended else f"{name} has no live invitation to {slug}")
        return
    visitor = keys.invite(slug, name)
    click.echo(f"{name} may now talk with {slug}. Send him this link (shown only now):", err=True)
    click.echo(_link(host, port, visitor))
    click.echo(f"token: {visitor}", err=True)


commands = [serve, token, invite]
