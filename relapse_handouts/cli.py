"""The command line: ``main`` runs one command of ``make_docs.py`` (its arguments are in
``cli_args.py``) and turns errors into messages and an exit status; callable from tests."""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence
from concurrent.futures.process import BrokenProcessPool
from pathlib import Path
from typing import Any, TextIO

from .cli_args import command_parser
from .config import EDITIONS, FORMATS, PAPERS, BuildConfig
from .errors import HandoutError, printable
from .formats import has_editions
from .pipeline import build, check_gathered
from .progress import BuildProgress
from .review_cli import run_releases

__all__ = ["main"]


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
    args = command_parser().parse_args(argv)
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
