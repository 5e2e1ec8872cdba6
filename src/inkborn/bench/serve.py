"""`inkborn bench serve`: visitors talking with her at once, against a real `inkborn serve`.

A scratch home gets one character (the Mira sample) and an invitation per visitor; `inkborn serve`
runs in its own process on loopback, with the backend under test. Then, for a bounded time:

    visitors   each streams replies one after another (POST .../say), timing the first `text`
               event (time to first token, queueing included) and the `done` event
    author     saves the manuscript (PUT, alternating two texts so every save is a revision)
               and reads it (GET) all along, timing each

Save and read latency is measured first with the server idle, then under the visitors' load.
With the echo backend (`brief`: a one-line reply the size of a real one, rather than her whole
context) the figures are the server's own overhead; with the embedded model they
show the line for the model, and whether saves and reads wait behind it (they should not).
"""

from __future__ import annotations

import asyncio
import json
import os
import socket
import subprocess
import sys
import tempfile
import time
from importlib.resources import files
from pathlib import Path
from typing import Any, Callable

import httpx

from ..server.access import Keys
from ..studio import Studio

__all__ = ["ServeBench", "percentile"]

GOAL_ECHO_REPLIES_PER_S = 500
GOAL_SAVE_P99_MS = 50.0
IDLE_SECONDS = 2.0


def percentile(values: list[float], q: float) -> float | None:
    """The nearest-rank percentile (q in 0..100) of values; None when there are none."""
    if not values:
        return None
    ordered = sorted(values)
    rank = max(1, min(len(ordered), round(q / 100 * len(ordered) + 0.5)))
    return ordered[rank - 1]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _summary(values_s: list[float]) -> dict[str, Any]:
    ms = [v * 1000 for v in values_s]
    p50, p99 = percentile(ms, 50), percentile(ms, 99)
    return {"count": len(ms), "p50_ms": None if p50 is None else round(p50, 2),
            "p99_ms": None if p99 is None else round(p99, 2), "max_ms": round(max(ms), 2) if ms else None}


class ServeBench:
    def __init__(self, backend: str, options: dict[str, Any], *, visitors: int, duration: float,
                 say: Callable[[str], None] = print):
        self.backend, self.options = backend, options
        self.visitors, self.duration, self.say = visitors, duration, say

    def run(self) -> dict[str, Any]:
        with tempfile.TemporaryDirectory(prefix="inkborn-bench-serve-") as scratch:
            home = Path(scratch)
            self._share_models(home)
            with Studio(home, database=str(home / "inkborn.db"), backend="fake") as studio:
                text = files("inkborn").joinpath("samples/mira.md").read_text("utf-8")
                studio.create("mira", text, author="Theo")
                keys = Keys(studio)
                author = keys.author_token()
                invites = [keys.invite("mira", f"Visitor {n + 1}") for n in range(self.visitors)]
            port = _free_port()
            server = self._start(home, port)
            try:
                return asyncio.run(self._measure(f"http://127.0.0.1:{port}", author, invites, text))
            finally:
                server.terminate()
                try:
                    server.wait(timeout=30)
                except subprocess.TimeoutExpired:
                    server.kill()

    @staticmethod
    def _share_models(home: Path) -> None:
        """The scratch home uses the joined model of the real home: no second 1 GB copy."""
        from ..home import home_dir

        models = home_dir() / "models"
        if models.is_dir():
            (home / "models").symlink_to(models, target_is_directory=True)

    def _start(self, home: Path, port: int) -> subprocess.Popen:
        args = [sys.executable, "-c", "from inkborn.cli import main; main()", "-b", self.backend]
        options = {"brief": "true", **self.options} if self.backend == "echo" else self.options
        for key, value in options.items():
            args += ["-o", f"{key}={value}"]
        args += ["serve", "--port", str(port)]
        env = {**os.environ, "INKBORN_HOME": str(home), "INKBORN_DATABASE_URL": str(home / "inkborn.db")}
        self.say(f"starting inkborn serve -b {self.backend} on 127.0.0.1:{port}")
        return subprocess.Popen(args, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)

    async def _measure(self, base: str, author: str, invites: list[str], text: str) -> dict[str, Any]:
        limits = httpx.Limits(max_connections=self.visitors + 4)
        async with httpx.AsyncClient(base_url=base, timeout=600, limits=limits) as client:
            await self._wait_up(client)
            head = {"Authorization": f"Bearer {author}"}
            self.say("warming up: one reply")
            await self._reply(client, head, "Hello, Mira.")
            self.say(f"idle: the author saves and reads for {IDLE_SECONDS:.0f} s")
            idle = await self._author(client, head, text, time.perf_counter() + IDLE_SECONDS)
            self.say(f"load: {self.visitors} visitors streaming replies for {self.duration:.0f} s, the author saving")
            deadline = time.perf_counter() + self.duration
            began = time.perf_counter()
            results = await asyncio.gather(
                self._author(client, head, text, deadline),
                *(self._visitor(client, {"Authorization": f"Bearer {t}"}, n, deadline) for n, t in enumerate(invites)),
            )
            elapsed = time.perf_counter() - began
        loaded, visits = results[0], results[1:]
        ttft = [t for v in visits for t in v["ttft"]]
        total = [t for v in visits for t in v["total"]]
        replies = len(total)
        out = {
            "backend": self.backend, "visitors": self.visitors, "duration_s": round(elapsed, 2),
            "replies": replies, "replies_per_s": round(replies / elapsed, 1),
            "errors": sum(v["errors"] for v in visits), "first_token": _summary(ttft), "reply": _summary(total),
            "idle": {"save": _summary(idle["save"]), "read": _summary(idle["read"])},
            "under_load": {"save": _summary(loaded["save"]), "read": _summary(loaded["read"])},
            "queued_events": sum(v["queued"] for v in visits),
        }
        save_p99 = out["under_load"]["save"]["p99_ms"]
        out["goals"] = {
            f"save p99 under load <= {GOAL_SAVE_P99_MS:.0f} ms": save_p99 is not None and save_p99 <= GOAL_SAVE_P99_MS,
        }
        if self.backend == "echo":
            out["goals"][f">= {GOAL_ECHO_REPLIES_PER_S} replies/s"] = out["replies_per_s"] >= GOAL_ECHO_REPLIES_PER_S
        return out

    async def _wait_up(self, client: httpx.AsyncClient) -> None:
        for _ in range(600):
            try:
                if (await client.get("/api/health")).status_code == 200:
                    return
            except httpx.TransportError:
                pass
            await asyncio.sleep(0.2)
        raise RuntimeError("inkborn serve did not start within 120 s")

    async def _reply(self, client: httpx.AsyncClient, head: dict[str, str], text: str) -> dict[str, Any]:
        began, first, queued = time.perf_counter(), None, 0
        async with client.stream("POST", "/api/characters/mira/say", headers=head, json={"text": text}) as r:
            if r.status_code != 200:
                await r.aread()
                return {"ok": False, "queued": 0}
            async for line in r.aiter_lines():
                if line.startswith("event: "):
                    kind = line[7:]
                    if kind == "text" and first is None:
                        first = time.perf_counter() - began
                    elif kind == "queued":
                        queued += 1
                    elif kind in ("done", "error"):
                        total = time.perf_counter() - began
                        ok = kind == "done"
                        return {"ok": ok, "first": first if first is not None else total, "total": total,
                                "queued": queued}
        return {"ok": False, "queued": queued}

    async def _visitor(self, client: httpx.AsyncClient, head: dict[str, str], n: int, deadline: float) -> dict[str, Any]:
        ttft, total, errors, queued, i = [], [], 0, 0, 0
        while time.perf_counter() < deadline:
            i += 1
            result = await self._reply(client, head, f"Tell me one thing about your day, number {i}.")
            queued += result["queued"]
            if result["ok"]:
                ttft.append(result["first"])
                total.append(result["total"])
            else:
                errors += 1
        return {"ttft": ttft, "total": total, "errors": errors, "queued": queued}

    async def _author(self, client: httpx.AsyncClient, head: dict[str, str], text: str, deadline: float) -> dict[str, Any]:
        saves, reads, flip = [], [], False
        url = "/api/characters/mira/manuscript"
        while time.perf_counter() < deadline:
            began = time.perf_counter()
            current = (await client.get(url, headers=head)).json()
            reads.append(time.perf_counter() - began)
            flip = not flip
            body = {"text": text + ("\nMira hums when she is concentrating.\n" if flip else ""),
                    "base_revision": current["revision"]["number"]}
            began = time.perf_counter()
            r = await client.put(url, headers=head, json=body)
            saves.append(time.perf_counter() - began)
            if r.status_code != 200:
                raise RuntimeError(f"a save failed under load: {r.status_code} {r.text}")
            await asyncio.sleep(0.05)
        return {"save": saves, "read": reads}


def format_result(result: dict[str, Any]) -> list[str]:
    def row(label: str, s: dict[str, Any]) -> str:
        return f"  {label:<22} p50 {s['p50_ms']} ms   p99 {s['p99_ms']} ms   (n={s['count']})"

    lines = [
        f"backend {result['backend']}: {result['visitors']} visitors for {result['duration_s']} s — "
        f"{result['replies']} replies, {result['replies_per_s']} replies/s, {result['errors']} errors",
        row("first token", result["first_token"]),
        row("whole reply", result["reply"]),
        row("save, idle", result["idle"]["save"]),
        row("save, under load", result["under_load"]["save"]),
        row("read, idle", result["idle"]["read"]),
        row("read, under load", result["under_load"]["read"]),
    ]
    lines += [f"  {'met ' if met else 'MISSED'}  {goal}" for goal, met in result["goals"].items()]
    return lines


def dump(results: list[dict[str, Any]], path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps({"runs": results}, indent=2))
