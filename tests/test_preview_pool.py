"""The preview's PDF workers are replaced after a bounded number of renders, so an
author's all-day session cannot creep in memory; renders already asked for still finish."""

from __future__ import annotations

import os
import time

from relapse_handouts.preview import pdfpool
from tests.base import REPO, config_for


def worker_pid(spec: object, resolved: object, generation: int) -> int:
    """Stands in for a render (imported by name in the spawned worker)."""
    return os.getpid()


def no_start(config: object) -> None:
    """Stands in for loading WeasyPrint, which this test does not need."""


def alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


def test_workers_are_replaced_after_their_renders(monkeypatch):
    monkeypatch.setattr(pdfpool, "_render", worker_pid)
    monkeypatch.setattr(pdfpool, "_start", no_start)
    pool = pdfpool.PdfPool(config_for(REPO), workers=1, renders_per_workers=2)
    try:
        futures = [pool.submit(None, None) for _ in range(5)]  # type: ignore[arg-type]
        pids = [future.result(timeout=120) for future in futures]
    finally:
        pool.close()
    assert pids[0] == pids[1] != pids[2] == pids[3] != pids[4]
    deadline = time.monotonic() + 30
    while alive(pids[0]) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not alive(pids[0]), "a replaced worker kept running"
