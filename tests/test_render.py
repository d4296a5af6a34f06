"""The render stage: planned outputs to artifacts in memory, in worker processes that are
replaced after a bounded number of tasks, with the same bytes as rendering in-process."""

from __future__ import annotations

import os

from relapse_handouts import render
from relapse_handouts.gather import gather
from relapse_handouts.render import render_outputs
from tests.base import config_for, make_project


def test_workers_are_replaced_and_render_the_same_bytes(tmp_path, monkeypatch):
    project = make_project(tmp_path)
    config = config_for(project, jobs=2, formats=("pdf", "html"))
    gathered = gather(config)
    specs = gathered.specs
    alone = render_outputs(config_for(project, jobs=1), gathered.documents, specs)
    monkeypatch.setattr(render, "TASKS_PER_WORKER", 2)  # batches of 4 tasks on 2 workers
    pooled = render_outputs(config, gathered.documents, specs)
    assert [a.spec for a in pooled] == list(specs)  # results in spec order
    assert [a.sha256 for a in pooled] == [a.sha256 for a in alone]
    assert os.getpid() not in {a.worker for a in pooled}
    assert {a.worker for a in alone} == {os.getpid()}
    # Each batch of 4 tasks (a booklet goes with its PDF) has its own worker processes.
    worker_of = {a.spec: a.worker for a in pooled}
    groups = render._groups(specs)
    batches = [
        {worker_of[spec] for group in groups[start : start + 4] for spec in group}
        for start in range(0, len(groups), 4)
    ]
    assert len(batches) >= 2
    assert all(not (one & other) for i, one in enumerate(batches) for other in batches[i + 1 :])


def test_a_worker_under_the_memory_bound(tmp_path):
    """Peak resident memory of a worker rendering the tiny project's PDFs (the benchmark
    measures the real matrix: benchmarks/RESULTS.md)."""
    project = make_project(tmp_path)
    config = config_for(project, jobs=2, formats=("pdf",))
    gathered = gather(config)
    pooled = render_outputs(config, gathered.documents, gathered.specs)
    assert 0 < max(a.worker_peak_kb for a in pooled) < 250 * 1024
