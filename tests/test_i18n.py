"""Languages: every locale built, its script in the PDF, the translation workflow."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
import unicodedata
import zipfile

import pytest
import yaml
from babel.messages.pofile import read_po
from pypdf import PdfReader

from relapse_handouts import load_project
from tests.base import REPO, config_for, make_project, run_cli, sign, translated_tiny

SHIPPED = load_project(config_for(REPO)).site.locales
SCRIPTS = {
    "ar": r"[\u0600-\u06ff]",
    "zh-Hans": r"[\u4e00-\u9fff]",
    "pa": r"[\u0a00-\u0a7f]",
    "fr-CA": r"[éèàçê]",
    "es": r"[áéíóñ¿]",
    "en-CA": r"[a-z]",
}


@pytest.mark.parametrize("locale", list(SHIPPED))
def test_locale_pdf_is_tagged_with_its_language_and_script(real_build, locale):
    output, _ = real_build
    reader = PdfReader(output / locale / "relapsed-all.letter.pdf")
    assert reader.trailer["/Root"]["/Lang"] == locale
    text = "".join(page.extract_text() for page in reader.pages)
    assert "\ufffd" not in text
    assert len(re.findall(SCRIPTS[locale], text)) > 200


@pytest.mark.parametrize("locale", list(SHIPPED))
def test_locale_epub_and_html_carry_language_and_direction(real_build, locale):
    output, _ = real_build
    direction = "rtl" if locale == "ar" else "ltr"
    with zipfile.ZipFile(output / locale / "relapsed-all.epub") as book:
        opf = book.read("EPUB/content.opf").decode()
        chapter = book.read("EPUB/handout-title.xhtml").decode()
    assert f"<dc:language>{locale}</dc:language>" in opf
    assert f'lang="{locale}"' in chapter and f'dir="{direction}"' in chapter
    if direction == "rtl":
        assert 'page-progression-direction="rtl"' in opf
    html = (output / locale / "relapsed-all.html").read_text(encoding="utf-8")
    assert f'<html lang="{locale}" dir="{direction}">' in html


@pytest.mark.parametrize("locale", list(SHIPPED))  # nobody signed the shipped content
def test_draft_locale_says_so_on_every_page_and_chapter(real_build, locale):
    output, _ = real_build
    from relapse_handouts.i18n import ui_translations

    # The content itself is not signed yet, so every locale carries the draft notice.
    notice = ui_translations(REPO / "source", locale, "en-CA").gettext("Draft, not yet reviewed")
    assert locale == "en-CA" or notice != "Draft, not yet reviewed"

    def squeeze(text: str) -> str:
        # Text extraction puts Gurmukhi vowel signs in drawing order, not reading order:
        # compare the letters without the signs and spaces.
        return "".join(
            c for c in text if not c.isspace() and unicodedata.category(c) not in ("Mn", "Mc")
        )

    for page in PdfReader(output / locale / "relapsed-all.a4.pdf").pages:
        assert squeeze(notice) in squeeze(page.extract_text())
    with zipfile.ZipFile(output / locale / "relapsed-all.epub") as book:
        chapters = [n for n in book.namelist() if n.endswith(".xhtml") and "nav" not in n]
        for name in chapters:
            assert "draft" in book.read(name).decode()


def test_complete_translation_builds(tmp_path):
    project = translated_tiny(tmp_path)
    result = run_cli("--project", project, "build", "--locale", "fr-CA", "--format", "html")
    assert result.code == 0, result.err
    html = (project / "output/fr-CA/tiny.html").read_text()
    assert "FR Leukemia cells are called" in html and "Points clés" in html


def test_missing_unit_fails_the_build(tmp_path):
    project = translated_tiny(tmp_path, drop_unit="tiny.about.0")
    status = run_cli("--project", project, "translations", "status")
    assert status.code == 1 and "1 missing" in status.out
    result = run_cli("--project", project, "build", "--locale", "fr-CA")
    assert result.code == 1
    assert (
        "source/translations/fr-CA.yaml: error: units: 1 unit(s) not translated into "
        "fr-CA, first: tiny.about.0" in result.err
    )
    assert not (project / "output").exists()


def test_stale_unit_is_reported_and_fails_only_strict(tmp_path):
    project = translated_tiny(tmp_path, stale_unit="tiny.key_points.0")
    status = run_cli("--project", project, "translations", "status")
    assert status.code == 1 and "1 stale" in status.out and "tiny.key_points.0" in status.out
    loose = run_cli("--project", project, "build", "--locale", "fr-CA", "--format", "html")
    assert loose.code == 0 and "warning: units: 1 unit(s) translate an older English" in loose.err
    strict = run_cli("--project", project, "build", "--locale", "fr-CA", "--strict")
    assert strict.code == 1


def test_translation_must_keep_links(tmp_path):
    project = translated_tiny(tmp_path)
    path = project / "source/translations/fr-CA.yaml"
    units = yaml.safe_load(path.read_text())
    unit = units["units"]["tiny.about.0"]
    unit["text"] = unit["text"].replace("(glossary:blasts)", "(glossary:unused)")
    path.write_text(yaml.safe_dump(units, allow_unicode=True))
    result = run_cli("--project", project, "check")
    assert result.code == 1 and "must keep the links of the English" in result.err


def test_release_refuses_drafts(tmp_path):
    project = translated_tiny(tmp_path)
    sign(project)  # the English only
    result = run_cli("--project", project, "build", "--release")
    assert result.code == 1 and "handout tiny in fr-CA is a draft" in result.err
    assert (
        run_cli(
            "--project", project, "build", "--release", "--locale", "en-CA", "--format", "html"
        ).code
        == 0
    )


def test_untranslated_layout_word_is_refused(tmp_path):
    project = translated_tiny(tmp_path)
    po = project / "source/locale/fr_CA/LC_MESSAGES/messages.po"
    text = po.read_text()
    po.write_text(re.sub(r'(msgid "Key points"\nmsgstr )"[^"]*"', r'\1""', text))
    result = run_cli("--project", project, "build", "--locale", "fr-CA", "--format", "html")
    assert result.code == 1
    assert re.search(
        r"source/locale/fr_CA/LC_MESSAGES/messages.po:\d+: error: msgstr: "
        r"'Key points' is not translated",
        result.err,
    )


def test_gettext_workflow_round_trips(tmp_path):
    """extract -> update -> compile with Babel, as README documents."""
    project = make_project(tmp_path, "real")
    shutil.copy(REPO / "babel.cfg", project)
    shutil.copytree(REPO / "relapse_handouts", project / "relapse_handouts")
    layout = project / "layouts/part.html.j2"
    layout.write_text(layout.read_text() + '{{ _("A brand new label") }}\n')
    pybabel = [sys.executable, "-m", "babel.messages.frontend"]

    def run(*args):
        return subprocess.run(
            [*pybabel, *args],
            cwd=project,
            check=True,  # noqa
            capture_output=True,
            text=True,
        )

    run(
        "extract",
        "-F",
        "babel.cfg",
        "-k",
        "_",
        "--no-wrap",
        "--sort-by-file",
        "-o",
        "source/locale/messages.pot",
        ".",
    )
    pot = (project / "source/locale/messages.pot").read_text()
    assert re.search(r"#: layouts/part\.html\.j2:\d+\nmsgid \"A brand new label\"", pot)
    run("update", "--no-wrap", "-i", "source/locale/messages.pot", "-d", "source/locale")
    po = project / "source/locale/fr_CA/LC_MESSAGES/messages.po"
    assert 'msgid "A brand new label"\nmsgstr ""' in po.read_text()
    po.write_text(
        po.read_text().replace(
            'msgid "A brand new label"\nmsgstr ""',
            'msgid "A brand new label"\nmsgstr "Une étiquette"',
        )
    )
    run("compile", "-d", "source/locale", "-l", "fr_CA")
    assert (project / "source/locale/fr_CA/LC_MESSAGES/messages.mo").stat().st_size > 0


def test_every_layout_word_is_in_every_catalog_and_translated(tmp_path):
    """Extraction as docs/translating.md runs it (babel.cfg) finds every word the layouts
    and the HTML stage print, and each is translated in every locale's catalog. A word
    missing from a catalog would print in English in that locale without any error (an
    update once marked the pictures' words obsolete: a template Jinja could not parse
    gave no words, silently)."""
    pot = tmp_path / "messages.pot"
    subprocess.run(
        [sys.executable, "-m", "babel.messages.frontend", "extract", "-F", "babel.cfg",
         "-k", "_", "--no-wrap", "-o", str(pot), "."],
        cwd=REPO, check=True, capture_output=True,
    )  # fmt: skip
    with pot.open("rb") as handle:
        found = {message.id for message in read_po(handle) if message.id}
    assert "Who to call, at a glance" in found  # layouts/partials/figures.html.j2
    for po in sorted((REPO / "source/locale").glob("*/LC_MESSAGES/messages.po")):
        with po.open("rb") as handle:
            catalog = read_po(handle)
        translated = {m.id for m in catalog if m.id and m.string and not m.fuzzy}
        assert not found - translated, (po.parent.parent.name, sorted(found - translated))
