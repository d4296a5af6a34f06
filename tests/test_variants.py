"""Tailored handouts: variants read from the built outputs."""

from __future__ import annotations

import re

import pytest
from pypdf import PdfReader

from relapse_handouts import load_project, resolve_handout
from tests.base import REPO, config_for, make_project, pdf_text, run_cli


@pytest.fixture(scope="module")
def texts(real_build) -> dict[str, str]:
    output, _ = real_build
    return {
        path.name.split(".")[0]: pdf_text(path, join_hyphens=True)
        for path in sorted((output / "en-CA").glob("*.letter.pdf"))
        if path.name.count(".") == 2  # the standard edition: <slug>.letter.pdf
    }


def test_every_variant_is_built_in_every_format(real_build):
    output, _ = real_build
    project = load_project(config_for(REPO))
    for variant in project.variants:
        for suffix in ("letter.pdf", "epub", "html"):  # A4: the quick build's general only
            assert (output / "en-CA" / f"{variant.slug}.{suffix}").is_file()


@pytest.mark.slow
def test_every_variant_is_built_on_both_papers_in_every_locale(full_build):
    output, _ = full_build
    project = load_project(config_for(REPO))
    for locale in project.site.locales:
        for variant in project.variants:
            for suffix in ("letter.pdf", "a4.pdf", "epub", "html"):
                assert (output / locale / f"{variant.slug}.{suffix}").is_file()


def test_cns_handout_explains_intrathecal_and_not_testicles(texts):
    cns = texts["relapsed-all-cns"]
    assert "intrathecal chemotherapy" in cns and "cerebrospinal fluid" in cns
    # Radiation follows the seed: "the affected area", no site the seed does not name.
    assert "affected area" in cns and "brain and spine" not in cns
    assert not re.search(r"testic", cns, re.I)


def test_testicular_handout_is_the_reverse(texts):
    testicular = texts["relapsed-all-testicular"]
    assert "affected area" in testicular
    assert not re.search(r"intrathecal|cerebrospinal", testicular, re.I)


def test_refractory_handout_says_no_standard_treatment(texts):
    refractory = texts["refractory-all"]
    assert "There is no standard treatment for refractory childhood ALL" in refractory
    assert "clinical trial" in refractory and "Blincyto" in refractory
    assert "Kymriah" in refractory
    assert "Chemotherapy to bring back remission" not in refractory


def test_treatment_handouts_name_their_facts(texts):
    assert "Philadelphia" in texts["blinatumomab"] and "IV infusion" in texts["blinatumomab"]
    assert "tisagenlecleucel" in texts["car-t-cell-therapy"].lower()
    assert "brother or" in texts["stem-cell-transplant"]
    assert "tisagenlecleucel" not in texts["stem-cell-transplant"].lower()


def test_every_variant_keeps_disclaimer_references_and_questions(texts):
    assert len(texts) == 8
    for name, text in texts.items():
        for required in (
            "Medical disclaimer",
            "References",
            "Questions to ask",
            "Childhood Acute Lymphoblastic Leukemia Treatment (PDQ",
        ):
            assert required in text, f"{name} lacks {required}"


def test_variant_title_is_the_pdf_title(real_build):
    output, _ = real_build
    reader = PdfReader(output / "en-CA/relapsed-all-cns.letter.pdf")
    assert reader.metadata.title == "When childhood ALL comes back in the brain or spinal cord"


def test_glossary_lists_only_terms_the_variant_uses():
    project = load_project(config_for(REPO))
    variants = {v.id: v for v in project.variants}
    cns = resolve_handout(project, project.handouts[0], variants["cns"], "en-CA")
    car_t = resolve_handout(project, project.handouts[0], variants["car-t"], "en-CA")
    assert "intrathecal" in {t.id for t in cns.glossary}
    assert "intrathecal" not in {t.id for t in car_t.glossary}
    assert "car-t" in {t.id for t in car_t.glossary}


def test_variant_with_unknown_value_is_refused(tmp_path):
    project = make_project(tmp_path)
    path = project / "source/variants.yaml"
    path.write_text(path.read_text() + "    attributes:\n      relapse_site: [lungs]\n")
    result = run_cli("--project", project, "check")
    assert result.code == 1
    assert (
        "source/variants.yaml:7: error: variants[0].attributes.relapse_site: 'lungs' is "
        "not a value of 'relapse_site'" in result.err
    )


def test_link_to_a_section_the_variant_drops_is_refused(tmp_path):
    project = make_project(tmp_path)
    handout = project / "source/handouts/tiny.yaml"
    handout.write_text(
        handout.read_text().replace(
            "          - What happens next?", '          - "[More](#more)?"'
        )
        + "  - id: more\n    title: More\n    when: relapse_site.marrow\n"
        "    blocks:\n      - p: Only for marrow.\n"
    )
    path = project / "source/variants.yaml"
    path.write_text(path.read_text() + "    attributes:\n      relapse_site: [cns]\n")
    result = run_cli("--project", project, "check")
    assert result.code == 1
    assert "keeps links to sections it leaves out: #more" in result.err
