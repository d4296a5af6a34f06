#!/usr/bin/env python3
"""CPU time of a command and every process it starts, orphans included (not a test).

    .venv/bin/python benchmarks/cpu_tree.py COMMAND [ARG...]

``/usr/bin/time`` and ``getrusage(RUSAGE_CHILDREN)`` count a process only once its own
parent has waited for it: Chromium's renderers, left to their zygote's exit, are never
counted. Here this process becomes the "subreaper" of the command's process tree, so
every orphan is handed to it and waited for. Prints wall time, user+system CPU of the
whole tree, and the system-wide CPU (all processes, from /proc/stat) over the same time,
which on a quiet machine should be close to the tree's.
"""

from __future__ import annotations

import ctypes
import os
import subprocess
import sys
import time

PR_SET_CHILD_SUBREAPER = 36


def system_cpu_seconds() -> tuple[float, float]:
    """Busy and idle CPU seconds of the whole machine since boot (all cores)."""
    with open("/proc/stat", encoding="ascii") as stat:
        fields = [int(x) for x in stat.readline().split()[1:]]
    ticks = os.sysconf("SC_CLK_TCK")
    idle = fields[3] + fields[4]  # idle + iowait
    return (sum(fields[:8]) - idle) / ticks, idle / ticks


def become_subreaper() -> None:
    """Orphans of this process's descendants are handed to it (not to init)."""
    libc = ctypes.CDLL(None, use_errno=True)
    if libc.prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) != 0:
        raise OSError(ctypes.get_errno(), "prctl(PR_SET_CHILD_SUBREAPER)")


def reap_all() -> None:
    """Wait for every child left (orphans handed over included), so that their CPU time
    is counted in getrusage(RUSAGE_CHILDREN)."""
    while True:
        try:
            os.wait4(-1, 0)
        except ChildProcessError:
            return


def main() -> int:
    become_subreaper()
    busy, idle = system_cpu_seconds()
    started = time.perf_counter()
    command = subprocess.Popen(sys.argv[1:])
    status, user, system = 0, 0.0, 0.0
    while True:  # every process of the tree, the command's own children's children too
        try:
            pid, wait_status, usage = os.wait4(-1, 0)
        except ChildProcessError:
            break
        user, system = user + usage.ru_utime, system + usage.ru_stime
        if pid == command.pid:
            status = os.waitstatus_to_exitcode(wait_status)
    wall = time.perf_counter() - started
    busy_now, idle_now = system_cpu_seconds()
    busy, idle = busy_now - busy, idle_now - idle
    print(
        f"cpu_tree: {wall:.1f} s wall; tree {user:.1f} s user + {system:.1f} s system "
        f"= {user + system:.1f} s CPU; whole machine {busy:.1f} s busy, {idle:.1f} s idle "
        f"(load {os.getloadavg()[0]:.1f})",
        file=sys.stderr,
    )
    return status


if __name__ == "__main__":
    sys.exit(main())
