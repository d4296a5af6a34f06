"""eSpeak NG's library in a process of its own, run as a script by ``espeak_fork.py``.

It loads the library once and a voice when the voice changes (as ``espeak-ng -v VOICE -s
RATE`` does before it speaks), then forks a copy of itself for each utterance: the copy
speaks the text with the library's state exactly as a new ``espeak-ng`` process has it
(speaking changes that state, so one process cannot speak twice and give the same
samples), sends the samples and exits. About half the CPU of starting ``espeak-ng`` per
utterance, which loads the library, its phoneme data and the voice's dictionary each time.

Standard library only, and no import of the package (a small process is faster to fork).
Protocol on stdin/stdout: first the library's version line and sample rate; then per
request (voice, text) a signed 8-byte length and that many bytes of 16-bit samples, or a
negative length when the voice or the speaking failed (the caller runs ``espeak-ng``;
after a voice it does not have, the server ends).
"""

from __future__ import annotations

import ctypes
import os
import resource
import struct
import sys

_PR_SET_DUMPABLE = 4
_SYNCHRONOUS = 0x0001  # ENOUTPUT_MODE_SYNCHRONOUS
_RATE = 1  # espeakRATE
_POS_CHARACTER = 1
# espeak-ng's command line: espeakCHARS_AUTO | espeakPHONEMES | espeakENDPAUSE, and -b 1
# (UTF-8 input).
_FLAGS = 0x0000 | 0x0100 | 0x1000 | 1
_CALLBACK = ctypes.CFUNCTYPE(
    ctypes.c_int, ctypes.POINTER(ctypes.c_short), ctypes.c_int, ctypes.c_void_p
)
_chunks: list[bytes] = []


@_CALLBACK
def _collect(wav: ctypes._Pointer[ctypes.c_short], count: int, events: object) -> int:
    if wav and count > 0:
        _chunks.append(ctypes.string_at(wav, count * 2))
    return 0


def _read(size: int) -> bytes:
    data = b""
    while len(data) < size:
        more = os.read(0, size - len(data))
        if not more:
            sys.exit(0)  # the worker ended
        data += more
    return data


def _write(data: bytes) -> None:
    view = memoryview(data)
    while view:
        view = view[os.write(1, view) :]


def _speak(library: ctypes.CDLL, text: bytes) -> bytes:
    buffer = ctypes.create_string_buffer(text)
    library.espeak_Synth(buffer, len(text) + 1, 0, _POS_CHARACTER, 0, _FLAGS, None, None)
    library.espeak_Synchronize()
    return b"".join(_chunks)


def main(rate: int) -> None:
    # Never a core file (it would hold the text): as processes.no_core_files does.
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    try:
        ctypes.CDLL(None).prctl(_PR_SET_DUMPABLE, 0, 0, 0, 0)
    except (OSError, AttributeError):
        pass
    library = ctypes.CDLL("libespeak-ng.so.1")
    library.espeak_Info.restype = ctypes.c_char_p
    library.espeak_ng_InitializePath(None)
    if library.espeak_ng_Initialize(None) or library.espeak_ng_InitializeOutput(
        _SYNCHRONOUS, 0, None
    ):
        sys.exit(3)
    library.espeak_SetSynthCallback(_collect)
    version = (library.espeak_Info(None) or b"").decode("utf-8", "replace")
    _write(f"{version}\t{library.espeak_ng_GetSampleRate()}\n".encode())
    voice = b""
    while True:
        voice_size, text_size = struct.unpack(">II", _read(8))
        wanted, text = _read(voice_size), _read(text_size)
        if wanted != voice:
            voice = b""
            if library.espeak_SetVoiceByName(wanted) != 0:
                _write(struct.pack(">q", -1))
                sys.exit(4)  # its state is not a new espeak-ng's now: espeak-ng speaks
            library.espeak_SetParameter(_RATE, rate, 0)
            voice = wanted
        child = os.fork()
        if child == 0:
            try:
                samples = _speak(library, text)
                _write(struct.pack(">q", len(samples)) + samples)
            finally:
                os._exit(0)
        _, status = os.waitpid(child, 0)
        if status != 0:
            _write(struct.pack(">q", -2))


if __name__ == "__main__":
    main(int(sys.argv[1]))
