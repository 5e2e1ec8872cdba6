"""A deterministic backend for tests: replies are queued with `enqueue()`; prompts are kept in `history`."""

from __future__ import annotations

from collections import deque
from typing import Iterator

from ..errors import BackendError
from .base import Backend, Prompt, Usage


class FakeBackend(Backend):
    """Replies with queued text (or "[no reply queued]") and records every prompt."""

    name = "fake"
    supports_prefill = True

    def __init__(self, **options):
        super().__init__(**options)
        self.queue: deque[str | Exception] = deque()
        self.history: list[Prompt] = []

    def enqueue(self, *replies: str | Exception) -> None:
        """Queue replies (or exceptions to raise mid-stream) for the next prompts."""
        self.queue.extend(replies)

    def stream(self, prompt: Prompt, usage: Usage) -> Iterator[str]:
        self.history.append(prompt)
        reply = self.queue.popleft() if self.queue else "[no reply queued]"
        usage.model = "fake"
        usage.count(evaluated=self.cost(prompt))
        if isinstance(reply, Exception):
            yield "I was saying"
            raise reply if isinstance(reply, BackendError) else BackendError(str(reply))
        words = reply.split(" ")
        for i, word in enumerate(words):
            yield word if i == 0 else " " + word
        usage.count(generated=len(words))
