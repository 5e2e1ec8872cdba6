"""`inkborn bench`: the benchmark commands."""

from __future__ import annotations

import json
from pathlib import Path

import click



@click.group()
def bench() -> None:
    """Measure Inkborn: each benchmark prints its figures and writes them as JSON."""


@bench.command()
@click.option("--backend", "-b", default="embedded", show_default=True, help="Backend to measure.")
@click.option("--option", "-o", "options", multiple=True, metavar="KEY=VALUE", help="A backend option.")
@click.option("--json", "out", default="latency.json", show_default=True, type=click.Path(dir_okay=False),
              help="Where to write the figures.")
@click.option("--seed", type=int, default=7, show_default=True)
def latency(backend: str, options: tuple[str, ...], out: str, seed: int) -> None:
    """Time to her first token: cold, steady, and after an edit at the end, middle and start.

    Runs in a scratch home on a ~1,400-token sample manuscript and takes a few minutes on a CPU.
    """
    from ..cli import _options
    from .latency import LatencyBench

    click.echo(f"inkborn bench latency — backend {backend}")
    result = LatencyBench(backend, _options(options), say=click.echo, seed=seed).run()
    click.echo(f"\nprompt evaluation: {result['prompt_eval_tokens_per_s']} tokens/s; "
               f"steady first token (median): {result['steady_first_token_s_median']:.2f} s")
    for where, modes in result["after_edit"].items():
        click.echo(f"edit at the {where:<6}  engine {modes['engine']['first_token_s']:6.2f} s  "
                   f"reread {modes['reread']['first_token_s']:6.2f} s  cold {modes['cold']['first_token_s']:6.2f} s  "
                   f"(goal {modes['goal_s']} s)")
    for goal, met in result["goals"].items():
        click.echo(f"  {'met ' if met else 'MISSED'}  {goal}")
    Path(out).parent.mkdir(parents=True, exist_ok=True)
    Path(out).write_text(json.dumps(result, indent=2))
    click.echo(f"wrote {out}")
