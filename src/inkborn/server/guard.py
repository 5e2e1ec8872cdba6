"""What every response carries and every request may not exceed, before any route runs.

A body over `MAX_BODY` bytes is refused with 413 before it is read whole (so an anonymous
multi-gigabyte request cannot exhaust memory ahead of the token check), and every response
tells the browser to run only the page's own scripts and to send no referrer.
"""

from __future__ import annotations

import json
from typing import Any, Awaitable, Callable

__all__ = ["MAX_BODY", "Guard"]

MAX_BODY = 2 * 1024 * 1024  # the longest manuscript a model here can hold is a small fraction of this

HEADERS = [
    (b"content-security-policy",
     b"default-src 'self'; img-src 'self' data:; object-src 'none'; base-uri 'none'; frame-ancestors 'none'"),
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"no-referrer"),
]

Scope = dict[str, Any]
Receive = Callable[[], Awaitable[dict[str, Any]]]
Send = Callable[[dict[str, Any]], Awaitable[None]]


class Guard:
    """ASGI middleware: a size limit on request bodies, and security headers on responses."""

    def __init__(self, app: Callable[[Scope, Receive, Send], Awaitable[None]], max_body: int = MAX_BODY):
        self.app, self.max_body = app, max_body

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = dict(scope.get("headers") or []).get(b"content-length")
        if declared is not None and declared.isdigit() and int(declared) > self.max_body:
            await self._refuse(send)
            return
        seen = 0
        started = refused = False

        async def limited() -> dict[str, Any]:
            # a body without a length (chunked) is counted as it comes: past the limit, the 413 is
            # sent here and the app is told the client went away, so it stops reading and answers nothing
            nonlocal seen, refused
            if refused:
                return {"type": "http.disconnect"}
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > self.max_body:
                    refused = True
                    if not started:
                        await self._refuse(send)
                    return {"type": "http.disconnect"}
            return message

        async def secured(message: dict[str, Any]) -> None:
            nonlocal started
            if refused:
                return  # the 413 has been sent; whatever the app says after it goes nowhere
            if message["type"] == "http.response.start":
                started = True
                message = {**message, "headers": [*message.get("headers", []), *HEADERS]}
            await send(message)

        await self.app(scope, limited, secured)

    async def _refuse(self, send: Send) -> None:
        body = json.dumps({"error": {
            "message": f"the request is larger than {self.max_body // (1024 * 1024)} MB; nothing was stored",
            "type": "too_large", "code": 413}}).encode()
        await send({"type": "http.response.start", "status": 413,
                    "headers": [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode()),
                                *HEADERS]})
        await send({"type": "http.response.body", "body": body})
