"""The computer voice through the forking eSpeak NG server (audio/espeak_fork.py): the
same samples as ``espeak-ng`` gives for each utterance, whatever was spoken before it;
``espeak-ng`` itself where the server cannot serve."""

from __future__ import annotations

import gc
import shutil

import pytest

from relapse_handouts.audio.espeak_fork import ForkedVoice
from relapse_handouts.audio.speech import (
    SAMPLE_RATE,
    WORDS_PER_MINUTE,
    SpeechCache,
    _espeak,
    tool_version,
)

pytestmark = pytest.mark.skipif(
    not shutil.which("espeak-ng"), reason="ESPEAK-NG NOT INSTALLED: 'bash run.sh setup'"
)
SPOKEN = [
    ("Call the care team right away if your child has a fever of 38.3 °C or higher.", "en-us"),
    ("Relapse means the leukemia came back.", "en-us"),
    ("如果孩子发烧，请立即联系医疗团队。", "cmn"),
    ("La rechute signifie que la leucémie est revenue.", "fr"),
    ("Short.", "en-us"),
    ("إذا أصيب طفلك بالحمى، اتصل بفريق الرعاية فوراً.", "ar"),
    ("ਜੇ ਤੁਹਾਡੇ ਬੱਚੇ ਨੂੰ ਬੁਖਾਰ ਹੈ ਤਾਂ ਤੁਰੰਤ ਕਾਲ ਕਰੋ।", "pa"),
    ("La recaída significa que la leucemia volvió; llame (día y noche).", "es"),
]


def _voice(version: str | None = None) -> ForkedVoice:
    return ForkedVoice(version or tool_version("espeak-ng"), SAMPLE_RATE, WORDS_PER_MINUTE)


def test_the_server_gives_the_samples_of_espeak_ng_whatever_was_spoken_before():
    # eSpeak NG's state changes as it speaks (one process speaking twice gives other
    # samples the second time): every voice after every other, each text twice.
    voice = _voice()
    for text, name in SPOKEN + SPOKEN[::-1]:
        assert voice.speak(text, name) == _espeak(text, name), (name, text)


def test_where_the_server_cannot_serve_espeak_ng_speaks(tmp_path):
    other_library = _voice("eSpeak NG text-to-speech: 0.1")
    assert other_library.speak("Hello.", "en-us") is None
    assert _voice().speak("Hello.", "no-such-voice") is None
    cache = SpeechCache(tmp_path)
    cache.__dict__["_forked"] = other_library
    clip = cache.synthesize("Hello.", "en-CA")
    assert cache.samples(clip) == _espeak("Hello.", "en-us")


def test_the_server_ends_with_its_voice():
    voice = _voice()
    assert voice.speak("Hello.", "en-us")
    server = voice._server
    assert server is not None and server.poll() is None
    del voice
    gc.collect()
    assert server.wait(timeout=10) == 0
