"""The desk as a real server on 127.0.0.1 (gunicorn, threaded workers): slow and idle
clients cannot starve it, access-log lines cannot be forged, workers write no core file
and are recycled; and a killed build leaves no render worker holding the build lock.
Every client here is bounded in number and time."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from pathlib import Path

import pytest

from relapse_handouts.desk import serve
from relapse_handouts.desk.settings import DeskSettings
from relapse_handouts.errors import HandoutError
from relapse_handouts.files import output_lock
from tests.base import REPO, DeskServer, first_by_default, make_project

SLOW_CLIENTS = 12  # half idle (send nothing), half trickling one header line a second
# The read deadline these tests wait on (DESK_READ_DEADLINE; 15 s by default): short,
# but longer than the second the slow-clients test takes to load pages beside them.
READ_DEADLINE = 3.0


@pytest.fixture(scope="module")
def server(desk_project, tmp_path_factory):
    log = tmp_path_factory.mktemp("desk-server") / "server.log"
    env = {"DESK_READ_DEADLINE": str(READ_DEADLINE)}
    with DeskServer(desk_project, log, workers=1, env=env) as running:
        yield running


@pytest.mark.parametrize("value", ["soon", "0", "-1"])
def test_a_read_deadline_that_is_not_seconds_is_refused(monkeypatch, tmp_path, value):
    monkeypatch.setenv("DESK_READ_DEADLINE", value)
    with pytest.raises(HandoutError) as raised:
        DeskSettings.from_environment(tmp_path)
    assert raised.value.field == "DESK_READ_DEADLINE" and repr(value) in str(raised.value)


def port_of(server) -> int:
    return int(server.url.rsplit(":", 1)[1])


def answered_in(url: str, timeout: float = 10.0) -> float:
    started = time.monotonic()
    with urllib.request.urlopen(url, timeout=timeout) as response:
        assert response.status == 200
        response.read()
    return time.monotonic() - started


def test_slow_and_idle_clients_do_not_starve_the_desk(server):
    port = port_of(server)
    address = ("127.0.0.1", port)
    clients = [socket.create_connection(address, timeout=5) for _ in range(SLOW_CLIENTS)]
    trickling = clients[::2]
    for client in trickling:
        client.sendall(b"POST /personalize HTTP/1.1\r\nHost: 127.0.0.1\r\n")
    stop = threading.Event()

    def trickle() -> None:
        while not stop.wait(1.0):
            for client in trickling:
                try:
                    client.sendall(b"X-Slow: 1\r\n")
                except OSError:
                    pass

    thread = threading.Thread(target=trickle, daemon=True)
    thread.start()
    try:
        time.sleep(1.0)
        times = [answered_in(server.url + "/") for _ in range(5)]
        assert max(times) < 5.0, times  # the page in seconds while 12 clients hang on
        # Trickling clients are cut at the read deadline, idle ones at the keep-alive one.
        deadline = time.monotonic() + READ_DEADLINE + 10
        open_ = list(clients)
        while open_ and time.monotonic() < deadline:
            for client in list(open_):
                client.settimeout(0.2)
                try:
                    if client.recv(4096) == b"":
                        open_.remove(client)
                except TimeoutError:
                    pass
                except OSError:
                    open_.remove(client)
        assert not open_, f"{len(open_)} slow clients still connected"
    finally:
        stop.set()
        thread.join()
        for client in clients:
            client.close()


def test_a_slow_body_is_cut_at_the_read_deadline(server):
    port = port_of(server)
    with socket.create_connection(("127.0.0.1", port), timeout=5) as client:
        client.sendall(
            b"POST /personalize HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 5000\r\n"
            b"Content-Type: application/x-www-form-urlencoded\r\n\r\nvariant=cns"
        )
        started = time.monotonic()
        client.settimeout(READ_DEADLINE + 10)
        try:
            while client.recv(4096):
                pass
        except OSError:
            pass
        assert time.monotonic() - started < READ_DEADLINE + 10


def test_control_characters_in_paths_cannot_forge_log_lines(server):
    forged = "/x%0a127.0.0.1%20%22GET%20/admin%22%20200%1b[31m"
    try:
        urllib.request.urlopen(server.url + forged, timeout=10)
    except urllib.error.HTTPError as error:
        assert error.code == 404
    time.sleep(0.5)
    lines = server.logs().splitlines()
    assert not any(line.startswith('127.0.0.1 "GET /admin') for line in lines)
    assert not any("\x1b" in line for line in lines)
    assert any("\\u000a" in line and "\\u001b" in line for line in lines)


def worker_pids(server) -> list[int]:
    children = Path(f"/proc/{server.process.pid}/task/{server.process.pid}/children")
    return [int(pid) for pid in children.read_text().split()]


def test_workers_write_no_core_file(server):
    [pid] = worker_pids(server)
    limits = Path(f"/proc/{pid}/limits").read_text()
    core = next(line for line in limits.splitlines() if line.startswith("Max core file size"))
    assert core.split()[4:6] == ["0", "0"], core
    assert Path(f"/proc/{pid}/status").read_text()  # still readable by its owner


def test_workers_are_threaded_bounded_and_recycled():
    from relapse_handouts.config import BuildConfig
    from relapse_handouts.desk.settings import DeskSettings

    settings = DeskSettings(BuildConfig.for_project(REPO), secret=b"s" * 32)
    desk = serve.DeskServer.__new__(serve.DeskServer)
    desk._settings, desk._state = settings, None
    from gunicorn.config import Config

    desk.cfg = Config()
    desk.load_config()
    assert desk.cfg.worker_class_str.endswith("DeskWorker") and desk.cfg.threads >= 4
    assert 0 < desk.cfg.max_requests <= 1000 and desk.cfg.max_requests_jitter > 0
    assert desk.cfg.keepalive <= 10 and desk.cfg.limit_request_line <= 4096


# A killed build -------------------------------------------------------------------------------


def children_of(pid: int) -> list[int]:
    try:
        return [int(p) for p in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]
    except OSError:
        return []


def descendants(pid: int) -> dict[int, int]:
    """Every process under ``pid`` -> its depth (1: a child; workers of a fork server: 2)."""
    found, level = {}, [pid]
    for depth in range(1, 4):
        level = [child for parent in level for child in children_of(parent)]
        found.update(dict.fromkeys(level, depth))
    return found


def alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


@pytest.mark.parametrize("attempt", first_by_default(0, 1, 2))
def test_a_build_killed_while_rendering_leaves_no_worker_and_no_lock(tmp_path, attempt):
    project = make_project(tmp_path)
    command = [sys.executable, str(REPO / "make_docs.py"), "--project", str(project),
               "build", "--jobs", "2", "--format", "pdf", "--format", "html"]  # fmt: skip
    build = subprocess.Popen(
        command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        env={**os.environ, "PYTHONPATH": str(REPO)},
    )  # fmt: skip
    try:
        deadline = time.monotonic() + 120
        # Two render workers: children of the build, or of its fork server.
        while (
            time.monotonic() < deadline
            and sum(depth == 2 for depth in descendants(build.pid).values()) < 2
        ):
            assert build.poll() is None, "the build ended before its workers started"
            time.sleep(0.05)
        workers = list(descendants(build.pid))
        assert len(workers) >= 2
        time.sleep(0.3 * attempt)  # at different moments of rendering
        build.send_signal(signal.SIGKILL)
        build.wait(timeout=10)
        deadline = time.monotonic() + 10
        while any(alive(pid) for pid in workers) and time.monotonic() < deadline:
            time.sleep(0.05)
        assert not any(alive(pid) for pid in workers), "render workers outlived their build"
        with output_lock(project / "output"):  # the next build may start at once
            pass
    finally:
        if build.poll() is None:
            build.kill()
            build.wait()
        for pid in locals().get("workers", []):  # a failing run leaves nothing behind
            if alive(pid):
                os.kill(pid, signal.SIGKILL)
