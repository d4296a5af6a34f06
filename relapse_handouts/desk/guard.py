"""Who may use the desk, and from where: checked before every request.

- Host: only the configured names (``DESK_ALLOWED_HOSTS``; loopback names by default), so
  a web page elsewhere cannot reach the desk through DNS rebinding.
- Origin: a form post must come from a page of this desk (``Origin``, else ``Referer``).
- Identity: a header set by the hospital's sign-on proxy, trusted only on connections
  from the configured proxy addresses; or a password, whose repeated failures from one
  address are slowed (each worker counts its own).
"""

from __future__ import annotations

import hmac
import ipaddress
import threading
import time
from collections import OrderedDict
from urllib.parse import urlsplit

from flask import Request, Response, abort

from .settings import DeskSettings

__all__ = ["check_request", "host_name", "FailedSignIns"]

# Password failures: after this many from one address within the window, refuse for the
# rest of the window (and say when to try again).
MAX_FAILURES = 5
FAILURE_WINDOW = 300.0
_TRACKED = 4096  # addresses remembered at most (oldest forgotten first)


class FailedSignIns:
    """Recent password failures by client address, in one worker's memory."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._failures: OrderedDict[str, list[float]] = OrderedDict()

    def wait_seconds(self, address: str, now: float | None = None) -> int:
        """Seconds this address must wait before another try (0: it may try now)."""
        now = time.monotonic() if now is None else now
        with self._lock:
            recent = [t for t in self._failures.get(address, []) if now - t < FAILURE_WINDOW]
            if len(recent) < MAX_FAILURES:
                return 0
            return int(FAILURE_WINDOW - (now - recent[0])) + 1

    def record(self, address: str, now: float | None = None) -> None:
        now = time.monotonic() if now is None else now
        with self._lock:
            times = [t for t in self._failures.pop(address, []) if now - t < FAILURE_WINDOW]
            self._failures[address] = (times + [now])[-MAX_FAILURES:]
            while len(self._failures) > _TRACKED:
                self._failures.popitem(last=False)


def host_name(host_header: str) -> str:
    """``Host: [::1]:8000`` -> ``::1``; ``Desk.Example.org:443`` -> ``desk.example.org``."""
    host = host_header.strip().lower()
    if host.startswith("["):
        return host[1 : host.find("]")] if "]" in host else ""
    return host.rpartition(":")[0] if host.count(":") == 1 else host


def check_request(request: Request, settings: DeskSettings, failures: FailedSignIns) -> None:
    """Abort (400, 401, 403 or 429) unless host, origin and identity are all right."""
    if host_name(request.headers.get("Host", "")) not in settings.allowed_hosts:
        abort(400)
    if request.method not in ("GET", "HEAD", "OPTIONS") and not _same_origin(request):
        abort(403)
    _check_identity(request, settings, failures)


def _same_origin(request: Request) -> bool:
    """A browser sends ``Origin`` with every form post (``Referer`` too, same-origin); a
    tool that sends neither still needs the form's token."""
    origin = request.headers.get("Origin")
    if origin is None or origin == "null":
        origin = request.headers.get("Referer")
        if origin is None:
            return request.headers.get("Origin") is None
    # The host and port, not the scheme: behind a TLS proxy the desk itself sees http.
    return urlsplit(origin).netloc.lower() == request.headers.get("Host", "").strip().lower()


def _check_identity(request: Request, settings: DeskSettings, failures: FailedSignIns) -> None:
    access = settings.access
    address = request.remote_addr or ""
    if access.trusted_header:
        if not (_from_proxy(address, settings) and request.headers.get(access.trusted_header)):
            abort(401)
        return
    if not access.password:
        return
    wait = failures.wait_seconds(address)
    if wait:
        abort(Response("Too many failed sign-ins.", 429, {"Retry-After": str(wait)}))
    auth = request.authorization
    if (
        auth
        and auth.type == "basic"
        and hmac.compare_digest((auth.username or "").encode(), (access.user or "").encode())
        and hmac.compare_digest((auth.password or "").encode(), access.password.encode())
    ):
        return
    if auth is not None:
        failures.record(address)
    abort(
        Response(
            "Sign in to use the desk.",
            401,
            {"WWW-Authenticate": 'Basic realm="nurse desk", charset="UTF-8"'},
        )
    )


def _from_proxy(address: str, settings: DeskSettings) -> bool:
    try:
        client = ipaddress.ip_address(address)
    except ValueError:
        return False
    return any(client in network for network in settings.trusted_proxies)
