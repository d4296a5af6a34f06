"""The command line: ``make_docs.py build | check | list``. ``main`` is callable from tests."""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence
from concurrent.futures.process import BrokenProcessPool
from pathlib import Path
from typing import Any, TextIO

from .config import EDITIONS, FORMATS, PAPERS, BuildConfig
from .errors import HandoutError, printable
from .formats import DEFAULT_EDITION, PERSONAL_EDITIONS, has_editions
from .pipeline import build, check_gathered
from .progress import BuildProgress
from .review_cli import add_releases_command, add_review_commands, run_releases

__all__ = ["main"]


def _parser() -> argparse.ArgumentParser:
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
    list_cmd = commands.add_parser("list", help="print the variant x locale x format matrix")
    _add_selection(list_cmd)
    _add_one_child_commands(commands)
    add_review_commands(commands)
    _add_archive(add_releases_command(commands))
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
    return parser


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
    command.add_argument(
        "--handout",
        action="append",
        default=[],
        metavar="ID",
        help="only this handout (repeatable; default: all)",
    )
    command.add_argument(
        "--variant",
        action="append",
        default=[],
        metavar="ID",
        help="only this variant (repeatable; default: all)",
    )
    command.add_argument(
        "--locale",
        action="append",
        default=[],
        metavar="CODE",
        help="only this locale, e.g. en-CA (repeatable; default: all)",
    )
    command.add_argument(
        "--format",
        action="append",
        default=[],
        choices=FORMATS,
        help="only this format (repeatable; default: all)",
    )
    command.add_argument(
        "--paper",
        action="append",
        default=[],
        choices=PAPERS,
        help="only this paper size for PDFs (repeatable; default: all)",
    )
    command.add_argument(
        "--edition",
        action="append",
        default=[],
        choices=EDITIONS,
        help="only this edition, of formats that have several (repeatable; default: all)",
    )


# Commands whose --variant is a repeatable filter (others take exactly one variant).
_FILTERED = ("build", "check", "list")


def _config(args: argparse.Namespace) -> BuildConfig:
    output = args.output if args.command in ("build", "audit") else None
    locale = getattr(args, "locale", [])
    locales = locale if isinstance(locale, list) else [locale]
    return BuildConfig.for_project(
        args.project,
        output,
        handouts=tuple(getattr(args, "handout", ())) if args.command in _FILTERED else (),
        variants=tuple(getattr(args, "variant", ())) if args.command in _FILTERED else (),
        locales=tuple(locales),
        formats=tuple(getattr(args, "format", ())) or FORMATS,
        papers=tuple(getattr(args, "paper", ())) or PAPERS,
        editions=tuple(getattr(args, "edition", ())) or EDITIONS,
        strict=getattr(args, "strict", False),
        release=getattr(args, "release", False),
        jobs=getattr(args, "jobs", 0),
        report=getattr(args, "report", False),
        archive_dir=getattr(args, "archive", None),
    )


def main(
    argv: Sequence[str] | None = None, out: TextIO | None = None, err: TextIO | None = None
) -> int:
    """Run one command; return the exit status (0 ok, 1 user error, 2 usage)."""
    out, err = out or sys.stdout, err or sys.stderr
    args = _parser().parse_args(argv)
    try:
        config = _config(args)
        if args.command == "translations":
            if args.action in ("export", "tmx", "import"):
                from .translations_xliff import run_exchange

                return run_exchange(config, args, out, err)
            from .translations_cli import run_translations

            return run_translations(config, args.action, out)
        if args.command == "releases":
            return run_releases(config, args, out)
        if args.command == "review":
            from .review_cli import run_review

            return run_review(config, args, out)
        if args.command in ("personalize", "email"):
            return _run_personalize(config, args, out)
        if args.command == "build":
            return _run_build(config, args.force, out, err)
        if args.command == "preview":
            from .preview import run_preview

            return run_preview(config, args.host, args.port, out)
        return _COMMANDS[args.command](config, out, err)
    except HandoutError as error:
        print(error.format(), file=err)
        count = len(getattr(error, "errors", [error]))
        print(f"make_docs.py: {count} error(s); nothing in output/ was changed.", file=err)
        return 1
    except (OSError, MemoryError, RecursionError, BrokenProcessPool) as error:
        # Faults of the machine rather than the input: one line, no traceback.
        print(f"make_docs.py: error: {printable(_fault(error))}", file=err)
        return 1


def _fault(error: BaseException) -> str:
    if isinstance(error, OSError):
        where = f"{error.filename}: " if error.filename else ""
        return f"{where}{error.strerror or error}"
    if isinstance(error, BrokenProcessPool):
        return (
            "a rendering process stopped unexpectedly (out of memory, or the renderer "
            "crashed: check that fonts are installed); nothing in output/ was changed"
        )
    if isinstance(error, MemoryError):
        return "out of memory; build fewer outputs at once (--locale, --format, -j 1)"
    return "input nested too deeply to process"


def _run_build(config: BuildConfig, force: bool, out: TextIO, err: TextIO) -> int:
    with BuildProgress(err) as progress:
        result = build(config, force, on_start=progress.start, on_done=progress.advance)
    for warning in result.warnings:
        print(warning.format("warning"), file=err)
    progress.summary(result, config.output_dir, out)
    return 0


def _run_check(config: BuildConfig, out: TextIO, err: TextIO) -> int:
    gathered, reports = check_gathered(config)
    project, warnings = gathered.project, gathered.warnings
    print(
        f"{'variant':<14} {'locale':<8} {'grade':>5} {'SMOG':>5} {'ease':>5} {'w/sent':>6}  result",
        file=out,
    )
    for report in reports:
        whole = report.whole
        cells = [
            f"{value:5.1f}" if value is not None else "    -"
            for value in (whole.grade, whole.smog, whole.ease)
        ]
        result = "FAIL" if report.errors else ("warn" if report.warnings else "ok")
        measured = whole.grade is not None or whole.ease is not None  # a formula exists
        per_sentence = f"{whole.words_per_sentence:6.1f}" if measured else "     -"
        print(
            f"{report.variant:<14} {report.locale:<8} {' '.join(cells)} {per_sentence}  {result}",
            file=out,
        )
    problems = [e for r in reports for e in r.errors]
    for warning in list(warnings) + [w for r in reports for w in r.warnings]:
        print(warning.format("warning"), file=err)
    for problem in problems:
        print(problem.format(), file=err)
    if getattr(config, "report", False):
        from .files import output_lock
        from .review import write_review

        with output_lock(config.output_dir):  # not while a build writes there
            written = write_review(config, project, reports, gathered.approvals)
            print(f"wrote {written}", file=out)
    failed = bool(problems) or (config.strict and bool(warnings))
    print(
        ("check FAILED" if failed else "source OK") + f": {len(project.handouts)} "
        f"handout(s), {len(project.variants)} variant(s), {len(project.site.locales)} "
        "locale(s)",
        file=out,
    )
    return 1 if failed else 0


def _run_list(config: BuildConfig, out: TextIO, err: TextIO) -> int:
    from .load import load_project
    from .plan import plan_outputs

    project = load_project(config)
    for spec in plan_outputs(project, config):
        paper = spec.paper or "-"
        edition = spec.edition if has_editions(spec.format) else "-"
        print(
            f"{spec.variant_id:<14} {spec.locale:<8} {spec.format:<5} {paper:<7} "
            f"{edition:<12} output/{spec.path}",
            file=out,
        )
    return 0


def _run_personalize(config: BuildConfig, args: argparse.Namespace, out: TextIO) -> int:
    from .personalize import PersonalRequest, build_personal, render_personal

    password = None
    if args.password_env:
        password = os.environ.get(args.password_env)
        if not password:
            raise HandoutError(
                f"environment variable {args.password_env} is empty or unset",
                hint="set it to the password before running the command",
            )
    request = PersonalRequest(
        variant=args.variant,
        locale=args.locale,
        sheet_path=args.sheet,
        paper=args.paper,
        edition=args.edition,
        password=password,
        with_epub=bool(getattr(args, "epub", None)),
        overrides={"child_first_name": args.child_name, "medicines": tuple(args.medicine)},
        handout=args.handout,
    )
    if args.command == "personalize":
        written = build_personal(config, request, args.output, args.epub)
    else:
        settings = _email_settings(config, args)  # before rendering: a typo fails at once
        written = _run_email(config, args, render_personal(config, request), password, settings)
    # Paths only: the child's details never go to the terminal or a log.
    print("wrote " + ", ".join(str(path) for path in written) if written else "sent", file=out)
    return 0


def _email_settings(config: BuildConfig, args: argparse.Namespace) -> Any:
    """Check the draft's path, the addresses and SMTP settings; the SMTP settings when
    sending."""
    from .emaildraft import SmtpSettings, checked_address
    from .files import write_private_check

    if not args.output and not args.send:
        raise HandoutError("nothing to do", hint="give -o DRAFT.eml, or --send --to ADDRESS")
    if args.output:
        write_private_check(args.output, config.private_forbidden)
    for option, value in (("--to", args.to), ("--from", args.sender)):
        if value:
            checked_address(value, option)
    if not args.send:
        return None
    from .load import load_project

    # The host may come from site.yaml ('smtp'); credentials only from the environment.
    return SmtpSettings.from_environment(load_project(config).site.smtp)


def _run_email(
    config: BuildConfig,
    args: argparse.Namespace,
    handout: Any,
    password: str | None,
    settings: Any,
) -> tuple[Path, ...]:
    from .emaildraft import compose_email, send_email
    from .files import write_private

    message = compose_email(
        handout.resolved, handout.attachments, config.source_dir, args.sender, args.to,
        bool(password),
    )  # fmt: skip
    if settings:
        send_email(message, settings)
    if args.output:
        # The draft carries the child's handout: private, and never into output/.
        write_private(args.output, message.as_bytes(), forbidden=config.private_forbidden)
        return (args.output,)
    return ()


def _run_audit(config: BuildConfig, out: TextIO, err: TextIO) -> int:
    """Check what the last build made; exit 1 when a file fails its checker."""
    from .audit import audit
    from .publish import read_manifest

    manifest = read_manifest(config.output_dir)
    result = audit(config, manifest, lambda line: print(line, file=err))
    for path in result.failing:
        print(f"{path}: fails its accessibility checker (details in the report)", file=err)
    print(
        f"wrote {result.report}: {len(result.failing)} file(s) fail, "
        f"{len(result.unchecked)} not checked (checker missing)",
        file=out,
    )
    return 1 if result.failing else 0


_COMMANDS = {"check": _run_check, "list": _run_list, "audit": _run_audit}
