"""The one interface every language model behind her implements: messages in, text out."""

from __future__ import annotations

import dataclasses
import re
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, ClassVar, Iterator, Mapping

from .options import BackendOptions, read_options

__all__ = ["Backend", "Message", "Progress", "Prompt", "Usage", "as_text"]

Progress = Callable[[str, int, int], None]


_CONTROL = re.compile(r"<\|[^<>|\s]{1,40}\|>|</?s>|<(?:start|end)_of_turn>|\[/?INST\]|<</?SYS>>")


def as_text(content: str) -> str:
    """Words that a server rendering its own chat template cannot read as its control tokens.

    A server that applies the chat template tokenizes the result with its special tokens
    (`<|im_start|>`, `[INST]`, `</s>`...), so a visitor who typed one would open a turn of his own.
    An invisible word joiner (U+2060) after the first character keeps it text, as it reads.
    """
    return _CONTROL.sub(lambda m: m.group(0)[0] + "\u2060" + m.group(0)[1:], content)


@dataclass(frozen=True)
class Message:
    role: str  # "system" | "user" | "assistant"
    content: str


@dataclass(frozen=True)
class Prompt:
    """Everything a backend needs for one reply."""

    messages: tuple[Message, ...]
    prefill: str = ""  # a cue her turn begins with (e.g. "Ruby:"); what follows it is her reply
    max_tokens: int = 300
    temperature: float = 0.7  # her drafts: 0.3, or min-p 0.1, read no better to blind readers (bench/results/sampling-20261207)
    seed: int | None = None
    stop: tuple[str, ...] = ()  # her turn ends where any of these would begin
    cache_key: str | None = None  # whose context this is; a backend with a cache may keep one per key
    aside: bool = False  # a request on the side (a translation): a backend with a cache keeps her context as it was

    def as_dict(self) -> dict[str, Any]:
        return {
            "messages": [dataclasses.asdict(m) for m in self.messages],
            "prefill": self.prefill,
            "max_tokens": self.max_tokens,
            "temperature": self.temperature,
            "seed": self.seed,
            "stop": list(self.stop),
        }


@dataclass
class Usage:
    """Filled in by a backend while it streams."""

    tokens_evaluated: int | None = None
    tokens_generated: int | None = None
    model: str | None = None
    first_token_at: float | None = None  # time.perf_counter() when the model's first token arrived
    extra: dict[str, Any] = field(default_factory=dict)

    def count(self, *, evaluated: int | None = None, generated: int | None = None) -> None:
        """Add a call's tokens: one reply may take several calls (a new attempt, a repair)."""
        if evaluated is not None:
            self.tokens_evaluated = (self.tokens_evaluated or 0) + evaluated
        if generated is not None:
            self.tokens_generated = (self.tokens_generated or 0) + generated


class Backend:
    """A language model she speaks through. Subclasses set `name` and implement `stream`."""

    name: ClassVar[str]
    supports_prefill: ClassVar[bool] = False  # continues her turn from Prompt.prefill
    speaks_as_her: ClassVar[bool] = True  # False for a diagnostic backend (echo): her promises are not checked
    keeps_cache: ClassVar[bool] = False  # reuses evaluated context, so the layout of her context matters

    Options: ClassVar[type[BackendOptions]] = BackendOptions

    def __init__(self, *, home: Path | None = None, progress: Progress | None = None,
                 config: Mapping[str, Any] | None = None, **options: Any):
        """options: as given (-o, or from Python); config: the backend's table in config.toml.
        Both, the environment and the defaults are read in one order by `read_options`."""
        self.home = home  # the Inkborn home, for backends that keep files
        self.progress = progress  # called as progress(label, done, total) during long work
        self.options: Any = read_options(self.Options, self.name, options, config)

    @property
    def model_name(self) -> str:
        return self.name

    @property
    def context_size(self) -> int:
        """Tokens of context the model can hold."""
        return 8192

    def count_tokens(self, text: str) -> int:
        """Tokens in text; backends without a tokenizer overestimate on purpose."""
        return len(text) // 3 + 1

    def cost(self, prompt: Prompt) -> int:
        """Tokens this backend would evaluate before its first token of reply."""
        return sum(self.count_tokens(m.content) for m in prompt.messages)

    def load(self) -> None:
        """Do the slow part of starting (loading weights) now rather than at the first reply."""

    def forget(self) -> None:
        """Drop whatever evaluated context the backend keeps (for measuring cold replies)."""

    def warm(self, prompt: Prompt, cancel: threading.Event) -> None:
        """Evaluate a prompt ahead of time when idle, if the backend keeps a cache."""

    def stream(self, prompt: Prompt, usage: Usage) -> Iterator[str]:
        """Yield her reply as it is generated (not including the prefill)."""
        raise NotImplementedError

    def close(self) -> None:
        """Release the model; persist what is worth keeping."""
