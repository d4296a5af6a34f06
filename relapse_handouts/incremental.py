"""Incremental builds: each output keyed by a hash of everything it depends on.

The state file (``output/.build-state.json``) records the whole plan (every output the
source asks for, whatever the command line selected) and, per output written, its key
and the size and time of the file. When every output the command line selects is in the
plan's record with a matching key and an untouched file, a build does nothing: it loads
no content and never imports the renderers. Because the plan is recorded whole, a
filtered build never hides the outputs it did not select from the next build.
Nothing personal is ever recorded here: personalized handouts bypass this module.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .config import BuildConfig
from .errors import HandoutError
from .files import read_text, sha256_of
from .fonts import ProjectFonts, project_fonts
from .formats import SHARED_SOURCES, output_format
from .languages import catalog_folder

__all__ = ["Fingerprint", "BuildState", "fingerprint", "load_state", "STATE_NAME"]

STATE_NAME = ".build-state.json"
# The stages whose code makes an output's bytes: they and every module they import (found
# by reading the imports, so editing the audit, the CLI or the desk rebuilds nothing).
_RENDERING_STAGES = ("gather.py", "render.py")
_PACKAGE = Path(__file__).resolve().parent
# Layouts of the nurse desk (a web server) go into no output.
_NOT_RENDERING_LAYOUTS = ("layouts/desk/",)
# What decides the list of outputs: the matrix's source files and the code planning it.
_PLAN_INPUTS = ("source/site.yaml", "source/variants.yaml")
_PLAN_CODE = ("relapse_handouts/formats.py", "relapse_handouts/plan.py")


@dataclass(frozen=True)
class Fingerprint:
    """Hashes of every input file (relative path -> sha256) and of the environment."""

    files: dict[str, str]
    environment: str
    code: frozenset[str] = field(default_factory=frozenset)  # the rendering modules

    def digest(self, names: list[str]) -> str:
        hasher = hashlib.sha256(self.environment.encode())
        for name in sorted(names):
            hasher.update(f"{name}\0{self.files.get(name, 'missing')}\n".encode())
        return hasher.hexdigest()

    def plan_digest(self) -> str:
        """Changes when the whole plan could change: site, variants, handout files, the
        formats table. Command-line filters are not part of it: they select from it."""
        names = [
            n
            for n in self.files
            if n in _PLAN_INPUTS or n in _PLAN_CODE or n.startswith("source/handouts/")
        ]
        return self.digest(names)

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
        translations and catalog, all layouts, the styles its formats-table entry (and the
        entry it is made from) names, the rendering code and the fonts."""
        names = [
            n
            for n in self.files
            if (n.startswith("layouts/") and not n.startswith(_NOT_RENDERING_LAYOUTS))
            or n in self.code
        ]
        names += [f"source/{n}" for n in SHARED_SOURCES]
        names.append(f"source/handouts/{spec['handout']}.yaml")
        # Approvals decide what the footer and the draft notices say; the English layout
        # words (the template of every catalog) are part of what a reviewer signs.
        names += [n for n in self.files if n.startswith("source/approvals/")]
        names.append("source/locale/messages.pot")
        entry = output_format(spec["format"], spec["edition"])
        styles = set(entry.stylesheets)
        if entry.made_from:
            styles.update(output_format(spec["format"], entry.made_from).stylesheets)
        names += [f"styles/{name}" for name in sorted(styles)]
        if entry.renderer == "read-aloud":  # recorded narration of its locale, if any
            names += [n for n in self.files if n.startswith(f"source/recordings/{spec['locale']}")]
        if spec["locale"] != source_locale:
            names.append(f"source/translations/{spec['locale']}.yaml")
            names += [
                n
                for n in self.files
                if n.startswith("source/locale/")
                and n.endswith(".po")
                and f"/{catalog_folder(spec['locale'])}/" in n
            ]
        return hashlib.sha256(
            (self.digest(names) + json.dumps(spec, sort_keys=True)).encode()
        ).hexdigest()


def rendering_modules(package: Path = _PACKAGE) -> frozenset[str]:
    """The package's modules (as ``relapse_handouts/x.py``) that the rendering stages
    import, directly or through others; imports only for type checking do not count."""
    todo = [package / name for name in _RENDERING_STAGES]
    found: set[Path] = set()
    while todo:
        module = todo.pop()
        if module in found or not module.is_file():
            continue
        found.add(module)
        todo += _imported(module, package)
    base = package.parent
    return frozenset(path.relative_to(base).as_posix() for path in found)


# Imports read from the text (parsing every module would cost a no-op build its budget):
# ``from .x import a, b`` (parentheses over lines too), ``from relapse_handouts.x import``,
# ``import relapse_handouts.x``; ``if TYPE_CHECKING:`` blocks are cut out first.
_TYPE_CHECKING_BLOCK = re.compile(r"^([ \t]*)if TYPE_CHECKING:\n(?:(?:\1[ \t]+.*)?\n)*", re.M)
_FROM_IMPORT = re.compile(r"^[ \t]*from[ \t]+(\.*)([\w.]*)[ \t]+import[ \t]+(\([^)]*\)|.*)", re.M)
_IMPORT = re.compile(r"^[ \t]*import[ \t]+([\w.]+)", re.M)


def _imported(module: Path, package: Path) -> list[Path]:
    """Files of the package that ``module`` imports, wherever in the module (imports
    inside functions too), outside ``if TYPE_CHECKING:`` blocks."""
    text = _TYPE_CHECKING_BLOCK.sub("", module.read_text("utf-8"))
    bases: list[tuple[Path, list[str]]] = []
    for dots, dotted, names in _FROM_IMPORT.findall(text):
        if dots:
            folder = module.parent
            for _ in range(len(dots) - 1):
                folder = folder.parent
        elif dotted.split(".")[0] == package.name:
            folder, dotted = package, dotted.partition(".")[2]
        else:
            continue
        imported = [name.split(" as ")[0].strip() for name in names.strip("()").split(",")]
        bases.append((folder.joinpath(*dotted.split(".")) if dotted else folder, imported))
    for dotted in _IMPORT.findall(text):
        if dotted.split(".")[0] == package.name:
            bases.append((package.joinpath(*dotted.split(".")[1:]), []))
    found = []
    for base, names in bases:
        candidates = [base.with_suffix(".py"), base / "__init__.py"]
        candidates += [base / f"{name}.py" for name in names if name]
        found += [path for path in candidates if path.is_file()]
    return found


def fingerprint(config: BuildConfig, fonts: ProjectFonts | None = None) -> Fingerprint:
    """Hashes of the project's files and of the environment; ``fonts`` are the project's
    fonts (found here when not given)."""
    files: dict[str, str] = {}
    package_dir = Path(__file__).parent
    for folder in (config.source_dir, config.layouts_dir, config.styles_dir, package_dir):
        base = config.root if folder != package_dir else package_dir.parent
        inside = (folder,) if folder != package_dir else None
        for path in sorted(folder.rglob("*")):
            if path.is_file() and "__pycache__" not in path.parts:
                name = path.relative_to(base).as_posix()
                files[name] = sha256_of(path, Path(name), inside)  # inside the project
    environment = _environment(fonts or project_fonts(config))
    return Fingerprint(files, environment, rendering_modules(package_dir))


def _environment(fonts: ProjectFonts) -> str:
    """Python, the installed packages (their dist-info names carry the versions) and the
    font files the renderer is offered (the styles' families only: ``fonts.py``)."""
    parts = [sys.version]
    for folder in sorted({Path(p) for p in sys.path if p.endswith("site-packages")}):
        if folder.is_dir():
            parts += sorted(name for name in os.listdir(folder) if name.endswith(".dist-info"))
    parts += fonts.key_parts()
    parts += _speech_tools()
    return hashlib.sha256("\n".join(parts).encode()).hexdigest()


def _speech_tools() -> list[str]:
    """eSpeak NG (program and voice data) and lame, by size and time: an update of the
    voices or the encoder changes every read-aloud output."""
    found = [shutil.which(name) for name in ("espeak-ng", "lame")] + list(_SPEECH_DATA)
    parts = []
    for path in found:
        if path and os.path.exists(path):
            info = os.stat(path)
            parts.append(f"{path}:{info.st_size}:{info.st_mtime_ns}")
    return parts


_SPEECH_DATA = ("/usr/lib/x86_64-linux-gnu/espeak-ng-data", "/usr/share/espeak-ng-data")


@dataclass(frozen=True)
class BuildState:
    """What the last builds knew: the plan (digest and every output's spec record, by
    path) and, per output written, its spec, key, size and time."""

    plan_digest: str
    source_locale: str
    outputs: dict[str, dict[str, Any]]
    catalog_key: str = ""
    planned: dict[str, dict[str, Any]] = field(default_factory=dict)

    def is_current(self, fingerprint: Fingerprint, config: BuildConfig) -> bool:
        """True when a build with ``config`` would render nothing and remove nothing:
        every output of the recorded plan that ``config`` selects is written and current."""
        if (
            not self.planned
            or fingerprint.plan_digest() != self.plan_digest
            or fingerprint.catalog_key() != self.catalog_key
            or any(path not in self.planned for path in self.outputs)
        ):
            return False
        return all(
            self.is_written(
                config.output_dir, path, fingerprint.output_key(spec, self.source_locale)
            )
            for path, spec in self.planned.items()
            if config.selects(spec)
        )

    def is_written(self, output_dir: Path, path: str, key: str) -> bool:
        """Whether ``path`` was written with ``key`` and is still the file written."""
        record = self.outputs.get(path)
        return bool(
            record and record["key"] == key and self.file_is_current(output_dir, path, record)
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
                "planned": self.planned,
            },
            indent=1,
            sort_keys=True,
        )


def load_state(output_dir: Path) -> BuildState:
    try:
        # Through the reader: a FIFO or device in its place must not hang the build.
        data = json.loads(read_text(output_dir / STATE_NAME))
        return BuildState(
            data["plan_digest"],
            data["source_locale"],
            data["outputs"],
            data.get("catalog_key", ""),
            data.get("planned", {}),
        )
    except (HandoutError, ValueError, KeyError, TypeError):
        return BuildState("", "", {})
