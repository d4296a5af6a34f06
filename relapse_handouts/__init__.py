"""relapse-handouts: patient handouts on relapsed and refractory childhood ALL.

Stages, each returning a new immutable value: ``load_project`` (source -> Project),
``plan_outputs`` (the matrix), ``resolve_handout`` (variant and locale),
``HtmlRenderer.render`` (HTML documents), ``render_outputs`` (PDF/EPUB/HTML artifacts),
``publish`` (files and manifest). ``build`` runs them in order; ``main`` is the CLI.
"""
from .build import BuildResult, build, check
from .cli import main
from .config import BuildConfig
from .errors import BuildErrors, HandoutError, Location
from .load import load_project
from .plan import OutputSpec, plan_outputs
from .resolve import ResolvedHandout, resolve_handout

__all__ = [
    "BuildConfig", "BuildErrors", "BuildResult", "HandoutError", "Location", "OutputSpec",
    "ResolvedHandout", "build", "check", "load_project", "main", "plan_outputs",
    "resolve_handout",
]
