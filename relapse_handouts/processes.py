"""What every worker process the project starts does first: end with the process it
works for, and never write a core file (one could hold a child's name, in the project
folder)."""

from __future__ import annotations

import ctypes
import os
import resource
import select
import signal
import threading
import time

__all__ = ["die_with", "die_with_parent", "no_core_files", "return_large_blocks"]

_PR_SET_PDEATHSIG = 1
_PR_SET_DUMPABLE = 4
_M_MMAP_THRESHOLD = -3  # glibc's mallopt parameter


def _prctl(option: int, value: int) -> bool:
    try:
        return ctypes.CDLL(None, use_errno=True).prctl(option, value, 0, 0, 0) == 0
    except (OSError, AttributeError):  # not Linux
        return False


def die_with_parent(parent: int) -> None:
    """Have the kernel kill this process when ``parent`` ends (even by ``kill -9``), so a
    killed build leaves no renderer behind; exit at once if it has ended already."""
    _prctl(_PR_SET_PDEATHSIG, signal.SIGKILL)
    if os.getppid() != parent:
        os._exit(1)


def die_with(pid: int) -> None:
    """End this process as soon as ``pid`` ends, even by ``kill -9``, whoever forked it:
    the workers of a fork server are not the build's children, and would otherwise wait
    for ever on a queue only they still hold open."""
    try:
        handle = os.pidfd_open(pid)
    except ProcessLookupError:
        os._exit(1)
    except (OSError, AttributeError):  # no pidfd (old kernel, not Linux): ask each second
        threading.Thread(target=_poll_until_gone, args=(pid,), daemon=True).start()
        return
    threading.Thread(target=_wait_then_exit, args=(handle,), daemon=True).start()


def _wait_then_exit(handle: int) -> None:
    select.select([handle], [], [])  # readable when the process has ended
    os._exit(1)


def _poll_until_gone(pid: int) -> None:
    while True:
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            os._exit(1)
        except PermissionError:
            pass
        time.sleep(1.0)


def no_core_files() -> None:
    """This process (and what it forks) never writes a core file."""
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    _prctl(_PR_SET_DUMPABLE, 0)  # also not through a core_pattern pipe (not RLIMIT_CORE's)


def return_large_blocks(threshold: int = 128 * 1024) -> None:
    """Memory blocks of ``threshold`` bytes or more are mapped on their own and given back
    to the system when freed. glibc otherwise raises that threshold to the largest block
    freed (up to 32 MB), so a renderer's large buffers (a CJK font's 20 MB copy, once per
    PDF) come from the heap afterwards, which fragments and never shrinks."""
    try:
        ctypes.CDLL(None).mallopt(_M_MMAP_THRESHOLD, threshold)
    except (OSError, AttributeError):  # not glibc
        pass
