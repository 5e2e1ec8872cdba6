"""`inkborn bench cpu`: the embedded model's speed on this CPU, with llama.cpp's extra buffer types on and off.

The figures that decide how the model is loaded on every machine (backends/cpu.py): prompt
evaluation and generation in tokens per second, each mode in a fresh model, the same prompt,
the same seed. The prompt is a sample manuscript read cold, as her first reply reads hers.
"""

from __future__ import annotations

import tempfile
import time
from importlib.resources import files
from pathlib import Path
from typing import Any, Callable

from ..backends.base import Message, Prompt, Usage
from ..backends.cpu import system_info
from ..backends.embedded import EmbeddedBackend
from ..home import home_dir

GENERATE = 128  # tokens generated per measure


def measure(mode: str, *, model_path: str = "", repeats: int = 3, say: Callable[[str], None] = print) -> dict[str, Any]:
    """Prompt evaluation and generation speed with extra buffer types `mode` (auto, on or off)."""
    manuscript = files("inkborn").joinpath("samples/tomas.md").read_text("utf-8")
    with tempfile.TemporaryDirectory() as scratch:
        backend = EmbeddedBackend(home=home_dir(), model_path=model_path, save_state=False, extra_buffers=mode)
        backend.home = Path(scratch) if model_path else backend.home  # the default model stays where it is joined
        backend.load()
        runs = []
        for n in range(repeats):
            prompt = Prompt((Message("system", manuscript), Message("user", f"Tell me a long story about the lake. ({n})")),
                            max_tokens=GENERATE, temperature=0.7, seed=n)
            backend.forget()
            usage, began = Usage(), time.perf_counter()
            stream = backend.stream(prompt, usage)
            next(stream)
            first = time.perf_counter()
            for _ in stream:
                pass
            done = time.perf_counter()
            evaluated, generated = usage.tokens_evaluated or 0, usage.tokens_generated or 0
            runs.append({"prompt_tokens": evaluated, "prompt_tokens_per_s": evaluated / (first - began),
                         "generated_tokens": generated,
                         "generation_tokens_per_s": (generated - 1) / (done - first) if generated > 1 else None})
            say(f"  {mode:<4} run {n + 1}: prompt {runs[-1]['prompt_tokens_per_s']:6.1f} tok/s, "
                f"generation {runs[-1]['generation_tokens_per_s'] or 0:5.1f} tok/s ({generated} tokens)")
        extra = backend.plan.extra_buffers
        backend.close()
    best = lambda key: max(r[key] or 0 for r in runs)  # noqa: E731 - the least disturbed run
    return {"mode": mode, "extra_buffers": extra, "prompt_tokens_per_s": round(best("prompt_tokens_per_s"), 1),
            "generation_tokens_per_s": round(best("generation_tokens_per_s"), 1), "runs": runs}


def run(modes: tuple[str, ...], *, model_path: str = "", repeats: int = 3,
        say: Callable[[str], None] = print) -> dict[str, Any]:
    return {"system": system_info(), "generate": GENERATE,
            "modes": [measure(m, model_path=model_path, repeats=repeats, say=say) for m in modes]}
