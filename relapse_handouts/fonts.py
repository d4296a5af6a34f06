"""The renderer's fonts, hermetic: exactly the font files of the families the styles name.

Fontconfig would offer the renderer every font on the machine, so a font package that
comes with something else (Chromium brings Liberation) would change what a page could be
drawn with, and so every output's key. Instead the build asks the machine's fontconfig
once for the files of the families named in ``styles/*.css`` and writes a fontconfig
file (``.cache/fonts.conf`` in the project) that accepts those files and rejects every
other; ``FONTCONFIG_FILE`` points at it before WeasyPrint, Pango or ``fc-match`` start.
The incremental key's font part is those files only (``incremental.py``).
"""

from __future__ import annotations

import hashlib
import os
import re
import subprocess
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from xml.sax.saxutils import escape, unescape

from .config import BuildConfig
from .files import atomic_write, read_text

__all__ = [
    "ProjectFonts",
    "project_fonts",
    "use_project_fonts",
    "ensure_project_fonts",
    "font_environment",
    "styled_families",
]

CONF_NAME = ".cache/fonts.conf"
# CSS generic families: fontconfig resolves them among the accepted files.
_GENERIC = {"serif", "sans-serif", "monospace", "cursive", "fantasy", "system-ui", "emoji", "math"}
_FONT_FAMILY = re.compile(r"font-family\s*:\s*([^;}]+)")
# fontconfig's own rules (shipped with fontconfig and fonts-noto-cjk, none with a folder)
# that decide family fallbacks, CJK preferences and synthetic bold and oblique faces,
# as the machine's configuration has them; part of the key like the font files.
_RULES_DIR = Path("/usr/share/fontconfig/conf.avail")
_RULES = (
    "45-generic.conf",
    "45-latin.conf",
    "48-spacing.conf",
    "49-sansserif.conf",
    "60-generic.conf",
    "60-latin.conf",
    "65-nonlatin.conf",
    "70-fonts-noto-cjk.conf",
    "90-synthetic.conf",
)
# The generated file names the machine's own configuration (FONTCONFIG_FILE before it was
# pointed at the project's; empty for fontconfig's default), where font files are looked up.
_MARK = "written by relapse_handouts/fonts.py from the machine configuration: "
_MARKED = re.compile("<!-- " + re.escape(_MARK) + "(.*?) -->")


@dataclass(frozen=True)
class ProjectFonts:
    """The families the styles name and the font files that provide them."""

    families: tuple[str, ...]
    files: tuple[Path, ...]
    machine: str = ""  # the machine's fontconfig file the files were found with
    rules: tuple[Path, ...] = tuple(_RULES_DIR / name for name in _RULES)

    def key_parts(self) -> list[str]:
        """Each file (fonts and rules) by path, size and time: the font part of every
        output's key."""
        parts = []
        for path in self.files + self.rules:
            try:
                info = path.stat()
            except OSError:
                continue
            parts.append(f"{path}:{info.st_size}:{info.st_mtime_ns}")
        return parts

    def conf(self, cache_dir: Path) -> str:
        """A fontconfig file offering exactly ``files`` (their folders are scanned, every
        other font in them rejected), with fontconfig's own matching rules."""
        folders = sorted({str(path.parent) for path in self.files})
        lines = ['<?xml version="1.0"?>', '<!DOCTYPE fontconfig SYSTEM "fonts.dtd">']
        lines.append(f"<!-- {_MARK}{escape(self.machine.replace('--', '%2D%2D'))} -->")
        lines.append("<fontconfig>")
        lines += [f"  <dir>{escape(folder)}</dir>" for folder in folders]
        # The machine's font caches first (the folders are the machine's), then our own.
        lines.append("  <cachedir>/var/cache/fontconfig</cachedir>")
        lines.append(f"  <cachedir>{escape(str(cache_dir))}</cachedir>")
        lines += [
            f'  <include ignore_missing="yes">{escape(str(rule))}</include>' for rule in self.rules
        ]
        lines.append("  <selectfont>")
        accepted = [escape(str(path)) for path in self.files]
        lines += [f"    <acceptfont><glob>{path}</glob></acceptfont>" for path in accepted]
        lines.append("    <rejectfont><glob>*</glob></rejectfont>")
        lines += ["  </selectfont>", "</fontconfig>", ""]
        return "\n".join(lines)


def styled_families(styles_dir: Path) -> tuple[str, ...]:
    """Every font family named in ``font-family`` of the project's stylesheets."""
    families: set[str] = set()
    for sheet in sorted(styles_dir.rglob("*.css")):
        relative = sheet.relative_to(styles_dir.parent)
        for declaration in _FONT_FAMILY.findall(read_text(sheet, relative, (styles_dir,))):
            for name in declaration.split(","):
                family = name.strip().strip("\"'").strip()
                if family and family.lower() not in _GENERIC:
                    families.add(family)
    return tuple(sorted(families))


def project_fonts(config: BuildConfig) -> ProjectFonts:
    """The styles' families and, through the machine's fontconfig, their files."""
    families = styled_families(config.styles_dir)
    machine = _machine_conf()
    return ProjectFonts(families, _files_of(families, machine), machine)


def _machine_conf() -> str:
    """FONTCONFIG_FILE as the machine has it, also when it points at a generated file."""
    current = os.environ.get("FONTCONFIG_FILE", "")
    try:
        with open(current, encoding="utf-8") as conf:
            found = _MARKED.search(conf.read(2000))
    except (OSError, ValueError):
        return current
    return unescape(found.group(1)).replace("%2D%2D", "--") if found else current


def _files_of(families: Iterable[str], machine: str) -> tuple[Path, ...]:
    wanted = set(families)
    env = {name: value for name, value in os.environ.items() if name != "FONTCONFIG_FILE"}
    if machine:
        env["FONTCONFIG_FILE"] = machine
    try:
        listed = subprocess.run(
            ["fc-list", "--format", "%{file}\t%{family}\n"],
            capture_output=True,
            text=True,
            timeout=60,
            check=True,
            env=env,
        ).stdout
    except (OSError, subprocess.SubprocessError):
        return ()  # no fontconfig tools: the renderer says no fonts are installed
    found = set()
    for line in listed.splitlines():
        file, _, names = line.partition("\t")
        if wanted & {name.strip() for name in names.split(",")}:
            found.add(Path(file))
    return tuple(sorted(found))


def use_project_fonts(config: BuildConfig, fonts: ProjectFonts | None = None) -> ProjectFonts:
    """Write the project's fontconfig file and point ``FONTCONFIG_FILE`` at it, for this
    process and those it starts; call before WeasyPrint or Pango load fonts."""
    fonts = fonts or project_fonts(config)
    cache = config.root / ".cache"
    conf = fonts.conf(cache / "fontconfig")
    path = config.root / CONF_NAME
    try:
        if not path.is_file() or path.read_text("utf-8") != conf:
            cache.mkdir(exist_ok=True)
            atomic_write(path, conf.encode("utf-8"))
    except OSError:  # a read-only project: the same file, in the user's cache
        digest = hashlib.sha256(conf.encode()).hexdigest()[:16]
        path = Path.home() / ".cache/relapse-handouts" / f"fonts-{digest}.conf"
        path.parent.mkdir(parents=True, exist_ok=True)
        atomic_write(path, conf.encode("utf-8"))
    os.environ["FONTCONFIG_FILE"] = str(path)
    return fonts


def ensure_project_fonts(config: BuildConfig) -> None:
    """``use_project_fonts`` unless this process already uses the project's file (a build
    set it before starting its workers); for renderers made outside a build (desk,
    personalize)."""
    if os.environ.get("FONTCONFIG_FILE") != str(config.root / CONF_NAME):
        use_project_fonts(config)


def font_environment() -> dict[str, str]:
    """The variables that make a process use the project's fonts, for worker processes
    started by a fork server (which keeps the environment it started with)."""
    return {name: os.environ[name] for name in ("FONTCONFIG_FILE",) if name in os.environ}
