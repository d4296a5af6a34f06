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


@pytest.mark.parametrize(
    ("text", "voice", "said", "never"),
    [
        ("Call 911 now.", "en-us", "n'aIn w'Vn w'Vn", "h'Vndr"),
        ("اتصلوا بالرقم 911 الآن", "ar", "w'a:Hid w'a:Hid", "?aH,ada"),
    ],
)
def test_911_is_read_digit_by_digit(text, voice, said, never):
    # A family dials "nine one one": the number read as "nine hundred eleven" is wrong
    # in the one sentence that matters most.
    import subprocess

    from relapse_handouts.audio.speech import plain_for_espeak

    phonemes = subprocess.run(
        ["espeak-ng", "-q", "-x", "-v", voice, plain_for_espeak(text)],
        capture_output=True, text=True, check=True, timeout=60,
    ).stdout  # fmt: skip
    assert said in phonemes and never not in phonemes, phonemes
    assert plain_for_espeak("38.911 and 1911 and 9110") == "38.911 and 1911 and 9110"


def test_an_arabic_sentence_with_911_gives_the_same_samples_every_time(tmp_path):
    # eSpeak NG 1.51 read "911" in Arabic as one of several sample streams from run to
    # run (the build's Arabic audio was not reproducible); read digit by digit it is not.
    text = "إذا لم تتمكّنوا من الوصول إلى الفريق، اتصلوا بالرقم 911 الآن."
    takes = set()
    for n in range(8):
        cache = SpeechCache(tmp_path / str(n))  # a new cache each time: nothing reused
        takes.add(cache.samples(cache.synthesize(text, "ar")))
    assert len(takes) == 1
