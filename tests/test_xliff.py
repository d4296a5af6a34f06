"""translations export / tmx / import: XLIFF 1.2 and 2.0, TMX, PO via translate-toolkit's
converters, and files that must be refused without writing anything."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
import yaml
from lxml import etree
from translate.convert import po2xliff, xliff2po
from translate.storage import po, tmx

from tests.base import run_cli, translated_tiny

NS12 = "urn:oasis:names:tc:xliff:document:1.2"
NS20 = "urn:oasis:names:tc:xliff:document:2.0"
LINKED = "tiny.about.0"  # "Leukemia cells are called [blasts](glossary:blasts)."
PLAIN = "tiny.about.1"  # "This paragraph is only for CNS relapse."


@pytest.fixture
def project(tmp_path) -> Path:
    return translated_tiny(tmp_path)


def yaml_path(project: Path) -> Path:
    return project / "source/translations/fr-CA.yaml"


def export(project: Path, *options: str) -> Path:
    path = project.parent / f"fr{len(list(project.parent.glob('*.xlf')))}.xlf"
    result = run_cli("--project", project, "translations", "export", "--locale", "fr-CA",
                     "-o", path, *options)  # fmt: skip
    assert result.code == 0, result.err
    return path


def unit_ids(path: Path) -> list[str]:
    root = etree.parse(str(path)).getroot()
    return [unit.get("id") for unit in root.iter(f"{{{NS12}}}trans-unit", f"{{{NS20}}}unit")]


def set_target(path: Path, unit_id: str, fragment: str, namespace: str = NS12) -> None:
    """Replace a unit's target content with ``fragment`` (XML), as a translator would."""
    tree = etree.parse(str(path))
    for target in tree.iter(f"{{{namespace}}}target"):
        unit = target.getparent()
        owner = unit if namespace == NS12 else unit.getparent()
        if owner.get("id") == unit_id:
            new = etree.fromstring(f'<target xmlns="{namespace}">{fragment}</target>')
            new.attrib.update(target.attrib)
            new.tail = target.tail
            unit.replace(target, new)
    path.write_bytes(etree.tostring(tree, xml_declaration=True, encoding="utf-8"))


def import_file(project: Path, path: Path, *options: str):
    return run_cli("--project", project, "translations", "import", path, *options)


def text_of(project: Path, unit_id: str) -> str:
    return yaml.safe_load(yaml_path(project).read_text())["units"][unit_id]["text"]


def test_export_has_every_unit_with_a_target_context_and_protected_link(project):
    path = export(project)
    root = etree.parse(str(path)).getroot()
    assert root.get("version") == "1.2"
    file = root.find(f"{{{NS12}}}file")
    assert (file.get("source-language"), file.get("target-language")) == ("en-CA", "fr-CA")
    units = {unit.get("id"): unit for unit in root.iter(f"{{{NS12}}}trans-unit")}
    assert len(units) == len(yaml.safe_load(yaml_path(project).read_text())["units"])
    assert all(unit.find(f"{{{NS12}}}target") is not None for unit in units.values())
    linked = units[LINKED]
    source = linked.find(f"{{{NS12}}}source")
    assert etree.tostring(source, encoding="unicode").count('<g id="1" ctype="link">blasts</g>')
    target = linked.find(f"{{{NS12}}}target")
    assert target.get("state") == "translated" and target.find(f"{{{NS12}}}g").get("id") == "1"
    note = linked.find(f"{{{NS12}}}note").text
    assert "About relapse" in note and "'blasts' means: Leukemia cells." in note
    assert "link to glossary:blasts" in note
    assert "Shown in: general" in units[PLAIN].find(f"{{{NS12}}}note").text


def test_unchanged_round_trip_writes_nothing_new(project):
    before = yaml_path(project).read_bytes()
    result = import_file(project, export(project))
    assert result.code == 0, result.err
    assert "0 imported (drafts)" in result.out and "0 refused" in result.out
    assert yaml_path(project).read_bytes() == before


def test_translated_target_is_imported_as_a_draft_with_its_link(project):
    path = export(project)
    set_target(path, LINKED, 'On appelle <g id="1">blastes</g> les cellules leucémiques.')
    result = import_file(project, path)
    assert result.code == 0, result.err
    assert "1 imported (drafts)" in result.out
    assert (
        text_of(project, LINKED)
        == "On appelle [blastes](glossary:blasts) les cellules leucémiques."
    )
    assert run_cli("--project", project, "translations", "status").code == 0
    # An import signs nothing: no approval is written (approvals: docs/reviewing.md).
    assert not list((project / "source").glob("approvals/*"))


def test_xliff_2_round_trip(project):
    path = export(project, "--xliff", "2.0")
    root = etree.parse(str(path)).getroot()
    assert (root.get("version"), root.get("trgLang")) == ("2.0", "fr-CA")
    assert root.find(f".//{{{NS20}}}pc").get("type") == "link"
    assert root.find(f"{{{NS20}}}file/{{{NS20}}}unit/{{{NS20}}}notes") is not None
    set_target(path, LINKED, 'Les <pc id="1">blastes</pc> sont des cellules.', NS20)
    result = import_file(project, path)
    assert result.code == 0, result.err
    assert text_of(project, LINKED) == "Les [blastes](glossary:blasts) sont des cellules."


def test_changed_only_exports_the_changed_paragraph_and_import_clears_its_warning(project):
    handout = project / "source/handouts/tiny.yaml"
    handout.write_text(
        handout.read_text().replace("only for CNS relapse", "only for a CNS relapse")
    )
    path = export(project, "--changed-only")
    assert unit_ids(path) == [PLAIN]
    set_target(path, PLAIN, "Ce paragraphe est seulement pour une rechute du SNC.")
    # Another English change after the export: its unit must stay stale.
    handout.write_text(handout.read_text().replace("One key point.", "One new key point."))
    status = run_cli("--project", project, "translations", "status")
    assert "2 stale" in status.out
    result = import_file(project, path)
    assert result.code == 0, result.err
    status = run_cli("--project", project, "translations", "status")
    assert "1 stale" in status.out and "stale tiny.key_points.0" in status.out
    assert PLAIN not in status.out
    assert text_of(project, PLAIN) == "Ce paragraphe est seulement pour une rechute du SNC."


def test_stale_unit_in_the_file_is_reported_and_left_out(project):
    path = export(project)
    set_target(path, PLAIN, "Ce paragraphe est pour le SNC.")
    handout = project / "source/handouts/tiny.yaml"
    handout.write_text(handout.read_text().replace("only for CNS relapse", "for CNS relapse"))
    before = text_of(project, PLAIN)
    result = import_file(project, path)
    assert f"{path}:" in result.err and f"warning: {PLAIN}: stale" in result.err
    assert text_of(project, PLAIN) == before


def test_markdown_typed_in_a_target_stays_plain_text(project):
    path = export(project)
    set_target(path, PLAIN, "Ce **paragraphe** [clic](https://example.org) `x` est pour le SNC.")
    assert import_file(project, path).code == 0
    text = text_of(project, PLAIN)
    assert text == r"Ce \*\*paragraphe\*\* \[clic\](https://example.org) \`x\` est pour le SNC."
    from relapse_handouts.markup import link_targets, plain_text

    assert link_targets(text) == [] and "**paragraphe**" in plain_text(text)


REFUSED = [
    (LINKED, "On appelle blastes les cellules.", "inline code(s) missing from the target: 1"),
    (LINKED, 'Les <g id="1">blastes</g> <g id="7">x</g>.', "inline code '7' is not in the English"),
    (LINKED, 'Les <g id="1">blastes</g> et <g id="1">blastes</g>.', "appears twice"),
    (LINKED, 'Les <g id="1">blastes</g> <b xmlns="">gras</b>.', "markup <b> in the target"),
    (PLAIN, "   ", "the target is empty"),
    (PLAIN, "This paragraph is only for CNS relapse.", "the English copied over"),
    (PLAIN, "Ce paragraphe \u202eest\u202c pour le SNC.", "U+202E"),
    (PLAIN, "Ce paragraphe\u009b est pour le SNC.", "U+009B"),  # C1 control (CSI)
]


@pytest.mark.parametrize(("unit", "fragment", "message"), REFUSED)
def test_bad_target_refused_and_nothing_written(project, unit, fragment, message):
    path = export(project)
    set_target(path, PLAIN if unit == LINKED else LINKED, 'Un <g id="1">blaste</g> ici.')
    set_target(path, unit, fragment)
    before = yaml_path(project).read_bytes()
    result = import_file(project, path)
    assert result.code == 1
    assert f"{path}:" in result.err and f": error: {unit}: " in result.err
    assert message in result.err, result.err
    assert "nothing imported" in result.out
    assert yaml_path(project).read_bytes() == before


LAUGHS = (
    '<?xml version="1.0"?>\n<!DOCTYPE xliff [<!ENTITY a "aaaaaaaaaa">'
    '<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;"><!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;">]>\n'
)
EXTERNAL = '<?xml version="1.0"?>\n<!DOCTYPE xliff [<!ENTITY x SYSTEM "file:///etc/passwd">]>\n'


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda text: LAUGHS + text.split("?>", 1)[1].replace("FR ", "&c;", 1), "DOCTYPE"),
        (lambda text: EXTERNAL + text.split("?>", 1)[1].replace("FR ", "&x;", 1), "DOCTYPE"),
        (lambda text: text[: len(text) // 2], "not well-formed XML"),
        (lambda text: text.replace(f'id="{PLAIN}"', 'id="not.ours"'), "'not.ours' is not one of"),
        (lambda text: text.replace('target-language="fr-CA"', 'target-language="es"'), "'es'"),
        (lambda text: "<html><body/></html>", "not an XLIFF"),
    ],
    ids=["entity-expansion", "external-entity", "truncated", "unknown-id", "language", "html"],
)
def test_hostile_files_refused_and_nothing_written(project, change, message):
    path = export(project)
    set_target(path, PLAIN, "Ce paragraphe est pour le SNC.")
    path.write_text(change(path.read_text(encoding="utf-8")), encoding="utf-8")
    before = yaml_path(project).read_bytes()
    result = import_file(project, path)
    assert result.code == 1
    assert message in result.err, result.err
    assert str(path) in result.err
    assert yaml_path(project).read_bytes() == before


def test_import_checks_the_locale_asked_for(project):
    result = import_file(project, export(project), "--locale", "es")
    assert result.code == 1 and "expected es" in result.err


def test_tmx_holds_approved_only_unless_drafts_asked(project, tmp_path):
    memory = tmp_path / "fr.tmx"
    result = run_cli("--project", project, "translations", "tmx", "--locale", "fr-CA", "-o", memory)
    assert result.code == 0 and "0 approved translation(s)" in result.out
    assert "--drafts" in result.out
    assert len(tmx.tmxfile.parsefile(str(memory)).units) == 0
    run_cli(
        "--project", project, "translations", "tmx", "--locale", "fr-CA", "--drafts", "-o", memory
    )
    store = tmx.tmxfile.parsefile(str(memory))
    count = len(yaml.safe_load(yaml_path(project).read_text())["units"])
    assert len(store.units) == count
    text = memory.read_text()
    assert '<bpt i="1" x="1" type="link">[</bpt>blasts<ept i="1">](glossary:blasts)</ept>' in text
    assert '<prop type="x-status">draft</prop>' in text and 'xml:lang="fr-CA"' in text


def _po_round_trip(xlf: Path, translate: dict[str, str]) -> Path:
    """xliff2po, a translator filling msgstr in the PO, po2xliff: translate-toolkit's own
    converters, as an agency working in PO would run them."""
    po_bytes = io.BytesIO()
    xliff2po.convertxliff(io.BytesIO(xlf.read_bytes()), po_bytes, None)
    store = po.pofile(io.BytesIO(po_bytes.getvalue()))
    store.updateheader(add=True, Language="fr_CA")
    for unit in store.units:
        if not unit.isheader():
            unit.target = translate[unit.getlocations()[0]]
    back = io.BytesIO()
    po2xliff.convertpo(io.BytesIO(bytes(store)), back, None)
    path = xlf.with_suffix(".po.xlf")
    path.write_bytes(back.getvalue())
    return path


def test_po_round_trip_through_translate_toolkit_converters(project):
    handout = project / "source/handouts/tiny.yaml"
    handout.write_text(
        handout.read_text().replace("only for CNS relapse", "only for a CNS relapse")
    )
    path = _po_round_trip(export(project, "--changed-only"), {PLAIN: "Pour une rechute du SNC."})
    result = import_file(project, path)
    assert result.code == 0, result.err
    assert text_of(project, PLAIN) == "Pour une rechute du SNC."
    assert "0 stale" in run_cli("--project", project, "translations", "status").out


def test_po_round_trip_refuses_a_unit_whose_link_the_po_lost(project):
    handout = project / "source/handouts/tiny.yaml"
    handout.write_text(handout.read_text().replace("are called", "are named"))
    xlf = export(project, "--changed-only")
    assert unit_ids(xlf) == [LINKED]
    path = _po_round_trip(xlf, {LINKED: "On appelle ces cellules des blastes."})
    before = yaml_path(project).read_bytes()
    result = import_file(project, path)
    assert result.code == 1 and "were lost on the way" in result.err
    assert yaml_path(project).read_bytes() == before
