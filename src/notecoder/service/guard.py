"""What a request must pass before the API reads it, as pure ASGI so that nothing is parsed first: the bearer token,
checked on the headers (an unauthenticated client never has its body read, parsed or validated), then the body,
read within a size cap, a time limit, and a cap on the bytes of all bodies being received at once (so slow or
stalled uploads cannot hold the server's memory). The health checks pass untouched."""

import asyncio
import hmac
import json
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
App = Callable[[Scope, Receive, Send], Awaitable[None]]

SMALL_BODY_BYTES = 65_536  # what uvicorn buffers for a connection anyway before it stops reading: not counted


class _Refused(Exception):
    def __init__(self, status: int, message: str, headers: tuple[tuple[bytes, bytes], ...] = ()) -> None:
        self.status, self.message, self.headers = status, message, headers


class _Gone(Exception):
    """The client disconnected while sending its body."""


Refusal = Callable[[int, str], tuple[bytes, bytes]]
"""The body and content type a path answers a refusal with, from its status and message."""


class Guard:
    def __init__(self, app: App, token: str | None, open_paths: frozenset[str], max_body_bytes: int,
                 body_seconds: float, pending_bytes: int,
                 refusals: dict[str, Refusal] | None = None, own_tokens: str | None = None) -> None:  # fmt: skip
        """`refusals`: the paths whose refusals take another form than `{"detail": message}` (FHIR's
        OperationOutcome on /v1/fhir). `own_tokens`: a path prefix whose requests carry a user's token, which the app
        checks (the worklist's), instead of the service's; their bodies are capped all the same."""
        self.app, self.token, self.open_paths, self.own_tokens = app, token, open_paths, own_tokens
        self.refusals = refusals or {}
        self.max_body_bytes, self.body_seconds, self.pending_bytes = max_body_bytes, body_seconds, pending_bytes
        self.pending = 0

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["path"] in self.open_paths:
            return await self.app(scope, receive, send)
        try:
            self._authenticate(scope)
            body = await self._body(scope, receive)
        except _Refused as refusal:
            return await _refuse(send, refusal, self.refusals.get(scope["path"]))
        except _Gone:
            return None
        await self.app(scope, _replay({"type": "http.request", "body": body, "more_body": False}, receive), send)

    def _authenticate(self, scope: Scope) -> None:
        if self.token is None or (self.own_tokens and scope["path"].startswith(self.own_tokens)):
            return
        given = dict(scope["headers"]).get(b"authorization", b"")
        scheme, _, credentials = given.partition(b" ")
        if scheme.lower() != b"bearer" or not hmac.compare_digest(credentials.strip(), self.token.encode()):
            raise _Refused(401, "a bearer token is required", ((b"www-authenticate", b"Bearer"),))

    async def _body(self, scope: Scope, receive: Receive) -> bytes:
        declared = dict(scope["headers"]).get(b"content-length", b"")
        declared_bytes = int(declared) if declared.isdigit() else 0  # uvicorn has refused a malformed one
        if declared_bytes > self.max_body_bytes:
            raise _Refused(413, f"request body over {self.max_body_bytes:,} bytes")
        chunks: list[bytes] = []
        seen = reserved = 0
        try:
            async with asyncio.timeout(self.body_seconds):
                while True:
                    wanted = max(declared_bytes, seen)
                    if wanted > SMALL_BODY_BYTES and wanted > reserved:
                        reserved += self._reserve(wanted - reserved)
                    message = await receive()
                    if message["type"] == "http.disconnect":
                        raise _Gone
                    chunks.append(message.get("body", b""))
                    seen += len(chunks[-1])
                    if seen > self.max_body_bytes:
                        raise _Refused(413, f"request body over {self.max_body_bytes:,} bytes")
                    if not message.get("more_body", False):
                        return b"".join(chunks)
        except TimeoutError:
            raise _Refused(408, f"the request body did not arrive within {self.body_seconds:g} s") from None
        finally:
            self.pending -= reserved

    def _reserve(self, count: int) -> int:
        if self.pending + count > self.pending_bytes:
            raise _Refused(503, "busy: too many request bodies are arriving at once; try again shortly",
                           ((b"retry-after", b"1"),))  # fmt: skip
        self.pending += count
        return count


def _replay(message: Message, then: Receive) -> Receive:
    """The body as one message, then the connection's own (for the disconnect)."""
    messages = [message]

    async def receive() -> Message:
        return messages.pop() if messages else await then()

    return receive


async def _refuse(send: Send, refusal: _Refused, form: Refusal | None = None) -> None:
    """Answer and close: the body, if any, is not read."""
    body, kind = form(refusal.status, refusal.message) if form else (json.dumps({"detail": refusal.message}).encode(),
                                                                     b"application/json")  # fmt: skip
    headers = [(b"content-type", kind), (b"content-length", str(len(body)).encode()),
               (b"connection", b"close"), *refusal.headers]  # fmt: skip
    await send({"type": "http.response.start", "status": refusal.status, "headers": headers})
    await send({"type": "http.response.body", "body": body})
