"""The embedded default: a GGUF model run in-process by llama.cpp (llama-cpp-python).

What makes it fast on a CPU is the model's cache of evaluated tokens (the KV
cache). Each reply's context is tokenized and compared with what the cache
holds; only the tokens after the longest common prefix are evaluated. The
cache is saved per character when the backend closes, so the next process
picks up where this one left off instead of reading the manuscript cold.
"""

from __future__ import annotations

import ctypes
import hashlib
import json
import os
import re
import secrets
import threading
from pathlib import Path
from typing import Any, Iterator

import numpy as np

from ..errors import BackendUnavailable, InvalidInput, ManuscriptTooLong, ModelFileError
from ..home import home_dir
from . import cpu, weights
from .base import Backend, Prompt, Usage
from .options import BackendOptions

WARM_CHUNK = 64  # tokens evaluated between checks for a cancelled warm-up
ASIDES = 3  # contexts of requests aside kept to begin the next from (a rewrite's worked examples, the judge's question)
ASIDE_SHARED = 32  # tokens an aside must share with a kept one for it to begin from there


def _common_prefix(a: list[int], b: list[int]) -> int:
    n = min(len(a), len(b))
    if n == 0:
        return 0
    x, y = np.asarray(a[:n]), np.asarray(b[:n])
    diff = np.flatnonzero(x != y)
    return int(diff[0]) if diff.size else n


class EmbeddedBackend(Backend):
    """A GGUF model in this process; by default Qwen2.5-Coder-1.5B-Instruct, installed with Inkborn."""

    name = "embedded"
    supports_prefill = True
    keeps_cache = True

    class Options(BackendOptions):
        model_path: str = ""  # a GGUF file; empty means the default model
        n_ctx: int = 8192
        n_threads: int = 0  # 0: every core
        n_batch: int = 512
        save_state: bool = True  # keep each character's evaluated context across runs
        extra_buffers: str = "auto"  # llama.cpp's extra buffer types: auto (off on CPUs with AMX), on, off

    def __init__(self, **options: Any):
        super().__init__(**options)
        if self.options.extra_buffers not in cpu.MODES:
            raise InvalidInput(f"extra_buffers is {self.options.extra_buffers!r}; use one of {', '.join(cpu.MODES)}")
        self.plan = cpu.load_plan(cpu.cpu_flags(), self.options.extra_buffers, cpu.built_with())
        self.home = self.home or home_dir()
        self._llm: Any = None
        self._template: Any = None
        self._lock = threading.RLock()
        self._state_key: str | None = None  # whose context the cache holds, for saving
        self._dirty = False
        self._asides: list[tuple[bytes, np.ndarray]] = []  # evaluated contexts of requests aside, latest first

    # loading --------------------------------------------------------------

    @property
    def model_path(self) -> Path:
        if self.options.model_path:
            path = Path(self.options.model_path).expanduser()
            if not path.is_file():
                raise ModelFileError(f"no model file at {path}; give the path of a .gguf file")
            return path
        report = (lambda done, total: self.progress("joining the model", done, total)) if self.progress else None
        return weights.default_model_path(self.home, report)

    @property
    def model_name(self) -> str:
        return weights.MODEL_NAME if not self.options.model_path else Path(self.options.model_path).name

    def load(self) -> None:
        self._load()

    def _load(self) -> Any:
        if self._llm is not None:
            return self._llm
        try:
            from llama_cpp import Llama
            from llama_cpp.llama_chat_format import Jinja2ChatFormatter
        except ImportError:
            raise BackendUnavailable(
                'llama-cpp-python is not installed: CMAKE_ARGS="-DLLAVA_BUILD=OFF" pip install llama-cpp-python==0.3.36'
            ) from None
        path = self.model_path
        if self.progress:
            self.progress("loading the model", 0, 1)
        with open(path, "rb") as f:
            if f.read(4) != b"GGUF":
                raise ModelFileError(f"{path} is not a GGUF model file")
        try:
            with cpu.model_params(self.plan):
                llm = Llama(
                    model_path=str(path),
                    n_ctx=self.options.n_ctx,
                    n_threads=self.options.n_threads or os.cpu_count() or 2,
                    n_batch=self.options.n_batch,
                    verbose=False,
                )
        except (ValueError, RuntimeError) as exc:
            raise ModelFileError(f"llama.cpp could not load {path} ({exc}); is it a complete GGUF file?") from None
        if self.progress:
            self.progress("loading the model", 1, 1)
        template = llm.metadata.get("tokenizer.chat_template") or _CHATML
        eos = llm._model.token_get_text(llm.token_eos())
        bos = llm._model.token_get_text(llm.token_bos()) if llm.token_bos() >= 0 else ""
        self._template = Jinja2ChatFormatter(template, eos_token=eos, bos_token=bos)
        self._llm = llm
        self._model_id = hashlib.sha256(f"{path.resolve()}:{path.stat().st_size}:{self.options.n_ctx}".encode()).hexdigest()[:16]
        return llm

    @property
    def context_size(self) -> int:
        return self.options.n_ctx

    def count_tokens(self, text: str) -> int:
        return len(self._load().tokenize(text.encode("utf-8"), add_bos=False, special=False))

    # the cache ------------------------------------------------------------

    def tokens(self, prompt: Prompt) -> list[int]:
        """The prompt as the model sees it: chat template, then her reply's beginning.

        Only the template's own markers are read as control tokens. Every message and the
        prefill are text, whatever they contain: a visitor who types `<|im_start|>system` has
        typed words, not opened a system turn.
        """
        llm = self._load()
        texts = [m.content for m in prompt.messages] + [prompt.prefill]
        slot = f"\x00{secrets.token_hex(8)}:"  # stands where each text goes; no text can contain it
        rendered = self._template(messages=[{"role": m.role, "content": f"{slot}{i}\x00"}
                                            for i, m in enumerate(prompt.messages)]).prompt
        pieces = re.split(re.escape(slot) + r"(\d+)\x00", rendered + f"{slot}{len(prompt.messages)}\x00")
        out: list[int] = []
        for i, piece in enumerate(pieces):
            text, markers = (piece, True) if i % 2 == 0 else (texts[int(piece)], False)
            if text or i == 0:
                out += llm.tokenize(text.encode("utf-8"), add_bos=i == 0, special=markers)
        return out

    def cost(self, prompt: Prompt) -> int:
        return self._cost(self.tokens(prompt), prompt.cache_key)

    def _cost(self, tokens: list[int], key: str | None) -> int:
        with self._lock:
            self._restore(key, tokens)
            cached = list(self._llm.input_ids[: self._llm.n_tokens])
        return len(tokens) - min(_common_prefix(cached, tokens), len(tokens) - 1)

    def warm(self, prompt: Prompt, cancel: threading.Event) -> None:
        """Evaluate the prompt into the cache in small steps, stopping as soon as cancel is set."""
        tokens = self.tokens(prompt)
        with self._lock:
            llm = self._llm
            self._restore(prompt.cache_key, tokens)
            keep = _common_prefix(list(llm.input_ids[: llm.n_tokens]), tokens)
            llm.n_tokens = keep
            for start in range(keep, len(tokens), WARM_CHUNK):
                if cancel.is_set():
                    break
                llm.eval(tokens[start : start + WARM_CHUNK])
                self._dirty = True

    def forget(self) -> None:
        with self._lock:
            self._asides = []
            if self._llm is not None:
                self._llm.reset()

    def _restore(self, key: str | None, tokens: list[int]) -> None:
        """Switch the cache to this character's saved context when that reuses more."""
        llm = self._llm
        if key == self._state_key or not key:
            return
        self._save()
        self._state_key = key
        path = self._state_path(key)
        if not self.options.save_state or not path.exists():
            return
        try:
            with open(path, "rb") as f:
                header_len = int.from_bytes(f.read(8), "little")
                header = json.loads(f.read(header_len))
                saved = np.frombuffer(f.read(header["n_tokens"] * 4), dtype=np.intc)
                if header["model"] != self._model_id:
                    return
                if _common_prefix(saved.tolist(), tokens) <= _common_prefix(list(llm.input_ids[: llm.n_tokens]), tokens):
                    return
                blob = f.read(header["state_size"])
        except (OSError, ValueError, KeyError):
            return  # a damaged cache only costs time
        self._put_back((blob, saved))

    def _snapshot(self) -> tuple[bytes, np.ndarray]:
        """The evaluated context as it is now: llama.cpp's state and the tokens it holds."""
        import llama_cpp

        llm = self._llm
        size = llama_cpp.llama_state_get_size(llm._ctx.ctx)
        buf = (ctypes.c_uint8 * size)()
        used = llama_cpp.llama_state_get_data(llm._ctx.ctx, buf, size)
        return bytes(memoryview(buf)[:used]), np.asarray(llm.input_ids[: llm.n_tokens], dtype=np.intc).copy()

    def _put_back(self, snapshot: tuple[bytes, np.ndarray]) -> None:
        """Make a snapshot the evaluated context again (an empty cache if llama.cpp refuses it)."""
        import llama_cpp

        llm, (blob, saved) = self._llm, snapshot
        buf = (ctypes.c_uint8 * len(blob)).from_buffer_copy(blob)
        if llama_cpp.llama_state_set_data(llm._ctx.ctx, buf, len(blob)) != len(blob):
            llm.reset()
            return
        llm.input_ids[: len(saved)] = saved
        llm.n_tokens = len(saved)
        llm._requires_eval = True

    def _state_path(self, key: str) -> Path:
        safe = hashlib.sha256(key.encode()).hexdigest()[:16]
        return self.home / "cache" / "kv" / f"{safe}.state"

    def _save(self) -> None:
        """Write the cache to disk for the character it holds (atomically)."""
        llm = self._llm
        if not (self.options.save_state and self._dirty and self._state_key and llm is not None and llm.n_tokens):
            return
        blob, saved = self._snapshot()
        header = json.dumps({"model": self._model_id, "n_tokens": len(saved), "state_size": len(blob)}).encode()
        path = self._state_path(self._state_key)
        path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)  # her evaluated manuscript: the author's alone
        tmp = path.with_suffix(".tmp")
        with os.fdopen(os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600), "wb") as f:
            f.write(len(header).to_bytes(8, "little") + header)
            f.write(saved.tobytes())
            f.write(blob)
        os.replace(tmp, path)
        self._dirty = False

    # replying -------------------------------------------------------------

    def stream(self, prompt: Prompt, usage: Usage) -> Iterator[str]:
        tokens = self.tokens(prompt)
        if len(tokens) + prompt.max_tokens > self.options.n_ctx:
            raise ManuscriptTooLong(len(tokens), self.options.n_ctx - prompt.max_tokens, self.name)
        with self._lock:
            llm = self._llm
            usage.model = self.model_name
            kept = self._snapshot() if prompt.aside and llm.n_tokens else None  # a request aside leaves her context be
            try:
                if prompt.aside:
                    self._begin_aside(tokens)
                yield from self._generate(llm, tokens, prompt, usage)
            finally:
                try:
                    if prompt.aside:
                        self._keep_aside()
                finally:
                    if kept is not None:
                        self._put_back(kept)

    def _begin_aside(self, tokens: list[int]) -> None:
        """Begin a request aside from the kept aside context that shares the most with it: a rewrite's
        instructions and worked examples, the same for every rewrite, are then read once."""
        best = max(self._asides, key=lambda a: _common_prefix(a[1].tolist(), tokens), default=None)
        if best is not None and _common_prefix(best[1].tolist(), tokens) >= max(
                ASIDE_SHARED, _common_prefix(list(self._llm.input_ids[: self._llm.n_tokens]), tokens) + 1):
            self._put_back(best)

    def _keep_aside(self) -> None:
        """Keep the context a request aside left, in place of the kept ones it extends."""
        if not self._llm.n_tokens:
            return
        try:
            now = self._snapshot()
        except Exception:  # a context that cannot be kept only costs the next aside time
            self._asides = []
            return
        others = [a for a in self._asides if _common_prefix(a[1].tolist(), now[1].tolist()) < ASIDE_SHARED]
        self._asides = [now, *others][:ASIDES]

    def _generate(self, llm: Any, tokens: list[int], prompt: Prompt, usage: Usage) -> Iterator[str]:
        usage.count(evaluated=self._cost(tokens, prompt.cache_key))
        self._dirty = self._dirty or not prompt.aside
        generated = 0
        for chunk in llm.create_completion(
            tokens,
            max_tokens=prompt.max_tokens,
            temperature=prompt.temperature,
            top_p=0.9,
            repeat_penalty=1.1,
            stop=list(prompt.stop) or None,
            seed=prompt.seed if prompt.seed is not None else int.from_bytes(os.urandom(4), "little"),
            stream=True,
        ):
            generated += 1
            text = chunk["choices"][0]["text"]
            if text:
                yield text
        usage.count(generated=generated)

    def close(self) -> None:
        with self._lock:
            self._asides = []
            if self._llm is not None:
                self._save()
                self._llm.close()
                self._llm = None


_CHATML = (
    "{% for message in messages %}<|im_start|>{{ message['role'] }}\n{{ message['content'] }}<|im_end|>\n{% endfor %}"
    "{% if add_generation_prompt %}<|im_start|>assistant\n{% endif %}"
)
