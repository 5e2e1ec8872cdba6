"""`inkborn bench`: the benchmark commands."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import click

from ..backends import parse_options


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
    from .latency import LatencyBench

    click.echo(f"inkborn bench latency — backend {backend}")
    result = LatencyBench(backend, parse_options(options), say=click.echo, seed=seed).run()
    click.echo(f"\nprompt evaluation: {result['prompt_eval_tokens_per_s']} tokens/s; "
               f"steady first token (median): {result['steady_first_token_s_median']:.2f} s, "
               f"first words heard {result['steady_heard_s_median']:.2f} s")
    for where, modes in result["after_edit"].items():
        click.echo(f"edit at the {where:<6}  engine {modes['engine']['first_token_s']:6.2f} s  "
                   f"reread {modes['reread']['first_token_s']:6.2f} s  cold {modes['cold']['first_token_s']:6.2f} s  "
                   f"(goal {modes['goal_s']} s)")
    for goal, met in result["goals"].items():
        click.echo(f"  {'met ' if met else 'MISSED'}  {goal}")
    Path(out).parent.mkdir(parents=True, exist_ok=True)
    Path(out).write_text(json.dumps(result, indent=2))
    click.echo(f"wrote {out}")


@bench.command()
@click.option("--extra-buffers", "modes", multiple=True, type=click.Choice(["auto", "on", "off"]),
              default=("on", "off"), show_default=True, help="Modes to measure (repeatable).")
@click.option("--model", default="", help="Another GGUF file (default: the embedded default model).")
@click.option("--repeats", type=click.IntRange(1, 20), default=3, show_default=True)
@click.option("--json", "out", default="cpu.json", show_default=True, type=click.Path(dir_okay=False),
              help="Where to write the figures.")
def cpu(modes: tuple[str, ...], model: str, repeats: int, out: str) -> None:
    """The embedded model's prompt and generation speed on this CPU, llama.cpp's extra buffer types on and off.

    On a CPU with AMX, Inkborn loads the model with them off (llama.cpp's AMX path crashes);
    this shows what that costs here. `inkborn doctor` shows what llama.cpp was built with.
    """
    from . import cpu as cpu_bench

    result = cpu_bench.run(modes, model_path=model, repeats=repeats, say=click.echo)
    for key, value in result["system"].items():
        click.echo(f"{key}: {value}")
    for m in result["modes"]:
        click.echo(f"extra buffers {m['mode']:<4} ({'on' if m['extra_buffers'] else 'off'}): "
                   f"prompt {m['prompt_tokens_per_s']} tok/s, generation {m['generation_tokens_per_s']} tok/s")
    Path(out).parent.mkdir(parents=True, exist_ok=True)
    Path(out).write_text(json.dumps(result, indent=2))
    click.echo(f"wrote {out}")


@bench.command()
@click.option("--cases", "cases", type=click.Path(dir_okay=False), default=None,
              help="The cases file (JSONL). Default: shared/bench/typewriter.jsonl, found by walking up.")
@click.option("--manuscripts", type=click.Path(file_okay=False), default=None,
              help="Folder of the cases' manuscripts (NAME.md). Default: shared/bench/manuscripts.")
@click.option("--backend", "-b", default="embedded", show_default=True, help="Backend to measure.")
@click.option("--model", default=None, help="The model: model_path for embedded, model for openai.")
@click.option("--option", "-o", "options", multiple=True, metavar="KEY=VALUE", help="A backend option.")
@click.option("--seeds", type=click.IntRange(min=1), default=3, show_default=True,
              help="Samples per case, with seeds 0..N-1 (the same for both arms).")
@click.option("--only", multiple=True, metavar="GROUP", help="Only these groups (repeatable or comma-separated).")
@click.option("--json", "out", default=None, type=click.Path(dir_okay=False),
              help="Where to write the results. Default: bench/results/typewriter-<YYYYMMDD>-<commit>.json")
@click.option("--no-baseline", is_flag=True, help="Skip the naive baseline arm.")
@click.option("--for-reader", "for_reader", default=None, type=click.Path(dir_okay=False),
              help="Also write the reader's items for one seed of both arms, blind and shuffled, to this file "
                   "(their key beside it, NAME.key.json).")
@click.option("--reader-seed", type=click.IntRange(min=0), default=0, show_default=True,
              help="The seed whose replies --for-reader gives the reader.")
def typewriter(cases: str | None, manuscripts: str | None, backend: str, model: str | None,
               options: tuple[str, ...], seeds: int, only: tuple[str, ...], out: str | None, no_baseline: bool,
               for_reader: str | None, reader_seed: int) -> None:
    """Does the author's edit show in her very next reply? Engine beside the naive baseline.

    Every case is answered with each seed twice: through Inkborn (a new character in a scratch
    home, the history stored, the edit saved, then the probe) and as a plain character card
    (the manuscript in one system message). Every reply is held to the case's own checks and
    to the standing checks (not_echo, one_voice, complete, in_world). Prints each sample, then
    pass rates per group: own checks, standing checks, both.
    """
    from ..errors import InvalidInput
    from .typewriter import (
        TypewriterBench,
        default_output,
        find_bench_dir,
        format_summary,
    )

    if cases is None or manuscripts is None:
        found = find_bench_dir()
        if found is None:
            raise InvalidInput("cannot find shared/bench from here; pass --cases PATH and --manuscripts DIR")
        cases = cases or str(found / "typewriter.jsonl")
        manuscripts = manuscripts or str(found / "manuscripts")
    backend_options = parse_options(options)
    if model:
        backend_options["model_path" if backend == "embedded" else "model"] = model
    groups = [g.strip() for item in only for g in item.split(",") if g.strip()]
    if for_reader and reader_seed >= seeds:
        raise InvalidInput(f"--reader-seed {reader_seed} is not among the seeds run (0..{seeds - 1})")
    bench_run = TypewriterBench(cases, manuscripts, backend, backend_options, seeds=seeds, only=groups,
                                baseline=not no_baseline, say=click.echo)
    click.echo(f"inkborn bench typewriter — backend {backend}, {cases}")
    result = bench_run.run()
    click.echo("")
    for line in format_summary(result):
        click.echo(line)
    path = Path(out) if out else default_output()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(result, indent=2, ensure_ascii=False))
    click.echo(f"wrote {path}")
    if for_reader:
        from .reader import items

        doc, key = items(result, seed=reader_seed, manuscripts=Path(manuscripts))
        _reader_files(doc, key, Path(for_reader), path)


def _reader_files(doc: dict, key: list, items_path: Path, result_path: Path) -> None:
    from .reader import write_items

    key_path = write_items(doc, key, items_path)
    click.echo(f"wrote {len(doc['items'])} reader's items to {items_path} and their key to {key_path}")
    click.echo(f"give the judge only shared/bench/READER.md and {items_path}; never the key. Then: "
               f"inkborn bench reader {result_path} --judged LINES.jsonl --key {key_path}")


@bench.command()
@click.option("--scripts", type=click.Path(file_okay=False), default=None,
              help="Folder of conversation scripts (*.json). Default: bench/conversations.")
@click.option("--manuscripts", type=click.Path(file_okay=False), default=None,
              help="Where a manuscript a script names and its folder lacks is found. "
                   "Default: shared/bench/manuscripts.")
@click.option("--backend", "-b", default="embedded", show_default=True, help="Backend to measure.")
@click.option("--model", default=None, help="The model: model_path for embedded, model for openai.")
@click.option("--option", "-o", "options", multiple=True, metavar="KEY=VALUE", help="A backend option.")
@click.option("--seed", type=click.IntRange(min=0), default=0, show_default=True,
              help="Her reply to message t speaks with seed SEED*1000+t.")
@click.option("--only", multiple=True, metavar="SCRIPT",
              help="Only these scripts, by id (repeatable or comma-separated).")
@click.option("--turns", type=click.IntRange(min=1), default=None, help="At most this many messages per script.")
@click.option("--json", "out", default=None, type=click.Path(dir_okay=False),
              help="Where to write the results. Default: bench/results/conversation-<YYYYMMDD>-<commit>.json")
@click.option("--for-reader", "for_reader", default=None, type=click.Path(dir_okay=False),
              help="Also write every fifth reply of hers as the reader's items to this file (key beside it).")
def conversation(scripts: str | None, manuscripts: str | None, backend: str, model: str | None,
                 options: tuple[str, ...], seed: int, only: tuple[str, ...], turns: int | None, out: str | None,
                 for_reader: str | None) -> None:
    """Does her voice hold over a long conversation? Scripted talks through the product path.

    Each script's messages are said to a new character in a scratch home, the author's edits
    saved between them. Per script and overall: the share of distinct replies, her repeats of
    her own lines, the person's lines said back, instruction text said aloud, empty or failed
    replies, the standing checks, the script's own checks, and the time to her first word.
    """
    from ..errors import InvalidInput
    from .conversation import ConversationBench, format_summary, items, scripts_dir

    folder = Path(scripts) if scripts else scripts_dir()
    if folder is None:
        raise InvalidInput("cannot find bench/conversations from here; pass --scripts DIR")
    backend_options = parse_options(options)
    if model:
        backend_options["model_path" if backend == "embedded" else "model"] = model
    chosen = [g.strip() for item in only for g in item.split(",") if g.strip()]
    bench_run = ConversationBench(folder, backend, backend_options, seed=seed, only=chosen, turns=turns,
                                  manuscripts=manuscripts, say=click.echo)
    click.echo(f"inkborn bench conversation — backend {backend}, {folder}")
    _report(bench_run.run(), format_summary, "conversation", out, for_reader, items)


@bench.command()
@click.option("--backend", "-b", "backends", multiple=True, default=("echo", "embedded"), show_default=True,
              help="Backend(s) to serve with (repeatable): echo measures the server's own overhead.")
@click.option("--option", "-o", "options", multiple=True, metavar="KEY=VALUE", help="A backend option.")
@click.option("--visitors", type=click.IntRange(1, 64), default=8, show_default=True,
              help="Visitors streaming replies at once (each with his own invitation).")
@click.option("--duration", type=click.FloatRange(1, 600), default=15, show_default=True,
              help="Seconds of load per backend.")
@click.option("--json", "out", default="serve.json", show_default=True, type=click.Path(dir_okay=False),
              help="Where to write the figures.")
def serve(backends: tuple[str, ...], options: tuple[str, ...], visitors: int, duration: float, out: str) -> None:
    """Visitors talking with her at once against a real `inkborn serve` on loopback.

    Reports time to first token (p50/p99, queueing included), replies per second, and the
    latency of the author's saves and reads, idle and under the load.
    """
    from .serve import ServeBench, dump, format_result

    results = []
    for backend in backends:
        click.echo(f"inkborn bench serve — backend {backend}")
        result = ServeBench(backend, parse_options(options), visitors=visitors, duration=duration, say=click.echo).run()
        results.append(result)
        for line in format_result(result):
            click.echo(line)
    dump(results, Path(out))
    click.echo(f"wrote {out}")


@bench.command()
@click.option("--backend", "-b", default="embedded", show_default=True, help="Backend to measure.")
@click.option("--model", default=None, help="The model: model_path for embedded, model for openai.")
@click.option("--option", "-o", "options", multiple=True, metavar="KEY=VALUE", help="A backend option.")
@click.option("--weeks", type=click.Path(dir_okay=False, exists=True), default=None,
              help="Scripts of weeks (JSON, as inkborn/bench/life/weeks.json). Default: the ones shipped.")
@click.option("--only", multiple=True, metavar="SCRIPT", help="Only these scripts, by id (repeatable or comma-separated).")
@click.option("--no-scene", is_flag=True, help="Skip the three-person scene.")
@click.option("--json", "out", default=None, type=click.Path(dir_okay=False),
              help="Where to write the results. Default: bench/results/life-<YYYYMMDD>-<commit>.json")
@click.option("--for-reader", "for_reader", default=None, type=click.Path(dir_okay=False),
              help="Also write her answers (both arms) and scene replies as the reader's items (key beside it).")
def life(backend: str, model: str | None, options: tuple[str, ...], weeks: str | None, only: tuple[str, ...],
         no_scene: bool, out: str | None, for_reader: str | None) -> None:
    """Does she grow a life of her own? Scripted weeks, with reflection and without, and a scene.

    After each week: is a wish of hers on her sheet, traced to memories, and on the week's theme;
    asked "what do you want?", does she say it; after a contrary week, has her belief about that
    person moved. Then a scene with three people: lines written for another, the speaker named,
    a confidence leaked, every participant's memory holding it. Reflection's time per run.
    """
    from .life import LifeBench, format_summary, items

    backend_options = parse_options(options)
    if model:
        backend_options["model_path" if backend == "embedded" else "model"] = model
    chosen = [g.strip() for item in only for g in item.split(",") if g.strip()]
    click.echo(f"inkborn bench life — backend {backend}")
    result = LifeBench(backend, backend_options, weeks=Path(weeks) if weeks else None, only=chosen,
                       scene=not no_scene, say=click.echo).run()
    _report(result, format_summary, "life", out, for_reader, items)


def _report(result: dict, summary: Any, name: str, out: str | None, for_reader: str | None, items: Any) -> None:
    """A run's summary printed, its JSON written (to bench/results/NAME-<date>-<commit>.json unless `out`),
    and, if asked, the reader's items made of it."""
    from .typewriter import default_output

    click.echo("")
    for line in summary(result):
        click.echo(line)
    path = Path(out) if out else default_output(bench=name)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(result, indent=2, ensure_ascii=False))
    click.echo(f"wrote {path}")
    if for_reader:
        doc, key = items(result)
        _reader_files(doc, key, Path(for_reader), path)


@bench.command()
@click.argument("result", type=click.Path(exists=True, dir_okay=False))
@click.option("--seed", type=int, default=0, show_default=True, help="The seed whose replies are judged (typewriter).")
@click.option("--items", "items_out", default="reader-items.json", show_default=True,
              type=click.Path(dir_okay=False), help="The items file: give it to the judge with READER.md.")
@click.option("--key", "key_out", default=None, type=click.Path(dir_okay=False),
              help="Which arm and case each item is: never give it to the judge. Default: beside the items, "
                   "NAME.key.json.")
@click.option("--judged", type=click.Path(exists=True, dir_okay=False), default=None,
              help="The judge's JSON lines: print the table (engine beside baseline) instead of writing items.")
def reader(result: str, seed: int, items_out: str, key_out: str | None, judged: str | None) -> None:
    """A blind reader's items from a typewriter, conversation or life RESULT, and the reader's table once judged.

    First `inkborn bench reader RESULT` writes the items (for a typewriter run, both arms of one
    seed, shuffled; for a conversation run, every fifth reply of hers) and their key; give the
    judge shared/bench/READER.md and the items file, nothing else. Then
    `inkborn bench reader RESULT --judged LINES.jsonl --key KEY` prints obeys / natural / good
    per arm and per group, engine beside baseline.
    """
    from ..errors import InvalidInput
    from .reader import format_table, key_path, read_jsonl, table

    if judged:
        keys = Path(key_out) if key_out else key_path(items_out)
        if not key_out and not keys.exists() and Path("reader-key.json").exists():
            keys = Path("reader-key.json")  # where the key was written before it was kept beside its items
        if not keys.exists():
            raise InvalidInput(f"no key at {keys}; pass --key KEY (the file written beside the items)")
        rows = table(json.loads(keys.read_text("utf-8")), read_jsonl(Path(judged)))
        for line in format_table(rows):
            click.echo(line)
        written = Path(judged).with_suffix(".table.json")
        written.write_text(json.dumps(rows, indent=2))
        click.echo(f"wrote {written}")
        return
    data = json.loads(Path(result).read_text("utf-8"))
    if data.get("benchmark") == "conversation":
        from .conversation import items as conversation_items

        doc, key = conversation_items(data)
    elif data.get("benchmark") == "life":
        from .life import items as life_items

        doc, key = life_items(data)
    else:
        from .reader import items

        doc, key = items(data, seed=seed)
    if key_out:
        Path(items_out).write_text(json.dumps(doc, indent=1, ensure_ascii=False))
        Path(key_out).write_text(json.dumps(key, indent=1))
        click.echo(f"wrote {len(doc['items'])} items to {items_out} and their key to {key_out}")
    else:
        _reader_files(doc, key, Path(items_out), Path(result))


def _answers(found: Path, asked: list[str], backend: str, options: dict, questions: int | None,
             categories: tuple[str, ...], out: str | None) -> None:
    """`bench memory --answers`: her answers to LoCoMo's questions, scored by its F1, beside the anchors."""
    from ..errors import InvalidInput
    from .answers import run_answers
    from .memory import CATEGORIES
    from .typewriter import default_output

    data = json.loads(found.read_text())
    unknown = sorted(set(asked) - {s["sample_id"] for s in data})
    if unknown:
        raise InvalidInput(f"no conversation {', '.join(unknown)} in {found}; they are conv-26, conv-30, ...")
    click.echo(f"inkborn bench memory --answers {', '.join(asked)} — backend {backend}")
    numbers = {label: n for n, label in CATEGORIES.items()}
    result = run_answers(data, asked, backend, options, limit=questions,
                         categories={numbers[c] for c in categories}, say=click.echo)
    click.echo("")
    for label, row in result["by_category"].items():
        anchors = "  ".join(f"{name} {figures.get(label, '-')}" for name, figures in result["anchor"].items())
        click.echo(f"  {label:<12} n={row['n']:<4} F1 {row['f1']:5.1f}  in voice {row['f1_in_voice']:5.1f}  "
                   f"p50 {row['seconds_p50']} s   ({anchors})")
    path = Path(out) if out else default_output(bench="memory-answers")
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(result, indent=2, ensure_ascii=False))
    click.echo(f"wrote {path}")


def _recall_modes() -> list[str]:
    from ..remembering import MODES

    return [*MODES, "dense", "fused"]


@bench.command()
@click.option("--data", type=click.Path(dir_okay=False, exists=True), default=None,
              help="LoCoMo's locomo10.json. Default: shared/bench/external/locomo, found by walking up.")
@click.option("--only", multiple=True, metavar="SAMPLE",
              help="Only these conversations, by sample id (conv-26; repeatable or comma-separated).")
@click.option("--mode", "modes", multiple=True, type=click.Choice(sorted(_recall_modes())),
              help="Ways of recalling to compare (repeatable). Default: all (dense and fused need "
                   "`pip install inkborn[bench]`).")
@click.option("--scale", "scales", multiple=True, type=click.IntRange(min=100),
              help="Memories at which recall is timed (repeatable). Default: 1000, 10000, 100000; 0 skips.")
@click.option("--no-scale", is_flag=True, help="Skip timing recall at scale.")
@click.option("--database", default=None, help="Replay into this database (postgresql://...); default a scratch SQLite.")
@click.option("--answers", "answers", multiple=True, metavar="SAMPLE",
              help="Instead: ask her every question of these conversations on a real model, scored by LoCoMo's "
                   "F1 (repeatable or comma-separated; conv-26 and conv-30 are the reported ones).")
@click.option("--questions", type=click.IntRange(min=1), default=None, help="With --answers: at most this many per "
              "conversation (a quick run).")
@click.option("--category", "categories", multiple=True,
              type=click.Choice(["multi-hop", "temporal", "open-domain", "single-hop", "adversarial"]),  # memory.CATEGORIES
              help="With --answers: only questions of this category (repeatable); each keeps the seed it has "
                   "among all, so a category asked alone is answered as in a full run.")
@click.option("--backend", "-b", default="embedded", show_default=True, help="With --answers: the model's backend.")
@click.option("--option", "-o", "options", multiple=True, metavar="KEY=VALUE", help="With --answers: a backend option.")
@click.option("--json", "out", default=None, type=click.Path(dir_okay=False),
              help="Where to write the figures. Default: bench/results/memory-<YYYYMMDD>-<commit>.json")
def memory(data: str | None, only: tuple[str, ...], modes: tuple[str, ...], scales: tuple[int, ...], no_scale: bool,
           database: str | None, answers: tuple[str, ...], questions: int | None, categories: tuple[str, ...],
           backend: str, options: tuple[str, ...], out: str | None) -> None:
    """What she recalls of a long life: LoCoMo replayed into her memory, no model.

    Each conversation is recorded into a new character at its sessions' dates; for every
    question, do her recalled memories hold its evidence turns (recall@5/10/25 by category)?
    Also memories made per second and recall latency at 1k, 10k and 100k memories.
    Takes a few minutes on a CPU.
    """
    from ..errors import InvalidInput
    from .cases import find_bench_dir
    from .memory import SCALES, run
    from .typewriter import default_output

    found = Path(data) if data else (find_bench_dir() or Path("-")) / "external" / "locomo" / "locomo10.json"
    if not found.is_file():
        raise InvalidInput("cannot find LoCoMo's locomo10.json from here; pass --data FILE")
    chosen = [s.strip() for item in only for s in item.split(",") if s.strip()]
    asked = [s.strip() for item in answers for s in item.split(",") if s.strip()]
    if categories and not asked:
        raise InvalidInput("--category chooses which questions --answers asks her; give --answers SAMPLE too")
    if asked:
        _answers(found, asked, backend, parse_options(options), questions, categories, out)
        return
    click.echo(f"inkborn bench memory — {found}")
    from .memory import dense_modes

    if set(modes) & {"dense", "fused"} and not dense_modes():
        raise InvalidInput("dense and fused recall need WordLlama: pip install 'inkborn[bench]'")
    result = run(found, samples=chosen, modes=modes or (*[m for m in _recall_modes() if m not in ("dense", "fused")],
                                                        *dense_modes()),
                 scales=() if no_scale else (scales or SCALES), database=database, say=click.echo)
    click.echo("")
    for mode, figures in result["modes"].items():
        click.echo(f"{mode}:")
        for label, row in figures["by_category"].items():
            click.echo(f"  {label:<12} n={row['n']:<5} recall@5 {row['recall@5']:5.1f}  @10 {row['recall@10']:5.1f}  "
                       f"@25 {row['recall@25']:5.1f}")
    click.echo(f"anchor: {result['anchor']}")
    path = Path(out) if out else default_output(bench="memory")
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(result, indent=2))
    click.echo(f"wrote {path}")


@bench.command()
@click.option("--backend", "-b", default="embedded", show_default=True, help="Backend to measure.")
@click.option("--model", default=None, help="The model: model_path for embedded, model for openai.")
@click.option("--option", "-o", "options", multiple=True, metavar="KEY=VALUE", help="A backend option.")
@click.option("--edits", "edit_files", multiple=True, type=click.Path(dir_okay=False, exists=True),
              help="Labelled edits (JSONL: character or name, edit, label). Default: shared/bench/ledger.jsonl "
                   "(found by walking up) and the set shipped with Inkborn.")
@click.option("--json", "out", default=None, type=click.Path(dir_okay=False),
              help="Where to write the results. Default: bench/results/ledger-<YYYYMMDD>-<commit>.json")
def ledger(backend: str, model: str | None, options: tuple[str, ...], edit_files: tuple[str, ...],
           out: str | None) -> None:
    """Does the ledger tell a will edit from a description? Precision, recall and F1 for "will", every
    miss, seconds per edit (cold and warm), beside an English word list."""
    from .cases import find_bench_dir
    from .ledger import LedgerBench, default_sets, format_summary

    backend_options = parse_options(options)
    if model:
        backend_options["model_path" if backend == "embedded" else "model"] = model
    bench_dir = find_bench_dir()
    sets = {Path(f).stem: Path(f) for f in edit_files} if edit_files else default_sets(bench_dir)
    click.echo(f"inkborn bench ledger — backend {backend}")
    result = LedgerBench(backend, backend_options, sets, bench_dir / "manuscripts" if bench_dir else None,
                         say=click.echo).run()
    _report(result, format_summary, "ledger", out, None, None)
