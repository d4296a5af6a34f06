"""The command line's arguments: every command of ``make_docs.py`` and its options.

``cli.main`` parses with ``command_parser()`` and runs the command; the review and
release commands add their own options (``review_cli.py``).
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from .config import EDITIONS, FORMATS, PAPERS
from .formats import DEFAULT_EDITION, PERSONAL_EDITIONS
from .review_cli import add_releases_command, add_review_commands

__all__ = ["command_parser"]

# The repeatable filters of build, check and list: option, choices, metavar, what it keeps.
_SELECTION: tuple[tuple[str, tuple[str, ...] | None, str | None, str], ...] = (
    ("--handout", None, "ID", "only this handout"),
    ("--variant", None, "ID", "only this variant"),
    ("--locale", None, "CODE", "only this locale, e.g. en-CA"),
    ("--format", FORMATS, None, "only this format"),
    ("--paper", PAPERS, None, "only this paper size for PDFs"),
    ("--edition", EDITIONS, None, "only this edition, of formats that have several"),
)


def command_parser() -> argparse.ArgumentParser:
    """The parser of ``make_docs.py COMMAND [options]``."""
    parser = argparse.ArgumentParser(
        prog="make_docs.py",
        description="Build patient handouts about relapsed and "
        "refractory childhood ALL as PDF, EPUB and HTML from the files in source/.",
    )
    parser.add_argument(
        "--project",
        type=Path,
        default=Path("."),
        help="project folder holding source/, layouts/, styles/ (default: .)",
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    _add_build_command(commands)
    _add_check_command(commands)
    _add_audit_and_preview_commands(commands)
    _add_selection(commands.add_parser("list", help="print the variant x locale x format matrix"))
    _add_one_child_commands(commands)
    add_review_commands(commands)
    _add_archive(add_releases_command(commands))
    _add_translations_command(commands)
    return parser


def _add_build_command(commands: Any) -> None:
    build_cmd = commands.add_parser("build", help="build outputs into output/")
    _add_selection(build_cmd)
    build_cmd.add_argument("-o", "--output", type=Path, help="output folder (default: output/)")
    build_cmd.add_argument(
        "-j", "--jobs", type=int, default=0, help="worker processes (default: one per core)"
    )
    build_cmd.add_argument(
        "--strict", action="store_true", help="treat warnings, the renderer's included, as errors"
    )
    build_cmd.add_argument(
        "--release",
        action="store_true",
        help="refuse drafts (a handout in a locale whose text no named reviewer signed as it "
        "is now) and overdue reviews; archive what is released (see --archive)",
    )
    build_cmd.add_argument(
        "--force", action="store_true", help="rebuild every output, even those that are up to date"
    )
    _add_archive(build_cmd)


def _add_check_command(commands: Any) -> None:
    check_cmd = commands.add_parser("check", help="validate source/ without rendering")
    _add_selection(check_cmd)
    check_cmd.add_argument("--strict", action="store_true", help="treat warnings as errors")
    check_cmd.add_argument(
        "--release",
        action="store_true",
        help="fail on drafts and on handouts past their review date",
    )
    check_cmd.add_argument(
        "--report", action="store_true", help="also write output/review.html for the editor"
    )


def _add_audit_and_preview_commands(commands: Any) -> None:
    audit_cmd = commands.add_parser(
        "audit",
        help="run the accessibility checkers on output/ and write output/accessibility.html",
    )
    audit_cmd.add_argument("-o", "--output", type=Path, help="output folder (default: output/)")
    audit_cmd.add_argument(
        "-j", "--jobs", type=int, default=0, help="checker processes (default: one per core)"
    )
    audit_cmd.set_defaults(locale=[])
    preview = commands.add_parser(
        "preview", help="live preview for authors on http://127.0.0.1:8001/ (updates on save)"
    )
    preview.add_argument("--port", type=int, default=8001, help="port (default 8001)")
    preview.add_argument("--host", default="127.0.0.1", help="loopback address only")
    preview.set_defaults(locale=[])


def _add_translations_command(commands: Any) -> None:
    translations = commands.add_parser(
        "translations",
        help="content translations: 'status' reports, 'update' writes files; 'export', "
        "'tmx' and 'import' exchange XLIFF and TMX with translators' tools",
    )
    translations.add_argument("action", choices=("status", "update", "export", "tmx", "import"))
    _add_exchange_options(translations)
    translations.add_argument(
        "--locale",
        action="append",
        default=[],
        metavar="CODE",
        help="only this locale (repeatable; default: all)",
    )


def _add_exchange_options(command: argparse.ArgumentParser) -> None:
    command.add_argument("file", nargs="?", type=Path, help="import: the translated XLIFF file")
    command.add_argument("-o", "--output", type=Path, metavar="FILE", help="export/tmx: file")
    command.add_argument("--xliff", choices=("1.2", "2.0"), default="1.2", help="export: version")
    command.add_argument(
        "--changed-only", action="store_true", help="export: only new and stale units"
    )
    command.add_argument(
        "--source-in-target",
        action="store_true",
        help="export: the English in every <target> (OmegaT's XLIFF filter translates it)",
    )
    command.add_argument(
        "--drafts", action="store_true", help="tmx: also translations nobody has signed yet"
    )
    command.add_argument(
        "--omegat-project",
        type=Path,
        metavar="DIR",
        help="export: an OmegaT project folder (XLIFF + memory of the current translations)",
    )


def _add_archive(command: argparse.ArgumentParser) -> None:
    command.add_argument(
        "--archive",
        type=Path,
        metavar="DIR",
        help="the release archive (default: archive/ in the project; never inside output/)",
    )


def _add_one_child_commands(commands: Any) -> None:
    personal = commands.add_parser(
        "personalize", help="one child's handout from a care sheet (see examples/)"
    )
    _add_one_handout(personal)
    personal.add_argument("-o", "--output", type=Path, required=True, metavar="FILE.pdf")
    personal.add_argument("--epub", type=Path, metavar="FILE.epub", help="also write an EPUB")
    email = commands.add_parser(
        "email", help="an email draft (.eml) for the family, with the handout attached"
    )
    _add_one_handout(email)
    email.add_argument(
        "-o",
        "--output",
        type=Path,
        metavar="DRAFT.eml",
        help="where to write the draft (needed unless --send)",
    )
    email.add_argument(
        "--send",
        action="store_true",
        help="send it with the HANDOUTS_SMTP_* settings of the environment",
    )
    email.add_argument("--to", metavar="ADDRESS", help="recipient")
    email.add_argument("--from", dest="sender", metavar="ADDRESS", help="sender")


def _add_one_handout(command: argparse.ArgumentParser) -> None:
    command.add_argument(
        "--handout", metavar="ID", help="handout id (needed when the project has several)"
    )
    command.add_argument("--variant", required=True, metavar="ID")
    command.add_argument("--locale", default="en-CA", metavar="CODE")
    command.add_argument(
        "--sheet",
        type=Path,
        metavar="FILE",
        help="care sheet (YAML or JSON), e.g. examples/care-sheet.yaml",
    )
    command.add_argument("--paper", choices=PAPERS, default=PAPERS[0])
    command.add_argument(
        "--edition",
        choices=PERSONAL_EDITIONS,
        default=DEFAULT_EDITION,
        help="the PDF edition (default: standard; summary: the one-page summary)",
    )
    command.add_argument("--child-name", help="child's first name (overrides the sheet)")
    command.add_argument(
        "--medicine",
        action="append",
        default=[],
        metavar="DRUG_ID",
        help="a medicine in the child's plan (repeatable; overrides the sheet)",
    )
    command.add_argument(
        "--password-env",
        metavar="VAR",
        help="protect the PDF (AES-256) with the password in this environment variable",
    )
    command.add_argument("--strict", action="store_true")


def _add_selection(command: argparse.ArgumentParser) -> None:
    for option, choices, metavar, keeps in _SELECTION:
        command.add_argument(
            option,
            action="append",
            default=[],
            choices=choices,
            metavar=metavar,
            help=f"{keeps} (repeatable; default: all)",
        )
