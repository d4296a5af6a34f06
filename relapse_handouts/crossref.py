"""Checks across files: ids unique, every link, reference, drug group and condition known.

Runs on the raw parsed data beside the validated model so each problem is reported at
the line where the author wrote it.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Iterator, Mapping
from typing import Any

from .conditions import UNSET, ConditionSyntaxError, leaks, names_in, parse_condition
from .errors import ErrorCollector
from .markup import link_targets
from .model import Project
from .yamlfile import YamlFile, dotted

__all__ = ["check_project"]

Path_ = tuple[Any, ...]
# Anchors the layouts generate: handout-title, handout-glossary, term-ID, ref-ID...
_RESERVED_PREFIXES = ("handout-", "term-", "ref-")


def check_project(project: Project, files: dict[str, YamlFile], errors: ErrorCollector) -> None:
    known = _KnownIds(project)
    for name, file in files.items():
        for at, key, value in _entries(file.data, ()):
            if key in ("when", "summary") and isinstance(value, str):
                _check_condition(value, project, file, at + (key,), errors)
            elif isinstance(value, str):
                _check_links(value, known, file, at + (key,), errors)
        if name.startswith("handouts/"):
            _check_handout(file, known, errors)
    for name, key, field in (
        ("drugs.yaml", "drugs", "id"),
        ("glossary.yaml", "terms", "id"),
        ("references.yaml", "references", "id"),
        ("variants.yaml", "variants", "id"),
        ("variants.yaml", "variants", "slug"),
    ):
        _check_unique(
            files[name], [(key, i) for i in range(len(files[name].data[key]))], field, errors
        )
    _check_variants(project, files["variants.yaml"], errors)
    _check_site(project, files["site.yaml"], errors)
    if not errors.errors:  # conditions and attributes valid: safe to evaluate
        for file in files.values():
            _check_leaks(project, file, errors)


def _check_leaks(project: Project, file: YamlFile, errors: ErrorCollector) -> None:
    """No variant keeps text because of an attribute it does not set (conditions.py)."""
    from .resolve import variant_profile

    profiles = {v.id: variant_profile(project.site, v) for v in project.variants}
    for at, key, value in _entries(file.data, ()):
        if key not in ("when", "summary") or not isinstance(value, str):
            continue
        condition = parse_condition(value)
        for variant_id, profile in profiles.items():
            leaked = leaks(condition, profile, project.site.attributes)
            if leaked:
                errors.add(
                    f"variant '{variant_id}' would keep this text because it does not set "
                    f"{', '.join(leaked)}",
                    file.locate(at + (key,)),
                    field=dotted(at + (key,)),
                    hint="name the values the text is true for, or add "
                    f"'{leaked[0]}.unset' to keep it where the variant does not set it",
                )


class _KnownIds:
    def __init__(self, project: Project) -> None:
        self.glossary = {term.id for term in project.glossary}
        self.references = {ref.id for ref in project.references}
        self.drug_groups = {drug.group for drug in project.drugs}
        self.anchors: set[str] = set()
        for handout in project.handouts:
            for section in handout.sections:
                self.anchors.add(section.id)
                self.anchors.update(sub.id for sub in section.subsections)


def _entries(data: Any, at: Path_) -> Iterator[tuple[Path_, Any, Any]]:
    if isinstance(data, dict):
        for key, value in data.items():
            yield at, key, value
            yield from _entries(value, at + (key,))
    elif isinstance(data, list):
        for index, value in enumerate(data):
            yield at, index, value
            yield from _entries(value, at + (index,))


def _check_links(
    text: str, known: _KnownIds, file: YamlFile, at: Path_, errors: ErrorCollector
) -> None:
    for href in link_targets(text):
        scheme, _, target = href.partition(":")
        if href.startswith("#"):
            ok, kind, hint = href[1:] in known.anchors, "section", "a section or subsection id"
        elif scheme == "glossary":
            ok, kind, hint = target in known.glossary, "glossary term", "an id in glossary.yaml"
        elif scheme == "ref":
            ok, kind, hint = target in known.references, "reference", "an id in references.yaml"
        elif scheme in ("http", "https"):
            continue
        else:
            ok, kind, hint = False, "link", "glossary:ID, ref:ID, #section-id or https://..."
        if not ok:
            errors.add(
                f"{kind} '{href}' does not exist",
                file.locate(at),
                field=dotted(at),
                hint=f"link to {hint}",
            )


def _check_condition(
    text: str, project: Project, file: YamlFile, at: Path_, errors: ErrorCollector
) -> None:
    attributes = project.site.attributes
    try:
        condition = parse_condition(text)
    except ConditionSyntaxError as error:
        errors.add(
            str(error),
            file.locate(at),
            field=dotted(at),
            hint="write names like relapse_site.cns joined by and, or, not",
        )
        return
    for name in names_in(condition):
        values = () if name.value == UNSET else (name.value,)
        _check_attribute(name.attribute, values, attributes, file, at, errors)


def _check_attribute(
    attribute: str,
    values: Iterable[str],
    attributes: Mapping[str, Iterable[str]],
    file: YamlFile,
    at: Path_,
    errors: ErrorCollector,
) -> None:
    """``attribute`` and each of ``values`` must be declared in site.yaml 'attributes'."""
    if attribute not in attributes:
        errors.add(
            f"unknown attribute '{attribute}'",
            file.locate(at),
            field=dotted(at),
            hint=f"use one of {', '.join(sorted(attributes))} (declared in site.yaml 'attributes')",
        )
        return
    for value in values:
        if value not in attributes[attribute]:
            errors.add(
                f"'{value}' is not a value of '{attribute}'",
                file.locate(at),
                field=dotted(at),
                hint=f"use one of {', '.join(attributes[attribute])}",
            )


def _check_handout(file: YamlFile, known: _KnownIds, errors: ErrorCollector) -> None:
    data = file.data
    for index, ref in enumerate(data.get("references", [])):
        if ref not in known.references:
            errors.add(
                f"reference '{ref}' does not exist",
                file.locate(("references", index)),
                field=f"references[{index}]",
                hint="use an id from references.yaml",
            )
    places: list[Path_] = []
    for s, section in enumerate(data.get("sections", [])):
        places.append(("sections", s))
        for b, block in enumerate(section.get("blocks", [])):
            if (
                isinstance(block, dict)
                and "drugs" in block
                and block["drugs"] not in known.drug_groups
            ):
                at = ("sections", s, "blocks", b, "drugs")
                errors.add(
                    f"drug group '{block['drugs']}' has no drugs",
                    file.locate(at),
                    field=dotted(at),
                    hint="use a 'group' from drugs.yaml",
                )
        places += [
            ("sections", s, "subsections", i) for i in range(len(section.get("subsections", [])))
        ]
    _check_unique(file, places, "id", errors)
    _check_citations(file, places, known, errors)
    _check_sign_icons(file, errors)
    _check_reserved_ids(file, places, errors)


def _check_reserved_ids(file: YamlFile, places: list[Path_], errors: ErrorCollector) -> None:
    """No section or subsection id may start like an id the layouts make."""
    for at in places:
        section_id = _get(file.data, at + ("id",))
        if isinstance(section_id, str) and section_id.startswith(_RESERVED_PREFIXES):
            errors.add(
                f"id '{section_id}' starts with a prefix the layouts use",
                file.locate(at + ("id",)),
                field=dotted(at + ("id",)),
                hint=f"ids may not start with {', '.join(_RESERVED_PREFIXES)}",
            )


def _check_sign_icons(file: YamlFile, errors: ErrorCollector) -> None:
    """Every sign listed in the urgent section has its icon (icons.py): a family looks
    before they read, and a sign without one would look less urgent than the others."""
    for s, section in enumerate(file.data.get("sections", [])):
        if not isinstance(section, dict) or section.get("role") != "urgent":
            continue
        for b, block in enumerate(section.get("blocks", [])):
            items = block.get("list", []) if isinstance(block, dict) else []
            for i, item in enumerate(items if isinstance(items, list) else []):
                if isinstance(item, dict) and item.get("icon"):
                    continue
                at = ("sections", s, "blocks", b, "list", i)
                errors.add(
                    "a sign in the urgent section has no icon",
                    file.locate(at),
                    field=dotted(at + ("icon",)),
                    hint="write the sign as 'text: ...' with 'icon: NAME' (the icons are "
                    "listed in docs/authoring.md, 'Icons beside the urgent signs')",
                    code="sign_without_icon",
                )


def _check_citations(
    file: YamlFile, places: list[Path_], known: _KnownIds, errors: ErrorCollector
) -> None:
    """The citation gate: a block marked ``beyond_seed`` (a fact the seed page does not
    give) must cite a reference, and every cited reference must be in references.yaml
    (a variant lists what it cites, after the handout's own ``references``)."""
    for place in places:
        for b, block in enumerate(_get(file.data, place + ("blocks",)) or []):
            if not isinstance(block, dict):
                continue
            at = place + ("blocks", b)
            cited = [_cite_id(cite) for cite in block.get("cites") or []]
            texts = [v for v in _strings(block)]
            cited += [h[4:] for t in texts for h in link_targets(t) if h.startswith("ref:")]
            if block.get("beyond_seed") and not cited:
                errors.add(
                    "this block states facts beyond the seed page but cites no reference",
                    file.locate(at + ("beyond_seed",)),
                    field=dotted(at),
                    hint="add 'cites: [reference-id]' naming the source that supports it "
                    "(references.yaml), or keep to what the seed page says",
                )
            for index, cite in enumerate(block.get("cites") or []):
                ref_id = _cite_id(cite)
                if ref_id not in known.references:
                    errors.add(
                        f"cited reference '{ref_id}' is not in references.yaml",
                        file.locate(at + ("cites", index)),
                        field=dotted(at + ("cites", index)),
                        hint="cite an id from references.yaml",
                    )


def _cite_id(cite: Any) -> Any:
    return cite.get("id") if isinstance(cite, dict) else cite


def _strings(data: Any) -> Iterator[str]:
    if isinstance(data, str):
        yield data
    elif isinstance(data, dict):
        for value in data.values():
            yield from _strings(value)
    elif isinstance(data, list):
        for value in data:
            yield from _strings(value)


def _check_unique(file: YamlFile, places: list[Path_], field: str, errors: ErrorCollector) -> None:
    values = [(_get(file.data, at + (field,)), at) for at in places]
    counts = Counter(value for value, _ in values if value is not None)
    seen: set[str] = set()
    for value, at in values:
        if counts.get(value, 0) > 1 and value in seen:
            errors.add(
                f"{field} '{value}' is used more than once",
                file.locate(at + (field,)),
                field=dotted(at + (field,)),
                hint=f"give each a different {field}",
            )
        seen.add(value)


def _check_variants(project: Project, file: YamlFile, errors: ErrorCollector) -> None:
    for index, variant in enumerate(project.variants):
        for attribute, values in variant.attributes.items():
            at = ("variants", index, "attributes", attribute)
            _check_attribute(attribute, values, project.site.attributes, file, at, errors)


def _check_site(project: Project, file: YamlFile, errors: ErrorCollector) -> None:
    site = project.site
    glossary = {term.id for term in project.glossary}
    for index, term in enumerate(site.medical_terms):
        if term not in glossary:
            errors.add(
                f"medical term '{term}' is not in the glossary",
                file.locate(("medical_terms", index)),
                f"medical_terms[{index}]",
                hint="add it to source/glossary.yaml, or correct the id",
            )
    if site.source_locale not in site.locales:
        errors.add(
            f"source_locale '{site.source_locale}' is not in locales",
            file.locate(("source_locale",)),
            "source_locale",
            hint="add it under 'locales' or correct the code",
        )


def _get(data: Any, at: Path_) -> Any:
    for key in at:
        try:
            data = data[key]
        except (KeyError, IndexError, TypeError):
            return None
    return data
