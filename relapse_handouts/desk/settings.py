"""The desk's one typed configuration, read once from the command line and environment.

Listening beyond loopback needs access control: HTTP Basic credentials
(``DESK_USER`` and ``DESK_PASSWORD``) or a header set by the hospital's single sign-on
proxy (``DESK_TRUSTED_HEADER``, for example ``X-Remote-User``), trusted only on
connections from ``DESK_TRUSTED_PROXIES`` (addresses or networks; loopback by default).
Without either, or with both, the server refuses to start. ``DESK_ALLOWED_HOSTS`` lists
the host names the desk answers to (loopback names by default).
"""

from __future__ import annotations

import ipaddress
import os
import secrets
from dataclasses import dataclass
from pathlib import Path

from ..config import BuildConfig
from ..errors import HandoutError

__all__ = ["DeskSettings", "Access"]

# Request and field limits (the care sheet's own limits come from personal.LIMITS).
MAX_REQUEST_BYTES = 64 * 1024
MAX_FIELD_CHARS = 10_000  # far above any field's own limit: those are said on the form
MAX_BASKET_ITEMS = 12
LOOPBACK_NAMES = ("localhost", "127.0.0.1", "::1")
LOOPBACK_NETWORKS = ("127.0.0.0/8", "::1/128")
READ_DEADLINE = 15.0  # seconds for a request's headers and body to arrive (DESK_READ_DEADLINE)
Network = ipaddress.IPv4Network | ipaddress.IPv6Network


@dataclass(frozen=True)
class Access:
    """Who may use a desk listening beyond loopback."""

    user: str | None = None
    password: str | None = None
    trusted_header: str | None = None

    @property
    def required(self) -> bool:
        return bool(self.password or self.trusted_header)


@dataclass(frozen=True)
class DeskSettings:
    build: BuildConfig
    host: str = "127.0.0.1"
    port: int = 8000
    workers: int = 0  # 0: one per core
    secret: bytes = b""  # signs CSRF tokens; shared by every worker of one server
    access: Access = Access()
    smtp_configured: bool = False
    allowed_hosts: tuple[str, ...] = LOOPBACK_NAMES  # Host header names answered
    trusted_proxies: tuple[Network, ...] = tuple(map(ipaddress.ip_network, LOOPBACK_NETWORKS))
    read_deadline: float = READ_DEADLINE

    @property
    def worker_count(self) -> int:
        return self.workers if self.workers > 0 else (os.cpu_count() or 1)

    @classmethod
    def from_environment(
        cls, root: Path, host: str = "127.0.0.1", port: int = 8000, workers: int = 0
    ) -> DeskSettings:
        access = Access(
            os.environ.get("DESK_USER") or "nurse",
            os.environ.get("DESK_PASSWORD") or None,
            os.environ.get("DESK_TRUSTED_HEADER") or None,
        )
        settings = cls(
            BuildConfig.for_project(root),
            host,
            port,
            workers,
            secrets.token_bytes(32),
            access,
            bool(os.environ.get("HANDOUTS_SMTP_HOST")),
            _names(os.environ.get("DESK_ALLOWED_HOSTS"), host),
            _networks(os.environ.get("DESK_TRUSTED_PROXIES")),
            _seconds(os.environ.get("DESK_READ_DEADLINE"), READ_DEADLINE),
        )
        settings.check_access()
        return settings

    def check_access(self) -> None:
        """Refuse contradictory access settings, and listening beyond loopback without
        access control."""
        if self.access.password and self.access.trusted_header:
            raise HandoutError(
                "both DESK_PASSWORD and DESK_TRUSTED_HEADER are set: the desk would have "
                "to ignore one of them",
                field="DESK_PASSWORD",
                hint="keep DESK_TRUSTED_HEADER when the hospital's sign-on proxy is in "
                "front of the desk, else DESK_PASSWORD; unset the other",
            )
        if is_loopback(self.host) or self.access.required:
            return
        raise HandoutError(
            f"refusing to listen on {self.host} without access control: "
            "anyone on the network could use the desk",
            hint="set DESK_PASSWORD (and DESK_USER) for a password, or DESK_TRUSTED_HEADER "
            "to the header your single sign-on proxy sets; or listen on 127.0.0.1",
        )


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _names(value: str | None, listening: str) -> tuple[str, ...]:
    """DESK_ALLOWED_HOSTS (comma-separated), else the loopback names and the address
    the desk listens on (unless that is every address)."""
    if value:
        return tuple(n.strip().lower().strip("[]") for n in value.split(",") if n.strip())
    extra = () if listening in ("0.0.0.0", "::", "") else (listening.lower().strip("[]"),)
    return tuple(dict.fromkeys(LOOPBACK_NAMES + extra))


def _networks(value: str | None) -> tuple[Network, ...]:
    """DESK_TRUSTED_PROXIES (comma-separated addresses or networks), else loopback."""
    items = [v.strip() for v in (value or "").split(",") if v.strip()] or LOOPBACK_NETWORKS
    try:
        return tuple(ipaddress.ip_network(item, strict=False) for item in items)
    except ValueError as error:
        raise HandoutError(
            f"DESK_TRUSTED_PROXIES: {error}",
            field="DESK_TRUSTED_PROXIES",
            hint="list addresses or networks separated by commas, like 10.0.0.5,10.1.0.0/24",
        ) from None


def _seconds(value: str | None, default: float) -> float:
    """DESK_READ_DEADLINE: a number of seconds above zero, else ``default``."""
    if not value:
        return default
    try:
        seconds = float(value)
    except ValueError:
        seconds = 0.0
    if not 0 < seconds < 3600:
        raise HandoutError(
            f"DESK_READ_DEADLINE: {value!r} is not a number of seconds",
            field="DESK_READ_DEADLINE",
            hint=f"give the seconds a request may take to arrive, like {READ_DEADLINE:g}",
        )
    return seconds
