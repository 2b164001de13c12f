"""Limits at the HTTP connection, before a request reaches the application: how long a client may take to send
a request, how large its request line, head and body may be, and how many connections may be open at once.

uvicorn's httptools protocol has a keep-alive timeout but nothing for a request that never finishes arriving
(slowloris), and httptools buffers a header until it is complete, whatever its size. This subclass arms a timer
for the request head and one for each pause in the body, counts the bytes of the head as they arrive, and
refuses with a plain status and message: 408, 413, 414, 431, or 503 at the connection cap.
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass
from http import HTTPStatus
from typing import Any

from starlette.types import ASGIApp, Receive, Scope, Send
from uvicorn.config import Config
from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol
from uvicorn.server import ServerState

from ..settings import Settings
from .responses import SECURITY_HEADERS

log = logging.getLogger("ikg.http")


@dataclass(frozen=True)
class ConnectionLimits:
    head_timeout: float  # the request line and headers must arrive within this many seconds
    body_timeout: float  # the longest pause while a body is arriving
    max_url_bytes: int
    max_head_bytes: int
    max_body_bytes: int
    max_connections: int
    max_client_connections: int

    @classmethod
    def of(cls, settings: Settings) -> ConnectionLimits:
        return cls(
            head_timeout=settings.request_head_timeout,
            body_timeout=settings.request_body_timeout,
            max_url_bytes=settings.max_url_bytes,
            max_head_bytes=settings.max_head_bytes,
            max_body_bytes=settings.max_body_bytes,
            max_connections=settings.max_connections,
            max_client_connections=settings.max_client_connections,
        )


class _RefusedError(Exception):
    """Stops httptools in the middle of a request this protocol has already answered."""


def _refusal_parts(status: int, message: str) -> tuple[list[tuple[str, str]], bytes]:
    """The headers every response of the service carries, and the message as the body."""
    body = f"{message}\n".encode()
    headers = [
        *SECURITY_HEADERS.items(),
        ("Content-Type", "text/plain; charset=utf-8"),
        ("Content-Length", str(len(body))),
        ("Connection", "close"),
    ]
    return headers, body


def refusal(status: int, message: str) -> bytes:
    """A complete response that closes the connection, written before the request has a response cycle."""
    headers, body = _refusal_parts(status, message)
    head = f"HTTP/1.1 {status} {HTTPStatus(status).phrase}\r\n" + "".join(f"{k}: {v}\r\n" for k, v in headers)
    return (head + "\r\n").encode("latin-1") + body


def refusing_app(status: int, message: str) -> ASGIApp:
    """The refusal as the application of a request's cycle, so that it waits for the responses before it."""
    headers, body = _refusal_parts(status, message)
    raw = [(k.lower().encode("latin-1"), v.encode("latin-1")) for k, v in headers]

    async def refuse(_scope: Scope, _receive: Receive, send: Send) -> None:
        await send({"type": "http.response.start", "status": status, "headers": raw})
        await send({"type": "http.response.body", "body": body})

    return refuse


def limited_protocol(limits: ConnectionLimits) -> type[asyncio.Protocol]:
    """The protocol class for uvicorn's `http=` option, bound to these limits."""

    class Limited(LimitedHttpToolsProtocol):
        pass

    Limited.limits = limits
    return Limited


class LimitedHttpToolsProtocol(HttpToolsProtocol):
    limits: ConnectionLimits

    def __init__(self, config: Config, server_state: ServerState, app_state: dict[str, Any], **kwargs: Any) -> None:
        super().__init__(config, server_state, app_state, **kwargs)
        self.timer: asyncio.TimerHandle | None = None
        self.in_body = False  # between the end of a request's head and the end of its body
        self.head_bytes = 0  # bytes received while the current request head is incomplete
        self.header_bytes = 0  # the size of the headers parsed so far, for a head that arrived in one piece
        self.body_bytes = 0

    # Timers: one at a time, for the phase the request is in.

    def _arm(self, seconds: float, message: str) -> None:
        self._disarm()
        self.timer = self.loop.call_later(seconds, self._expired, seconds, message)

    def _disarm(self) -> None:
        if self.timer is not None:
            self.timer.cancel()
            self.timer = None

    def _expired(self, seconds: float, message: str) -> None:
        self.timer = None
        if self.in_body and (self.flow.read_paused or (self.cycle is not None and self.cycle.waiting_for_100_continue)):
            # We stopped reading, or the client waits for our 100 Continue: the application has not asked for
            # the body yet, and that is no fault of the client's.
            self._arm(seconds, message)
            return
        self.refuse(408, message)

    def refuse(self, status: int, message: str) -> None:
        """Answer `status` unless this request already has an answer, and close the connection."""
        if self.transport.is_closing():
            return
        log.warning("%s %s from %s", status, message, self.client[0] if self.client else "?")
        # Before the head is complete the request has no cycle yet: self.cycle is the previous request's.
        cycle = self.cycle if self.in_body else None
        previous = None if self.in_body else self.cycle
        if previous is not None and not previous.response_complete:
            # A pipelined request behind a response still being made: that response goes out whole, then the
            # connection closes; an answer written now would overtake it.
            previous.keep_alive = False
            self.flow.pause_reading()
            return
        if cycle is None or not cycle.response_started:
            self.transport.write(refusal(status, message))
        if cycle is not None and not cycle.response_complete:
            # The application may still be waiting for the body: tell it the client is gone.
            cycle.disconnected = True
            cycle.message_event.set()
        self.transport.close()

    def _head_started(self) -> None:
        seconds = self.limits.head_timeout
        self._arm(seconds, f"the request head did not arrive within {seconds:g} s")

    def _body_arrives(self) -> None:
        seconds = self.limits.body_timeout
        self._arm(seconds, f"the request body stopped arriving for {seconds:g} s")

    # Connection

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        if len(self.connections) > self.limits.max_connections:
            self.refuse(503, "the server has too many open connections; try again in a few seconds")
            return
        if self._own_connections() > self.limits.max_client_connections:
            # Without this, one client holding half-sent requests would keep everyone else out until they time out.
            self.refuse(429, "this client has too many open connections; close some and try again")
            return
        self._head_started()

    def _own_connections(self) -> int:
        """How many open connections come from this one's address, this one included."""
        return sum(_address_of(other) == _address_of(self) for other in self.connections)

    def connection_lost(self, exc: Exception | None) -> None:
        self._disarm()
        super().connection_lost(exc)

    def data_received(self, data: bytes) -> None:
        if not self.in_body:
            self.head_bytes += len(data)
        super().data_received(data)
        if not self.in_body and self.head_bytes > self.limits.max_head_bytes:
            self._refuse_head()

    def _refuse_head(self) -> None:
        self.refuse(431, f"the request line and headers are larger than {self.limits.max_head_bytes} bytes together")

    def send_400_response(self, msg: str) -> None:
        # Also reached after a refusal stopped the parser; then the client has its answer already.
        self.refuse(400, "the request is not valid HTTP/1.1")

    # Parser callbacks

    def on_message_begin(self) -> None:
        super().on_message_begin()
        if self.timer is None:  # a keep-alive request; the first one's timer runs since the connection
            self._head_started()

    def on_header(self, name: bytes, value: bytes) -> None:
        self.header_bytes += len(name) + len(value) + 4
        if len(self.url) + self.header_bytes > self.limits.max_head_bytes:
            self._refuse_head()
            raise _RefusedError
        super().on_header(name, value)

    def on_url(self, url: bytes) -> None:
        super().on_url(url)
        if len(self.url) > self.limits.max_url_bytes:
            self.refuse(
                414, f"the URL is longer than {self.limits.max_url_bytes} bytes; send a long query as a POST body"
            )
            raise _RefusedError

    def on_headers_complete(self) -> None:
        self.in_body, self.head_bytes, self.header_bytes, self.body_bytes = True, 0, 0, 0
        declared = self._declared_length()
        if declared is not None and declared > self.limits.max_body_bytes:
            # Answered in the request's own cycle, in order after any pipelined response before it.
            log.warning("413 %s from %s", self._body_message(), self.client[0] if self.client else "?")
            application, self.app = self.app, refusing_app(413, self._body_message())
            try:
                super().on_headers_complete()
            finally:
                self.app = application
            return
        self._body_arrives()
        super().on_headers_complete()

    def on_body(self, body: bytes) -> None:
        self.body_bytes += len(body)
        if self.body_bytes > self.limits.max_body_bytes:  # a chunked body declares no length up front
            self.refuse(413, self._body_message())
            raise _RefusedError
        self._body_arrives()
        super().on_body(body)

    def on_message_complete(self) -> None:
        self.in_body = False
        self._disarm()
        super().on_message_complete()

    def _declared_length(self) -> int | None:
        for name, value in self.headers:
            if name == b"content-length" and value.strip().isdigit():
                return int(value)
        return None

    def _body_message(self) -> str:
        return f"the request body is larger than {self.limits.max_body_bytes} bytes, the limit of this server"


def _address_of(protocol: object) -> str | None:
    client = getattr(protocol, "client", None)
    return str(client[0]) if client else None
