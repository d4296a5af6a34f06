"""The desk's one typed configuration, read once from the command line and environment.

Listening beyond loopback needs access control: HTTP Basic credentials
(``DESK_USER`` and ``DESK_PASSWORD``) or a header set by the hospital's single sign-on
proxy (``DESK_TRUSTED_HEADER``, for example ``X-Remote-User``). Without either the
server refuses to start.
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
MAX_FIELD_CHARS = 2000
MAX_BASKET_ITEMS = 12


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
        )
        settings.check_access()
        return settings

    def check_access(self) -> None:
        """Refuse to listen beyond loopback without access control."""
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
