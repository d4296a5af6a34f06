#!/usr/bin/env python3
"""Nurse desk benchmark for this machine (not a test): prints the figures of RESULTS.md.

    .venv/bin/python benchmarks/bench_desk.py [--requests 20] [--clients 8]

Works on a copy of the project in a temporary folder (the real source and output/ are
never touched), builds the one handout it needs, starts the real server (gunicorn, one
worker per core) on 127.0.0.1, drives it with a bounded load generator, then stops it.
Figures, each compared with WeasyPrint's own render time of the same personalized HTML,
measured in this process in the same run (absolute times vary between machines):
  raw render            plain WeasyPrint, warm, one process (median of many)
  1 client              request to last byte of a personalized PDF: median <= 1.2x raw,
                        p95 <= 2x raw
  8 clients             throughput >= 80 % of the ceiling (cores / raw render), no errors
  peak memory / worker  largest resident set of each worker process (VmHWM)
"""

from __future__ import annotations

import argparse
import http.client
import os
import re
import shutil
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path
from urllib.parse import urlencode, urlsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from relapse_handouts import BuildConfig, build  # noqa: E402
from relapse_handouts.desk import DeskState  # noqa: E402
from relapse_handouts.formats import output_format  # noqa: E402
from relapse_handouts.personal import load_sheet, personalize  # noqa: E402
from tests.base import DeskServer  # noqa: E402

# The care sheet every request sends (the shipped example's values).
FORM = {
    "variant": "cns",
    "locale": "en-CA",
    "paper": "letter",
    "edition": "standard",
    "action": "pdf",
    "child_first_name": "Maya",
    "care_team-0-name": "Dr. Alex Chen",
    "care_team-0-role": "Oncologist",
    "care_team-0-phone": "604-555-0100",
    "care_team-0-after_hours": "604-555-0199",
    "care_team-1-name": "Sam Okafor",
    "care_team-1-role": "Nurse navigator",
    "care_team-1-phone": "604-555-0142 ext 12",
    "next_appointment": "2026-12-03 09:30:00",
    "notes": "Bring Maya's medicine list to each visit.\nThe clinic is on the third floor.",
}
MEDICINES = ("vincristine", "dexamethasone", "cytarabine")


def copy_project(target: Path) -> Path:
    for name in ("source", "layouts", "styles"):
        shutil.copytree(ROOT / name, target / name, ignore=shutil.ignore_patterns("__pycache__"))
    return target


class Client:
    """One browser-like session: the CSRF cookie and token, then POSTs of the form."""

    def __init__(self, url: str) -> None:
        self.host, self.port = urlsplit(url).hostname, urlsplit(url).port
        status, headers, page = self.request("GET", "/")
        self.cookie = headers["set-cookie"].split(";", 1)[0]
        self.token = re.search(rb'name="csrf" value="([^"]+)"', page)[1].decode()
        fields = [*FORM.items(), ("csrf", self.token)] + [("medicines", m) for m in MEDICINES]
        self.body = urlencode(fields).encode()

    def request(self, method: str, path: str, body: bytes | None = None, headers=None):
        connection = http.client.HTTPConnection(self.host, self.port, timeout=120)
        connection.request(method, path, body=body, headers=headers or {})
        response = connection.getresponse()
        data = response.read()  # to the last byte
        connection.close()
        return response.status, {k.lower(): v for k, v in response.getheaders()}, data

    def personal_pdf(self) -> tuple[float, bool]:
        started = time.perf_counter()
        status, headers, data = self.request(
            "POST",
            "/personalize",
            self.body,
            {"Content-Type": "application/x-www-form-urlencoded", "Cookie": self.cookie},
        )
        ok = (
            status == 200
            and data.startswith(b"%PDF")
            and headers["content-type"] == "application/pdf"
        )
        return time.perf_counter() - started, ok


class RawRender:
    """Plain WeasyPrint on the HTML the desk renders for FORM, warm, in this process."""

    def __init__(self, config: BuildConfig) -> None:
        self.config = config
        self.render = _raw_renderer(config)
        for _ in range(2):
            self.render()  # the first renders warm caches up

    def seconds(self) -> float:
        started = time.perf_counter()
        self.render()
        return time.perf_counter() - started


def _raw_renderer(config: BuildConfig):  # type: ignore[no-untyped-def]
    import hashlib

    from weasyprint import HTML
    from weasyprint.text.fonts import FontConfiguration

    from relapse_handouts.pdf import ProjectOnlyFetcher

    state = DeskState(config)
    overrides = {
        k: v for k, v in FORM.items() if k in ("child_first_name", "notes", "next_appointment")
    }
    overrides["care_team"] = (
        {"name": "Dr. Alex Chen", "role": "Oncologist", "phone": "604-555-0100",
         "after_hours": "604-555-0199"},
        {"name": "Sam Okafor", "role": "Nurse navigator", "phone": "604-555-0142 ext 12"},
    )  # fmt: skip
    overrides["medicines"] = MEDICINES
    sheet = load_sheet(None, overrides, {d.id for d in state.project.drugs})
    resolved = personalize(state.resolved("cns", "en-CA"), sheet)
    html = state.html.render(resolved, output_format("pdf", "standard"), "letter").html
    fonts, fetcher = FontConfiguration(), ProjectOnlyFetcher(config.readable_dirs)
    base = config.root.as_uri() + "/"
    identifier = hashlib.sha256(html.encode()).hexdigest()[:32].encode()

    def render() -> bytes:
        return HTML(string=html, base_url=base, url_fetcher=fetcher).write_pdf(
            pdf_variant="pdf/ua-1", pdf_identifier=identifier, font_config=fonts
        )

    return render


def _parallel_raw(config: BuildConfig, count: int, barrier, results) -> None:  # type: ignore[no-untyped-def]
    raw = RawRender(config)  # loaded and warm before the clock starts
    barrier.wait()
    started = time.time()
    for _ in range(count):
        raw.render()
    results.put((started, time.time()))


def parallel_raw_throughput(config: BuildConfig, processes: int, count: int) -> float:
    """Raw renders per second with ``processes`` warm processes rendering at once: the
    ceiling as this machine, shared with whatever else runs on it, gives it now."""
    import multiprocessing

    context = multiprocessing.get_context("fork")
    barrier, results = context.Barrier(processes), context.Queue()
    workers = [
        context.Process(target=_parallel_raw, args=(config, count, barrier, results))
        for _ in range(processes)
    ]
    for worker in workers:
        worker.start()
    spans = [results.get() for _ in workers]
    for worker in workers:
        worker.join()
    wall = max(end for _, end in spans) - min(start for start, _ in spans)
    return processes * count / wall


def one_client(url: str, count: int, raw: RawRender) -> tuple[list[float], list[float], int]:
    """Requests and raw renders taken in turn, so both see the same machine load."""
    client = Client(url)
    for _ in range(2):
        client.personal_pdf()  # warm-up
    requests, renders, errors = [], [], 0
    for _ in range(count):
        renders.append(raw.seconds())
        seconds, ok = client.personal_pdf()
        requests.append(seconds)
        errors += not ok
    return requests, renders, errors


def many_clients(url: str, clients: int, per_client: int) -> tuple[float, int, int]:
    sessions = [Client(url) for _ in range(clients)]
    outcomes: list[bool] = []
    lock = threading.Lock()

    def run(session: Client) -> None:
        for _ in range(per_client):
            _, ok = session.personal_pdf()
            with lock:
                outcomes.append(ok)

    threads = [threading.Thread(target=run, args=(s,)) for s in sessions]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    wall = time.perf_counter() - started
    return wall, len(outcomes), sum(not ok for ok in outcomes)


def worker_peaks_mb(master_pid: int) -> list[float]:
    children = Path(f"/proc/{master_pid}/task/{master_pid}/children").read_text().split()
    peaks = []
    for pid in children:
        status = Path(f"/proc/{pid}/status").read_text()
        peaks.append(int(re.search(r"VmHWM:\s+(\d+) kB", status)[1]) / 1024)
    return peaks


def p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--requests", type=int, default=20, help="1-client requests")
    parser.add_argument("--clients", type=int, default=8, help="concurrent clients")
    parser.add_argument("--per-client", type=int, default=5, help="requests per client")
    args = parser.parse_args()
    cores = os.cpu_count() or 1
    with tempfile.TemporaryDirectory(prefix="bench-desk-") as folder:
        project = copy_project(Path(folder))
        config = BuildConfig.for_project(
            project, variants=("cns",), locales=("en-CA",), formats=("pdf",), papers=("letter",),
            editions=("standard",),
        )  # fmt: skip
        build(config)
        raw = RawRender(config)
        with DeskServer(project, Path(folder) / "server.log", workers=cores) as server:
            single, raw_single_samples, single_errors = one_client(server.url, args.requests, raw)
            raw_before = [raw.seconds() for _ in range(5)]
            wall, done, errors = many_clients(server.url, args.clients, args.per_client)
            raw_after = [raw.seconds() for _ in range(5)]
            peaks = worker_peaks_mb(server.process.pid)
        contended = parallel_raw_throughput(config, cores, args.per_client * 2)
    raw_single = statistics.median(raw_single_samples)
    raw_many = statistics.median(raw_before + raw_after)
    median, tail = statistics.median(single), p95(single)
    throughput, ceiling = done / wall, cores / raw_many
    print(f"cores {cores}, workers {cores}, load average {os.getloadavg()[0]:.1f}")
    print(
        f"raw WeasyPrint render of the personalized HTML, warm: median {raw_single * 1000:.0f} ms "
        f"(taken in turn with the 1-client requests), {raw_many * 1000:.0f} ms around the "
        f"{args.clients}-client run"
    )
    print(
        f"1 client, {len(single)} requests: median {median * 1000:.0f} ms "
        f"({median / raw_single:.2f}x raw, target <= 1.2x), p95 {tail * 1000:.0f} ms "
        f"({tail / raw_single:.2f}x raw, target <= 2x), errors {single_errors}"
    )
    print(
        f"{args.clients} clients, {done} requests in {wall:.1f} s: {throughput:.2f} PDFs/s; "
        f"ceiling {ceiling:.2f}/s (cores / raw render): {100 * throughput / ceiling:.0f} % "
        f"(target >= 80 %); {cores} raw renderers at once on this machine now: "
        f"{contended:.2f}/s ({100 * throughput / contended:.0f} % of that); errors {errors}"
    )
    print("peak memory per worker: " + ", ".join(f"{p:.0f} MB" for p in peaks))
    return 0 if not (single_errors or errors) else 1


if __name__ == "__main__":
    sys.exit(main())
