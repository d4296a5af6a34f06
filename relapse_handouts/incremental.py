"""Incremental builds: each output keyed by a hash of everything it depends on.

The state file (``output/.build-state.json``) records, per output, its key and the size
and time of the file written. When every key still matches and every file is still
there, a build does nothing: it loads no content and never imports the renderers.
Nothing personal is ever recorded here: personalized handouts bypass this module.
"""

from __future__ import annotations

import hashlib
import json
import os
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .config import BuildConfig
from .files import read_bytes

__all__ = ["Fingerprint", "BuildState", "fingerprint", "load_state", "STATE_NAME"]

STATE_NAME = ".build-state.json"
# Modules that never change an output's bytes: editing them rebuilds nothing.
# The nurse desk (a web server) renders nothing that goes into output/.
_NOT_RENDERING_DIRS = ("layouts/desk/", "relapse_handouts/desk/")
_NOT_RENDERING = {
    "cli.py",
    "progress.py",
    "catalog.py",
    "emaildraft.py",
    "personalize.py",
    "translations_cli.py",
    "pipeline.py",
    "incremental.py",
    "personal.py",
}
_FONT_DIRS = ("/usr/share/fonts", "/usr/local/share/fonts")
# What each format's stylesheet set is: a style edit rebuilds only the formats using it.
_STYLES = {
    "pdf": ("content.css", "print.css"),
    "epub": ("content.css", "epub.css"),
    "html": ("content.css", "screen.css"),
}


@dataclass(frozen=True)
class Fingerprint:
    """Hashes of every input file (relative path -> sha256) and of the environment."""

    files: dict[str, str]
    environment: str

    def digest(self, names: list[str]) -> str:
        hasher = hashlib.sha256(self.environment.encode())
        for name in sorted(names):
            hasher.update(f"{name}\0{self.files.get(name, 'missing')}\n".encode())
        return hasher.hexdigest()

    def plan_digest(self, config: BuildConfig) -> str:
        """Changes when the list of outputs could change: site, variants, handout files."""
        names = [
            n
            for n in self.files
            if n in ("source/site.yaml", "source/variants.yaml") or n.startswith("source/handouts/")
        ]
        options = json.dumps([config.variants, config.locales, config.formats, config.papers])
        return hashlib.sha256((self.digest(names) + options).encode()).hexdigest()

    def catalog_key(self) -> str:
        """The catalog page's inputs beyond the manifest: its layout, style and code, and
        the source (titles, descriptions, review dates)."""
        return self.digest(
            [
                n
                for n in self.files
                if n.startswith("source/")
                or n
                in ("layouts/catalog.html.j2", "styles/catalog.css", "relapse_handouts/catalog.py")
            ]
        )

    def output_key(self, spec: dict[str, Any], source_locale: str) -> str:
        """Everything ``spec`` depends on: its handout and shared data, its locale's
        translations and catalog, all layouts, its format's styles, code and fonts."""
        names = [
            n
            for n in self.files
            if not n.startswith(_NOT_RENDERING_DIRS)
            and (
                n.startswith("layouts/")
                or (n.startswith("relapse_handouts/") and n.split("/")[-1] not in _NOT_RENDERING)
            )
        ]
        names += [
            f"source/{n}"
            for n in (
                "site.yaml",
                "variants.yaml",
                "drugs.yaml",
                "glossary.yaml",
                "references.yaml",
            )
        ]
        names.append(f"source/handouts/{spec['handout']}.yaml")
        names += [f"styles/{name}" for name in _STYLES[spec["format"]]]
        if spec.get("edition") == "large-print":
            names.append("styles/large-print.css")
        if spec["locale"] != source_locale:
            names.append(f"source/translations/{spec['locale']}.yaml")
            names += [
                n
                for n in self.files
                if n.startswith("source/locale/")
                and n.endswith(".po")
                and f"/{_catalog_dir(spec['locale'])}/" in n
            ]
        return hashlib.sha256(
            (self.digest(names) + json.dumps(spec, sort_keys=True)).encode()
        ).hexdigest()


def _catalog_dir(locale: str) -> str:
    # The same folder name Babel gives (fr-CA -> fr_CA, zh-Hans -> zh_Hans).
    return locale.replace("-", "_")


def fingerprint(config: BuildConfig) -> Fingerprint:
    files: dict[str, str] = {}
    package_dir = Path(__file__).parent
    for folder in (config.source_dir, config.layouts_dir, config.styles_dir, package_dir):
        base = config.root if folder != package_dir else package_dir.parent
        inside = (folder,) if folder != package_dir else None
        for path in sorted(folder.rglob("*")):
            if path.is_file() and "__pycache__" not in path.parts:
                name = path.relative_to(base).as_posix()
                data = read_bytes(path, Path(name), inside)  # bounded, inside the project
                files[name] = hashlib.sha256(data).hexdigest()
    return Fingerprint(files, _environment())


def _environment() -> str:
    """Python, the installed packages (their dist-info names carry the versions) and the
    font folders (a font added or removed changes its folder's time)."""
    parts = [sys.version]
    for folder in sorted({Path(p) for p in sys.path if p.endswith("site-packages")}):
        if folder.is_dir():
            parts += sorted(name for name in os.listdir(folder) if name.endswith(".dist-info"))
    for root in _FONT_DIRS:
        for folder, _, _ in sorted(os.walk(root)):
            parts.append(f"{folder}:{os.stat(folder).st_mtime_ns}")
    return hashlib.sha256("\n".join(parts).encode()).hexdigest()


@dataclass(frozen=True)
class BuildState:
    """What the last builds wrote: plan digest, and per output path its spec and key."""

    plan_digest: str
    source_locale: str
    outputs: dict[str, dict[str, Any]]
    catalog_key: str = ""

    def is_current(self, fingerprint: Fingerprint, config: BuildConfig) -> bool:
        """True when a build with ``config`` would render nothing and remove nothing."""
        if (
            not self.outputs
            or fingerprint.plan_digest(config) != self.plan_digest
            or fingerprint.catalog_key() != self.catalog_key
        ):
            return False
        return all(
            self.file_is_current(config.output_dir, path, record)
            and fingerprint.output_key(record["spec"], self.source_locale) == record["key"]
            for path, record in self.outputs.items()
            if _selected(record["spec"], config)
        )

    @staticmethod
    def file_is_current(output_dir: Path, path: str, record: dict[str, Any]) -> bool:
        try:
            stat = (output_dir / path).stat()
        except OSError:
            return False
        return stat.st_size == record["bytes"] and stat.st_mtime_ns == record["mtime_ns"]

    def to_json(self) -> str:
        return json.dumps(
            {
                "plan_digest": self.plan_digest,
                "source_locale": self.source_locale,
                "outputs": self.outputs,
                "catalog_key": self.catalog_key,
            },
            indent=1,
            sort_keys=True,
        )


def _selected(spec: dict[str, Any], config: BuildConfig) -> bool:
    return all(
        not chosen or spec[field] in chosen
        for field, chosen in (
            ("variant", config.variants),
            ("locale", config.locales),
            ("format", config.formats),
        )
    )


def load_state(output_dir: Path) -> BuildState:
    try:
        data = json.loads((output_dir / STATE_NAME).read_text(encoding="utf-8"))
        return BuildState(
            data["plan_digest"], data["source_locale"], data["outputs"], data.get("catalog_key", "")
        )
    except (OSError, ValueError, KeyError, TypeError):
        return BuildState("", "", {})
