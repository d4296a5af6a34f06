"""The translator round trip through a real CAT tool: OmegaT (Debian's package) run
headless on the project 'translations export --omegat-project' writes, its result
imported, built, and the new words found in the PDF and the web page."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest
import yaml

from relapse_handouts.checkers import JAVA_FLAGS
from tests.base import make_project, pdf_text, run_cli

OMEGAT_JAR = Path("/usr/share/omegat/OmegaT.jar")
UNIT = "relapsed-all.key_points.call"
OLD = "Know the signs that mean you should [call right away](#when-to-call)."
NEW = "Learn the signs that mean you should [call the care team right away](#when-to-call)."
# The translator's own memory for the changed sentence, in OmegaT's tag notation; each
# translation has words found nowhere else in the locale's content.
TRANSLATOR = {
    "fr-CA": (
        "Apprenez les signes qui veulent dire qu'il faut <g0>appeler l'équipe soignante "
        "sans attendre</g0>.",
        "appeler l'équipe soignante sans attendre",
    ),
    "ar": (
        "تعرّفوا على العلامات التي تعني أن عليكم <g0>الاتصال بفريق الرعاية دون تأخير</g0>.",
        "دون تأخير",
    ),
}
MEMORY = """<?xml version="1.0" encoding="UTF-8"?>
<tmx version="1.4"><header creationtool="translator" creationtoolversion="1"
 segtype="paragraph" o-tmf="none" adminlang="en" srclang="en-CA" datatype="plaintext"/>
<body><tu><tuv xml:lang="en-CA"><seg>{source}</seg></tuv>
<tuv xml:lang="{locale}"><seg>{target}</seg></tuv></tu></body></tmx>
"""


def _escaped(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _omegat(folder: Path) -> None:
    assert OMEGAT_JAR.is_file(), "OmegaT is missing: 'bash run.sh setup' installs it"
    subprocess.run(
        ["java", *JAVA_FLAGS, "-Djava.awt.headless=true", "-jar", str(OMEGAT_JAR), str(folder),
         "--mode=console-translate", "--quiet"],
        check=True, capture_output=True, timeout=300,
    )  # fmt: skip


@pytest.fixture(scope="module")
def round_trip(tmp_path_factory) -> tuple[Path, dict[str, str]]:
    """The real content with one English key point changed, translated into French and
    Arabic in OmegaT (one run per locale) and imported; each import's output."""
    work = tmp_path_factory.mktemp("omegat")
    project = make_project(work, "real")
    handout = project / "source/handouts/relapsed-all.yaml"
    assert OLD in handout.read_text()
    handout.write_text(handout.read_text().replace(OLD, NEW))
    outputs = {}
    for locale, (target, _words) in TRANSLATOR.items():
        folder = work / f"omegat-{locale}"
        result = run_cli("--project", project, "translations", "export", "--locale", locale,
                         "--omegat-project", folder)  # fmt: skip
        assert result.code == 0, result.err
        source = "Learn the signs that mean you should <g0>call the care team right away</g0>."
        memory = MEMORY.format(source=_escaped(source), target=_escaped(target), locale=locale)
        (folder / "tm/auto/translator.tmx").write_text(memory, encoding="utf-8")
        _omegat(folder)
        result = run_cli("--project", project, "translations", "import",
                         folder / "target" / f"{locale}.xlf")  # fmt: skip
        assert result.code == 0, result.err
        outputs[locale] = result.out
    return project, outputs


@pytest.mark.parametrize("locale", TRANSLATOR)
def test_omegat_translation_imports_only_the_changed_unit(round_trip, locale):
    project, outputs = round_trip
    # Every other unit came back from OmegaT's memory exactly as it was.
    assert outputs[locale].splitlines()[0] == f"  imported {UNIT}"
    assert re.search(
        r": 1 imported \(drafts\), \d+ unchanged, 0 stale .*0 refused", outputs[locale]
    )
    units = yaml.safe_load((project / f"source/translations/{locale}.yaml").read_text())["units"]
    assert TRANSLATOR[locale][1] in units[UNIT]["text"]
    assert units[UNIT]["text"].count("](#when-to-call)") == 1  # the link survived as a code
    assert "review" not in units[UNIT]  # a draft
    status = run_cli("--project", project, "translations", "status", "--locale", locale)
    assert status.code == 0 and "0 stale" in status.out


def test_translated_words_reach_the_pdf_and_the_web_page(round_trip, tmp_path):
    project, _ = round_trip
    output = tmp_path / "out"
    result = run_cli("--project", project, "build", "--locale", "fr-CA", "--locale", "ar",
                     "--variant", "general", "--format", "pdf", "--format", "html",
                     "--paper", "letter", "--edition", "standard", "-o", output)  # fmt: skip
    assert result.code == 0, result.err
    for locale, (_target, words) in TRANSLATOR.items():
        assert words in pdf_text(output / locale / "relapsed-all.letter.pdf"), locale
        html = (output / locale / "relapsed-all.html").read_text(encoding="utf-8")
        assert _escaped(words).replace("'", "&#39;") in html or words in html, locale
