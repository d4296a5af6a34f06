"""``python -m relapse_handouts.desk``: the desk under gunicorn (pre-forked workers, each
with a few threads; see ``worker.py`` for the deadlines that keep slow clients out).

The source is loaded and translated once in the master process; each worker, right
after it is forked, imports WeasyPrint and builds its font configuration (``warm``), so
no request pays for either. One render runs at a time in each worker (one per core);
the other threads read requests and send responses. A worker is replaced after a bounded
number of requests (with jitter), so its memory cannot creep. Access logs carry method,
path (never a query string), status, size and time, control characters escaped;
personal details only ever travel in POST bodies.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from gunicorn.app.base import BaseApplication

from ..errors import HandoutError
from ..publish import MANIFEST_NAME
from .app import create_app
from .settings import DeskSettings
from .state import DeskState
from .worker import DeskLogger, DeskWorker, behind_proxy, no_core_files, whole_requests

__all__ = ["main"]

ACCESS_LOG_FORMAT = '%(h)s "%(m)s %(U)s" %(s)s %(B)s %(M)sms'
THREADS = 16  # per worker: renders take turns (one per core); reading and sending do not wait
MAX_REQUESTS = 500  # then the worker is replaced (jitter spreads the replacements)


class DeskServer(BaseApplication):  # type: ignore[misc]
    def __init__(self, settings: DeskSettings, state: DeskState) -> None:
        self._settings, self._state = settings, state
        super().__init__()

    def load_config(self) -> None:
        settings = self._settings
        options: dict[str, Any] = {
            "bind": f"{settings.host}:{settings.port}",
            "workers": settings.worker_count,
            "worker_class": f"{DeskWorker.__module__}.{DeskWorker.__name__}",
            "threads": THREADS,
            "worker_connections": 200,
            "keepalive": 5,
            "max_requests": MAX_REQUESTS,
            "max_requests_jitter": MAX_REQUESTS // 10,
            "timeout": 120,
            "graceful_timeout": 10,
            "logger_class": f"{DeskLogger.__module__}.{DeskLogger.__name__}",
            "accesslog": "-",
            "access_log_format": ACCESS_LOG_FORMAT,
            "errorlog": "-",
            "loglevel": "info",
            "limit_request_line": 2048,
            "limit_request_fields": 60,
            "limit_request_field_size": 8190,
            "post_fork": self._post_fork,
            "proc_name": "relapse-handouts-desk",
            "control_socket_disable": True,  # several desks (and tests) may run at once
        }
        for key, value in options.items():
            self.cfg.set(key, value)

    def _post_fork(self, server: Any, worker: Any) -> None:
        no_core_files()
        if isinstance(worker, DeskWorker):
            self._state.render_lock = worker.render_gate()
            worker.read_deadline = self._settings.read_deadline
        self._state.warm()  # WeasyPrint and its FontConfiguration, once per worker

    def load(self) -> Any:
        app = create_app(self._settings, self._state)
        fixed = behind_proxy(app.wsgi_app, self._settings.trusted_proxies)
        app.wsgi_app = whole_requests(fixed)  # type: ignore[method-assign,assignment]
        return app


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m relapse_handouts.desk", description="Serve the nurse desk."
    )
    parser.add_argument("--project", type=Path, default=Path.cwd(), help="project folder")
    parser.add_argument("--host", default="127.0.0.1", help="address (default 127.0.0.1)")
    parser.add_argument("--port", type=int, default=8000, help="port (default 8000)")
    parser.add_argument("--workers", type=int, default=0, help="worker processes (0: one per core)")
    args = parser.parse_args(argv)
    no_core_files()
    try:
        settings = DeskSettings.from_environment(args.project, args.host, args.port, args.workers)
        if not (settings.build.output_dir / MANIFEST_NAME).is_file():
            raise HandoutError(
                f"output/{MANIFEST_NAME} is missing: there are no built handouts to serve",
                hint="run 'bash run.sh build' first (bash run.sh serve does it for you)",
            )
        state = DeskState(settings.build)
    except HandoutError as error:
        print(error.format(), file=sys.stderr)
        return 1
    print(
        f"nurse desk: http://{settings.host}:{settings.port}/ "
        f"({settings.worker_count} workers; Ctrl+C stops it)",
        file=sys.stderr,
    )
    DeskServer(settings, state).run()
    return 0
