"""Any server that speaks OpenAI's `/v1/chat/completions` with streaming: llama.cpp server, Ollama, vLLM, hosted APIs."""

from __future__ import annotations

import json
import os
import re
from typing import Iterator

import httpx

from ..errors import (
    BackendError,
    BackendTimeout,
    BackendUnavailable,
    InvalidInput,
    ManuscriptTooLong,
)
from .base import Backend, Prompt, Usage, as_text
from .options import BackendOptions

# how servers refuse a request for its length: llama.cpp's ("exceed context window"), OpenAI's and vLLM's
# ("maximum context length"), others' ("too long", "too many tokens")
_TOO_LONG = re.compile(r"context (?:length|window|size)|exceeds?\b.{0,40}\bcontext|too long|too many tokens", re.I)


class OpenAIBackend(Backend):
    """A model behind an OpenAI-compatible HTTP server."""

    name = "openai"

    class Options(BackendOptions):
        base_url: str = ""
        model: str = "default"
        api_key: str = ""
        timeout: float = 120.0
        context_size: int = 8192

    def __init__(self, *, transport: httpx.BaseTransport | None = None, **options):
        super().__init__(**options)  # transport: injectable, so tests can stand in for the network
        opts = self.options
        # $INKBORN_OPENAI_BASE_URL is read with every option (options.py); OpenAI's own variables come last
        base = opts.base_url or os.environ.get("OPENAI_BASE_URL", "")
        if not base:
            raise InvalidInput(
                "the openai backend needs a server: pass -o base_url=http://127.0.0.1:8080/v1 "
                "or set INKBORN_OPENAI_BASE_URL"
            )
        key = opts.api_key or os.environ.get("OPENAI_API_KEY", "")
        headers = {"Authorization": f"Bearer {key}"} if key else {}
        self.base_url = base.rstrip("/")
        self._client = httpx.Client(
            base_url=self.base_url, headers=headers, transport=transport,
            timeout=httpx.Timeout(opts.timeout, connect=10.0),
        )

    @property
    def model_name(self) -> str:
        return self.options.model

    @property
    def context_size(self) -> int:
        return self.options.context_size

    def request(self, prompt: Prompt) -> dict:
        """The body of the chat completion request for this prompt."""
        body = {
            "model": self.options.model,
            "messages": [{"role": m.role, "content": as_text(m.content)} for m in prompt.messages],
            "max_tokens": prompt.max_tokens,
            "temperature": prompt.temperature,
            "stream": True,
            "stream_options": {"include_usage": True},
        }
        if prompt.stop:
            body["stop"] = list(prompt.stop)[:4]
        if prompt.seed is not None:
            body["seed"] = prompt.seed
        return body

    def stream(self, prompt: Prompt, usage: Usage) -> Iterator[str]:
        body = self.request(prompt)
        usage.model = self.options.model
        try:
            with self._client.stream("POST", "/chat/completions", json=body) as response:
                if response.status_code != 200:
                    detail = response.read().decode("utf-8", "replace")[:300]
                    if response.status_code in (400, 413) and _TOO_LONG.search(detail):
                        raise ManuscriptTooLong(None, None, self.base_url,
                                                said=f"her context is longer than {self.base_url} takes ({detail})")
                    raise BackendError(f"{self.base_url} answered {response.status_code}: {detail}")
                generated, finished = 0, False
                for line in response.iter_lines():
                    if not line.startswith("data:"):
                        continue
                    data = line[5:].strip()
                    if data == "[DONE]":
                        finished = True
                        break
                    chunk = json.loads(data)
                    if chunk.get("usage"):
                        usage.count(evaluated=chunk["usage"].get("prompt_tokens"))
                    for choice in chunk.get("choices", []):
                        finished = finished or bool(choice.get("finish_reason"))
                        text = (choice.get("delta") or {}).get("content") or ""
                        if text:
                            generated += 1
                            yield text
                usage.count(generated=generated)
                if not finished:  # llama-cpp-python's server, refusing a context too long, just closes the stream
                    raise BackendError(f"the reply from {self.base_url} ended before it finished; the server's "
                                       "log says why (a context longer than it was started with is a common cause)")
        except httpx.ConnectError as exc:
            raise BackendUnavailable(
                f"cannot reach {self.base_url} ({exc}); start the server or check base_url"
            ) from None
        except httpx.TimeoutException:
            raise BackendTimeout(
                f"{self.base_url} stopped answering for {self.options.timeout:g}s; what she had said is kept, try again"
            ) from None
        except (httpx.HTTPError, json.JSONDecodeError) as exc:
            raise BackendError(f"the reply from {self.base_url} broke off: {exc}") from None

    def close(self) -> None:
        self._client.close()
