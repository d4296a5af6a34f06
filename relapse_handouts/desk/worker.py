"""How the desk's server process treats connections and itself.

gunicorn's threaded worker (``gthread``) keeps idle connections in its poller, not in a
thread; this subclass also gives each request a deadline for arriving whole (headers and
body): a client that trickles bytes has its connection cut when the deadline passes, so
slow or idle clients cannot hold the threads that renderers need. The request body is
read into memory (it is at most 64 KB) before the application sees it, and a response
that the client does not read is dropped after ``WRITE_TIMEOUT``.

Worker processes never write core files (a crash cannot leave a file with the child's
name in the project folder), and access-log lines show control characters escaped.
"""

from __future__ import annotations

import ipaddress
import socket
import threading
from collections.abc import Callable, Iterable
from io import BytesIO
from typing import Any

from gunicorn.glogging import Logger
from gunicorn.workers.gthread import ThreadWorker
from werkzeug.middleware.proxy_fix import ProxyFix

from ..errors import printable
from ..processes import no_core_files
from .settings import MAX_REQUEST_BYTES, READ_DEADLINE

__all__ = [
    "DeskWorker",
    "DeskLogger",
    "whole_requests",
    "behind_proxy",
    "no_core_files",
]

WRITE_TIMEOUT = 30.0  # seconds a response may wait for the client to take each chunk
_reading = threading.local()


class RenderGate:
    """The worker's render lock, which also tells the worker when it is rendering."""

    def __init__(self, changed: Callable[[], None]) -> None:
        self._lock = threading.Lock()
        self._changed = changed
        self.busy = False

    def __enter__(self) -> RenderGate:
        self._lock.acquire()
        self.busy = True
        self._changed()
        return self

    def __exit__(self, *exc: object) -> None:
        self.busy = False
        self._lock.release()
        self._changed()


class DeskWorker(ThreadWorker):  # type: ignore[misc]
    """gthread, with a deadline for each request to arrive whole; while it renders, it
    leaves new connections to the other workers (as a sync worker would), so renders
    spread over the cores instead of queueing in one busy worker."""

    gate: RenderGate | None = None
    read_deadline = READ_DEADLINE  # the server's setting, set after the fork

    def render_gate(self) -> RenderGate:
        self.gate = RenderGate(lambda: self.method_queue.defer(_nothing))
        return self.gate

    def wait_for_and_dispatch_events(self, timeout: float) -> None:
        if self.gate is not None and self.gate.busy and self._accepting:
            self.set_accept_enabled(False)
        super().wait_for_and_dispatch_events(timeout)

    def handle(self, conn: Any) -> Any:
        timer = threading.Timer(self.read_deadline, _cut, (conn,))
        timer.daemon = True
        _reading.timer = timer
        timer.start()
        try:
            return super().handle(conn)
        finally:
            timer.cancel()
            _reading.timer = None


def _nothing() -> None:
    """Wakes the worker's loop (queued on its method queue) to look at the gate again."""


def _cut(conn: Any) -> None:
    """Unblock a read that missed its deadline: the worker thread then drops the client."""
    try:
        conn.sock.shutdown(socket.SHUT_RDWR)
    except OSError:
        pass


WsgiApp = Callable[[dict[str, Any], Callable[..., Any]], Iterable[bytes]]


def whole_requests(app: WsgiApp) -> WsgiApp:
    """Read the request body before the application runs, then stop the read deadline."""

    def wrapped(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        length = environ.get("CONTENT_LENGTH") or ""
        if not (length.isdigit() and int(length) > MAX_REQUEST_BYTES):  # else 413, unread
            body = environ["wsgi.input"].read(MAX_REQUEST_BYTES + 1)
            environ["wsgi.input"] = BytesIO(body)
            if not length and body:
                environ["CONTENT_LENGTH"] = str(len(body))
        timer = getattr(_reading, "timer", None)
        if timer is not None:
            timer.cancel()
        sock = environ.get("gunicorn.socket")
        if sock is not None:
            sock.settimeout(WRITE_TIMEOUT)
        return app(environ, start_response)

    return wrapped


def behind_proxy(app: WsgiApp, proxies: tuple[Any, ...]) -> WsgiApp:
    """Werkzeug's ProxyFix (``X-Forwarded-Prefix``, ``-Proto``), for connections from the
    trusted proxies only: the desk served under ``https://host/desk/`` builds every link
    and redirect under ``/desk/``; anyone else's forwarded headers are ignored."""
    fixed = ProxyFix(app, x_for=0, x_proto=1, x_host=0, x_prefix=1)

    def wrapped(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        try:
            address = ipaddress.ip_address(environ.get("REMOTE_ADDR", ""))
        except ValueError:
            return app(environ, start_response)
        trusted = any(address in network for network in proxies)
        return (fixed if trusted else app)(environ, start_response)

    return wrapped


class DeskLogger(Logger):  # type: ignore[misc]
    """Access-log fields with control characters escaped (``%0a`` cannot start a forged
    line, ``%1b`` cannot colour a terminal)."""

    def atoms(self, resp: Any, req: Any, environ: Any, request_time: Any) -> dict[str, Any]:
        atoms = super().atoms(resp, req, environ, request_time)
        return {k: printable(v) if isinstance(v, str) else v for k, v in atoms.items()}
