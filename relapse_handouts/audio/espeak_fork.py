"""The computer voice through ``espeak_server.py``: one small process per render worker
that loads eSpeak NG once and forks a copy per utterance, instead of a new ``espeak-ng``
process per utterance (about 130 a handout, each loading the library, its phoneme data
and the voice's dictionary again). The samples are the same bytes as ``espeak-ng -w``
writes (tests/test_audio.py compares them); where the server cannot start, or its
library is not the version of ``espeak-ng``, or it fails on an utterance, the caller
runs ``espeak-ng`` itself.
"""

from __future__ import annotations

import os
import select
import struct
import subprocess
import sys
import weakref
from pathlib import Path

__all__ = ["ForkedVoice"]

_SERVER = Path(__file__).with_name("espeak_server.py")
_TIMEOUT = 120.0  # seconds for one utterance, as for espeak-ng


class ForkedVoice:
    """Speaks through the server; ``speak`` returns None where ``espeak-ng`` must."""

    def __init__(self, espeak_version: str, sample_rate: int, words_per_minute: int) -> None:
        self._expected = (espeak_version, sample_rate)
        self._rate = words_per_minute
        self._server: subprocess.Popen[bytes] | None = None
        self._usable = True

    def speak(self, text: str, voice: str) -> bytes | None:
        server = self._started()
        if server is None:
            return None
        assert server.stdin is not None
        wanted, words = voice.encode(), text.encode("utf-8")
        request = memoryview(struct.pack(">II", len(wanted), len(words)) + wanted + words)
        try:
            while request:
                request = request[os.write(server.stdin.fileno(), request) :]
            (size,) = struct.unpack(">q", self._read(server, 8))
            return self._read(server, size) if size >= 0 else None
        except (OSError, EOFError, TimeoutError, struct.error):
            self._stop()
            return None

    def _started(self) -> subprocess.Popen[bytes] | None:
        if self._server is not None or not self._usable:
            return self._server
        self._usable = False  # one attempt per process
        try:
            server = subprocess.Popen(
                [sys.executable, "-I", str(_SERVER), str(self._rate)],
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                stderr=subprocess.DEVNULL,
                bufsize=0,  # read with select: nothing may wait in a buffer
            )
        except OSError:
            return None
        weakref.finalize(self, _end, server)
        try:
            line = b""
            while not line.endswith(b"\n"):
                line += self._read(server, 1)
            version, _, rate = line.decode().strip().partition("\t")
        except (OSError, EOFError, TimeoutError, UnicodeDecodeError):
            version, rate = "", ""
        espeak_version, sample_rate = self._expected
        # espeak-ng --version prints the library's own version string: the same library.
        if not version or version not in espeak_version or rate != str(sample_rate):
            _end(server)
            return None
        self._server, self._usable = server, True
        return server

    def _read(self, server: subprocess.Popen[bytes], size: int) -> bytes:
        assert server.stdout is not None
        source, data = server.stdout.fileno(), b""
        while len(data) < size:
            if not select.select([source], [], [], _TIMEOUT)[0]:
                raise TimeoutError
            more = os.read(source, size - len(data))
            if not more:
                raise EOFError
            data += more
        return data

    def _stop(self) -> None:
        if self._server is not None:
            _end(self._server)
        self._server, self._usable = None, False


def _end(server: subprocess.Popen[bytes]) -> None:
    """Close the server's input (it exits on end of input) and wait for it."""
    try:
        if server.stdin:
            server.stdin.close()
        server.wait(timeout=5)
    except (OSError, subprocess.TimeoutExpired):
        server.kill()
        server.wait()
