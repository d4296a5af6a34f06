"""Stages 1-3 gathered once: the project, the whole plan and the selected outputs, the
content model per locale and the resolved documents, in one frozen value."""

from __future__ import annotations

import dataclasses

import pytest

from relapse_handouts.gather import gather
from tests.base import config_for, translated_tiny


def test_gather_holds_the_plan_the_selection_and_one_document_per_reader(tmp_path):
    project = translated_tiny(tmp_path)
    config = config_for(project, locales=("fr-CA",), formats=("html",))
    gathered = gather(config)
    assert {spec.locale for spec in gathered.plan} == {"en-CA", "fr-CA"}  # the whole plan
    assert [str(spec.path) for spec in gathered.specs] == [
        "fr-CA/tiny.html",
        "fr-CA/tiny.audio.html",
    ]
    assert gathered.locales == ("fr-CA",)
    assert list(gathered.documents) == [("tiny", "general", "fr-CA")]
    document = gathered.documents["tiny", "general", "fr-CA"]
    assert document.locale == "fr-CA" and document.handout.title.startswith("FR ")
    assert gathered.warnings == ()
    with pytest.raises(dataclasses.FrozenInstanceError):
        gathered.specs = ()  # type: ignore[misc]


def test_gather_translates_other_locales_asked_for_without_resolving_them(tmp_path):
    project = translated_tiny(tmp_path)
    gathered = gather(config_for(project, locales=("en-CA",)), also_translate=["fr-CA"])
    assert set(gathered.projects) == {"en-CA", "fr-CA"}
    assert {key[2] for key in gathered.documents} == {"en-CA"}


def test_a_stale_translation_is_a_warning_of_the_gathered_value(tmp_path):
    project = translated_tiny(tmp_path, stale_unit="key_points")
    gathered = gather(config_for(project, locales=("fr-CA",)))
    assert len(gathered.warnings) == 1
    assert "fr-CA.yaml" in gathered.warnings[0].format()
