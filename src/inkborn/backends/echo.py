"""A backend that replies with the context she was given, as JSON: to see exactly what she sees.

`-o brief=true` replies with one short line about the context instead, the size of a real reply:
what `inkborn bench serve` uses to measure the server's own overhead.
"""

from __future__ import annotations

import json
from typing import Iterator

from .base import Backend, Prompt, Usage
from .options import BackendOptions


class EchoBackend(Backend):
    """Replies with her whole context as JSON instead of speaking."""

    name = "echo"
    speaks_as_her = False

    class Options(BackendOptions):
        brief: bool = False  # one line about her context instead of all of it

    def stream(self, prompt: Prompt, usage: Usage) -> Iterator[str]:
        usage.model = "echo"
        cost = self.cost(prompt)
        usage.count(evaluated=cost, generated=0)
        if self.options.brief:
            yield f"[echo: {cost} tokens in {len(prompt.messages)} messages; last: {prompt.messages[-1].content[:80]}]"
            return
        yield json.dumps(prompt.as_dict(), ensure_ascii=False, indent=1)
