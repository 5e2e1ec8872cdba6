"""A backend that replies with the context she was given, as JSON: to see exactly what she sees."""

from __future__ import annotations

import json
from typing import Iterator

from .base import Backend, Prompt, Usage


class EchoBackend(Backend):
    """Replies with her whole context as JSON instead of speaking."""

    name = "echo"
    speaks_as_her = False

    def stream(self, prompt: Prompt, usage: Usage) -> Iterator[str]:
        usage.model = "echo"
        usage.count(evaluated=self.cost(prompt), generated=0)
        yield json.dumps(prompt.as_dict(), ensure_ascii=False, indent=1)
