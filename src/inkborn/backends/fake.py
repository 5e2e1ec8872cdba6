"""A deterministic backend for tests: replies are queued with `enqueue()`; prompts are kept in `history`.
The ledger's readings of edits are answered apart (`read_as()`, else a description), so an edit never
takes a reply queued for her."""

from __future__ import annotations

from collections import deque
from typing import Iterator

from ..errors import BackendError
from ..ledger import LEDGER_KEY
from .base import Backend, Prompt, Usage
from .options import BackendOptions


class FakeBackend(Backend):
    """Replies with queued text (or "[no reply queued]") and records every prompt."""

    name = "fake"
    supports_prefill = True

    class Options(BackendOptions):
        reading: str = 'description | a description | ""'  # the ledger's reading of an edit, when none is queued

    def __init__(self, **options):
        super().__init__(**options)
        self.queue: deque[str | Exception] = deque()
        self.history: list[Prompt] = []
        self.edits: deque[str | Exception] = deque()  # the ledger's readings of edits (ledger.py), apart from her
        self.read: list[Prompt] = []  # the ledger's questions, apart from `history`

    def enqueue(self, *replies: str | Exception) -> None:
        """Queue replies (or exceptions to raise mid-stream) for the next prompts."""
        self.queue.extend(replies)

    def read_as(self, *answers: str | Exception) -> None:
        """Queue the ledger's next readings of edits ("will | obedience | \"...\""); by default each is a description."""
        self.edits.extend(answers)

    def stream(self, prompt: Prompt, usage: Usage) -> Iterator[str]:
        if prompt.cache_key == LEDGER_KEY:  # answered whole: a test's reply markers never apply to it
            self.read.append(prompt)
            reading = self.edits.popleft() if self.edits else self.options.reading
            usage.model = "fake"
            if isinstance(reading, Exception):
                raise reading if isinstance(reading, BackendError) else BackendError(str(reading))
            yield reading
            return
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
