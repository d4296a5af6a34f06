"""``make_docs.py preview``: watch the project and serve the preview on 127.0.0.1.

``watchfiles`` (Rust notify, inotify on Linux) reports saves in ``source/`` (the
catalogs included), ``layouts/`` and ``styles/``, grouped when an editor writes a file
in several steps; the session then renders again what is on screen. The server is
Werkzeug's threaded one: one author, one browser, long-lived event streams.
"""

from __future__ import annotations

import ipaddress
import signal
import threading
import traceback
from pathlib import Path
from types import FrameType
from typing import TextIO

from werkzeug.serving import make_server

from ..config import BuildConfig
from ..errors import HandoutError
from .app import create_app
from .pdfpool import PdfPool
from .session import PreviewSession

__all__ = ["run_preview"]

# Milliseconds without a further change before a save is handled (an editor's write and
# rename arrive within a few milliseconds of each other).
QUIET_MS = 30


def _check_loopback(host: str) -> None:
    try:
        loopback = host == "localhost" or ipaddress.ip_address(host).is_loopback
    except ValueError:
        loopback = False
    if not loopback:
        raise HandoutError(
            f"the preview serves only this computer, not {host!r}",
            hint="leave out --host (the default is 127.0.0.1); share built files instead",
        )


def run_preview(config: BuildConfig, host: str, port: int, out: TextIO) -> int:
    """Serve until interrupted (Ctrl+C or SIGTERM); 0 on a clean stop."""
    _check_loopback(host)
    pool = PdfPool(config)
    stop = threading.Event()
    try:
        pool.warm()
        session = PreviewSession(config, pool)
        session.load()
        server = make_server(host, port, create_app(session), threaded=True)
        watcher = threading.Thread(
            target=_watch, args=(config, session, stop), name="watch", daemon=True
        )
        watcher.start()
        signal.signal(signal.SIGTERM, _interrupt)
        print(f"Preview on http://{host}:{server.server_port}/ (Ctrl+C stops it)", file=out)
        out.flush()
        try:
            server.serve_forever()
        except KeyboardInterrupt:
            pass
        server.server_close()
    finally:
        stop.set()
        pool.close()
    return 0


def _interrupt(signum: int, frame: FrameType | None) -> None:
    raise KeyboardInterrupt


def _watch(config: BuildConfig, session: PreviewSession, stop: threading.Event) -> None:
    from watchfiles import watch

    folders = [folder for folder in config.readable_dirs if folder.is_dir()]
    for changes in watch(*folders, stop_event=stop, step=QUIET_MS, raise_interrupt=False):
        try:
            session.files_changed(Path(path) for _, path in changes)
        except Exception:  # a fault of the preview itself: report it, keep watching
            traceback.print_exc()
