"""relapse-handouts: patient handouts on relapsed and refractory childhood ALL.

Stages, each returning a new immutable value: ``load_project`` (source -> Project),
``plan_outputs`` (the matrix), ``translate_all`` (the model per locale),
``resolve_handout`` (variant and locale), ``HtmlRenderer.render`` (HTML documents),
``render_outputs`` (PDF/EPUB/HTML artifacts), ``publish`` (files and manifest).
``build`` runs them in order; ``main`` is the command line.

Names are imported on first use (PEP 562) so that a build with nothing to do starts fast.
"""

from __future__ import annotations

from importlib import import_module
from typing import Any

__all__ = [
    "BuildConfig",
    "BuildErrors",
    "BuildResult",
    "HandoutError",
    "Location",
    "OutputSpec",
    "ResolvedHandout",
    "build",
    "check",
    "load_project",
    "main",
    "plan_outputs",
    "resolve_handout",
]

_HOMES = {
    "BuildConfig": "config",
    "BuildErrors": "errors",
    "HandoutError": "errors",
    "Location": "errors",
    "BuildResult": "pipeline",
    "build": "pipeline",
    "check": "pipeline",
    "load_project": "load",
    "main": "cli",
    "OutputSpec": "plan",
    "plan_outputs": "plan",
    "ResolvedHandout": "resolve",
    "resolve_handout": "resolve",
}


def __getattr__(name: str) -> Any:
    if name in _HOMES:
        return getattr(import_module(f".{_HOMES[name]}", __name__), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(__all__)
