"""What every worker process the project forks does first: die with its parent, and
never write a core file (one could hold a child's name, in the project folder)."""

from __future__ import annotations

import ctypes
import os
import resource
import signal

__all__ = ["die_with_parent", "no_core_files"]

_PR_SET_PDEATHSIG = 1
_PR_SET_DUMPABLE = 4


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


def no_core_files() -> None:
    """This process (and what it forks) never writes a core file."""
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    _prctl(_PR_SET_DUMPABLE, 0)  # also not through a core_pattern pipe (not RLIMIT_CORE's)
